package dev.cxq.udf.metrics;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.Platform;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * The ingestion counters of group {@code cxq}, kept in one place so that their names stay the same
 * whichever operator decodes the input (today {@code parse-events}):
 *
 * <ul>
 *   <li>{@code eventsParsed}: valid canonical events produced;
 *   <li>{@code kind.<kind>.platform.<platform>.eventsIn}: the same, by event kind and origin
 *       (labels {@code kind} and {@code platform} in Prometheus);
 *   <li>{@code reason.<code>.eventsRejected}: rejected records by reason code.
 * </ul>
 *
 * <p>The kind × platform counters are all registered up front: both are enums (9 series), and a
 * counter that exists at 0 lets {@code rate()} and "stopped receiving" alerts work from the start.
 * Reason codes are a fixed vocabulary of the parser, so their counters are created on first use.
 */
public final class IngestMetrics {

    private final MetricGroup group;
    private final Counter eventsParsed;
    private final Counter[][] eventsIn;
    private final Map<String, Counter> rejectedByReason = new HashMap<>();

    /** Registers the counters in group {@code cxq} of {@code operatorGroup}. */
    public IngestMetrics(MetricGroup operatorGroup) {
        group = operatorGroup.addGroup("cxq");
        eventsParsed = group.counter("eventsParsed");
        EventKind[] kinds = EventKind.values();
        Platform[] platforms = Platform.values();
        eventsIn = new Counter[kinds.length][platforms.length];
        for (EventKind kind : kinds) {
            MetricGroup byKind = group.addGroup("kind", kind.wireName());
            for (Platform platform : platforms) {
                eventsIn[kind.ordinal()][platform.ordinal()] =
                        byKind.addGroup("platform", platform.wireName()).counter("eventsIn");
            }
        }
    }

    /** Counts one valid event. */
    public void accepted(CanonicalEvent event) {
        eventsParsed.inc();
        eventsIn[event.kind.ordinal()][event.platform.ordinal()].inc();
    }

    /** Counts one rejected record. */
    public void rejected(String reason) {
        rejectedByReason
                .computeIfAbsent(
                        reason, code -> group.addGroup("reason", code).counter("eventsRejected"))
                .inc();
    }
}
