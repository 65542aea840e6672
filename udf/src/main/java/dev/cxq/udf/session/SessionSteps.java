package dev.cxq.udf.session;

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
 * recognises redelivered samples (its slots and the tombstone {@code ended-session-samples}). The
 * operator ({@link SessionQualityFunction}) decides when, reads and writes the value; this writes
 * the rows, alerts and late events and keeps the metrics of group {@code cxq}.
 */
final class SessionSteps {

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;
    private final long sampleRetentionMs;
    private final ValueState<EndedSamples> endedSamples;
    private final InternalTimerService<VoidNamespace> timers;
    private final Output<StreamRecord<SessionQuality>> output;

    private final Counter samplesAfterEnd;
    private final Counter duplicatesDropped;
    private final Counter redeliveryConflicts;
    private final Counter samplesEvaluated;
    private final Counter estimatedMosSamples;
    private final Counter lateEvents;
    private final Map<String, Counter> alertCounters = new HashMap<>();

    /** Open sessions on this subtask; in memory only, so it restarts from zero after a restore. */
    private long activeSessions;

    SessionSteps(
            long inactivityTimeoutMs,
            QualityThresholds thresholds,
            long sampleRetentionMs,
            ValueState<EndedSamples> endedSamples,
            InternalTimerService<VoidNamespace> timers,
            Output<StreamRecord<SessionQuality>> output,
            MetricGroup metrics) {
        this.inactivityTimeoutMs = inactivityTimeoutMs;
        this.thresholds = thresholds;
        this.sampleRetentionMs = sampleRetentionMs;
        this.endedSamples = endedSamples;
        this.timers = timers;
        this.output = output;
        samplesAfterEnd = metrics.counter("samplesAfterSessionEnd");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        redeliveryConflicts = metrics.counter("redeliveryConflicts");
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
        return duplicatesDropped.getCount();
    }

    long redeliveryConflicts() {
        return redeliveryConflicts.getCount();
    }

    /**
     * The session at {@code time}, with the events stamped {@code time} (none at a deadline).
     *
     * @return its next deadline, or {@code null} for none
     */
    Long onEventTime(String key, SessionState state, long time, List<CanonicalEvent> delivered)
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
    void onLateCopies(SessionState state, List<CanonicalEvent> late) throws Exception {
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

    /** A tombstone's retention ended at {@code time} (processing time). */
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
}
