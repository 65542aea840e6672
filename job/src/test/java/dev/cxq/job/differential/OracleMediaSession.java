package dev.cxq.job.differential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The media side of one session key, by the contract alone: degradation incidents with 30 s
 * hysteresis, media-gap and disconnect warnings, and the {@code session_quality} row at the end of
 * each session (its terminal event or 30 min without any event). Fed the key's applied events one
 * instant at a time, in event-time order, then {@link #finish}.
 *
 * <p>Rules chosen where the contract leaves room (each one a judgement, listed in the report):
 *
 * <ul>
 *   <li>Deadlines at an instant come before its events (semantics.md example 2), except the media
 *       gap: a sample exactly 15 s after the last one is not a gap (example 5).
 *   <li>Recordings do not open a session but do count as activity of an open one.
 *   <li>A degraded instant counts until the next sample instant, the last one until the end, each
 *       at most the 15 s after which silence is a media gap (silence is not degradation).
 *   <li>The hysteresis window holds every sample of its instants: severity reads all their MOS, the
 *       reason every threshold any of them breached; the metrics are those of the last instant's
 *       first degraded sample by event id.
 *   <li>After an end, the key ignores its events for one more inactivity timeout (stragglers).
 * </ul>
 */
final class OracleMediaSession {

    static final double DEGRADED_MOS = 3.5;
    static final double DEGRADED_LOSS = 2.0;
    static final double DEGRADED_VIDEO_KBPS = 500;
    static final double CRITICAL_MOS = 3.2;
    static final long HYSTERESIS_MS = 30_000;
    static final long GAP_MS = 15_000;
    static final long INACTIVITY_MS = 30 * 60_000;

    private final String sessionId;
    private final int metricVersion;

    /** Rows by key, the last write of a key winning (an upsert). */
    final Map<String, Map<String, Object>> alerts;

    final Map<String, Map<String, Object>> sessionRows;

    /** Session rows as KPI inputs: (agent, queue, ended_at, avg_mos, mos_samples, incidents). */
    final List<Object[]> mediaSummaries;

    private Open open;
    private Long quietUntil;

    private final Map<String, String> lastKeyByType = new LinkedHashMap<>();

    OracleMediaSession(
            String sessionId,
            int metricVersion,
            Map<String, Map<String, Object>> alerts,
            Map<String, Map<String, Object>> sessionRows,
            List<Object[]> mediaSummaries) {
        this.sessionId = sessionId;
        this.metricVersion = metricVersion;
        this.alerts = alerts;
        this.sessionRows = sessionRows;
        this.mediaSummaries = mediaSummaries;
    }

    /** One open session's state. */
    private static final class Open {
        String agentId;
        String queueId;
        long lastEventTs;
        long samples;
        long mosSamples;
        double mosSum;
        Double minMos;
        Double maxLoss;
        long degradedMs;
        Long lastSampleTs;
        OracleEvent lastSample;
        boolean lastSampleDegraded;
        int incidents;

        // degradation: HEALTHY, PENDING, FIRING, RECOVERING
        String degradation = "HEALTHY";
        long t0;
        long t1;
        List<List<OracleEvent>> window = new ArrayList<>();
        Map<String, Object> firingRow;

        // interaction state as far as media is expected
        boolean onHoldOrWrapup;
        Long expectingSince;
        Map<String, Object> gapRow;
        Map<String, Object> disconnectRow;
    }

    void onInstant(long t, List<OracleEvent> events) {
        if (open != null) {
            advance(t);
        }
        if (quietUntil != null) {
            if (t < quietUntil) {
                return;
            }
            quietUntil = null;
        }
        if (open == null) {
            if (events.stream().allMatch(e -> e.kind.equals("recording"))) {
                return;
            }
            open = new Open();
        }
        List<OracleEvent> samples = new ArrayList<>();
        for (OracleEvent e : events) {
            if (e.kind.equals("media_sample")) {
                samples.add(e);
                if (e.agentId != null) {
                    open.agentId = e.agentId;
                }
            }
        }
        if (!samples.isEmpty()) {
            onSamples(t, samples);
        }
        for (OracleEvent e : events) {
            if (e.kind.equals("interaction")) {
                open.agentId = e.agentId != null ? e.agentId : open.agentId;
                open.queueId = e.queueId != null ? e.queueId : open.queueId;
                if (e.isTerminal()) {
                    end(t, t, "terminal");
                    quietUntil = t + INACTIVITY_MS;
                    return;
                }
                onState(t, e.state);
            }
        }
        open.lastEventTs = t;
    }

    /** End of input: every remaining deadline runs. */
    void finish() {
        if (open != null) {
            advance(Long.MAX_VALUE);
        }
    }

    /** Runs the deadlines before instant {@code t} (degradation and inactivity ones at t too). */
    private void advance(long t) {
        while (open != null) {
            long inactivity = open.lastEventTs + INACTIVITY_MS;
            Long hysteresis =
                    switch (open.degradation) {
                        case "PENDING" -> open.t0 + HYSTERESIS_MS;
                        case "RECOVERING" -> open.t1 + HYSTERESIS_MS;
                        default -> null;
                    };
            Long gap = gapDeadline();
            long next = inactivity;
            if (hysteresis != null) {
                next = Math.min(next, hysteresis);
            }
            if (gap != null && gap < t) {
                next = Math.min(next, gap);
            }
            if (next > t) {
                return;
            }
            if (hysteresis != null && next == hysteresis) {
                if (open.degradation.equals("PENDING")) {
                    fire(hysteresis);
                } else {
                    resolve(open.firingRow, hysteresis);
                    open.firingRow = null;
                    open.degradation = "HEALTHY";
                }
            } else if (gap != null && next == gap) {
                open.gapRow =
                        alert(
                                "media_gap",
                                open.expectingSince,
                                gap,
                                "warning",
                                open.lastSample,
                                "no media sample for more than 15 s");
            } else {
                end(open.lastEventTs, inactivity, "inactivity");
                quietUntil = inactivity + INACTIVITY_MS;
            }
        }
    }

    private Long gapDeadline() {
        if (open.expectingSince == null
                || open.onHoldOrWrapup
                || open.gapRow != null
                || open.disconnectRow != null) {
            return null;
        }
        return open.expectingSince + GAP_MS;
    }

    private void onState(long t, String state) {
        switch (state) {
            case "hold", "wrapup" -> open.onHoldOrWrapup = true;
            default -> {
                if (open.onHoldOrWrapup) {
                    open.onHoldOrWrapup = false;
                    if (open.expectingSince != null) {
                        open.expectingSince = t;
                    }
                }
            }
        }
    }

    private void onSamples(long t, List<OracleEvent> samples) {
        boolean degraded = false;
        OracleEvent report = null;
        OracleEvent disconnect = null;
        boolean flowing = false;
        samples.sort((a, b) -> a.eventId.compareTo(b.eventId));
        for (OracleEvent s : samples) {
            open.samples++;
            Double mos = mos(s);
            if (mos != null) {
                open.mosSamples++;
                open.mosSum += mos;
                open.minMos = open.minMos == null ? mos : Math.min(open.minMos, mos);
            }
            if (s.packetLossPct != null) {
                open.maxLoss =
                        open.maxLoss == null
                                ? s.packetLossPct
                                : Math.max(open.maxLoss, s.packetLossPct);
            }
            if (isDegraded(s)) {
                if (!degraded) {
                    report = s;
                }
                degraded = true;
            }
            boolean down = "disconnected".equals(s.peerState) || "failed".equals(s.peerState);
            if (down && disconnect == null) {
                disconnect = s;
            }
            flowing |= !down;
        }
        if (open.lastSampleTs != null && open.lastSampleDegraded) {
            open.degradedMs += Math.min(t - open.lastSampleTs, GAP_MS);
        }
        open.lastSampleTs = t;
        // An instant is reported by its first degraded sample, else its first one (by event id).
        open.lastSample = report != null ? report : samples.get(0);
        open.lastSampleDegraded = degraded;

        // Media flows: an open gap resolves; the silence clock restarts.
        if (open.gapRow != null) {
            resolve(open.gapRow, t);
            open.gapRow = null;
        }
        open.expectingSince = t;
        if (open.disconnectRow != null && flowing && disconnect == null) {
            resolve(open.disconnectRow, t);
            open.disconnectRow = null;
        } else if (open.disconnectRow == null && disconnect != null) {
            open.disconnectRow =
                    alert(
                            "disconnected",
                            t,
                            t,
                            "warning",
                            disconnect,
                            "peer_state=" + disconnect.peerState);
        }

        switch (open.degradation) {
            case "HEALTHY" -> {
                if (degraded) {
                    open.degradation = "PENDING";
                    open.t0 = t;
                    open.window = new ArrayList<>();
                    open.window.add(new ArrayList<>(samples));
                    open.window.get(0).add(0, report);
                }
            }
            case "PENDING" -> {
                if (degraded) {
                    List<OracleEvent> instant = new ArrayList<>(samples);
                    instant.add(0, report);
                    open.window.add(instant);
                } else {
                    open.degradation = "HEALTHY";
                }
            }
            case "FIRING" -> {
                if (!degraded) {
                    open.degradation = "RECOVERING";
                    open.t1 = t;
                }
            }
            default -> {
                if (degraded) {
                    open.degradation = "FIRING";
                }
            }
        }
    }

    private void fire(long at) {
        List<OracleEvent> all = new ArrayList<>();
        for (List<OracleEvent> instant : open.window) {
            all.addAll(instant.subList(1, instant.size()));
        }
        boolean anyMos = false;
        boolean allCritical = true;
        boolean lowMos = false;
        boolean loss = false;
        boolean bitrate = false;
        for (OracleEvent s : all) {
            Double mos = mos(s);
            if (mos != null) {
                anyMos = true;
                allCritical &= mos < CRITICAL_MOS;
                lowMos |= mos < DEGRADED_MOS;
            }
            loss |= s.packetLossPct != null && s.packetLossPct > DEGRADED_LOSS;
            bitrate |= isLowVideoBitrate(s);
        }
        List<String> reasons = new ArrayList<>();
        if (lowMos) {
            reasons.add("mos<3.5");
        }
        if (loss) {
            reasons.add("packet_loss_pct>2");
        }
        if (bitrate) {
            reasons.add("video_bitrate_kbps<500");
        }
        OracleEvent last = open.window.get(open.window.size() - 1).get(0);
        open.firingRow =
                alert(
                        "degradation",
                        open.t0,
                        at,
                        anyMos && allCritical ? "critical" : "high",
                        last,
                        String.join(", ", reasons));
        open.degradation = "FIRING";
        if (alerts.get(open.firingRow.get("incident_key")) == open.firingRow) {
            open.incidents++;
        }
    }

    /**
     * A firing alert's row, written unless its key repeats the previous key of its type (then the
     * alert is tracked but not written: a limitation of the contract's key rule).
     */
    private Map<String, Object> alert(
            String type,
            long startedAt,
            long firedAt,
            String severity,
            OracleEvent s,
            String reason) {
        String hashed =
                type.equals("degradation")
                        ? sessionId + ":" + Math.floorDiv(startedAt / 1000, 300)
                        : sessionId + ":" + type + ":" + Math.floorDiv(startedAt / 1000, 300);
        String key = sha256(hashed);
        boolean repeated = key.equals(lastKeyByType.put(type, key));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("incident_key", key);
        row.put("session_id", sessionId);
        row.put("agent_id", open.agentId);
        row.put("queue_id", open.queueId);
        row.put("alert_type", type);
        row.put("severity", severity);
        row.put("state", "firing");
        row.put("started_at", Instant.ofEpochMilli(startedAt));
        row.put("fired_at", Instant.ofEpochMilli(firedAt));
        row.put("resolved_at", null);
        row.put("mos", s == null ? null : mos(s));
        row.put("mos_estimated", s != null && s.mos == null && mos(s) != null);
        row.put("jitter_ms", s == null ? null : s.jitterMs);
        row.put("packet_loss_pct", s == null ? null : s.packetLossPct);
        row.put("rtt_ms", s == null ? null : s.rttMs);
        row.put("bitrate_kbps", s == null ? null : s.bitrateKbps);
        row.put("reason", reason);
        row.put("metric_version", metricVersion);
        if (!repeated) {
            alerts.put(key, row);
        }
        return row;
    }

    /** The alert's row moves to resolved (a row that was not written stays unwritten). */
    private static void resolve(Map<String, Object> row, long at) {
        row.put("state", "resolved");
        row.put("resolved_at", Instant.ofEpochMilli(at));
    }

    private void end(long endedAt, long resolveAt, String reason) {
        if ("FIRING".equals(open.degradation) || "RECOVERING".equals(open.degradation)) {
            resolve(open.firingRow, resolveAt);
        }
        if (open.gapRow != null) {
            resolve(open.gapRow, resolveAt);
        }
        if (open.disconnectRow != null) {
            resolve(open.disconnectRow, resolveAt);
        }
        if (open.lastSampleTs != null && open.lastSampleDegraded) {
            open.degradedMs += Math.min(endedAt - open.lastSampleTs, GAP_MS);
        }
        if (open.samples > 0) {
            Double avgMos = open.mosSamples == 0 ? null : open.mosSum / open.mosSamples;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("session_id", sessionId);
            row.put("agent_id", open.agentId);
            row.put("queue_id", open.queueId);
            row.put("ended_at", Instant.ofEpochMilli(endedAt));
            row.put("end_reason", reason);
            row.put("samples", open.samples);
            row.put("mos_samples", open.mosSamples);
            row.put("avg_mos", avgMos);
            row.put("min_mos", open.minMos);
            row.put("max_packet_loss_pct", open.maxLoss);
            row.put("degraded_seconds", open.degradedMs / 1000.0);
            row.put("incidents", open.incidents);
            row.put("metric_version", metricVersion);
            sessionRows.put(sessionId, row);
            mediaSummaries.add(
                    new Object[] {
                        open.agentId,
                        open.queueId,
                        endedAt,
                        avgMos,
                        open.mosSamples,
                        open.incidents,
                        sessionId
                    });
        }
        open = null;
    }

    /** The measured MOS, else the E-model estimate when rtt, jitter and loss are all known. */
    static Double mos(OracleEvent s) {
        if (s.mos != null) {
            return s.mos;
        }
        if (s.rttMs == null || s.jitterMs == null || s.packetLossPct == null) {
            return null;
        }
        double latency = s.rttMs + 2 * s.jitterMs + 10;
        double r = latency < 160 ? 94.768 - latency / 40 : 94.768 - (latency - 120) / 10;
        r -= 2.5 * s.packetLossPct;
        r = Math.max(0, Math.min(100, r));
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
    }

    static boolean isDegraded(OracleEvent s) {
        Double mos = mos(s);
        return (mos != null && mos < DEGRADED_MOS)
                || (s.packetLossPct != null && s.packetLossPct > DEGRADED_LOSS)
                || isLowVideoBitrate(s);
    }

    private static boolean isLowVideoBitrate(OracleEvent s) {
        return "video".equals(s.media)
                && s.bitrateKbps != null
                && s.bitrateKbps < DEGRADED_VIDEO_KBPS;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
