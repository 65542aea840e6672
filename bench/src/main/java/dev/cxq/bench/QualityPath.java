package dev.cxq.bench;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;

import java.time.Duration;

/**
 * cxq's media-quality detection alone, the counterpart of {@link CepBaseline} on the same input
 * ({@link MediaSamples}): the session-quality function of the job, its alerts and its per-session
 * summary rows. No dedup, interactions, FCR or KPI windows, which CEP does not do either.
 */
final class QualityPath {

    private QualityPath() {}

    /** Adds a media-quality path to a job: {@link #build} or {@link AsyncQualityPath#build}. */
    @FunctionalInterface
    interface Builder {
        void build(
                StreamExecutionEnvironment env,
                Source<RawRecord, ?, ?> source,
                Duration watermarkBound,
                Duration inactivityTimeout,
                QualityThresholds thresholds,
                Sink<QualityAlert> alerts);
    }

    @SuppressWarnings("unchecked")
    static void build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Duration watermarkBound,
            Duration inactivityTimeout,
            QualityThresholds thresholds,
            Sink<QualityAlert> alerts) {
        KeyedStream<CanonicalEvent, String> samples =
                MediaSamples.bySession(env, source, watermarkBound);
        // An operator since issue 17, a KeyedProcessFunction in earlier releases: the A/B runs
        // either jar's.
        Object quality = new SessionQualityFunction(inactivityTimeout, thresholds);
        SingleOutputStreamOperator<SessionQuality> sessionQuality =
                quality instanceof OneInputStreamOperator<?, ?>
                        ? samples.transform(
                                "Session quality",
                                TypeInformation.of(SessionQuality.class),
                                (OneInputStreamOperator<CanonicalEvent, SessionQuality>) quality)
                        : samples.process(
                                        (KeyedProcessFunction<
                                                        String, CanonicalEvent, SessionQuality>)
                                                quality)
                                .name("Session quality");
        sessionQuality.uid("session-quality");
        sessionQuality
                .sinkTo(new CountingDiscardSink<>("session_quality"))
                .uid("sink-session-quality")
                .name("session_quality");
        sessionQuality
                .getSideOutput(OutputTags.QUALITY_ALERTS)
                .sinkTo(alerts)
                .uid("sink-quality-alerts")
                .name("quality_alerts");
    }
}
