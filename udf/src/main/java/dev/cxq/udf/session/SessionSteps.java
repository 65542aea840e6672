package dev.cxq.udf.session;

import dev.cxq.udf.dedup.EventIdentity;
import dev.cxq.udf.dedup.EventIds;
import dev.cxq.udf.dedup.Redeliveries;
import dev.cxq.udf.json.CanonicalJson;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one session does at one instant of event time, given its {@link SessionState}: it opens,
 * applies the instant's samples and interaction events to its statistics and detector, ends, and
 * recognises redeliveries: of samples by their slots (the open session's, and its ended runs' in
 * {@code session-redeliveries} or an earlier build's tombstone {@code ended-session-samples}), of
 * interaction and recording events by their ids in {@code session-redeliveries}. The operator
 * ({@link SessionQualityFunction}) decides when, reads and writes the value; this writes the rows,
 * alerts and late events and keeps the metrics of group {@code cxq}.
 */
final class SessionSteps {

    /**
     * Interaction and recording event ids kept in the session's value (10 bytes each); a session
     * with more (a broken or hostile producer) keeps the rest in {@code more-session-event-ids}, an
     * entry each, so that no value grows without bound.
     */
    static final int IDS_IN_VALUE = 1024;

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;
    private final long sampleRetentionMs;
    private final boolean samplesForgottenFirst;
    private final ValueState<EndedSamples> endedSamples;
    private final ValueState<SessionRedeliveries> redeliveries;
    private final MapState<Long, Integer> moreEventIds;
    private final InternalTimerService<VoidNamespace> timers;
    private final Output<StreamRecord<SessionQuality>> output;

    private final Counter samplesAfterEnd;
    private final Redeliveries copies;
    private final Counter samplesEvaluated;
    private final Counter estimatedMosSamples;
    private final Counter lateEvents;
    private final Map<String, Counter> alertCounters = new HashMap<>();

    /** Open sessions on this subtask; in memory only, so it restarts from zero after a restore. */
    private long activeSessions;

    /**
     * The session's record as this hand-over last read or wrote it, so that a hand-over reads it at
     * most once; valid while {@link #recordKnown}, which {@link #beginHandOver} resets.
     */
    private SessionRedeliveries knownRecord;

    private boolean recordKnown;

    SessionSteps(
            long inactivityTimeoutMs,
            QualityThresholds thresholds,
            long sampleRetentionMs,
            long eventIdRetentionMs,
            ValueState<EndedSamples> endedSamples,
            ValueState<SessionRedeliveries> redeliveries,
            MapState<Long, Integer> moreEventIds,
            InternalTimerService<VoidNamespace> timers,
            Output<StreamRecord<SessionQuality>> output,
            MetricGroup metrics) {
        this.inactivityTimeoutMs = inactivityTimeoutMs;
        this.thresholds = thresholds;
        this.sampleRetentionMs = sampleRetentionMs;
        this.samplesForgottenFirst = sampleRetentionMs < eventIdRetentionMs;
        this.endedSamples = endedSamples;
        this.redeliveries = redeliveries;
        this.moreEventIds = moreEventIds;
        this.timers = timers;
        this.output = output;
        samplesAfterEnd = metrics.counter("samplesAfterSessionEnd");
        copies = new Redeliveries(metrics);
        samplesEvaluated = metrics.counter("samplesEvaluated");
        estimatedMosSamples = metrics.counter("estimatedMosSamples");
        lateEvents = metrics.counter("lateEvents");
        // Sessions opened before a restore end after it: never report those as a negative count.
        metrics.gauge("activeSessions", () -> Math.max(0, activeSessions));
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

    long duplicatesDropped() {
        return copies.duplicates();
    }

    long redeliveryConflicts() {
        return copies.conflicts();
    }

    /**
     * Whether the interaction or recording event {@code event} is a copy of one the session has
     * seen; a copy is counted (and a conflicting one logged).
     */
    boolean isRedelivery(CanonicalEvent event) throws Exception {
        return isRedelivery(event, EventIdentity.idBits(event), redeliveries.value());
    }

    /**
     * Hands the interaction or recording event {@code event} to the interactions and remembers its
     * id, unless it is a copy: one read and, for a first delivery, one write of the session's
     * record.
     *
     * @return whether it was a first delivery
     */
    boolean acceptFirstDelivery(CanonicalEvent event, long timestamp) throws Exception {
        long id = EventIdentity.idBits(event);
        SessionRedeliveries record = redeliveries.value();
        if (isRedelivery(event, id, record)) {
            return false;
        }
        remember(event, id, record);
        output.collect(
                SessionQualityFunction.FIRST_DELIVERIES, new StreamRecord<>(event, timestamp));
        return true;
    }

    /** A hand-over of another session (or of this one, later) begins: its record is unread. */
    void beginHandOver() {
        knownRecord = null;
        recordKnown = false;
    }

    /** The current session's record, read once per hand-over; null when it has none. */
    private SessionRedeliveries record() throws Exception {
        if (!recordKnown) {
            knownRecord = redeliveries.value();
            recordKnown = true;
        }
        return knownRecord;
    }

    /** Writes the current session's record, which starts its retention again. */
    private void write(SessionRedeliveries written) throws Exception {
        redeliveries.update(written);
        knownRecord = written;
        recordKnown = true;
    }

    /**
     * Whether the session's {@code record} holds {@code id}, the identity bits of {@code event}.
     */
    private boolean isRedelivery(CanonicalEvent event, long id, SessionRedeliveries record)
            throws Exception {
        if (record != null && EventIds.idListContains(record.endedEventIds, id)) {
            // An ended run's id: its content is no longer kept.
            copies.dropped();
            return true;
        }
        Integer first = EventIds.content(record == null ? null : record.eventIds, id);
        if (first == null && idsInValue(record) >= IDS_IN_VALUE) {
            first = moreEventIds.get(id);
        }
        if (first == null) {
            return false;
        }
        copies.dropped(event, first == EventIds.contentBits(EventIdentity.contentHash(event)));
        return true;
    }

    /**
     * Adds {@code id}, the identity bits of {@code event}, to the session's record ({@code stored},
     * null when it has none) and returns the record as it now stands.
     */
    private SessionRedeliveries remember(CanonicalEvent event, long id, SessionRedeliveries stored)
            throws Exception {
        SessionRedeliveries record = stored == null ? new SessionRedeliveries() : stored;
        int content = EventIds.contentBits(EventIdentity.contentHash(event));
        if (idsInValue(record) >= IDS_IN_VALUE) {
            moreEventIds.put(id, content);
            return record;
        }
        record.eventIds = EventIds.with(record.eventIds, id, content);
        write(record);
        return record;
    }

    /**
     * The ids {@code record} holds, with content or not; ids only move from one to the other, so
     * once it reaches {@link #IDS_IN_VALUE} the rest are in {@code more-session-event-ids}.
     */
    private static int idsInValue(SessionRedeliveries record) {
        return record == null
                ? 0
                : EventIds.size(record.eventIds) + EventIds.idListSize(record.endedEventIds);
    }

    /**
     * The session at {@code time}, with the events stamped {@code time} (none at a deadline).
     *
     * @return its next deadline, or {@code null} for none
     */
    Long onEventTime(String key, SessionState state, long time, List<CanonicalEvent> delivered)
            throws Exception {
        List<CanonicalEvent> events = withoutRedeliveries(delivered);
        // Loops, not streams: this runs for every instant of every session.
        List<CanonicalEvent> samples = new ArrayList<>(events.size());
        boolean opens = false;
        for (CanonicalEvent event : events) {
            if (event.kind == EventKind.MEDIA_SAMPLE) {
                samples.add(event);
            }
            // Interactions open the session too: they carry its agent and queue.
            opens |= event.kind != EventKind.RECORDING;
        }
        SessionStats current = state.stats;
        if (current == null && (!events.isEmpty() || state.endedAt != null)) {
            // No open session (an ended one has no stats): did one end within the timeout? Only
            // here is the record read for it, once per hand-over (an earlier build's value may
            // still hold the end, with its timer at end + timeout: it moves to the record).
            Long ended = state.endedAt != null ? state.endedAt : endOfLastRun();
            state.endedAt = null;
            if (ended != null && time < ended + inactivityTimeoutMs) {
                samplesAfterEnd.inc(samples.size());
                rememberAfterEnd(samples, ended);
                return null;
            }
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
                    rememberAfterEnd(samples, deadline);
                    return null;
                }
                current = null;
            }
        }
        if (current == null && opens) {
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
                    return null;
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
     * How far a healthy connected sample moves the next deadline of the open session in {@code
     * state} past its own time, when that is all it does; null when the session is not quiet (not
     * open, or its detector not quiet).
     */
    Long quietSpan(SessionState state) {
        Long media = state.stats == null ? null : state.stats.media.quietSpan(thresholds);
        return media == null ? null : Math.min(media, inactivityTimeoutMs);
    }

    /** Whether the in-time event {@code event} leaves a quiet session quiet. */
    boolean isQuietSample(CanonicalEvent event) {
        return event.kind == EventKind.MEDIA_SAMPLE
                && MediaQualityDetector.isQuietSample(event, thresholds);
    }

    /**
     * Drops same-instant repeats: of a sample identity (session, media, timestamp) and of an event
     * id. The base class hands over same-instant events sorted by kind and id, so the first of an
     * identity is the one with the smallest event id (then the first arrival) and repeats of an id
     * are neighbours.
     */
    private List<CanonicalEvent> withoutRedeliveries(List<CanonicalEvent> events) {
        if (events.size() < 2) {
            return events;
        }
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
                copies.dropped(event, sameValues(kept, event));
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
     * A late copy is applied nowhere. A late sample: a copy of a handed-over sample (the open
     * session's slots, its ended runs' or a restored tombstone) is dropped, any other goes to
     * {@code late_events}. A late interaction or recording event: a copy of an id the session has
     * seen is dropped, the first of any other id goes to {@code late_events} and is remembered.
     */
    void onLateCopies(SessionState state, List<CanonicalEvent> late) throws Exception {
        SessionStats current = state.stats;
        EndedSamples restoredTombstone = endedSamples.value();
        SessionRedeliveries record = record();
        long now = timers.currentProcessingTime();
        for (CanonicalEvent copy : late) {
            if (copy.kind != EventKind.MEDIA_SAMPLE) {
                long id = EventIdentity.idBits(copy);
                if (!isRedelivery(copy, id, record)) {
                    record = remember(copy, id, record);
                    writeLate(copy, copy.ts);
                }
                continue;
            }
            if ((current != null && current.slots.contains(copy.media, copy.ts))
                    || (record != null && record.endedSlotsContain(copy.media, copy.ts, now))
                    || (restoredTombstone != null
                            && restoredTombstone.slots.contains(copy.media, copy.ts))) {
                copies.dropped();
            } else {
                writeLate(copy, copy.ts);
            }
        }
    }

    /**
     * A tombstone's retention ended at {@code time} (processing time): tombstones of builds before
     * {@code session-redeliveries}, restored with their timers.
     */
    void onRetentionEnd(long time) throws Exception {
        EndedSamples tombstone = endedSamples.value();
        if (tombstone != null && tombstone.forgetAt <= time) {
            endedSamples.clear();
        }
    }

    /** Writes {@code event} to {@code late_events}: it was applied nowhere. */
    void writeLate(CanonicalEvent event, long timestamp) {
        lateEvents.inc();
        output.collect(
                OutputTags.LATE_EVENTS,
                new StreamRecord<>(CanonicalJson.lateEvent(event), timestamp));
    }

    /** When the session's last run ended, from its record; null when it never ended. */
    private Long endOfLastRun() throws Exception {
        SessionRedeliveries record = record();
        return record == null ? null : record.endedAt;
    }

    /**
     * Samples handed over within the timeout after the session's end at {@code ended}: their late
     * copies are redeliveries too. Writes the record when there are any, or when the end is not in
     * it yet (an earlier build's value held it).
     */
    private void rememberAfterEnd(List<CanonicalEvent> samples, long ended) throws Exception {
        SampleSlots slots = new SampleSlots();
        for (CanonicalEvent sample : samples) {
            slots.add(sample.media, sample.ts);
        }
        SessionRedeliveries record = record();
        if (slots.isEmpty() && record != null && Objects.equals(record.endedAt, ended)) {
            return;
        }
        remember(slots, ended, false);
    }

    /**
     * Adds {@code slots} to the session's ended runs, records its end at {@code ended} and keeps
     * its ids from then on without their content (a copy is still dropped, unchecked); with a
     * media-sample retention shorter than the event ids', a session's end ({@code restart}) or the
     * first slots keep them that long from now. The value's TTL keeps them at least as long as the
     * ids.
     */
    private void remember(SampleSlots slots, long ended, boolean restart) throws Exception {
        SessionRedeliveries record = record();
        if (record == null) {
            record = new SessionRedeliveries();
        }
        if (samplesForgottenFirst && !slots.isEmpty() && (restart || record.endedSlots.isEmpty())) {
            record.slotsForgetAt = timers.currentProcessingTime() + sampleRetentionMs;
        }
        record.endedSlots.addAll(slots);
        record.endedAt = ended;
        record.endedEventIds = EventIds.idListWith(record.endedEventIds, record.eventIds);
        record.eventIds = null;
        write(record);
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
        // The end goes to the record even with no slots: it keeps later events from opening a
        // second session within the timeout, with no value or timer of its own.
        remember(current.slots, forgetFrom, true);
        state.stats = null;
        activeSessions--;
    }
}
