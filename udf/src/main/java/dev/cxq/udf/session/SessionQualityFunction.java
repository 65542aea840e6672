package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.QualityThresholds;
import dev.cxq.udf.quality.SampleAssessment;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.time.EventTimeOrderedFunction;

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

/**
 * Per-session media quality: evaluates samples in event-time order with a {@link
 * MediaQualityDetector} (degradation incidents, media-gap and disconnect warnings, written to
 * {@link OutputTags#QUALITY_ALERTS}) and emits one {@link SessionQuality} row when the session
 * ends: at its terminal interaction event, or after {@code inactivityTimeout} of event time without
 * any event for it. Its state is cleared then; a small end marker stays for one more timeout and is
 * cleared too, so no state outlives the session by more than that.
 *
 * <p>Metrics (group {@code cxq}): {@code samplesEvaluated}, {@code estimatedMosSamples}, {@code
 * alertsFired} and {@code alertsResolved} per {@code alert_type}, {@code activeSessions} (sessions
 * with open state on this subtask since it started), {@code samplesAfterSessionEnd}.
 */
public class SessionQualityFunction extends EventTimeOrderedFunction<SessionQuality> {

    private static final long serialVersionUID = 1L;

    private final long inactivityTimeoutMs;
    private final QualityThresholds thresholds;

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

    private transient Counter samplesAfterEnd;
    private transient Counter samplesEvaluated;
    private transient Counter estimatedMosSamples;
    private transient Map<String, Counter> alertCounters;

    /** Open sessions on this subtask; in memory only, so it restarts from zero after a restore. */
    private transient long activeSessions;

    public SessionQualityFunction(Duration inactivityTimeout, QualityThresholds thresholds) {
        this.inactivityTimeoutMs = inactivityTimeout.toMillis();
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        stats =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("stats", SessionStats.class));
        endedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("ended-at", Long.class));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("cxq");
        samplesAfterEnd = metrics.counter("samplesAfterSessionEnd");
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
        SessionStats current = stats.value();
        // An ended session has no stats (end() clears them), so an open one skips this read.
        Long ended = current == null ? endedAt.value() : null;
        if (ended != null) {
            if (time < ended + inactivityTimeoutMs) {
                samplesAfterEnd.inc(
                        events.stream().filter(e -> e.kind == EventKind.MEDIA_SAMPLE).count());
                return ended + inactivityTimeoutMs;
            }
            endedAt.clear();
        }
        List<CanonicalEvent> samples =
                events.stream().filter(e -> e.kind == EventKind.MEDIA_SAMPLE).toList();
        if (current != null) {
            long deadline = current.lastEventTs + inactivityTimeoutMs;
            // Nothing of the session happens after its end; samples at the end are after it.
            current.media.advanceTo(Math.min(time, deadline), scope(current, ctx));
            if (time >= deadline) {
                end(current, current.lastEventTs, deadline, "inactivity", deadline, ctx, out);
                if (time < deadline + inactivityTimeoutMs) {
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
     * Drops same-instant repeats of an event id: a redelivered event never changes the output. The
     * base class hands over same-instant events sorted by kind and id, so repeats are neighbours.
     */
    private static List<CanonicalEvent> withoutRedeliveries(List<CanonicalEvent> events) {
        List<CanonicalEvent> distinct = new ArrayList<>(events.size());
        for (CanonicalEvent event : events) {
            if (distinct.isEmpty()
                    || !distinct.get(distinct.size() - 1).eventId.equals(event.eventId)) {
                distinct.add(event);
            }
        }
        return distinct;
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
        stats.clear();
        endedAt.update(forgetFrom);
        activeSessions--;
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
