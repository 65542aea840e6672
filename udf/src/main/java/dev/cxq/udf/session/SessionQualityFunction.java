package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.List;

/**
 * Per-session media statistics, emitted as one {@link SessionQuality} row when the session ends: at
 * its terminal interaction event, or after {@code inactivityTimeout} of event time without any
 * event for it. Its statistics are cleared then; a small end marker stays for one more timeout and
 * is cleared too, so no state outlives the session by more than that.
 */
public class SessionQualityFunction extends EventTimeOrderedFunction<SessionQuality> {

    private static final long serialVersionUID = 1L;

    private final long inactivityTimeoutMs;

    /** Running statistics of the open session; null until its first media sample. */
    private transient ValueState<SessionStats> stats;

    /**
     * Set when the session has ended; kept for one more inactivity timeout so that stray samples
     * after the end are dropped (and counted) instead of opening a second session that would
     * overwrite the row.
     */
    private transient ValueState<Long> endedAt;

    private transient Counter samplesAfterEnd;

    public SessionQualityFunction(Duration inactivityTimeout) {
        this.inactivityTimeoutMs = inactivityTimeout.toMillis();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        stats =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("stats", SessionStats.class));
        endedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("ended-at", Long.class));
        samplesAfterEnd =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("cxq")
                        .counter("samplesAfterSessionEnd");
    }

    @Override
    protected Long onEventTime(
            long time,
            List<CanonicalEvent> events,
            OnTimerContext ctx,
            Collector<SessionQuality> out)
            throws Exception {
        Long ended = endedAt.value();
        if (ended != null) {
            if (time < ended + inactivityTimeoutMs) {
                samplesAfterEnd.inc(
                        events.stream().filter(e -> e.kind == EventKind.MEDIA_SAMPLE).count());
                return ended + inactivityTimeoutMs;
            }
            endedAt.clear();
        }
        SessionStats current = stats.value();
        if (current != null && time >= current.lastEventTs + inactivityTimeoutMs) {
            long deadline = current.lastEventTs + inactivityTimeoutMs;
            end(current, current.lastEventTs, "inactivity", deadline, ctx, out);
            if (time < deadline + inactivityTimeoutMs) {
                return deadline + inactivityTimeoutMs;
            }
            endedAt.clear();
            current = null;
        }
        for (CanonicalEvent event : events) {
            if (event.kind == EventKind.MEDIA_SAMPLE) {
                current = current == null ? new SessionStats() : current;
                current.add(event);
            } else if (current != null && event.kind == EventKind.INTERACTION) {
                if (event.agentId != null) {
                    current.agentId = event.agentId;
                }
                if (event.state.isTerminal()) {
                    end(current, time, "terminal", time, ctx, out);
                    return time + inactivityTimeoutMs;
                }
            }
        }
        if (current == null) {
            return null;
        }
        if (!events.isEmpty()) {
            current.lastEventTs = time;
            stats.update(current);
        }
        return current.lastEventTs + inactivityTimeoutMs;
    }

    private void end(
            SessionStats current,
            long endTime,
            String reason,
            long forgetFrom,
            OnTimerContext ctx,
            Collector<SessionQuality> out)
            throws Exception {
        out.collect(current.toRow(ctx.getCurrentKey(), endTime, reason));
        stats.clear();
        endedAt.update(forgetFrom);
    }

    /** Running statistics of one session (a Flink POJO, kept in keyed state). */
    public static class SessionStats {
        public long samples;
        public double mosSum;
        public long mosCount;
        public Double minMos;
        public Double maxPacketLossPct;
        public String agentId;
        public long lastEventTs = Long.MIN_VALUE;

        public SessionStats() {}

        void add(CanonicalEvent sample) {
            samples++;
            if (sample.agentId != null) {
                agentId = sample.agentId;
            }
            if (sample.mos != null) {
                mosSum += sample.mos;
                mosCount++;
                minMos = minMos == null ? sample.mos : Math.min(minMos, sample.mos);
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
                    endTime,
                    reason,
                    samples,
                    mosCount == 0 ? null : mosSum / mosCount,
                    minMos,
                    maxPacketLossPct,
                    0.0,
                    0);
        }
    }
}
