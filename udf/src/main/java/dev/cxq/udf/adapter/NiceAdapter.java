package dev.cxq.udf.adapter;

import dev.cxq.udf.internal.Hashing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static dev.cxq.udf.json.JsonFields.optionalBoolean;
import static dev.cxq.udf.json.JsonFields.optionalDurationMs;
import static dev.cxq.udf.json.JsonFields.optionalId;
import static dev.cxq.udf.json.JsonFields.optionalNumber;
import static dev.cxq.udf.json.JsonFields.requiredId;
import static dev.cxq.udf.json.JsonFields.requiredInstant;

/**
 * Translates NICE CXone records into canonical events. Field names follow the CXone Reporting API
 * completed-contact model ({@code contactId}, {@code contactStart}, {@code agentSeconds}, ...).
 *
 * <p>A completed-contact record summarises a whole contact, so it becomes two interaction events:
 * {@code queued} at {@code contactStart} (the interaction's start, which business hours are judged
 * by) and the terminal event at the contact's end carrying the platform-measured durations. Their
 * event ids derive from {@code contactId}, so a redelivered record is dropped by the dedup.
 */
public final class NiceAdapter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long SECOND = 1000;

    private NiceAdapter() {}

    /** The two interaction events of a completed-contact record. */
    public static List<ObjectNode> fromContact(JsonNode record) {
        String contactId = requiredId(record, "contactId", "contactId");
        long start = requiredInstant(record, "contactStart", "contactStart");
        Long agentMs = optionalDurationMs(record, "agentSeconds", "agentSeconds", SECOND);
        Long holdMs = optionalDurationMs(record, "holdSeconds", "holdSeconds", SECOND);
        Long acwMs = optionalDurationMs(record, "ACWSeconds", "ACWSeconds", SECOND);
        Long queueMs = optionalDurationMs(record, "inQueueSeconds", "inQueueSeconds", SECOND);
        Long totalMs =
                optionalDurationMs(record, "totalDurationSeconds", "totalDurationSeconds", SECOND);
        boolean abandoned = Boolean.TRUE.equals(optionalBoolean(record, "abandoned", "abandoned"));

        // The record carries no end time: totalDurationSeconds when given, else the sum of parts.
        long end =
                start
                        + (totalMs != null
                                ? totalMs
                                : orZero(queueMs)
                                        + orZero(agentMs)
                                        + orZero(holdMs)
                                        + orZero(acwMs));

        ObjectNode queued = base(record, contactId, "queued", start);
        ObjectNode terminal = base(record, contactId, abandoned ? "abandoned" : "completed", end);
        String disposition = optionalId(record, "primaryDispositionId", "primaryDispositionId");
        if (disposition != null) {
            terminal.put("disposition", disposition);
        }
        if (agentMs != null || holdMs != null || acwMs != null || queueMs != null) {
            ObjectNode metrics = terminal.putObject("metrics");
            putIfPresent(metrics, "talk_ms", agentMs);
            putIfPresent(metrics, "hold_ms", holdMs);
            putIfPresent(metrics, "wrap_ms", acwMs);
            putIfPresent(metrics, "queue_wait_ms", queueMs);
        }
        return List.of(queued, terminal);
    }

    /**
     * The media sample of a per-contact call-quality record: {@code jitter} and {@code latency} in
     * milliseconds, {@code packetLoss} in percent. Its event id is the hash of the record, as NICE
     * sends several quality records per contact.
     */
    public static ObjectNode fromCallQuality(JsonNode record) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put(
                "event_id", "nice:quality:" + Hashing.sha256Hex(CanonicalTrees.sortedJson(record)));
        event.put("kind", "media_sample");
        event.put("session_id", requiredId(record, "contactId", "contactId"));
        long ts = requiredInstant(record, "timestamp", "timestamp");
        event.put("ts", Instant.ofEpochMilli(ts).toString());
        event.put("media", "audio");
        putIfPresent(event, "jitter_ms", optionalNumber(record, "jitter", "jitter"));
        putIfPresent(event, "packet_loss_pct", optionalNumber(record, "packetLoss", "packetLoss"));
        // Latency is the round trip as CXone measures it from the agent leg.
        putIfPresent(event, "rtt_ms", optionalNumber(record, "latency", "latency"));
        putIfPresent(event, "mos", optionalNumber(record, "mos", "mos"));
        String agentId = optionalId(record, "agentId", "agentId");
        if (agentId != null) {
            event.put("agent_id", agentId);
        }
        return event;
    }

    private static ObjectNode base(JsonNode record, String contactId, String state, long ts) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("event_id", "nice:" + contactId + ":" + state);
        event.put("kind", "interaction");
        event.put("session_id", contactId);
        event.put("ts", Instant.ofEpochMilli(ts).toString());
        event.put("state", state);
        String agentId = optionalId(record, "agentId", "agentId");
        if (agentId != null) {
            event.put("agent_id", agentId);
        }
        String skillId = optionalId(record, "skillId", "skillId");
        if (skillId != null) {
            event.put("queue_id", skillId);
        }
        String channel = channel(optionalId(record, "mediaTypeName", "mediaTypeName"));
        if (channel != null) {
            event.put("channel", channel);
        }
        return event;
    }

    private static String channel(String mediaTypeName) {
        if (mediaTypeName == null) {
            return null;
        }
        return switch (mediaTypeName.toLowerCase(Locale.ROOT)) {
            case "call", "phone call", "voice", "voicemail" -> "voice";
            case "chat", "digital", "email", "sms", "work item" -> "chat";
            default -> null;
        };
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static void putIfPresent(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Double value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
