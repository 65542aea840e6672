package dev.cxq.bench;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a Flink user would write instead of cxq's detector: the 30-second sustained-degradation rule
 * as a CEP pattern over the media samples keyed by session. A degraded sample {@code t0}, then only
 * degraded samples before {@code t0 + 30 s}, then any sample at or after it fires (a sample exactly
 * at {@code t0 + 30 s} does not cancel, as in cxq).
 *
 * <p>It is simpler than cxq's rule: it has no resolution (a degradation longer than 60 s would fire
 * again), needs a sample at or after {@code t0 + 30 s} to fire (cxq fires on the watermark) and
 * computes no incident key, severity or session summary. {@link SampleStream} keeps within the
 * inputs where both agree.
 *
 * <p>On RocksDB its cost per event grows with the events already processed, whatever the pattern:
 * Flink's {@code CepOperator} advances the NFA's time twice per event, and each advance seeks the
 * shared buffer's per-timestamp event counter three times (iterate, {@code isEmpty}, {@code
 * clear}); that map is empty almost always, so each seek runs over the tombstones its removals
 * left, which only compaction drops. Hence the A/B runs it on a smaller input of its own.
 */
public final class CepBaseline {

    private CepBaseline() {}

    public static void build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Duration watermarkBound,
            QualityThresholds thresholds,
            Sink<Incident> incidents) {
        KeyedStream<CanonicalEvent, String> samples =
                MediaSamples.bySession(env, source, watermarkBound);
        CEP.pattern(samples, sustainedDegradation(thresholds))
                .process(new Fire(thresholds.fireAfter().toMillis()))
                .uid("cep-degradation")
                .name("CEP sustained degradation")
                .sinkTo(incidents)
                .uid("sink-incidents")
                .name("incidents");
    }

    static Pattern<CanonicalEvent, CanonicalEvent> sustainedDegradation(
            QualityThresholds thresholds) {
        long fireAfter = thresholds.fireAfter().toMillis();
        return Pattern.<CanonicalEvent>begin("t0", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Degraded(thresholds))
                .next("held")
                .where(new DegradedBefore(thresholds, fireAfter))
                .oneOrMore()
                .optional()
                .consecutive()
                .next("fire")
                .where(new AtOrAfter(fireAfter));
    }

    private static final class Degraded extends SimpleCondition<CanonicalEvent> {
        private final QualityThresholds thresholds;

        Degraded(QualityThresholds thresholds) {
            this.thresholds = thresholds;
        }

        @Override
        public boolean filter(CanonicalEvent sample) {
            return SampleAssessment.of(sample, thresholds).degraded();
        }
    }

    private static final class DegradedBefore extends IterativeCondition<CanonicalEvent> {
        private final QualityThresholds thresholds;
        private final long fireAfter;

        DegradedBefore(QualityThresholds thresholds, long fireAfter) {
            this.thresholds = thresholds;
            this.fireAfter = fireAfter;
        }

        @Override
        public boolean filter(CanonicalEvent sample, Context<CanonicalEvent> ctx) throws Exception {
            long t0 = ctx.getEventsForPattern("t0").iterator().next().ts;
            return sample.ts < t0 + fireAfter && SampleAssessment.of(sample, thresholds).degraded();
        }
    }

    private static final class AtOrAfter extends IterativeCondition<CanonicalEvent> {
        private final long fireAfter;

        AtOrAfter(long fireAfter) {
            this.fireAfter = fireAfter;
        }

        @Override
        public boolean filter(CanonicalEvent sample, Context<CanonicalEvent> ctx) throws Exception {
            long t0 = ctx.getEventsForPattern("t0").iterator().next().ts;
            return sample.ts >= t0 + fireAfter;
        }
    }

    private static final class Fire extends PatternProcessFunction<CanonicalEvent, Incident> {
        private final long fireAfter;

        Fire(long fireAfter) {
            this.fireAfter = fireAfter;
        }

        @Override
        public void processMatch(
                Map<String, List<CanonicalEvent>> match, Context ctx, Collector<Incident> out) {
            CanonicalEvent t0 = match.get("t0").get(0);
            out.collect(new Incident(t0.sessionId, t0.ts + fireAfter));
        }
    }
}
