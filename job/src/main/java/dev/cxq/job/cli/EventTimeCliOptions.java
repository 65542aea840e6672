package dev.cxq.job.cli;

import dev.cxq.udf.ingest.EventTimeLimits;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;

/**
 * Event time: the watermark bound, session end, the latest event time accepted (docs/design.md,
 * "Event-time plausibility"), and how long redelivered event ids are remembered.
 */
final class EventTimeCliOptions {

    static final String SOURCE_IDLENESS = "--source-idleness";

    @Config(key = "events.source-idleness", rule = "positive")
    @Option(
            names = SOURCE_IDLENESS,
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "A source split (Kafka partition, replayed file) without records for this long"
                            + " stops holding event time back.")
    Duration sourceIdleness;

    static final String MAX_OUT_OF_ORDERNESS = "--max-out-of-orderness";

    @Config(key = "events.max-out-of-orderness", rule = "not negative")
    @Option(
            names = MAX_OUT_OF_ORDERNESS,
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Watermark bound: how late events may arrive and still count in order.")
    Duration maxOutOfOrderness;

    static final String SESSION_TIMEOUT = "--session-timeout";

    @Config(key = "events.session-timeout", rule = "positive")
    @Option(
            names = SESSION_TIMEOUT,
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "Event time without any event after which a session ends.")
    Duration sessionTimeout;

    static final String DEDUP_RETENTION = "--dedup-retention";

    @Config(key = "events.dedup-retention", rule = "positive")
    @Option(
            names = DEDUP_RETENTION,
            defaultValue = "48h",
            converter = DurationConverter.class,
            description = "How long a seen event_id is remembered, to drop platform redeliveries.")
    Duration dedupRetention;

    static final String DEDUP_RETENTION_MEDIA_SAMPLES = "--dedup-retention-media-samples";

    @Config(
            key = "events.dedup-retention-media-samples",
            rule = "positive; not above events.dedup-retention",
            shownDefault = "events.dedup-retention")
    @Option(
            names = DEDUP_RETENTION_MEDIA_SAMPLES,
            converter = DurationConverter.class,
            description =
                    "How long an ended session's media samples are remembered, if shorter: a"
                            + " sample redelivered later changes no quality output, it goes to"
                            + " late_events (docs/dedup.md).")
    Duration mediaSampleDedupRetention;

    static final String FUTURE_TOLERANCE = "--future-tolerance";

    // Well above NTP-synchronised clock skew, below any KPI window.
    @Config(key = "events.future-tolerance", rule = "not negative")
    @Option(
            names = FUTURE_TOLERANCE,
            defaultValue = "1m",
            converter = DurationConverter.class,
            description =
                    "How far ahead of the clock an event's ts may be; a later one is rejected"
                            + " (timestamp_in_future) and never moves event time.")
    Duration futureTolerance;

    static final String REFERENCE_NOW = "--reference-now";

    @Config(key = "events.reference-now", rule = "an ISO-8601 instant")
    @Option(
            names = REFERENCE_NOW,
            paramLabel = "INSTANT",
            description =
                    "The \"now\" the future check compares with, instead of the clock: for a replay"
                            + " of input whose timestamps run ahead of this machine's clock"
                            + " (ISO-8601, e.g. 2030-01-01T00:00:00Z).")
    Instant referenceNow;

    EventTimeLimits limits() {
        return new EventTimeLimits(futureTolerance, referenceNow);
    }

    void validate(Problems problems) {
        problems.positive(SOURCE_IDLENESS, sourceIdleness);
        problems.notNegative(MAX_OUT_OF_ORDERNESS, maxOutOfOrderness);
        problems.notNegative(FUTURE_TOLERANCE, futureTolerance);
        problems.positive(SESSION_TIMEOUT, sessionTimeout);
        problems.positive(DEDUP_RETENTION, dedupRetention);
        if (mediaSampleDedupRetention != null) {
            problems.positive(DEDUP_RETENTION_MEDIA_SAMPLES, mediaSampleDedupRetention);
            if (mediaSampleDedupRetention.compareTo(dedupRetention) > 0) {
                problems.add(
                        problems.name(DEDUP_RETENTION_MEDIA_SAMPLES)
                                + " must not be above "
                                + problems.name(DEDUP_RETENTION)
                                + " ("
                                + dedupRetention
                                + "): "
                                + mediaSampleDedupRetention);
            }
        }
    }
}
