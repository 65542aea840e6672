package dev.cxq.udf.dedup;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.rows.OutputTags;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Drops redelivered events: keyed by the event's {@link #identity} (its platform and {@code
 * event_id}), it forwards the first event with an id and drops every later one for {@code
 * retention}, counting them in {@code cxq.duplicatesDropped}. A redelivery whose content differs
 * from the first delivery's (same id, other values: a producer reusing ids) is dropped as well, so
 * the first delivery stays the fact, but also counted in {@code cxq.redeliveryConflicts} and
 * logged.
 *
 * <p>It runs before the per-session functions, on its own key, so a replay that arrives after its
 * session ended and the session's state was cleared is still recognised: the session functions
 * never see it. The first arrival wins; duplicates carry the same event, so which copy survives
 * does not change any output (only its {@code source} position differs, which no table keeps).
 *
 * <p>State: per event id, a 64-bit hash of its first delivery's content (its canonical JSON,
 * without the source position), kept {@code retention} after the id was first seen (state TTL
 * counts processing time, as the platforms' redelivery windows do) and never returned once expired,
 * so state is bounded by the event rate times the retention. Releases before it kept a flag per id
 * ({@code seen-event-id}, {@code seen-media-sample-id}); restored from their savepoint, it also
 * consults those flags, read only, for one retention after the restore, by when every one has
 * expired. Media samples are most events and the reason that bound is large (docs/benchmarks.md):
 * their ids may be kept for a shorter {@code mediaSampleRetention}, in a state of their own. A
 * sample redelivered after that is behind the watermark, so it changes no quality output; it is
 * recorded in {@code late_events}. In BATCH execution all copies of an id arrive together (keyed
 * input is sorted), so the retentions play no role there.
 */
public class DedupFunction extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DedupFunction.class);

    /** Conflicts logged one by one; beyond, one line per this many (a flood is a producer bug). */
    private static final long CONFLICTS_LOGGED = 100;

    private static final long CONFLICT_LOG_EVERY = 10_000;

    private final Duration retention;
    private final Duration mediaSampleRetention;

    /**
     * Content hash of the id's first delivery, set when it was forwarded; expires {@code retention}
     * after that.
     */
    private transient ValueState<Long> firstContent;

    /**
     * {@link #firstContent} for media samples: the same state unless their retention is shorter.
     */
    private transient ValueState<Long> firstMediaSampleContent;

    /** The previous release's flags, read only ({@link #legacyReadsUntil}). */
    private transient ValueState<Boolean> legacySeen;

    private transient ValueState<Boolean> legacySeenMediaSample;

    /**
     * Wall-clock millis until which the previous release's flags are consulted: one retention after
     * a restore, when the last of them expires; never after a fresh start.
     */
    private transient long legacyReadsUntil = Long.MIN_VALUE;

    /**
     * The first copy of the id that arrived behind its split's watermark ({@link
     * CanonicalEvent#lateOnArrival}), held until the watermark passes it: an in-time copy of the
     * same id wins over it whichever comes first, because BATCH execution sorts the copies of an id
     * in no particular order. Cleared by that copy or by its timer, which writes it to {@code
     * late_events}.
     */
    private transient ValueState<CanonicalEvent> lateCandidate;

    private transient Counter duplicatesDropped;
    private transient Counter redeliveryConflicts;
    private transient Counter lateEvents;

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
    public void initializeState(FunctionInitializationContext context) {
        if (context.isRestored()) {
            legacyReadsUntil = System.currentTimeMillis() + retention.toMillis();
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void open(OpenContext openContext) {
        boolean sameRetention = mediaSampleRetention.equals(retention);
        firstContent = remembered("first-content-hash", Types.LONG, retention);
        firstMediaSampleContent =
                sameRetention
                        ? firstContent
                        : remembered(
                                "first-media-sample-content-hash",
                                Types.LONG,
                                mediaSampleRetention);
        legacySeen = remembered("seen-event-id", Types.BOOLEAN, retention);
        legacySeenMediaSample =
                sameRetention
                        ? legacySeen
                        : remembered("seen-media-sample-id", Types.BOOLEAN, mediaSampleRetention);
        var metrics = getRuntimeContext().getMetricGroup().addGroup("cxq");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        redeliveryConflicts = metrics.counter("redeliveryConflicts");
        lateEvents = metrics.counter("lateEvents");
        lateCandidate =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "late-candidate",
                                        TypeInformation.of(CanonicalEvent.class)));
    }

    private <T> ValueState<T> remembered(String name, TypeInformation<T> type, Duration ttl) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        // The window starts at the first delivery; duplicates must not extend it.
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        // Background cleanup removes expired ids only as state is touched or
                        // compacted; savepoints and full checkpoints must not carry them.
                        .cleanupFullSnapshot()
                        .build());
        return getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
            throws Exception {
        boolean sample = event.kind == EventKind.MEDIA_SAMPLE;
        ValueState<Long> firsts = sample ? firstMediaSampleContent : firstContent;
        Long first = firsts.value();
        if (first == null && seenByPreviousRelease(sample)) {
            // Its content is unknown: dropped unchecked.
            duplicatesDropped.inc();
            return;
        }
        if (event.lateOnArrival && first == null) {
            if (lateCandidate.value() == null) {
                lateCandidate.update(event);
                ctx.timerService().registerEventTimeTimer(event.ts);
            } else {
                duplicatesDropped.inc();
            }
            return;
        }
        long content = contentHash(event);
        if (first != null) {
            duplicatesDropped.inc();
            if (first != content) {
                redeliveryConflicts.inc();
                long count = redeliveryConflicts.getCount();
                if (count <= CONFLICTS_LOGGED || count % CONFLICT_LOG_EVERY == 0) {
                    LOG.warn(
                            "Redelivery of event {} ({}) at {} differs from its first delivery;"
                                    + " the first is kept ({} conflicts so far)",
                            event.eventId,
                            event.platform.wireName(),
                            event.source,
                            count);
                }
            }
            return;
        }
        if (lateCandidate.value() != null) {
            lateCandidate.clear();
            duplicatesDropped.inc();
        }
        firsts.update(content);
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CanonicalEvent> out)
            throws Exception {
        CanonicalEvent late = lateCandidate.value();
        if (late == null) {
            return;
        }
        lateCandidate.clear();
        (late.kind == EventKind.MEDIA_SAMPLE ? firstMediaSampleContent : firstContent)
                .update(contentHash(late));
        lateEvents.inc();
        ctx.output(OutputTags.LATE_EVENTS, CanonicalJson.lateEvent(late));
    }

    private boolean seenByPreviousRelease(boolean sample) throws Exception {
        if (System.currentTimeMillis() >= legacyReadsUntil) {
            return false;
        }
        return (sample ? legacySeenMediaSample : legacySeen).value() != null;
    }

    /**
     * The redelivery identity, and the key of this function: the platform and the {@code event_id}.
     * Adapter ids already begin with their platform ({@code genesys:}, {@code nice:}), so they are
     * their own identity, and so are canonical ids, the same keys as before identity named the
     * platform (a savepoint carries over); only a canonical id inside an adapter's namespace is
     * qualified, so that it cannot pass for that platform's event.
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

    @VisibleForTesting
    long redeliveryConflicts() {
        return redeliveryConflicts.getCount();
    }

    /** 64-bit FNV-1a of the event's canonical JSON: what the event says, not where it was read. */
    static long contentHash(CanonicalEvent event) {
        String json = CanonicalJson.write(event);
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < json.length(); i++) {
            hash ^= json.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
