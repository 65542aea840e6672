package dev.cxq.job.cli;

import dev.cxq.udf.parse.EventTimeLimits;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;

/**
 * Event time: the watermark bound, session end, the latest event time accepted (docs/design.md,
 * "Event-time plausibility"), and how long redelivered event ids are remembered.
 */
final class EventTimeCliOptions {

    @Config(key = "events.source-idleness", rule = "positive")
    @Option(
            names = "--source-idleness",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "A source split (Kafka partition, replayed file) without records for this long"
                            + " stops holding event time back.")
    Duration sourceIdleness;

    @Config(key = "events.max-out-of-orderness", rule = "not negative")
    @Option(
            names = "--max-out-of-orderness",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Watermark bound: how late events may arrive and still count in order.")
    Duration maxOutOfOrderness;

    @Config(key = "events.session-timeout", rule = "positive")
    @Option(
            names = "--session-timeout",
            defaultValue = "30m",
            converter = DurationConverter.class,
            description = "Event time without any event after which a session ends.")
    Duration sessionTimeout;

    @Config(key = "events.dedup-retention", rule = "positive")
    @Option(
            names = "--dedup-retention",
            defaultValue = "48h",
            converter = DurationConverter.class,
            description = "How long a seen event_id is remembered, to drop platform redeliveries.")
    Duration dedupRetention;

    @Config(
            key = "events.dedup-retention-media-samples",
            rule = "positive; not above events.dedup-retention",
            shownDefault = "events.dedup-retention")
    @Option(
            names = "--dedup-retention-media-samples",
            converter = DurationConverter.class,
            description =
                    "How long a media sample's event_id is remembered, if shorter: a sample"
                            + " redelivered later changes no quality output, it goes to"
                            + " late_events. Most of the dedup state (docs/dedup.md).")
    Duration mediaSampleDedupRetention;

    @Config(key = "events.future-tolerance", rule = "not negative")
    @Option(
            names = "--future-tolerance",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description =
                    "How far ahead of the clock an event's ts may be; a later one is rejected"
                            + " (timestamp_in_future) and never moves event time.")
    Duration futureTolerance;

    @Config(key = "events.reference-now", rule = "an ISO-8601 instant")
    @Option(
            names = "--reference-now",
            paramLabel = "INSTANT",
            description =
                    "The \"now\" the future check compares with, instead of the clock: for a replay"
                            + " of input whose timestamps run ahead of this machine's clock"
                            + " (ISO-8601, e.g. 2030-01-01T00:00:00Z).")
    Instant referenceNow;

    EventTimeLimits limits() {
        return new EventTimeLimits(futureTolerance, referenceNow);
    }
}
