package dev.cxq.udf.status;

import dev.cxq.udf.model.WireEnum;
import dev.cxq.udf.rows.PipelineStatus;

/**
 * The status decision of one input, a pure state machine (no Flink calls): fed with each minute's
 * record count and the input's largest event time, it decides the minute's status by the rule of
 * docs/design.md ("pipeline_status"):
 *
 * <ol>
 *   <li>no record in the minute: {@code stalled} ({@code no_events});
 *   <li>else event-time lag above the threshold: {@code syncing} ({@code lag_over_threshold});
 *   <li>else, when the previous minute was {@code stalled} or {@code syncing}, more records than
 *       {@code burstFactor} times the live rate: {@code syncing} ({@code backlog_burst});
 *   <li>else {@code live}.
 * </ol>
 *
 * The live rate is an exponentially weighted mean (weight {@value #RATE_WEIGHT} for the newest) of
 * the records per minute of {@code live} minutes only, so a burst never raises it. A POJO: it is
 * the function's keyed state.
 */
public class InputStatusTracker {

    /** Weight of the newest live minute in the live rate. */
    static final double RATE_WEIGHT = 0.2;

    /** The previous minute's status by wire name, null before the first row. */
    public String status;

    /** Start of the first minute of the current run of {@link #status}. */
    public long statusSince;

    /** Records per live minute (weighted mean), negative before the first live minute. */
    public double liveRate = -1;

    /** The largest event time read from the input, {@link Long#MIN_VALUE} before any. */
    public long maxEventTime = Long.MIN_VALUE;

    /** End of the last minute that had records. */
    public long lastRecordsEnd;

    /** Start of the minute whose row is written next. */
    public long openMinute;

    public InputStatusTracker() {}

    /** Takes in the largest event time of a pre-aggregate. */
    public void observe(long eventTime) {
        maxEventTime = Math.max(maxEventTime, eventTime);
    }

    /**
     * Decides the minute starting at {@code minuteStart} in which {@code records} were read, at
     * wall clock {@code now}, and returns its row.
     */
    public PipelineStatus close(
            String input,
            long minuteStart,
            long records,
            long now,
            PipelineStatusSettings settings) {
        Long watermark =
                maxEventTime == Long.MIN_VALUE
                        ? null
                        // As the source's bounded-out-of-orderness generator: max - bound - 1.
                        : maxEventTime - settings.maxOutOfOrderness().toMillis() - 1;
        Long lag = watermark == null ? null : now - watermark;
        InputStatus previous =
                status == null ? InputStatus.LIVE : WireEnum.fromWire(InputStatus.class, status);
        InputStatus decided;
        String reason;
        if (records == 0) {
            decided = InputStatus.STALLED;
            reason = "no_events";
        } else if (lag != null && lag > settings.lagThreshold().toMillis()) {
            decided = InputStatus.SYNCING;
            reason = "lag_over_threshold";
        } else if (previous != InputStatus.LIVE
                && liveRate > 0
                && records > settings.burstFactor() * liveRate) {
            decided = InputStatus.SYNCING;
            reason = "backlog_burst";
        } else {
            decided = InputStatus.LIVE;
            reason = null;
            liveRate = liveRate < 0 ? records : liveRate + RATE_WEIGHT * (records - liveRate);
        }
        if (status == null || decided != previous) {
            statusSince = minuteStart;
        }
        status = decided.wireName();
        if (records > 0) {
            lastRecordsEnd = minuteStart + settings.interval().toMillis();
        }
        return new PipelineStatus(
                input, minuteStart, watermark, lag, records, status, reason, statusSince);
    }

    /** Whether the input has had no record for {@code forgetAfter} at {@code now}. */
    public boolean forgotten(long now, PipelineStatusSettings settings) {
        return now - lastRecordsEnd >= settings.forgetAfter().toMillis();
    }
}
