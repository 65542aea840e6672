package dev.cxq.udf.session;

import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.metrics.EventTimeLag;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.time.EventTimeOrder;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Per-session media quality: evaluates samples in event-time order with a {@link
 * MediaQualityDetector} (degradation incidents, media-gap and disconnect warnings, written to
 * {@link OutputTags#QUALITY_ALERTS}) and emits one {@link SessionQuality} row when the session
 * ends: at its terminal interaction event, or after {@code inactivityTimeout} of event time without
 * any event for it. Its state is cleared then; a small end marker stays for one more timeout and is
 * cleared too.
 *
 * <p>It deduplicates media samples itself, which reach it straight from the parser (no shuffle by
 * event id, {@code docs/dedup.md}): a sample's identity is its session, media and timestamp. Of the
 * in-time copies of one identity the first in hand-over order (smallest event id, then arrival) is
 * applied; the others are dropped ({@code cxq.duplicatesDropped}; with other values also {@code
 * cxq.redeliveryConflicts}). The session records the slots it handed over ({@link SampleSlots}),
 * and when it ends they stay as a tombstone for {@code sampleRetention} of processing time, so a
 * late copy of a handed-over sample, even after the session ended, is dropped and counted; a late
 * sample with no in-time copy goes to {@code late_events}.
 *
 * <p>State, for one keyed-state read and one write per session per watermark advance whatever the
 * number of samples (issue 17, {@code docs/architecture.md}): everything of an open session is one
 * value ({@link SessionState}: its events not yet due, its next deadline, its statistics and
 * detector, its end marker, its timer), read and written once when the watermark passes one of its
 * instants. Arriving events wait on the heap, per session, not in keyed state; {@link
 * #processWatermark} hands over the sessions whose events the watermark passed, in the order of
 * their earliest event (a heap queue), and their single event-time timer covers the deadline. A
 * checkpoint moves the heap's events into their sessions' values first ({@link
 * #prepareSnapshotPreBarrier}), so a restore loses none. The tombstone of ended runs ({@code
 * ended-session-samples}) is a value of its own, touched only when a session ends and by late
 * copies. In BATCH execution (keyed input sorted by key, state kept for the current key only) the
 * first event of a session registers its timer, so that its events are handed over when its input
 * ends, as the event-time ordered functions do ({@code time/DISCUSSION.md}).
 *
 * <p>An operator, not a {@code KeyedProcessFunction}: only an operator can hold events off keyed
 * state, touch several keys at a watermark and write before a checkpoint barrier. It keeps the name
 * of the function it replaces because savepoints name its state types ({@code
 * SessionQualityFunction$SessionStats}); the previous releases' four states per session are moved
 * into the one value after a restore ({@link #adoptPreviousLayout}).
 *
 * <p>Metrics (group {@code cxq}): {@code samplesEvaluated}, {@code estimatedMosSamples}, {@code
 * alertsFired} and {@code alertsResolved} per {@code alert_type}, {@code activeSessions} (sessions
 * with open state on this subtask since it started), {@code samplesAfterSessionEnd}, {@code
 * duplicatesDropped}, {@code redeliveryConflicts}, {@code lateEvents}; the gauge {@code
 * eventTimeLag}.
 */
public class SessionQualityFunction extends AbstractStreamOperator<SessionQuality>
        implements OneInputStreamOperator<CanonicalEvent, SessionQuality>,
                Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    /** How long the sample slots of an ended session are kept by default: the contract's 48 h. */
    public static final Duration DEFAULT_SAMPLE_RETENTION = Duration.ofHours(48);

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;
    private final long sampleRetentionMs;

    /** Everything of an open (or just ended) session; absent when it holds nothing. */
    private transient ValueState<SessionState> session;

    /** The sample slots of the session's ended runs, until {@link EndedSamples#forgetAt}. */
    private transient ValueState<EndedSamples> endedSamples;

    /**
     * One event-time timer per session at {@link SessionState#timer}, and the tombstones'
     * processing-time timers. The name of {@code KeyedProcessOperator}'s service, which the session
     * function of earlier releases registered its timers in.
     */
    private transient InternalTimerService<VoidNamespace> timers;

    /** Events that arrived since their session was last handed over, per session; on the heap. */
    private transient Map<String, Arrived> arrived;

    /** The sessions in {@link #arrived} by their earliest event; entries may be stale. */
    private transient PriorityQueue<Due> dueOrder;

    /** Whether this run restored a snapshot, whose state may be in the previous layout. */
    private transient boolean restored;

    /** BATCH execution: keyed input sorted by key, its state kept only while the key is current. */
    private transient boolean keyedInputSorted;

    private transient Counter samplesAfterEnd;
    private transient Counter duplicatesDropped;
    private transient Counter redeliveryConflicts;
    private transient Counter samplesEvaluated;
    private transient Counter estimatedMosSamples;
    private transient Counter lateEvents;
    private transient Map<String, Counter> alertCounters;
    private transient EventTimeLag eventTimeLag;

    /** Open sessions on this subtask; in memory only, so it restarts from zero after a restore. */
    private transient long activeSessions;

    public SessionQualityFunction(Duration inactivityTimeout, QualityThresholds thresholds) {
        this(inactivityTimeout, thresholds, DEFAULT_SAMPLE_RETENTION);
    }

    /**
     * @param sampleRetention how long, in processing time, an ended session's sample slots are kept
     *     to recognise late copies of its samples
     */
    public SessionQualityFunction(
            Duration inactivityTimeout, QualityThresholds thresholds, Duration sampleRetention) {
        if (sampleRetention.isNegative() || sampleRetention.isZero()) {
            throw new IllegalArgumentException(
                    "sample retention must be positive: " + sampleRetention);
        }
        this.inactivityTimeoutMs = inactivityTimeout.toMillis();
        this.thresholds = thresholds;
        this.sampleRetentionMs = sampleRetention.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        session =
                getKeyedStateStore()
                        .getState(new ValueStateDescriptor<>("session", SessionState.TYPE));
        endedSamples =
                getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "ended-session-samples", EndedSamples.class));
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        arrived = new HashMap<>();
        dueOrder = new PriorityQueue<>();
        keyedInputSorted = getKeyedStateBackend() instanceof BatchExecutionKeyedStateBackend;
        if (restored) {
            adoptPreviousLayout();
        }
        MetricGroup metrics = getMetricGroup().addGroup("cxq");
        samplesAfterEnd = metrics.counter("samplesAfterSessionEnd");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        redeliveryConflicts = metrics.counter("redeliveryConflicts");
        samplesEvaluated = metrics.counter("samplesEvaluated");
        estimatedMosSamples = metrics.counter("estimatedMosSamples");
        lateEvents = metrics.counter("lateEvents");
        eventTimeLag = EventTimeLag.register(getMetricGroup());
        // Sessions opened before a restore end after it: never report those as a negative count.
        metrics.gauge("activeSessions", () -> Math.max(0, activeSessions));
        alertCounters = new HashMap<>();
        for (String type :
                List.of(
                        QualityAlert.DEGRADATION,
                        QualityAlert.MEDIA_GAP,
                        QualityAlert.DISCONNECTED)) {
            MetricGroup byType = metrics.addGroup("alert_type", type);
            alertCounters.put(type + QualityAlert.FIRING, byType.counter("alertsFired"));
            alertCounters.put(type + QualityAlert.RESOLVED, byType.counter("alertsResolved"));
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    /**
     * Moves the state of releases before issue 17 (per session: statistics, end marker, deadline,
     * reorder buffer, four states) into the one value, once, after a restore. Their timers were in
     * the same service: they fire into {@link #onEventTime} and find nothing due, or what is.
     */
    private void adoptPreviousLayout() throws Exception {
        KeyedStateStore store = getKeyedStateStore();
        ValueState<SessionStats> stats =
                store.getState(new ValueStateDescriptor<>("stats", SessionStats.class));
        ValueState<Long> endedAt =
                store.getState(new ValueStateDescriptor<>("ended-at", Types.LONG));
        ValueState<Long> deadline =
                store.getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        ListState<CanonicalEvent> buffered =
                store.getListState(
                        new ListStateDescriptor<>(
                                "buffered-events", TypeInformation.of(CanonicalEvent.class)));
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        Set<String> keys = new HashSet<>();
        for (String name : List.of("stats", "ended-at", "deadline", "buffered-events")) {
            try (Stream<String> stored = backend.getKeys(name, VoidNamespace.INSTANCE)) {
                stored.forEach(keys::add);
            }
        }
        for (String key : keys) {
            setCurrentKey(key);
            SessionState state = new SessionState();
            state.stats = stats.value();
            state.endedAt = endedAt.value();
            state.deadline = deadline.value();
            Iterable<CanonicalEvent> events = buffered.get();
            if (events != null) {
                events.forEach(state.buffered::add);
            }
            moveTimer(state, earlier(state.deadline, firstOf(state.buffered)));
            session.update(state);
            stats.clear();
            endedAt.clear();
            deadline.clear();
            buffered.clear();
        }
    }

    /** Holds the event on the heap; no state access. */
    @Override
    public void processElement(StreamRecord<CanonicalEvent> record) throws Exception {
        CanonicalEvent event = record.getValue();
        long watermark = timers.currentWatermark();
        eventTimeLag.observe(timers.currentProcessingTime(), watermark);
        boolean behind = event.ts <= watermark;
        if (event.kind == EventKind.MEDIA_SAMPLE && (behind || event.lateOnArrival)) {
            // A late copy, held beside the in-time events, marked, until the watermark has passed
            // it: an in-time copy that arrives after it (BATCH order, another split) still wins.
            CanonicalEvent late = event;
            if (!late.lateOnArrival) {
                late = CanonicalEventSerializer.INSTANCE.copy(event);
                late.lateOnArrival = true;
            }
            hold(late);
        } else if (behind) {
            writeLate(event, record.getTimestamp());
        } else {
            hold(event);
        }
    }

    private void hold(CanonicalEvent event) {
        String key = (String) getCurrentKey();
        Arrived held = arrived.get(key);
        if (held == null) {
            held = new Arrived();
            arrived.put(key, held);
            if (keyedInputSorted) {
                // Fires when the key's input ends (BATCH): all of it is handed over then.
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, event.ts);
            }
        }
        if (held.add(event) && !keyedInputSorted) {
            dueOrder.add(new Due(event.ts, key));
        }
    }

    /**
     * Hands over the sessions whose held events the watermark passed, then lets the timers of the
     * others fire (their deadlines), then forwards the watermark: each session once.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        while (!dueOrder.isEmpty() && dueOrder.peek().ts <= watermark) {
            Due due = dueOrder.poll();
            Arrived held = arrived.get(due.key);
            if (held != null && held.earliest == due.ts) {
                setCurrentKey(due.key);
                advance(due.key, watermark);
            }
        }
        super.processWatermark(mark);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        advance(timer.getKey(), timers.currentWatermark());
    }

    /** A tombstone's retention ended. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        EndedSamples tombstone = endedSamples.value();
        if (tombstone != null && tombstone.forgetAt <= timer.getTimestamp()) {
            endedSamples.clear();
        }
    }

    /**
     * Moves the held events into their sessions' values, so that the checkpoint has them: one read
     * and one write per session with held events, per checkpoint.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        for (Map.Entry<String, Arrived> entry : arrived.entrySet()) {
            setCurrentKey(entry.getKey());
            SessionState state = session.value();
            if (state == null) {
                state = new SessionState();
            }
            state.buffered.addAll(entry.getValue().events);
            moveTimer(state, earlier(state.timer, entry.getValue().earliest));
            session.update(state);
        }
        arrived.clear();
        dueOrder.clear();
    }

    /**
     * Hands over everything of the current session up to {@code watermark}: its events (held on the
     * heap and in its value) and its deadlines, in event-time order; then its late copies. Reads
     * and writes its value once.
     */
    private void advance(String key, long watermark) throws Exception {
        eventTimeLag.observe(timers.currentProcessingTime(), watermark);
        List<CanonicalEvent> due = new ArrayList<>();
        List<CanonicalEvent> lateDue = new ArrayList<>();
        Arrived held = arrived.remove(key);
        Arrived stillHeld = new Arrived();
        if (held != null) {
            split(held.events, watermark, due, lateDue, stillHeld.events);
        }
        SessionState stored = session.value();
        SessionState state = stored == null ? new SessionState() : stored;
        List<CanonicalEvent> buffered = new ArrayList<>();
        split(state.buffered, watermark, due, lateDue, buffered);
        boolean changed = buffered.size() != state.buffered.size();
        state.buffered = buffered;

        due.sort(EventTimeOrder.HAND_OVER);
        int[] steps = {0};
        EventTimeOrder.Step step =
                (time, events) -> {
                    steps[0]++;
                    return onEventTime(key, state, time, events);
                };
        Long next = EventTimeOrder.handOver(due, state.deadline, watermark, step);
        if (!lateDue.isEmpty()) {
            // After the in-time events of their instants, so a copy among those is recognised.
            lateDue.sort(EventTimeOrder.HAND_OVER);
            onLateCopies(state, lateDue);
        }
        boolean endOfInput = watermark == Long.MAX_VALUE;
        if (endOfInput && buffered.isEmpty() && stillHeld.events.isEmpty()) {
            // Nothing more will arrive for this key: every remaining deadline has passed.
            EventTimeOrder.runAll(next, step);
            next = null;
        }
        state.deadline = next;
        if (!stillHeld.events.isEmpty()) {
            for (CanonicalEvent event : stillHeld.events) {
                stillHeld.earliest = Math.min(stillHeld.earliest, event.ts);
            }
            arrived.put(key, stillHeld);
            dueOrder.add(new Due(stillHeld.earliest, key));
        }
        Long timer = endOfInput ? null : earlier(next, firstOf(buffered));
        changed |= steps[0] > 0 || !Objects.equals(timer, state.timer);
        moveTimer(state, timer);
        if (!changed) {
            return;
        }
        if (state.isEmpty()) {
            if (stored != null) {
                session.clear();
            }
        } else {
            session.update(state);
        }
    }

    /** Sorts {@code events} into due (in time or late) and still waiting at {@code watermark}. */
    private static void split(
            List<CanonicalEvent> events,
            long watermark,
            List<CanonicalEvent> due,
            List<CanonicalEvent> lateDue,
            List<CanonicalEvent> waiting) {
        for (CanonicalEvent event : events) {
            if (event.ts > watermark) {
                waiting.add(event);
            } else {
                (event.lateOnArrival ? lateDue : due).add(event);
            }
        }
    }

    private static Long firstOf(List<CanonicalEvent> events) {
        Long first = null;
        for (CanonicalEvent event : events) {
            first = first == null ? event.ts : Math.min(first, event.ts);
        }
        return first;
    }

    /** The earlier of two instants, either possibly absent. */
    private static Long earlier(Long a, Long b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Math.min(a, b);
    }

    /** Keeps the session's one event-time timer at {@code timer} (none when null). */
    private void moveTimer(SessionState state, Long timer) {
        if (Objects.equals(timer, state.timer)) {
            return;
        }
        if (state.timer != null) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, state.timer);
        }
        if (timer != null) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timer);
        }
        state.timer = timer;
    }

    /** Writes {@code event} to {@code late_events}: it was applied nowhere. */
    private void writeLate(CanonicalEvent event, long timestamp) {
        lateEvents.inc();
        output.collect(
                OutputTags.LATE_EVENTS,
                new StreamRecord<>(CanonicalJson.lateEvent(event), timestamp));
    }

    /**
     * The session at {@code time}, with the events stamped {@code time} (none at a deadline).
     *
     * @return its next deadline, or {@code null} for none
     */
    private Long onEventTime(
            String key, SessionState state, long time, List<CanonicalEvent> delivered)
            throws Exception {
        List<CanonicalEvent> events = withoutRedeliveries(delivered);
        List<CanonicalEvent> samples =
                events.stream().filter(e -> e.kind == EventKind.MEDIA_SAMPLE).toList();
        SessionStats current = state.stats;
        // An ended session has no stats (end() clears them), so an open one skips this read.
        Long ended = current == null ? state.endedAt : null;
        if (ended != null) {
            if (time < ended + inactivityTimeoutMs) {
                samplesAfterEnd.inc(samples.size());
                rememberAfterEnd(samples);
                return ended + inactivityTimeoutMs;
            }
            state.endedAt = null;
        }
        if (current != null) {
            long deadline = current.lastEventTs + inactivityTimeoutMs;
            // Nothing of the session happens after its end; samples at the end are after it.
            current.media.advanceTo(Math.min(time, deadline), scope(key, current, time));
            if (time >= deadline) {
                end(
                        key,
                        state,
                        current,
                        current.lastEventTs,
                        deadline,
                        "inactivity",
                        deadline,
                        time);
                if (time < deadline + inactivityTimeoutMs) {
                    rememberAfterEnd(samples);
                    return deadline + inactivityTimeoutMs;
                }
                state.endedAt = null;
                current = null;
            }
        }
        if (current == null && events.stream().anyMatch(e -> e.kind != EventKind.RECORDING)) {
            // Interactions open the session too: they carry its agent and queue.
            current = new SessionStats();
            activeSessions++;
        }
        if (current == null) {
            return null;
        }
        if (!samples.isEmpty()) {
            List<SampleAssessment> assessments = new ArrayList<>(samples.size());
            for (CanonicalEvent sample : samples) {
                SampleAssessment assessment = SampleAssessment.of(sample, thresholds);
                assessments.add(assessment);
                current.add(sample, assessment);
                current.slots.add(sample.media, sample.ts);
                samplesEvaluated.inc();
                if (assessment.mosEstimated()) {
                    estimatedMosSamples.inc();
                }
            }
            current.media.onSamples(time, samples, assessments, scope(key, current, time));
        }
        for (CanonicalEvent event : events) {
            if (event.kind == EventKind.INTERACTION) {
                current.agentId = event.agentId != null ? event.agentId : current.agentId;
                current.queueId = event.queueId != null ? event.queueId : current.queueId;
                current.media.onInteraction(time, event.state);
                if (event.state.isTerminal()) {
                    end(key, state, current, time, time, "terminal", time, time);
                    return time + inactivityTimeoutMs;
                }
            }
        }
        current.media.closeInstant(time, scope(key, current, time));
        if (!events.isEmpty()) {
            current.lastEventTs = time;
        }
        state.stats = current;
        long inactivity = current.lastEventTs + inactivityTimeoutMs;
        Long media = current.media.nextDeadline(thresholds);
        return media == null ? inactivity : Math.min(inactivity, media);
    }

    /**
     * Drops same-instant repeats: of a sample identity (session, media, timestamp) and of an event
     * id. The base class hands over same-instant events sorted by kind and id, so the first of an
     * identity is the one with the smallest event id (then the first arrival) and repeats of an id
     * are neighbours.
     */
    private List<CanonicalEvent> withoutRedeliveries(List<CanonicalEvent> events) {
        List<CanonicalEvent> distinct = new ArrayList<>(events.size());
        CanonicalEvent audio = null;
        CanonicalEvent video = null;
        for (CanonicalEvent event : events) {
            CanonicalEvent kept;
            if (event.kind == EventKind.MEDIA_SAMPLE) {
                kept = event.media == MediaType.VIDEO ? video : audio;
                if (kept == null) {
                    if (event.media == MediaType.VIDEO) {
                        video = event;
                    } else {
                        audio = event;
                    }
                }
            } else {
                CanonicalEvent previous =
                        distinct.isEmpty() ? null : distinct.get(distinct.size() - 1);
                kept = previous != null && previous.eventId.equals(event.eventId) ? previous : null;
            }
            if (kept == null) {
                distinct.add(event);
            } else {
                duplicatesDropped.inc();
                if (!sameValues(kept, event)) {
                    redeliveryConflicts.inc();
                }
            }
        }
        return distinct;
    }

    /** Whether two copies of a sample (or of an event id) say the same. */
    private static boolean sameValues(CanonicalEvent a, CanonicalEvent b) {
        return a.kind != EventKind.MEDIA_SAMPLE
                || (Objects.equals(a.mos, b.mos)
                        && Objects.equals(a.jitterMs, b.jitterMs)
                        && Objects.equals(a.rttMs, b.rttMs)
                        && Objects.equals(a.packetLossPct, b.packetLossPct)
                        && Objects.equals(a.bitrateKbps, b.bitrateKbps)
                        && a.peerState == b.peerState
                        && Objects.equals(a.agentId, b.agentId));
    }

    /**
     * A late sample is applied nowhere: a copy of a handed-over sample (the open session's slots or
     * an ended one's tombstone) is dropped, any other goes to {@code late_events}.
     */
    private void onLateCopies(SessionState state, List<CanonicalEvent> late) throws Exception {
        SessionStats current = state.stats;
        EndedSamples ended = endedSamples.value();
        for (CanonicalEvent sample : late) {
            if ((current != null && current.slots.contains(sample.media, sample.ts))
                    || (ended != null && ended.slots.contains(sample.media, sample.ts))) {
                duplicatesDropped.inc();
            } else {
                writeLate(sample, sample.ts);
            }
        }
    }

    /** Samples handed over after the session ended: their late copies are redeliveries too. */
    private void rememberAfterEnd(List<CanonicalEvent> samples) throws Exception {
        if (samples.isEmpty()) {
            return;
        }
        SampleSlots slots = new SampleSlots();
        for (CanonicalEvent sample : samples) {
            slots.add(sample.media, sample.ts);
        }
        remember(slots, false);
    }

    /**
     * Adds {@code slots} to the tombstone; a session's end ({@code restart}) or a new tombstone
     * keeps it {@code sampleRetention} from now.
     */
    private void remember(SampleSlots slots, boolean restart) throws Exception {
        EndedSamples tombstone = endedSamples.value();
        if (tombstone == null) {
            tombstone = new EndedSamples();
            restart = true;
        }
        tombstone.slots.addAll(slots);
        if (restart) {
            tombstone.forgetAt = timers.currentProcessingTime() + sampleRetentionMs;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, tombstone.forgetAt);
        }
        endedSamples.update(tombstone);
    }

    @VisibleForTesting
    long duplicatesDropped() {
        return duplicatesDropped.getCount();
    }

    @VisibleForTesting
    long redeliveryConflicts() {
        return redeliveryConflicts.getCount();
    }

    /** Alerts of the session at {@code time}, counted and written out. */
    private MediaQualityDetector.Scope scope(String key, SessionStats current, long time) {
        return new MediaQualityDetector.Scope(
                key,
                current.agentId,
                current.queueId,
                thresholds,
                alert -> {
                    alertCounters.get(alert.alertType() + alert.state()).inc();
                    output.collect(OutputTags.QUALITY_ALERTS, new StreamRecord<>(alert, time));
                });
    }

    /**
     * Ends the session: its open alerts resolve at {@code resolveAt} (when the end is known), its
     * row reports it ended at {@code endTime}.
     */
    private void end(
            String key,
            SessionState state,
            SessionStats current,
            long endTime,
            long resolveAt,
            String reason,
            long forgetFrom,
            long time)
            throws Exception {
        current.media.end(resolveAt, endTime, scope(key, current, time));
        if (current.samples > 0) {
            output.collect(new StreamRecord<>(current.toRow(key, endTime, reason), time));
        }
        if (!current.slots.isEmpty()) {
            remember(current.slots, true);
        }
        state.stats = null;
        state.endedAt = forgetFrom;
        activeSessions--;
    }

    /**
     * The tombstone of a session's ended runs: their sample slots, until {@code forgetAt}
     * (processing time). A Flink POJO.
     */
    public static class EndedSamples {
        public SampleSlots slots = new SampleSlots();
        public long forgetAt;

        public EndedSamples() {}
    }

    /** Running statistics of one session (a Flink POJO, kept in keyed state). */
    public static class SessionStats {
        public long samples;
        public double mosSum;
        public long mosCount;
        public Double minMos;
        public Double maxPacketLossPct;
        public String agentId;
        public String queueId;
        public long lastEventTs = Long.MIN_VALUE;
        public MediaQualityDetector media = new MediaQualityDetector();

        /** The samples handed over, so that their late copies are recognised. */
        public SampleSlots slots = new SampleSlots();

        public SessionStats() {}

        void add(CanonicalEvent sample, SampleAssessment assessment) {
            samples++;
            if (sample.agentId != null) {
                agentId = sample.agentId;
            }
            Double mos = assessment.mos();
            if (mos != null) {
                mosSum += mos;
                mosCount++;
                minMos = minMos == null ? mos : Math.min(minMos, mos);
            }
            if (sample.packetLossPct != null) {
                maxPacketLossPct =
                        maxPacketLossPct == null
                                ? sample.packetLossPct
                                : Math.max(maxPacketLossPct, sample.packetLossPct);
            }
        }

        SessionQuality toRow(String sessionId, long endTime, String reason) {
            return new SessionQuality(
                    sessionId,
                    agentId,
                    queueId,
                    endTime,
                    reason,
                    samples,
                    mosCount,
                    mosCount == 0 ? null : mosSum / mosCount,
                    minMos,
                    maxPacketLossPct,
                    media.degradedMillis / 1000.0,
                    media.incidents);
        }
    }

    /**
     * Everything of one session in one keyed value, so that handing it over is one read and one
     * write. A Flink POJO.
     */
    public static class SessionState {
        static final TypeInformation<SessionState> TYPE = TypeInformation.of(SessionState.class);

        /** Events not yet due that a checkpoint moved here from the heap. */
        public List<CanonicalEvent> buffered = new ArrayList<>();

        /** The next deadline the session asked for. */
        public Long deadline;

        /** Running statistics and media-quality state of the open session; null when none. */
        public SessionStats stats;

        /**
         * Set when the session has ended; kept for one more inactivity timeout so that stray
         * samples after the end are dropped (and counted) instead of opening a second session that
         * would overwrite the row.
         */
        public Long endedAt;

        /** The session's event-time timer: its deadline or its first buffered event. */
        public Long timer;

        public SessionState() {}

        boolean isEmpty() {
            return buffered.isEmpty()
                    && deadline == null
                    && stats == null
                    && endedAt == null
                    && timer == null;
        }
    }

    /** Events of one session held on the heap until the watermark passes them. */
    private static final class Arrived {
        final List<CanonicalEvent> events = new ArrayList<>();
        long earliest = Long.MAX_VALUE;

        /** Whether {@code event} is now the earliest. */
        boolean add(CanonicalEvent event) {
            events.add(event);
            if (event.ts < earliest) {
                earliest = event.ts;
                return true;
            }
            return false;
        }
    }

    /** A session with held events, by its earliest. */
    private record Due(long ts, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(ts, other.ts);
        }
    }
}
