package dev.cxq.job.differential;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * One canonical event as the contract ({@code docs/design.md}, "Input") defines it, read and
 * validated by the oracle on its own: {@link #parse} returns the event or throws {@link Rejected}
 * with the reason code.
 */
final class OracleEvent {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private static final Set<String> KINDS = Set.of("media_sample", "interaction", "recording");
    private static final Set<String> STATES =
            Set.of(
                    "queued",
                    "ivr",
                    "connected",
                    "hold",
                    "unhold",
                    "transferred",
                    "wrapup",
                    "completed",
                    "abandoned",
                    "missed");
    static final Set<String> TERMINAL = Set.of("completed", "abandoned", "missed");

    String eventId;
    String kind;
    String sessionId;
    long ts;

    // media_sample
    String media;
    Double mos;
    Double jitterMs;
    Double rttMs;
    Double packetLossPct;
    Double bitrateKbps;
    String peerState;
    String agentId;

    // interaction
    String state;
    String queueId;
    String customerId;
    String agentTimezone;
    String disposition;
    String channel;
    Boolean recordingRequired;
    Long talkMs;
    Long holdMs;
    Long wrapMs;
    Long queueWaitMs;

    // recording
    String recordingId;
    String recordingMedia;
    String status;

    /** An invalid line, with the contract's reason. */
    static final class Rejected extends Exception {
        final String reason;

        Rejected(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    static OracleEvent parse(String line) throws Rejected {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (Exception e) {
            throw new Rejected("invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            throw new Rejected("invalid_json");
        }
        if (!root.isObject()) {
            throw new Rejected("not_a_json_object");
        }
        OracleEvent e = new OracleEvent();
        e.eventId = requiredText(root, "event_id");
        e.kind = requiredText(root, "kind");
        if (!KINDS.contains(e.kind)) {
            throw new Rejected("unknown_value:kind");
        }
        e.sessionId = requiredText(root, "session_id");
        e.ts = timestamp(requiredText(root, "ts"));
        switch (e.kind) {
            case "media_sample" -> {
                e.media = oneOf(root, "media", Set.of("audio", "video"));
                if (e.media == null) {
                    e.media = "audio";
                }
                e.mos = number(root, "mos", 1.0, 5.0);
                e.jitterMs = number(root, "jitter_ms", 0, Double.MAX_VALUE);
                e.rttMs = number(root, "rtt_ms", 0, Double.MAX_VALUE);
                e.packetLossPct = number(root, "packet_loss_pct", 0, 100);
                e.bitrateKbps = number(root, "bitrate_kbps", 0, Double.MAX_VALUE);
                e.peerState =
                        oneOf(root, "peer_state", Set.of("connected", "disconnected", "failed"));
                e.agentId = text(root, "agent_id");
            }
            case "interaction" -> {
                e.state = oneOf(root, "state", STATES);
                if (e.state == null) {
                    throw new Rejected("missing_field:state");
                }
                e.agentId = text(root, "agent_id");
                e.queueId = text(root, "queue_id");
                e.customerId = text(root, "customer_id");
                e.agentTimezone = text(root, "agent_timezone");
                if (e.agentTimezone != null) {
                    try {
                        ZoneId.of(e.agentTimezone);
                    } catch (DateTimeException invalid) {
                        throw new Rejected("invalid_timezone:agent_timezone");
                    }
                }
                e.disposition = text(root, "disposition");
                e.channel = oneOf(root, "channel", Set.of("voice", "video", "chat"));
                JsonNode required = present(root, "recording_required");
                if (required != null) {
                    if (!required.isBoolean()) {
                        throw new Rejected("wrong_type:recording_required");
                    }
                    e.recordingRequired = required.booleanValue();
                }
                JsonNode metrics = present(root, "metrics");
                if (metrics != null) {
                    if (!metrics.isObject()) {
                        throw new Rejected("wrong_type:metrics");
                    }
                    e.talkMs = millis(metrics, "talk_ms");
                    e.holdMs = millis(metrics, "hold_ms");
                    e.wrapMs = millis(metrics, "wrap_ms");
                    e.queueWaitMs = millis(metrics, "queue_wait_ms");
                }
            }
            default -> {
                e.recordingId = text(root, "recording_id");
                e.recordingMedia = oneOf(root, "media", Set.of("screen", "audio"));
                e.status =
                        oneOf(root, "status", Set.of("started", "pending", "uploaded", "failed"));
                if (e.status == null) {
                    throw new Rejected("missing_field:status");
                }
            }
        }
        return e;
    }

    boolean isTerminal() {
        return state != null && TERMINAL.contains(state);
    }

    /** The event as canonical JSON, keys sorted (as {@code late_events.payload} is compared). */
    String canonicalJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("event_id", eventId);
        node.put("kind", kind);
        node.put("session_id", sessionId);
        node.put("ts", Instant.ofEpochMilli(ts).toString());
        putText(node, "agent_id", agentId);
        switch (kind) {
            case "media_sample" -> {
                putText(node, "media", media);
                putNumber(node, "mos", mos);
                putNumber(node, "jitter_ms", jitterMs);
                putNumber(node, "rtt_ms", rttMs);
                putNumber(node, "packet_loss_pct", packetLossPct);
                putNumber(node, "bitrate_kbps", bitrateKbps);
                putText(node, "peer_state", peerState);
            }
            case "interaction" -> {
                putText(node, "state", state);
                putText(node, "queue_id", queueId);
                putText(node, "customer_id", customerId);
                putText(node, "agent_timezone", agentTimezone);
                putText(node, "disposition", disposition);
                putText(node, "channel", channel);
                if (recordingRequired != null) {
                    node.put("recording_required", recordingRequired);
                }
                if (talkMs != null || holdMs != null || wrapMs != null || queueWaitMs != null) {
                    ObjectNode metrics = node.putObject("metrics");
                    putLong(metrics, "talk_ms", talkMs);
                    putLong(metrics, "hold_ms", holdMs);
                    putLong(metrics, "wrap_ms", wrapMs);
                    putLong(metrics, "queue_wait_ms", queueWaitMs);
                }
            }
            default -> {
                putText(node, "recording_id", recordingId);
                putText(node, "media", recordingMedia);
                putText(node, "status", status);
            }
        }
        return TableDump.canonicalJson(node.toString());
    }

    private static JsonNode present(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static String requiredText(JsonNode root, String field) throws Rejected {
        JsonNode node = present(root, field);
        if (node == null) {
            throw new Rejected("missing_field:" + field);
        }
        if (!node.isTextual()) {
            throw new Rejected("wrong_type:" + field);
        }
        if (node.textValue().isEmpty()) {
            throw new Rejected("empty_field:" + field);
        }
        return node.textValue();
    }

    private static String text(JsonNode root, String field) throws Rejected {
        JsonNode node = present(root, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Rejected("wrong_type:" + field);
        }
        return node.textValue();
    }

    private static String oneOf(JsonNode root, String field, Set<String> values) throws Rejected {
        String value = text(root, field);
        if (value != null && !values.contains(value)) {
            throw new Rejected("unknown_value:" + field);
        }
        return value;
    }

    private static Double number(JsonNode root, String field, double min, double max)
            throws Rejected {
        JsonNode node = present(root, field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw new Rejected("wrong_type:" + field);
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw new Rejected("out_of_range:" + field);
        }
        return value;
    }

    private static Long millis(JsonNode metrics, String field) throws Rejected {
        Double value = number(metrics, field, 0, Double.MAX_VALUE);
        return value == null ? null : value.longValue();
    }

    private static long timestamp(String text) throws Rejected {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                throw new Rejected("timestamp_without_offset");
            } catch (DateTimeParseException notLocal) {
                throw new Rejected("invalid_timestamp:ts");
            }
        }
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putNumber(ObjectNode node, String field, Double value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putLong(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
