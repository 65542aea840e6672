package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Drops redelivered events: keyed by {@code event_id}, it forwards the first event with an id and
 * drops every later one for {@code retention}, counting them in {@code cxq.duplicatesDropped}.
 *
 * <p>It runs before the per-session functions, on its own key, so a replay that arrives after its
 * session ended and the session's state was cleared is still recognised: the session functions
 * never see it. The first arrival wins; duplicates carry the same event, so which copy survives
 * does not change any output (only its {@code source} position differs, which no table keeps).
 *
 * <p>State: one flag per event id, kept {@code retention} after the id was first seen (state TTL
 * counts processing time, as the platforms' redelivery windows do) and never returned once expired,
 * so state is bounded by the event rate times the retention. In BATCH execution all copies of an id
 * arrive together (keyed input is sorted), so the retention plays no role there.
 */
public class DedupFunction extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    private final Duration retention;

    /** Set when the id has been forwarded once; expires {@code retention} after that. */
    private transient ValueState<Boolean> seen;

    private transient Counter duplicatesDropped;

    public DedupFunction(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("dedup retention must be positive: " + retention);
        }
        this.retention = retention;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor =
                new ValueStateDescriptor<>("seen-event-id", Types.BOOLEAN);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(retention)
                        // The window starts at the first delivery; duplicates must not extend it.
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicatesDropped =
                getRuntimeContext().getMetricGroup().addGroup("cxq").counter("duplicatesDropped");
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        if (seen.value() != null) {
            duplicatesDropped.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
