package dev.cxq.job.differential;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An independent, single-threaded, in-memory implementation of the contract ({@code
 * docs/design.md}, {@code docs/semantics.md}, {@code docs/dedup.md} and the design notes), written
 * without the job's operators, to check the job against. It produces the rows of every output table
 * without the wall-clock {@code received_at} and {@code delivered_at}; {@code webhook_deliveries}
 * for a given endpoint ({@link #addDeliveries}).
 *
 * <p>Lateness is decided in arrival order per split ({@code docs/semantics.md}, "Lateness"): an
 * event is late when its {@code ts} is below the largest {@code ts} of the valid records read
 * earlier from the same split (redeliveries included) minus the 10 s bound. A replayed file is one
 * split, a Kafka partition another. Copies of one event share its identity ({@link #identity}: a
 * media sample's session, media and timestamp, another event's session and id). An identity with a
 * copy in time is applied with its first such copy (a sample: the in-time copy with the smallest
 * event id), whatever arrived before; a late copy of it is dropped; an event id whose every copy is
 * late, of an identity never applied, goes to {@code late_events} (its first copy) and is applied
 * nowhere. Each session's applied events are handled in event-time order, ties by kind (samples,
 * interactions, recordings) then event id.
 */
public final class ContractOracle {

    /** The watermark bound of the contract (default configuration). */
    public static final long BOUND_MS = 10_000;

    static final long FCR_WINDOW_MS = 24 * 3_600_000L;
    static final int MAX_PAYLOAD_CHARS = 4096;
    static final List<Duration> WINDOW_SIZES = List.of(Duration.ofMinutes(5), Duration.ofHours(1));

    /**
     * One record as the job reads it.
     *
     * @param split the file or Kafka partition it came from: lateness is decided per split
     * @param position its place in the split ({@code file:line}, {@code topic/partition/offset}),
     *     the {@code source} of its {@code rejected_events} row
     * @param line its text
     */
    public record Delivery(String split, String position, String line) {}

    private ContractOracle() {}

    /** The contract's output of {@code lines} replayed from a file named {@code corpus.jsonl}. */
    public static TableDump compute(List<String> lines, int metricVersion) {
        return compute(lines, metricVersion, "corpus.jsonl");
    }

    /** The contract's output of {@code lines} replayed from the file {@code source}. */
    public static TableDump compute(List<String> lines, int metricVersion, String source) {
        return computeDelivered(file(source, lines), metricVersion);
    }

    /** The lines of the file {@code source} as one split, blank lines skipped. */
    public static List<Delivery> file(String source, List<String> lines) {
        List<Delivery> deliveries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                deliveries.add(new Delivery(source, source + ":" + (i + 1), lines.get(i)));
            }
        }
        return deliveries;
    }

    /** The contract's output of {@code deliveries}, in the order the job reads each split. */
    public static TableDump computeDelivered(List<Delivery> deliveries, int metricVersion) {
        TableDump dump = new TableDump();
        Map<String, List<OracleEvent>> bySession = new LinkedHashMap<>();
        Map<String, OracleEvent> late = new TreeMap<>();
        Map<String, OracleEvent> applied = new HashMap<>();
        Map<String, OracleEvent> everyCopyLate = new HashMap<>();
        Map<String, Long> maxTsBySplit = new HashMap<>();
        for (Delivery delivery : deliveries) {
            OracleEvent event;
            try {
                event = OracleEvent.parse(delivery.line());
            } catch (OracleEvent.Rejected rejected) {
                dump.put(
                        "rejected_events",
                        rejection(delivery.position(), delivery.line(), rejected.reason));
                continue;
            }
            Long maxTs = maxTsBySplit.get(delivery.split());
            boolean behind = maxTs != null && event.ts < maxTs - BOUND_MS;
            maxTsBySplit.merge(delivery.split(), event.ts, Math::max);
            String identity = identity(event);
            OracleEvent chosen = applied.get(identity);
            if (behind) {
                if (chosen == null) {
                    everyCopyLate.putIfAbsent(event.eventId, event);
                }
                continue;
            }
            if (chosen == null) {
                applied.put(identity, event);
                bySession.computeIfAbsent(event.sessionId, k -> new ArrayList<>()).add(event);
            } else if (event.kind.equals("media_sample")
                    && event.eventId.compareTo(chosen.eventId) < 0) {
                // Of a sample's in-time copies, the smallest event id is applied.
                applied.put(identity, event);
                List<OracleEvent> session = bySession.get(event.sessionId);
                session.set(session.indexOf(chosen), event);
            }
        }
        // A late copy of an identity applied in time, before or after it arrived, is dropped.
        everyCopyLate.values().removeIf(e -> applied.containsKey(identity(e)));
        late.putAll(everyCopyLate);

        Map<String, Map<String, Object>> alerts = new TreeMap<>();
        Map<String, Map<String, Object>> sessions = new TreeMap<>();
        List<Object[]> media = new ArrayList<>();
        // By id: an interaction id opened again after its state was cleared replaces its rows.
        Map<String, OracleInteraction.Summary> byId = new LinkedHashMap<>();
        Comparator<OracleEvent> order =
                Comparator.comparingLong((OracleEvent e) -> e.ts)
                        .thenComparingInt(ContractOracle::kindOrder)
                        .thenComparing(e -> e.eventId);
        for (Map.Entry<String, List<OracleEvent>> session : bySession.entrySet()) {
            List<OracleEvent> events = session.getValue();
            events.sort(order);
            OracleMediaSession quality =
                    new OracleMediaSession(
                            session.getKey(), metricVersion, alerts, sessions, media);
            OracleInteraction interaction =
                    new OracleInteraction(
                            session.getKey(),
                            summary -> byId.put(summary.id, summary),
                            recording -> late.put(recording.eventId, recording));
            int from = 0;
            while (from < events.size()) {
                int to = from;
                long t = events.get(from).ts;
                while (to < events.size() && events.get(to).ts == t) {
                    to++;
                }
                List<OracleEvent> instant = events.subList(from, to);
                quality.onInstant(t, new ArrayList<>(instant));
                List<OracleEvent> lifecycle =
                        instant.stream().filter(e -> !e.kind.equals("media_sample")).toList();
                if (!lifecycle.isEmpty()) {
                    interaction.onInstant(t, lifecycle);
                }
                from = to;
            }
            quality.finish();
            interaction.finish();
        }

        List<OracleInteraction.Summary> interactions = new ArrayList<>(byId.values());
        alerts.values().forEach(row -> dump.put("quality_alerts", row));
        sessions.values().forEach(row -> dump.put("session_quality", row));
        for (OracleInteraction.Summary s : interactions) {
            interactionRows(s, metricVersion).forEach(row -> dump.put("computed_metrics", row));
        }
        fcrRows(interactions, metricVersion).forEach(row -> dump.put("computed_metrics", row));
        kpiRows(interactions, media, metricVersion).forEach(row -> dump.put("kpi_windows", row));
        for (OracleEvent e : late.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", e.eventId);
            row.put("session_id", e.sessionId);
            row.put("ts", Instant.ofEpochMilli(e.ts));
            row.put("kind", e.kind);
            row.put("payload", e.canonicalJson());
            dump.put("late_events", row);
        }
        return dump;
    }

    /**
     * Adds to {@code dump} the delivery log of an endpoint named {@code endpoint} that accepts
     * every call at once: one {@code webhook_deliveries} row per alert transition, a {@code firing}
     * row for every alert and a {@code resolved} row for each resolved one, one attempt, status
     * 200. The call carries the idempotency key {@code incident_key:state} ({@link
     * #idempotencyKeys}). The row's {@code delivered_at} is wall-clock time and not modelled. And
     * the outbox the calls came from: one {@code webhook_outbox} row per transition, at the time
     * the alert fired or resolved (its {@code body} is not modelled).
     */
    public static void addDeliveries(TableDump dump, String endpoint) {
        for (SortedMap<String, String> alert : dump.rows("quality_alerts").values()) {
            List<String> states =
                    alert.get("state").equals("resolved")
                            ? List.of("firing", "resolved")
                            : List.of("firing");
            for (String state : states) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("incident_key", alert.get("incident_key"));
                row.put("state", state);
                row.put("endpoint", endpoint);
                row.put("attempts", 1);
                row.put("last_status", 200);
                dump.put("webhook_deliveries", row);
                Map<String, Object> outbox = new LinkedHashMap<>();
                outbox.put("idempotency_key", alert.get("incident_key") + ":" + state);
                outbox.put("incident_key", alert.get("incident_key"));
                outbox.put("state", state);
                outbox.put(
                        "event_time",
                        alert.get(state.equals("resolved") ? "resolved_at" : "fired_at"));
                dump.put("webhook_outbox", outbox);
            }
        }
    }

    /** The idempotency keys of the calls behind {@code dump}'s {@code webhook_deliveries} rows. */
    public static Set<String> idempotencyKeys(TableDump dump) {
        Set<String> keys = new TreeSet<>();
        for (SortedMap<String, String> row : dump.rows("webhook_deliveries").values()) {
            keys.add(row.get("incident_key") + ":" + row.get("state"));
        }
        return keys;
    }

    /**
     * What makes two deliveries copies of one event ({@code docs/dedup.md}): for a media sample its
     * session, media and timestamp; for other events the session and the event id.
     */
    static String identity(OracleEvent e) {
        return e.kind.equals("media_sample")
                ? "sample\n" + e.sessionId + "\n" + e.media + "\n" + e.ts
                : "event\n" + e.sessionId + "\n" + e.eventId;
    }

    private static int kindOrder(OracleEvent e) {
        return switch (e.kind) {
            case "media_sample" -> 0;
            case "interaction" -> 1;
            default -> 2;
        };
    }

    private static Map<String, Object> rejection(String position, String line, String reason) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_key", OracleMediaSession.sha256(position + "\n" + line));
        row.put("reason", reason);
        row.put("source", position);
        row.put(
                "payload",
                line.length() <= MAX_PAYLOAD_CHARS ? line : line.substring(0, MAX_PAYLOAD_CHARS));
        return row;
    }

    private static List<Map<String, Object>> interactionRows(
            OracleInteraction.Summary s, int metricVersion) {
        List<Map<String, Object>> rows = new ArrayList<>();
        ObjectNode durations = JsonNodeFactory.instance.objectNode();
        durations.put("status", s.status);
        durations.put("durations_from", s.platform ? "platform" : "transitions");
        rows.add(metric(s, "handle_time_s", s.handleMs() / 1000.0, durations, metricVersion));
        if (!s.excludedFromAdjustedAht()) {
            ObjectNode adjusted = durations.deepCopy();
            adjusted.put("disposition", s.disposition);
            rows.add(metric(s, "adjusted_aht_s", s.handleMs() / 1000.0, adjusted, metricVersion));
        }
        rows.add(metric(s, "talk_s", s.talkMs / 1000.0, durations, metricVersion));
        rows.add(metric(s, "hold_s", s.holdMs / 1000.0, durations, metricVersion));
        rows.add(metric(s, "wrap_s", s.wrapMs / 1000.0, durations, metricVersion));
        rows.add(metric(s, "queue_wait_s", s.queueWaitMs / 1000.0, durations, metricVersion));
        ObjectNode status = JsonNodeFactory.instance.objectNode().put("status", s.status);
        rows.add(metric(s, "interaction_status", s.completed() ? 1.0 : 0.0, status, metricVersion));
        ObjectNode recording =
                JsonNodeFactory.instance
                        .objectNode()
                        .put("status", s.recordingStatus)
                        .put("required", s.recordingRequired);
        rows.add(
                metric(
                        s,
                        "recording_status",
                        s.recordingStatus.equals("uploaded") ? 1.0 : 0.0,
                        recording,
                        metricVersion));
        return rows;
    }

    private static Map<String, Object> metric(
            OracleInteraction.Summary s,
            String type,
            double value,
            ObjectNode metadata,
            int metricVersion) {
        return metric(s.id, type, s.end, s.agentId, value, metadata, metricVersion);
    }

    private static Map<String, Object> metric(
            String interactionId,
            String type,
            long timestamp,
            String agentId,
            double value,
            ObjectNode metadata,
            int metricVersion) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("interaction_id", interactionId);
        row.put("metric_type", type);
        row.put("timestamp_utc", Instant.ofEpochMilli(timestamp));
        row.put("agent_id", agentId);
        row.put("metric_value", value);
        row.put("metadata", metadata);
        row.put("metric_version", metricVersion);
        return row;
    }

    /**
     * FCR per interaction with a customer: 0 when another interaction of the customer starts after
     * its end and at most 24 h later (the earliest such start, then the smallest id, is named).
     */
    private static List<Map<String, Object>> fcrRows(
            List<OracleInteraction.Summary> interactions, int metricVersion) {
        Map<String, List<OracleInteraction.Summary>> byCustomer = new HashMap<>();
        for (OracleInteraction.Summary s : interactions) {
            if (s.customerId != null) {
                byCustomer.computeIfAbsent(s.customerId, k -> new ArrayList<>()).add(s);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<OracleInteraction.Summary> calls : byCustomer.values()) {
            for (OracleInteraction.Summary s : calls) {
                OracleInteraction.Summary repeat = null;
                for (OracleInteraction.Summary other : calls) {
                    if (other == s || other.start <= s.end || other.start > s.end + FCR_WINDOW_MS) {
                        continue;
                    }
                    if (repeat == null
                            || other.start < repeat.start
                            || (other.start == repeat.start && other.id.compareTo(repeat.id) < 0)) {
                        repeat = other;
                    }
                }
                ObjectNode metadata =
                        JsonNodeFactory.instance
                                .objectNode()
                                .put("customer_id", s.customerId)
                                .put("repeat_interaction_id", repeat == null ? null : repeat.id);
                rows.add(
                        metric(
                                s.id,
                                "fcr",
                                s.end,
                                s.agentId,
                                repeat == null ? 1.0 : 0.0,
                                metadata,
                                metricVersion));
            }
        }
        return rows;
    }

    /** The figures of one KPI window key. */
    private static final class Window {
        final List<OracleInteraction.Summary> interactions = new ArrayList<>();
        final Map<String, Object[]> media = new TreeMap<>();
    }

    private static List<Map<String, Object>> kpiRows(
            List<OracleInteraction.Summary> interactions, List<Object[]> media, int metricVersion) {
        Map<List<Object>, Window> windows = new LinkedHashMap<>();
        for (OracleInteraction.Summary s : interactions) {
            for (List<Object> key : windowKeys(s.agentId, s.queueId, s.end)) {
                windows.computeIfAbsent(key, k -> new Window()).interactions.add(s);
            }
        }
        for (Object[] m : media) {
            for (List<Object> key : windowKeys((String) m[0], (String) m[1], (Long) m[2])) {
                // A session id ending twice in one window counts once, its later end winning.
                windows.computeIfAbsent(key, k -> new Window())
                        .media
                        .merge((String) m[6], m, (a, b) -> (Long) a[2] >= (Long) b[2] ? a : b);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<List<Object>, Window> entry : windows.entrySet()) {
            List<Object> key = entry.getKey();
            Window w = entry.getValue();
            long completed = 0;
            long handleMs = 0;
            long adjusted = 0;
            long adjustedMs = 0;
            long required = 0;
            long uploaded = 0;
            long failed = 0;
            for (OracleInteraction.Summary s : w.interactions) {
                if (s.completed()) {
                    completed++;
                    handleMs += s.handleMs();
                    if (!s.excludedFromAdjustedAht()) {
                        adjusted++;
                        adjustedMs += s.handleMs();
                    }
                }
                if (s.recordingRequired) {
                    required++;
                    switch (s.recordingStatus) {
                        case "uploaded" -> uploaded++;
                        case "failed" -> failed++;
                        default -> {}
                    }
                }
            }
            long mosSessions = 0;
            long mosSamples = 0;
            double mosWeighted = 0;
            long incidents = 0;
            for (Object[] m : w.media.values()) {
                Double avg = (Double) m[3];
                long n = (Long) m[4];
                if (avg != null && n > 0) {
                    mosSessions++;
                    mosSamples += n;
                    mosWeighted += avg * n;
                }
                incidents += (Integer) m[5];
            }
            long mediaSessions = w.media.size();
            Object[][] metrics = {
                {"interactions_completed", (double) completed, (long) w.interactions.size()},
                {"avg_handle_time_s", average(handleMs, completed), completed},
                {"avg_adjusted_aht_s", average(adjustedMs, adjusted), adjusted},
                {"recording_required", (double) required, required},
                {"recording_uploaded", (double) uploaded, required},
                {"recording_failed", (double) failed, required},
                // The end of input passes every SLA: no recording is pending in the final rows.
                {"recording_pending", 0.0, required},
                {
                    "recording_compliance_rate",
                    required == 0 ? null : (double) uploaded / required,
                    required
                },
                {"avg_mos", mosSamples == 0 ? null : mosWeighted / mosSamples, mosSessions},
                {
                    "degradation_incidents",
                    mediaSessions == 0 ? null : (double) incidents,
                    mediaSessions
                }
            };
            for (Object[] metric : metrics) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("dimension", key.get(0));
                row.put("dimension_id", key.get(1));
                row.put("window_start", Instant.ofEpochMilli((Long) key.get(2)));
                row.put("window_size", key.get(3).toString());
                row.put("metric", metric[0]);
                row.put(
                        "window_end",
                        Instant.ofEpochMilli(
                                (Long) key.get(2) + ((Duration) key.get(3)).toMillis()));
                row.put("value", metric[1]);
                row.put("count", metric[2]);
                row.put("metric_version", metricVersion);
                rows.add(row);
            }
        }
        return rows;
    }

    /** The window keys an input ending at {@code end} belongs to, per agent and per queue. */
    private static List<List<Object>> windowKeys(String agentId, String queueId, long end) {
        List<List<Object>> keys = new ArrayList<>();
        for (Duration size : WINDOW_SIZES) {
            long start = Math.floorDiv(end, size.toMillis()) * size.toMillis();
            if (agentId != null) {
                keys.add(List.of("agent", agentId, start, size));
            }
            if (queueId != null) {
                keys.add(List.of("queue", queueId, start, size));
            }
        }
        return keys;
    }

    private static Double average(long totalMs, long count) {
        return count == 0 ? null : totalMs / 1000.0 / count;
    }
}
