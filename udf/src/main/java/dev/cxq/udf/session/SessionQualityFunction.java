package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.time.EventTimeOrderedFunction;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>Metrics (group {@code cxq}): {@code samplesEvaluated}, {@code estimatedMosSamples}, {@code
 * alertsFired} and {@code alertsResolved} per {@code alert_type}, {@code activeSessions} (sessions
 * with open state on this subtask since it started), {@code samplesAfterSessionEnd}, {@code
 * duplicatesDropped}, {@code redeliveryConflicts}.
 */
public class SessionQualityFunction extends EventTimeOrderedFunction<SessionQuality> {

    private static final long serialVersionUID = 1L;

    /** How long the sample slots of an ended session are kept by default: the contract's 48 h. */
    public static final Duration DEFAULT_SAMPLE_RETENTION = Duration.ofHours(48);

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;
    private final long sampleRetentionMs;

    /**
     * Running statistics and media-quality state of the open session; null before its first event.
     */
    private transient ValueState<SessionStats> stats;

    /**
     * Set when the session has ended; kept for one more inactivity timeout so that stray samples
     * after the end are dropped (and counted) instead of opening a second session that would
     * overwrite the row.
     */
    private transient ValueState<Long> endedAt;

    /** The sample slots of the session's ended runs, until {@link EndedSamples#forgetAt}. */
    private transient ValueState<EndedSamples> endedSamples;

    private transient Counter samplesAfterEnd;
    private transient Counter duplicatesDropped;
    private transient Counter redeliveryConflicts;
    private transient Counter samplesEvaluated;
    private transient Counter estimatedMosSamples;
    private transient Map<String, Counter> alertCounters;

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
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        stats =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("stats", SessionStats.class));
        endedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("ended-at", Long.class));
        endedSamples =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "ended-session-samples", EndedSamples.class));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("cxq");
        samplesAfterEnd = metrics.counter("samplesAfterSessionEnd");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        redeliveryConflicts = metrics.counter("redeliveryConflicts");
        samplesEvaluated = metrics.counter("samplesEvaluated");
        estimatedMosSamples = metrics.counter("estimatedMosSamples");
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
    protected Long onEventTime(
            long time,
            List<CanonicalEvent> delivered,
            OnTimerContext ctx,
            Collector<SessionQuality> out)
            throws Exception {
        List<CanonicalEvent> events = withoutRedeliveries(delivered);
        List<CanonicalEvent> samples =
                events.stream().filter(e -> e.kind == EventKind.MEDIA_SAMPLE).toList();
        SessionStats current = stats.value();
        // An ended session has no stats (end() clears them), so an open one skips this read.
        Long ended = current == null ? endedAt.value() : null;
        if (ended != null) {
            if (time < ended + inactivityTimeoutMs) {
                samplesAfterEnd.inc(samples.size());
                rememberAfterEnd(samples, ctx);
                return ended + inactivityTimeoutMs;
            }
            endedAt.clear();
        }
        if (current != null) {
            long deadline = current.lastEventTs + inactivityTimeoutMs;
            // Nothing of the session happens after its end; samples at the end are after it.
            current.media.advanceTo(Math.min(time, deadline), scope(current, ctx));
            if (time >= deadline) {
                end(current, current.lastEventTs, deadline, "inactivity", deadline, ctx, out);
                if (time < deadline + inactivityTimeoutMs) {
                    rememberAfterEnd(samples, ctx);
                    return deadline + inactivityTimeoutMs;
                }
                endedAt.clear();
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
            current.media.onSamples(time, samples, assessments, scope(current, ctx));
        }
        for (CanonicalEvent event : events) {
            if (event.kind == EventKind.INTERACTION) {
                current.agentId = event.agentId != null ? event.agentId : current.agentId;
                current.queueId = event.queueId != null ? event.queueId : current.queueId;
                current.media.onInteraction(time, event.state);
                if (event.state.isTerminal()) {
                    end(current, time, time, "terminal", time, ctx, out);
                    return time + inactivityTimeoutMs;
                }
            }
        }
        current.media.closeInstant(time, scope(current, ctx));
        if (!events.isEmpty()) {
            current.lastEventTs = time;
        }
        stats.update(current);
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

    @Override
    protected boolean holdsLateCopies(CanonicalEvent event) {
        return event.kind == EventKind.MEDIA_SAMPLE;
    }

    /**
     * A late sample is applied nowhere: a copy of a handed-over sample (the open session's slots or
     * an ended one's tombstone) is dropped, any other goes to {@code late_events}.
     */
    @Override
    protected void onLateCopies(List<CanonicalEvent> late, OnTimerContext ctx) throws Exception {
        SessionStats current = stats.value();
        EndedSamples ended = endedSamples.value();
        for (CanonicalEvent sample : late) {
            if ((current != null && current.slots.contains(sample.media, sample.ts))
                    || (ended != null && ended.slots.contains(sample.media, sample.ts))) {
                duplicatesDropped.inc();
            } else {
                writeLate(sample, ctx);
            }
        }
    }

    /** Samples handed over after the session ended: their late copies are redeliveries too. */
    private void rememberAfterEnd(List<CanonicalEvent> samples, OnTimerContext ctx)
            throws Exception {
        if (samples.isEmpty()) {
            return;
        }
        SampleSlots slots = new SampleSlots();
        for (CanonicalEvent sample : samples) {
            slots.add(sample.media, sample.ts);
        }
        remember(slots, false, ctx);
    }

    /**
     * Adds {@code slots} to the tombstone; a session's end ({@code restart}) or a new tombstone
     * keeps it {@code sampleRetention} from now.
     */
    private void remember(SampleSlots slots, boolean restart, OnTimerContext ctx) throws Exception {
        EndedSamples tombstone = endedSamples.value();
        if (tombstone == null) {
            tombstone = new EndedSamples();
            restart = true;
        }
        tombstone.slots.addAll(slots);
        if (restart) {
            tombstone.forgetAt = ctx.timerService().currentProcessingTime() + sampleRetentionMs;
            ctx.timerService().registerProcessingTimeTimer(tombstone.forgetAt);
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

    @Override
    protected void onProcessingTime(long timestamp, OnTimerContext ctx) throws Exception {
        EndedSamples tombstone = endedSamples.value();
        if (tombstone != null && tombstone.forgetAt <= timestamp) {
            endedSamples.clear();
        }
    }

    private MediaQualityDetector.Scope scope(SessionStats current, OnTimerContext ctx) {
        return new MediaQualityDetector.Scope(
                ctx.getCurrentKey(),
                current.agentId,
                current.queueId,
                thresholds,
                alert -> {
                    alertCounters.get(alert.alertType() + alert.state()).inc();
                    ctx.output(OutputTags.QUALITY_ALERTS, alert);
                });
    }

    /**
     * Ends the session: its open alerts resolve at {@code resolveAt} (when the end is known), its
     * row reports it ended at {@code endTime}.
     */
    private void end(
            SessionStats current,
            long endTime,
            long resolveAt,
            String reason,
            long forgetFrom,
            OnTimerContext ctx,
            Collector<SessionQuality> out)
            throws Exception {
        current.media.end(resolveAt, endTime, scope(current, ctx));
        if (current.samples > 0) {
            out.collect(current.toRow(ctx.getCurrentKey(), endTime, reason));
        }
        if (!current.slots.isEmpty()) {
            remember(current.slots, true, ctx);
        }
        stats.clear();
        endedAt.update(forgetFrom);
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
}
