package dev.cxq.job;

import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.DeadLetter;
import dev.cxq.udf.OutputTags;
import dev.cxq.udf.dedup.DedupFunction;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.parse.ParseFunction;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The cxq topology. It takes its source and sinks as parameters, so the command line, the demo and
 * the tests run the same wiring with different ends.
 *
 * <pre>
 * source ─▶ parse ─┬─▶ watermarks ─▶ keyBy(event_id) ─▶ dedup ─▶ keyBy(session_id) ─▶ session quality ─▶ session_quality
 *                  │                                                                            └─(late)─▶ late_events
 *                  └─(rejected)──────────────────────────────────────────────────────────────────────────▶ rejected_events
 * </pre>
 */
public final class CxqPipeline {

    private final Source<RawRecord, ?, ?> source;
    private final CxqSinks sinks;
    private final PipelineSettings settings;

    /** Watermarks generated inside the source (per Kafka partition), or null: after parsing. */
    private WatermarkStrategy<RawRecord> sourceWatermarks;

    /** Where rejected and late events are also written, or null. */
    private Sink<DeadLetter> deadLetters;

    public CxqPipeline(Source<RawRecord, ?, ?> source, CxqSinks sinks, PipelineSettings settings) {
        this.source = source;
        this.sinks = sinks;
        this.settings = settings;
    }

    /**
     * Generates watermarks in the source with {@code strategy} instead of after parsing: for
     * partitioned sources, whose partitions must each hold event time back (see {@code
     * KafkaInput#watermarks}).
     */
    public CxqPipeline withSourceWatermarks(WatermarkStrategy<RawRecord> strategy) {
        this.sourceWatermarks = strategy;
        return this;
    }

    /** Also writes rejected and late events to {@code sink} (the dead-letter topic). */
    public CxqPipeline withDeadLetters(Sink<DeadLetter> sink) {
        this.deadLetters = sink;
        return this;
    }

    /** Adds the topology to {@code env}; the caller executes it. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw =
                env.fromSource(
                                source,
                                sourceWatermarks != null
                                        ? sourceWatermarks
                                        : WatermarkStrategy.noWatermarks(),
                                "Input records")
                        .uid("input-records");

        SingleOutputStreamOperator<CanonicalEvent> parsed =
                raw.process(new ParseFunction()).uid("parse-events").name("Parse events");

        parsed.getSideOutput(OutputTags.REJECTED_EVENTS)
                .sinkTo(sinks.rejectedEvents())
                .uid("sink-rejected-events")
                .name("rejected_events");

        // Events carry their time from the source's watermarks, or get it here.
        DataStream<CanonicalEvent> timestamped = parsed;
        if (sourceWatermarks == null) {
            timestamped =
                    parsed.assignTimestampsAndWatermarks(
                                    WatermarkStrategy.<CanonicalEvent>forBoundedOutOfOrderness(
                                                    settings.maxOutOfOrderness())
                                            .withTimestampAssigner((event, previous) -> event.ts))
                            .uid("event-time")
                            .name("Event time and watermarks");
        }

        // Before every per-session function, on its own key: a redelivery is dropped even after
        // its session's state is gone. Every function below reads these deduplicated events.
        DataStream<CanonicalEvent> events =
                timestamped
                        .keyBy(event -> event.eventId)
                        .process(new DedupFunction(settings.dedupRetention()))
                        .uid("dedup-events")
                        .name("Drop redelivered events");

        SingleOutputStreamOperator<SessionQuality> sessionQuality =
                events.keyBy(event -> event.sessionId)
                        .process(new SessionQualityFunction(settings.sessionInactivityTimeout()))
                        .uid("session-quality")
                        .name("Session quality");

        sessionQuality
                .sinkTo(sinks.sessionQuality())
                .uid("sink-session-quality")
                .name("session_quality");

        sessionQuality
                .getSideOutput(OutputTags.LATE_EVENTS)
                .sinkTo(sinks.lateEvents())
                .uid("sink-late-events")
                .name("late_events");

        if (deadLetters != null) {
            parsed.getSideOutput(OutputTags.REJECTED_EVENTS)
                    .map(DeadLetter::rejected)
                    .uid("dead-letter-rejected")
                    .name("Rejected as dead letters")
                    .union(
                            sessionQuality
                                    .getSideOutput(OutputTags.LATE_EVENTS)
                                    .map(DeadLetter::late)
                                    .uid("dead-letter-late")
                                    .name("Late as dead letters"))
                    .sinkTo(deadLetters)
                    .uid("sink-dead-letters")
                    .name("Dead-letter topic");
        }
    }
}
