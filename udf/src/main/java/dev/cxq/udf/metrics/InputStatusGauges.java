package dev.cxq.udf.metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-input gauges of the pipeline status operator, in group {@code cxq.input.<input>} (label
 * {@code input} in Prometheus): {@code eventTimeLag} (ms, {@value #UNDEFINED} before the input's
 * first event), {@code status} (0 live, 1 syncing, 2 stalled) and {@code eventsPerMinute}, each the
 * value of the input's last {@code pipeline_status} row (status 0 and lag {@value #UNDEFINED} from
 * its first records until its first row). An input's gauges are registered when the subtask that
 * owns it first sees it. Flink cannot unregister them: once the input is forgotten its {@code
 * status} is {@value #FORGOTTEN} (no alert rule matches it), its other gauges {@value #UNDEFINED}
 * and 0.
 */
public final class InputStatusGauges {

    public static final long UNDEFINED = -1L;

    /** The {@code status} of an input that gets no more rows. */
    public static final int FORGOTTEN = -1;

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

    /** Registers the gauges of {@code input} unless they are. */
    public void seen(String input) {
        byInput.computeIfAbsent(input, this::register);
    }

    /** The input gets no more rows. */
    public void forget(String input) {
        update(input, null, FORGOTTEN, 0);
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
