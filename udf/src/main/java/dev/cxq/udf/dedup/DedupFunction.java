package dev.cxq.udf.dedup;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.rows.OutputTags;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Drops redelivered interaction and recording events, keyed by session: it forwards the first event
 * with an id ({@link #identity}: its platform and {@code event_id}) and drops every later one of
 * the session for at least {@code retention}, counting them in {@code cxq.duplicatesDropped}. A
 * redelivery whose content differs from the first delivery's (same id, other values: a producer
 * reusing ids) is dropped as well, so the first delivery stays the fact, but also counted in {@code
 * cxq.redeliveryConflicts} and logged.
 *
 * <p>It runs before the per-session functions, with state of its own, so a replay that arrives
 * after its session ended and the session functions cleared their state is still recognised: they
 * never see it. The first arrival wins; duplicates carry the same event, so which copy survives
 * does not change any output (only its {@code source} position differs, which no table keeps).
 *
 * <p>State, per session: the ids it has seen in one value ({@link EventIds}: 10 bytes an id, a hash
 * of its identity and of its first delivery's content), kept {@code retention} after the session's
 * last new id (state TTL counts processing time, as the platforms' redelivery windows do; a
 * duplicate does not extend it) and never returned once expired. One value per session rather than
 * one entry per id is what makes the dedup state fit a deployment ({@code docs/benchmarks.md}).
 * Beyond {@link #IDS_IN_VALUE} ids in one session (a hostile or broken producer) further ids go to
 * a map entry each, so that no value grows without bound.
 *
 * <p>Media samples do not come here: the session function recognises their copies by identity
 * (session, media, timestamp) in its own state. In BATCH execution all events of a session arrive
 * together (keyed input is sorted), so the retention plays no role there.
 */
public class DedupFunction extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    /** Ids kept in the session's one value (10 bytes each); further ones in {@code more-ids}. */
    static final int IDS_IN_VALUE = 1024;

    private final Duration retention;

    /** The session's ids, sorted ({@link EventIds}). */
    private transient ValueState<byte[]> ids;

    /** Ids beyond {@link #IDS_IN_VALUE}: identity bits to content bits. */
    private transient MapState<Long, Integer> moreIds;

    /**
     * Copies that arrived behind their split's watermark ({@link CanonicalEvent#lateOnArrival}), by
     * identity bits: the first such copy of an id, held until the watermark passes it, so that an
     * in-time copy of the same id wins whichever comes first (BATCH execution sorts a session's
     * events in no particular order). Cleared by that copy or by its timer, which writes it to
     * {@code late_events}.
     */
    private transient MapState<Long, CanonicalEvent> lateCandidates;

    private transient Redeliveries redeliveries;
    private transient Counter lateEvents;

    /**
     * @param retention how long a session's event ids are remembered after its last new one
     */
    public DedupFunction(Duration retention) {
        requirePositive(retention);
        this.retention = retention;
    }

    static void requirePositive(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("dedup retention must be positive: " + retention);
        }
    }

    /** The TTL of remembered ids: from the first delivery, never returned once expired. */
    static StateTtlConfig fromFirstDelivery(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                // The window starts at the first delivery; duplicates must not extend it.
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // Background cleanup removes expired ids only as state is touched or compacted;
                // savepoints and full checkpoints must not carry them.
                .cleanupFullSnapshot()
                .build();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<byte[]> idsDescriptor =
                new ValueStateDescriptor<>(
                        "session-event-ids", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        idsDescriptor.enableTimeToLive(fromFirstDelivery(retention));
        ids = getRuntimeContext().getState(idsDescriptor);
        MapStateDescriptor<Long, Integer> moreDescriptor =
                new MapStateDescriptor<>("more-session-event-ids", Types.LONG, Types.INT);
        moreDescriptor.enableTimeToLive(fromFirstDelivery(retention));
        moreIds = getRuntimeContext().getMapState(moreDescriptor);
        lateCandidates =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "late-candidates",
                                        Types.LONG,
                                        TypeInformation.of(CanonicalEvent.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("cxq");
        redeliveries = new Redeliveries(metrics);
        lateEvents = metrics.counter("lateEvents");
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        long id = EventIds.idBits(identityHash(identity(event)));
        long content = contentHash(event);
        byte[] seen = ids.value();
        Integer first = firstContent(seen, id);
        if (first != null) {
            redeliveries.dropped(event, first == EventIds.contentBits(content));
            return;
        }
        CanonicalEvent candidate = lateCandidates.get(id);
        if (event.lateOnArrival) {
            if (candidate == null) {
                lateCandidates.put(id, event);
                ctx.timerService().registerEventTimeTimer(event.ts);
            } else {
                redeliveries.dropped();
            }
            return;
        }
        if (candidate != null) {
            lateCandidates.remove(id);
            deleteTimerUnlessShared(ctx, candidate.ts);
            redeliveries.dropped();
        }
        remember(seen, id, content);
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CanonicalEvent> out)
            throws Exception {
        List<Map.Entry<Long, CanonicalEvent>> due = new ArrayList<>();
        for (Map.Entry<Long, CanonicalEvent> entry : lateCandidates.entries()) {
            if (entry.getValue().ts <= timestamp) {
                due.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        for (Map.Entry<Long, CanonicalEvent> entry : due) {
            lateCandidates.remove(entry.getKey());
            CanonicalEvent late = entry.getValue();
            remember(ids.value(), entry.getKey(), contentHash(late));
            lateEvents.inc();
            ctx.output(OutputTags.LATE_EVENTS, CanonicalJson.lateEvent(late));
        }
    }

    /** Candidates may share an instant, and with it the one timer the service keeps for it. */
    private void deleteTimerUnlessShared(Context ctx, long ts) throws Exception {
        Iterator<CanonicalEvent> others = lateCandidates.values().iterator();
        while (others.hasNext()) {
            if (others.next().ts == ts) {
                return;
            }
        }
        ctx.timerService().deleteEventTimeTimer(ts);
    }

    private Integer firstContent(byte[] seen, long id) throws Exception {
        Integer first = EventIds.content(seen, id);
        if (first == null && EventIds.size(seen) >= IDS_IN_VALUE) {
            first = moreIds.get(id);
        }
        return first;
    }

    private void remember(byte[] seen, long id, long content) throws Exception {
        if (EventIds.size(seen) < IDS_IN_VALUE) {
            ids.update(EventIds.with(seen, id, EventIds.contentBits(content)));
        } else {
            moreIds.put(id, EventIds.contentBits(content));
        }
    }

    /**
     * The redelivery identity: the platform and the {@code event_id}. Adapter ids already begin
     * with their platform ({@code genesys:}, {@code nice:}), so they are their own identity, and so
     * are canonical ids; only a canonical id inside an adapter's namespace is qualified, so that it
     * cannot pass for that platform's event. Also the key of {@link PreviousReleaseIds}, whose
     * restored ids are keyed by it.
     */
    public static String identity(CanonicalEvent event) {
        if (event.platform == Platform.CANONICAL && inReservedNamespace(event.eventId)) {
            return "canonical:" + event.eventId;
        }
        return event.eventId;
    }

    private static boolean inReservedNamespace(String eventId) {
        for (Platform platform : Platform.values()) {
            if (platform != Platform.CANONICAL && eventId.startsWith(platform.wireName() + ":")) {
                return true;
            }
        }
        return eventId.startsWith("canonical:");
    }

    /** 64-bit FNV-1a of the identity, then SplitMix64's finaliser: every bit depends on all. */
    static long identityHash(String identity) {
        long z = fnv1a(identity);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @VisibleForTesting
    long redeliveryConflicts() {
        return redeliveries.conflicts();
    }

    /** 64-bit FNV-1a of the event's canonical JSON: what the event says, not where it was read. */
    static long contentHash(CanonicalEvent event) {
        return fnv1a(CanonicalJson.write(event));
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
