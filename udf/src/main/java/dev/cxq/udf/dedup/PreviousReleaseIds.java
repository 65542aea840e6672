package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * The event ids that releases before the per-session dedup remembered, one state entry per id
 * (keyed by {@link EventIdentity#of}, operator {@code dedup-events}). Restored from their
 * savepoint, it drops a redelivery of an id they saw, for one retention after the restore, by when
 * every such id has expired; otherwise it forwards every event to the session function, which
 * remembers new ids per session. It never writes an id: its states are declared with their TTL so
 * that the restored ids expire and leave the snapshots ({@code docs/dedup.md}, "Upgrading").
 *
 * <p>A copy held by those releases as late (their {@code late-candidate}) is forwarded when the
 * watermark passes it, still marked late, so that the per-session dedup decides it as its own.
 */
public class PreviousReleaseIds extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final Duration retention;
    private final Duration mediaSampleRetention;

    /** Content hash of an id's first delivery (the release before this one). */
    private transient ValueState<Long> firstContent;

    /** The flags of the release before content hashes. */
    private transient ValueState<Boolean> seen;

    private transient ValueState<CanonicalEvent> lateCandidate;

    /** Wall-clock millis until which restored ids are consulted; never after a fresh start. */
    private transient long readsUntil = Long.MIN_VALUE;

    private transient Redeliveries redeliveries;

    /**
     * @param retention the event-id retention the previous release kept ids for
     * @param mediaSampleRetention the same for its media-sample ids; not longer than {@code
     *     retention}
     */
    public PreviousReleaseIds(Duration retention, Duration mediaSampleRetention) {
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
    public void initializeState(FunctionInitializationContext context) {
        if (context.isRestored()) {
            readsUntil = System.currentTimeMillis() + retention.toMillis();
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void open(OpenContext openContext) {
        firstContent = remembered("first-content-hash", Types.LONG, retention);
        seen = remembered("seen-event-id", Types.BOOLEAN, retention);
        if (!mediaSampleRetention.equals(retention)) {
            // Media samples no longer come here; declared so that their restored ids expire.
            remembered("first-media-sample-content-hash", Types.LONG, mediaSampleRetention);
            remembered("seen-media-sample-id", Types.BOOLEAN, mediaSampleRetention);
        }
        lateCandidate =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "late-candidate",
                                        TypeInformation.of(CanonicalEvent.class)));
        redeliveries = new Redeliveries(getRuntimeContext().getMetricGroup().addGroup("cxq"));
    }

    private <T> ValueState<T> remembered(String name, TypeInformation<T> type, Duration ttl) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        descriptor.enableTimeToLive(Redeliveries.keptFromFirstDelivery(ttl));
        return getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        if (System.currentTimeMillis() < readsUntil && seenBefore(event)) {
            return;
        }
        out.collect(event);
    }

    private boolean seenBefore(CanonicalEvent event) throws Exception {
        Long first = firstContent.value();
        if (first != null) {
            redeliveries.dropped(event, first == EventIdentity.contentHash(event));
            return true;
        }
        if (seen.value() != null) {
            // Its content is unknown: dropped unchecked.
            redeliveries.dropped();
            return true;
        }
        if (lateCandidate.value() == null) {
            return false;
        }
        if (event.lateOnArrival) {
            redeliveries.dropped();
            return true;
        }
        // An in-time copy wins over the held late one.
        lateCandidate.clear();
        redeliveries.dropped();
        return false;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CanonicalEvent> out)
            throws Exception {
        CanonicalEvent late = lateCandidate.value();
        if (late != null) {
            lateCandidate.clear();
            out.collect(late);
        }
    }

    @VisibleForTesting
    long redeliveryConflicts() {
        return redeliveries.conflicts();
    }
}
