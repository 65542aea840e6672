package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;

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
 * so state is bounded by the event rate times the retention. Media samples are most events and the
 * reason that bound is large (docs/benchmarks.md): their ids may be kept for a shorter {@code
 * mediaSampleRetention}, in a state of their own. A sample redelivered after that is behind the
 * watermark, so it changes no quality output; it is recorded in {@code late_events}. In BATCH
 * execution all copies of an id arrive together (keyed input is sorted), so the retentions play no
 * role there.
 */
public class DedupFunction extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    private final Duration retention;
    private final Duration mediaSampleRetention;

    /** Set when the id has been forwarded once; expires {@code retention} after that. */
    private transient ValueState<Boolean> seen;

    /** {@link #seen} for media samples: the same state unless their retention is shorter. */
    private transient ValueState<Boolean> seenMediaSample;

    private transient Counter duplicatesDropped;

    /**
     * @param retention how long an event id is remembered after its first delivery
     * @param mediaSampleRetention the same for media samples; not longer than {@code retention}
     */
    public DedupFunction(Duration retention, Duration mediaSampleRetention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("dedup retention must be positive: " + retention);
        }
        if (mediaSampleRetention.isNegative()
                || mediaSampleRetention.isZero()
                || mediaSampleRetention.compareTo(retention) > 0) {
            throw new IllegalArgumentException(
                    "media-sample dedup retention must be positive and not above "
                            + retention
                            + ": "
                            + mediaSampleRetention);
        }
        this.retention = retention;
        this.mediaSampleRetention = mediaSampleRetention;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = seenIds("seen-event-id", retention);
        seenMediaSample =
                mediaSampleRetention.equals(retention)
                        ? seen
                        : seenIds("seen-media-sample-id", mediaSampleRetention);
        duplicatesDropped =
                getRuntimeContext().getMetricGroup().addGroup("cxq").counter("duplicatesDropped");
    }

    private ValueState<Boolean> seenIds(String name, Duration ttl) {
        ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>(name, Types.BOOLEAN);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        // The window starts at the first delivery; duplicates must not extend it.
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        return getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        ValueState<Boolean> ids = event.kind == EventKind.MEDIA_SAMPLE ? seenMediaSample : seen;
        if (ids.value() != null) {
            duplicatesDropped.inc();
            return;
        }
        ids.update(Boolean.TRUE);
        out.collect(event);
    }
}
