package dev.cxq.udf.metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Gauge {@code cxq.eventTimeLag}: how far the operator's event time is behind the wall clock, in
 * milliseconds — processing time minus the current watermark, taken whenever the operator sees an
 * event or a timer. It grows when the watermark stalls (a lagging or stuck source split) or when
 * the job is behind its input; it is not recomputed while the subtask receives nothing, so a quiet
 * subtask does not report a growing lag. {@value #UNDEFINED} until a watermark has been seen, and
 * in BATCH execution (no watermarks until the end of input).
 */
public final class EventTimeLag implements Gauge<Long> {

    public static final long UNDEFINED = -1L;

    private volatile long lagMillis = UNDEFINED;

    /** Registers the gauge in group {@code cxq} of {@code operatorGroup}. */
    public static EventTimeLag register(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("cxq").gauge("eventTimeLag", new EventTimeLag());
    }

    /** Records the lag at {@code processingTime} given the operator's current watermark. */
    public void observe(long processingTime, long watermark) {
        if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
            lagMillis = processingTime - watermark;
        }
    }

    @Override
    public Long getValue() {
        return lagMillis;
    }
}
