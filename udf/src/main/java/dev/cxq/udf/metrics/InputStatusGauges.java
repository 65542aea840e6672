package dev.cxq.udf.metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-input gauges of the pipeline status operator, in group {@code cxq.input.<input>} (label
 * {@code input} in Prometheus): {@code eventTimeLag} (ms, {@value #UNDEFINED} before the input's
 * first event), {@code status} (0 live, 1 syncing, 2 stalled) and {@code eventsPerMinute}, each the
 * value of the input's last {@code pipeline_status} row. An input's gauges are registered at its
 * first row on the subtask that owns it and keep their last values until the task restarts.
 */
public final class InputStatusGauges {

    public static final long UNDEFINED = -1L;

    private final MetricGroup group;
    private final Map<String, Values> byInput = new HashMap<>();

    public InputStatusGauges(MetricGroup operatorGroup) {
        group = operatorGroup.addGroup("cxq");
    }

    /** Sets the gauges of {@code input}, registering them at its first call. */
    public void update(String input, Long eventTimeLag, int status, long eventsPerMinute) {
        Values values = byInput.computeIfAbsent(input, this::register);
        values.eventTimeLag = eventTimeLag == null ? UNDEFINED : eventTimeLag;
        values.status = status;
        values.eventsPerMinute = eventsPerMinute;
    }

    private Values register(String input) {
        Values values = new Values();
        MetricGroup byInput = group.addGroup("input", input);
        byInput.gauge("eventTimeLag", (Gauge<Long>) () -> values.eventTimeLag);
        byInput.gauge("status", (Gauge<Integer>) () -> values.status);
        byInput.gauge("eventsPerMinute", (Gauge<Long>) () -> values.eventsPerMinute);
        return values;
    }

    /** Written by the task thread, read by the reporter's. */
    private static final class Values {
        volatile long eventTimeLag = UNDEFINED;
        volatile int status;
        volatile long eventsPerMinute;
    }
}
