package dev.cxq.udf.status;

import java.io.Serializable;
import java.time.Duration;

/**
 * The rules of {@code pipeline_status} (docs/design.md, "pipeline_status").
 *
 * @param interval length of a status row's period: one minute (shorter only in tests)
 * @param grace how long after a minute's end its row waits for the pre-aggregates of every source
 *     subtask
 * @param lagThreshold an input whose event-time lag is above this is {@code syncing}
 * @param burstFactor an input coming out of {@code stalled} or {@code syncing} stays {@code
 *     syncing} while it reads more than this many times its live rate per minute
 * @param forgetAfter an input without records for this long gets no more rows and its state is
 *     cleared (a finished file, a partition moved elsewhere)
 * @param maxOutOfOrderness the watermark bound of the sources, to derive an input's watermark from
 *     its largest event time as the source does
 */
public record PipelineStatusSettings(
        Duration interval,
        Duration grace,
        Duration lagThreshold,
        double burstFactor,
        Duration forgetAfter,
        Duration maxOutOfOrderness)
        implements Serializable {

    public static final Duration MINUTE = Duration.ofMinutes(1);

    /** The grace of a one-minute interval: source subtasks flush at the minute's end. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public PipelineStatusSettings {
        if (interval.isNegative() || interval.isZero() || grace.compareTo(interval) >= 0) {
            throw new IllegalArgumentException(
                    "interval must be positive and above the grace: " + interval + ", " + grace);
        }
        if (!(burstFactor > 1)) {
            throw new IllegalArgumentException("burst factor must be above 1: " + burstFactor);
        }
    }

    /**
     * One-minute rows: a 2 min lag threshold, bursts at 3 times the live rate, forgotten after 1 h.
     */
    public static PipelineStatusSettings defaults(Duration maxOutOfOrderness) {
        return new PipelineStatusSettings(
                MINUTE,
                DEFAULT_GRACE,
                Duration.ofMinutes(2),
                3.0,
                Duration.ofHours(1),
                maxOutOfOrderness);
    }
}
