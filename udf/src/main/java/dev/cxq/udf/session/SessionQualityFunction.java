package dev.cxq.udf.session;

import dev.cxq.udf.dedup.Redeliveries;
import dev.cxq.udf.metrics.EventTimeLag;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.IdKeyTimers;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.time.EventTimeOrder;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
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
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-session media quality: evaluates samples in event-time order with a {@link
 * MediaQualityDetector} (degradation incidents, media-gap and disconnect warnings, written to
 * {@link OutputTags#QUALITY_ALERTS}) and emits one {@link SessionQuality} row when the session
 * ends: at its terminal interaction event, or after {@code inactivityTimeout} of event time without
 * any event for it. Its value and timer are cleared then; the end goes to the session's record of
 * redeliveries (below), so that events within one more timeout after it are dropped (samples
 * counted as after the end) instead of opening a second session.
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
 * <p>It deduplicates the interaction and recording events too, on arrival: their identity is the
 * session and {@code EventIdentity}; a copy of an id the session has seen is dropped, a first
 * delivery is remembered and handed on, as it arrived, on {@link #FIRST_DELIVERIES} to the
 * interaction functions. A late copy of an unseen id waits with the late samples, so that an
 * in-time copy still wins; with none it goes to {@code late_events}. The ids, the ended runs' slots
 * and the end of the last run are one record per session ({@link SessionRedeliveries}, {@code
 * session-redeliveries}), kept {@code eventIdRetention} after its last write by state TTL, so that
 * an ended session pays its key once and needs no timer.
 *
 * <p>State, for one keyed-state read and one write per session per watermark advance whatever the
 * number of samples (issue 17, {@code docs/architecture.md}): everything of an open session is one
 * value ({@link SessionState}: its events not yet due, its next deadline, its statistics and
 * detector, its timer), read and written once when the watermark passes one of its instants; a
 * hand-over with no open statistics (a session's first, or events after its end) reads the record
 * once too, for the end. Arriving events wait on the heap, per session, not in keyed state; {@link
 * #processWatermark} hands over the sessions whose events the watermark passed, in the order of
 * their earliest event (a heap queue), and their single event-time timer covers the deadline. The
 * healthy samples of a quiet session wait longer, until its next deadline, up to {@link
 * HeldEvents#MAX_DEFERRED} of them, which changes neither what is written nor when. A checkpoint
 * writes the heap's events to operator state ({@code held-events}, a union list: on a rescaled
 * restore each subtask keeps those of its key groups), so a restore loses none and the checkpoint
 * touches no keyed state. The record of redeliveries is a value of its own, touched by interaction
 * and recording events, when a session ends, when events find no open session and by late copies.
 * The values of the previous build may still hold an end, with a timer at end + timeout: it is
 * honoured, and moved to the record if an event comes before the timer; a timer that finds no value
 * does nothing. The tombstones that builds before it wrote ({@code ended-session-samples}) are
 * still read until their processing-time timers clear them. In BATCH execution (keyed input sorted
 * by key, state kept for the current key only) the first event of a session registers its timer, so
 * that its events are handed over when its input ends, as the event-time ordered functions do
 * ({@code time/DISCUSSION.md}).
 *
 * <p>An operator, not a {@code KeyedProcessFunction}: only an operator can hold events off keyed
 * state, touch several keys at a watermark and keep operator state beside keyed state. It keeps the
 * name of the function it replaces; the classes once nested in it that savepoints name live on as
 * subclasses of that name ({@code SessionQualityFunction$SessionStats}), and the previous releases'
 * four states per session are moved into the one value after a restore ({@link PreviousLayouts}).
 * The parts: {@link HeldEvents} (the heap between watermarks), {@link SessionSteps} (a session at
 * one instant: statistics, detector, end, redeliveries, metrics), {@link SessionState}, {@link
 * SessionRedeliveries} and {@link EndedSamples} (the keyed values).
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

    /**
     * How long the sample slots of an ended session and a session's event ids are kept by default:
     * the contract's 48 h.
     */
    public static final Duration DEFAULT_SAMPLE_RETENTION = Duration.ofHours(48);

    /**
     * The interaction and recording events, each id of a session once: their first delivery, as it
     * arrived (not in event-time order). The interaction functions read this.
     */
    public static final OutputTag<CanonicalEvent> FIRST_DELIVERIES =
            new OutputTag<>("first-deliveries", TypeInformation.of(CanonicalEvent.class));

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;
    private final long sampleRetentionMs;
    private final Duration eventIdRetention;
    private final int waitingSamples;

    /**
     * The held events at the last checkpoint, every subtask's, one element per session: its id,
     * then its events in {@link HeldEventsFormat}. A union list state, so that a rescaled restore
     * gives each subtask all of them and it keeps those of its key groups.
     */
    private transient ListState<byte[]> heldAtCheckpoint;

    /** The held events of this subtask's key groups restored from a checkpoint, until open. */
    private transient List<CanonicalEvent> restoredHeld;

    /**
     * Everything of an open session; absent when it holds nothing (an ended session's end is in
     * {@code session-redeliveries}).
     */
    private transient ValueState<SessionState> session;

    /**
     * One event-time timer per session at {@link SessionState#timer}, and the tombstones'
     * processing-time timers. The name of {@code KeyedProcessOperator}'s service, which the session
     * function of earlier releases registered its timers in.
     */
    private transient InternalTimerService<VoidNamespace> timers;

    /** Events that arrived since their session was last handed over; on the heap. */
    private transient HeldEvents held;

    /** What a session does at an instant; the rows, alerts and metrics. */
    private transient SessionSteps steps;

    /** Whether this run restored a snapshot, whose state may be in the previous layout. */
    private transient boolean restored;

    /** BATCH execution: keyed input sorted by key, its state kept only while the key is current. */
    private transient boolean keyedInputSorted;

    private transient EventTimeLag eventTimeLag;

    public SessionQualityFunction(Duration inactivityTimeout, QualityThresholds thresholds) {
        this(inactivityTimeout, thresholds, DEFAULT_SAMPLE_RETENTION, DEFAULT_SAMPLE_RETENTION);
    }

    /**
     * @param sampleRetention how long, in processing time, an ended session's sample slots are kept
     *     to recognise late copies of its samples
     * @param eventIdRetention how long, in processing time, a session's interaction and recording
     *     event ids are kept after its last new one (or its end); not shorter than {@code
     *     sampleRetention}
     */
    public SessionQualityFunction(
            Duration inactivityTimeout,
            QualityThresholds thresholds,
            Duration sampleRetention,
            Duration eventIdRetention) {
        this(
                inactivityTimeout,
                thresholds,
                sampleRetention,
                eventIdRetention,
                HeldEvents.MAX_WAITING);
    }

    /**
     * @param waitingSamples the most samples of quiet sessions that wait on the heap past their
     *     time on one subtask ({@link HeldEvents}); 0: none wait
     */
    public SessionQualityFunction(
            Duration inactivityTimeout,
            QualityThresholds thresholds,
            Duration sampleRetention,
            Duration eventIdRetention,
            int waitingSamples) {
        if (sampleRetention.isNegative()
                || sampleRetention.isZero()
                || sampleRetention.compareTo(eventIdRetention) > 0) {
            throw new IllegalArgumentException(
                    "sample retention must be positive and not above the event-id retention "
                            + eventIdRetention
                            + ": "
                            + sampleRetention);
        }
        this.inactivityTimeoutMs = inactivityTimeout.toMillis();
        this.thresholds = thresholds;
        this.sampleRetentionMs = sampleRetention.toMillis();
        this.eventIdRetention = eventIdRetention;
        this.waitingSamples = waitingSamples;
    }

    @Override
    public void open() throws Exception {
        super.open();
        session =
                getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "session", SessionStateSerializer.INSTANCE));
        ValueState<EndedSamples> endedSamples =
                getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "ended-session-samples", EndedSamplesSerializer.INSTANCE));
        ValueStateDescriptor<SessionRedeliveries> redeliveriesDescriptor =
                new ValueStateDescriptor<>(
                        "session-redeliveries", SessionRedeliveriesSerializer.INSTANCE);
        // Every write (a new id, the session's end) starts the retention again; a copy does not.
        // The record holds the session's end too, which must outlive one inactivity timeout.
        redeliveriesDescriptor.enableTimeToLive(
                Redeliveries.keptFromFirstDelivery(
                        eventIdRetention.compareTo(Duration.ofMillis(inactivityTimeoutMs)) < 0
                                ? Duration.ofMillis(inactivityTimeoutMs)
                                : eventIdRetention));
        ValueState<SessionRedeliveries> redeliveries =
                getKeyedStateStore().getState(redeliveriesDescriptor);
        MapStateDescriptor<Long, Integer> moreIdsDescriptor =
                new MapStateDescriptor<>("more-session-event-ids", Types.LONG, Types.INT);
        moreIdsDescriptor.enableTimeToLive(Redeliveries.keptFromFirstDelivery(eventIdRetention));
        // Keyed with IdKeyTypeInfo in the job: the timers' keys in the form of the restored
        // state's.
        timers =
                IdKeyTimers.timerService(
                        timeServiceManager,
                        getKeyedStateBackend(),
                        "user-timers",
                        VoidNamespaceSerializer.INSTANCE,
                        this);
        keyedInputSorted = getKeyedStateBackend() instanceof BatchExecutionKeyedStateBackend;
        held =
                new HeldEvents(
                        !keyedInputSorted, event -> steps.isQuietSample(event), waitingSamples);
        for (CanonicalEvent event : restoredHeld) {
            held.hold(event.sessionId, event);
        }
        restoredHeld = null;
        if (restored) {
            PreviousLayouts.adopt(
                    getKeyedStateStore(),
                    getKeyedStateBackend(),
                    state -> {
                        moveTimer(state, earlier(state.deadline, firstOf(state.buffered)));
                        session.update(state);
                    });
        }
        steps =
                new SessionSteps(
                        inactivityTimeoutMs,
                        thresholds,
                        sampleRetentionMs,
                        eventIdRetention.toMillis(),
                        endedSamples,
                        redeliveries,
                        getKeyedStateStore().getMapState(moreIdsDescriptor),
                        timers,
                        output,
                        getMetricGroup().addGroup("cxq"));
        eventTimeLag = EventTimeLag.register(getMetricGroup());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
        heldAtCheckpoint =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "held-events", BytePrimitiveArraySerializer.INSTANCE));
        restoredHeld = new ArrayList<>();
        if (restored) {
            TaskInfo task = getRuntimeContext().getTaskInfo();
            for (byte[] session : heldAtCheckpoint.get()) {
                restoredHeld.addAll(
                        HeldEventsFormat.readSession(
                                session,
                                key ->
                                        KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                                        key,
                                                        task.getMaxNumberOfParallelSubtasks(),
                                                        task.getNumberOfParallelSubtasks())
                                                == task.getIndexOfThisSubtask()));
            }
        }
    }

    /**
     * Writes the held events to operator state: no keyed-state access at a checkpoint, and the
     * heap, with the quiet sessions' horizons, stays as it is.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<byte[]> sessions = new ArrayList<>();
        for (Map.Entry<String, List<CanonicalEvent>> entry : held.bySession().entrySet()) {
            sessions.add(HeldEventsFormat.writeSession(entry.getKey(), entry.getValue()));
        }
        heldAtCheckpoint.update(sessions);
    }

    /**
     * Holds the event on the heap; no state access for a sample. An interaction or recording event
     * is first checked against the session's ids: a copy is dropped, a first delivery remembered
     * and handed to the interactions ({@link #FIRST_DELIVERIES}).
     */
    @Override
    public void processElement(StreamRecord<CanonicalEvent> record) throws Exception {
        CanonicalEvent event = record.getValue();
        long watermark = timers.currentWatermark();
        eventTimeLag.observe(timers.currentProcessingTime(), watermark);
        boolean sample = event.kind == EventKind.MEDIA_SAMPLE;
        if (!sample
                && (event.lateOnArrival
                        ? steps.isRedelivery(event)
                        : !steps.acceptFirstDelivery(event, record.getTimestamp()))) {
            return;
        }
        boolean behind = event.ts <= watermark;
        if (event.lateOnArrival || (sample && behind)) {
            // A late copy, held beside the in-time events, marked, until the watermark has passed
            // it: an in-time copy that arrives after it (BATCH order, another split) still wins.
            CanonicalEvent late = event;
            if (!late.lateOnArrival) {
                late = CanonicalEventSerializer.INSTANCE.copy(event);
                late.lateOnArrival = true;
            }
            hold(late);
            return;
        }
        if (behind) {
            steps.writeLate(event, record.getTimestamp());
        } else {
            hold(event);
        }
    }

    private void hold(CanonicalEvent event) {
        if (held.hold((String) getCurrentKey(), event) && keyedInputSorted) {
            // Fires when the key's input ends (BATCH): all of it is handed over then.
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, event.ts);
        }
    }

    /**
     * Hands over the sessions whose held events the watermark passed, then lets the timers of the
     * others fire (their deadlines), then forwards the watermark: each session once.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        for (String key = held.nextDue(watermark); key != null; key = held.nextDue(watermark)) {
            setCurrentKey(key);
            advance(key, watermark);
        }
        super.processWatermark(mark);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        if (held.deferredPast(timer.getKey(), timer.getTimestamp())) {
            // Its held samples moved this deadline: the session is due with them, later.
            return;
        }
        advance(timer.getKey(), timers.currentWatermark());
    }

    /** A tombstone's retention ended. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        steps.onRetentionEnd(timer.getTimestamp());
    }

    /**
     * Hands over everything of the current session up to {@code watermark}: its events (held on the
     * heap and in its value) and its deadlines, in event-time order; then its late copies. Reads
     * and writes its value once.
     */
    private void advance(String key, long watermark) throws Exception {
        eventTimeLag.observe(timers.currentProcessingTime(), watermark);
        steps.beginHandOver();
        List<CanonicalEvent> due = new ArrayList<>();
        List<CanonicalEvent> lateDue = new ArrayList<>();
        List<CanonicalEvent> stillHeld = new ArrayList<>();
        SessionState stored = session.value();
        SessionState state = stored == null ? new SessionState() : stored;
        // The value leaves its events' session id to the key (HeldEventsFormat).
        state.buffered.forEach(event -> event.sessionId = key);
        List<CanonicalEvent> buffered = new ArrayList<>();
        // In arrival order: a checkpoint moved the earlier arrivals into the value.
        split(state.buffered, watermark, due, lateDue, buffered);
        split(held.take(key), watermark, due, lateDue, stillHeld);
        boolean changed = buffered.size() != state.buffered.size();
        state.buffered = buffered;

        due.sort(EventTimeOrder.HAND_OVER);
        int[] stepsTaken = {0};
        EventTimeOrder.Step step =
                (time, events) -> {
                    stepsTaken[0]++;
                    return steps.onEventTime(key, state, time, events);
                };
        Long next = EventTimeOrder.handOver(due, state.deadline, watermark, step);
        if (!lateDue.isEmpty()) {
            // After the in-time events of their instants, so a copy among those is recognised.
            lateDue.sort(EventTimeOrder.HAND_OVER);
            steps.onLateCopies(state, lateDue);
        }
        boolean endOfInput = watermark == Long.MAX_VALUE;
        if (endOfInput && buffered.isEmpty() && stillHeld.isEmpty()) {
            // Nothing more will arrive for this key: every remaining deadline has passed.
            EventTimeOrder.runAll(next, step);
            next = null;
        }
        state.deadline = next;
        // Quiet until its next deadline, unless a checkpoint left events in its value.
        Long quietSpan = buffered.isEmpty() && next != null ? steps.quietSpan(state) : null;
        held.handedOver(
                key, quietSpan == null ? null : next, quietSpan == null ? 0 : quietSpan, stillHeld);
        Long timer = endOfInput ? null : earlier(next, firstOf(buffered));
        changed |= stepsTaken[0] > 0 || !Objects.equals(timer, state.timer);
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

    @VisibleForTesting
    long duplicatesDropped() {
        return steps.duplicatesDropped();
    }

    @VisibleForTesting
    long redeliveryConflicts() {
        return steps.redeliveryConflicts();
    }
}
