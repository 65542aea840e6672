package dev.cxq.job.cli;

import dev.cxq.udf.parse.EventTimeLimits;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;

/** The latest event time accepted (docs/design.md, "Event-time plausibility"). */
final class EventTimeCliOptions {

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
