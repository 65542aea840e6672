package dev.cxq.udf.json;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.WireEnum;
import dev.cxq.udf.rows.LateEvent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Writes a canonical event back as canonical JSON (the format {@link CanonicalEventParser} reads).
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {}

    /** The {@code late_events} row of an event, its payload in canonical JSON. */
    public static LateEvent lateEvent(CanonicalEvent e) {
        return new LateEvent(e.eventId, e.sessionId, e.ts, e.kind.wireName(), write(e));
    }

    public static String write(CanonicalEvent e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event_id", e.eventId);
        node.put("kind", e.kind.wireName());
        node.put("session_id", e.sessionId);
        node.put("ts", Instant.ofEpochMilli(e.ts).toString());
        switch (e.kind) {
            case MEDIA_SAMPLE -> {
                put(node, "media", e.media);
                putNumber(node, "mos", e.mos);
                putNumber(node, "jitter_ms", e.jitterMs);
                putNumber(node, "rtt_ms", e.rttMs);
                putNumber(node, "packet_loss_pct", e.packetLossPct);
                putNumber(node, "bitrate_kbps", e.bitrateKbps);
                put(node, "peer_state", e.peerState);
                putText(node, "agent_id", e.agentId);
            }
            case INTERACTION -> {
                put(node, "state", e.state);
                putText(node, "agent_id", e.agentId);
                putText(node, "queue_id", e.queueId);
                putText(node, "customer_id", e.customerId);
                putText(node, "agent_timezone", e.agentTimezone);
                putText(node, "disposition", e.disposition);
                put(node, "channel", e.channel);
                if (e.recordingRequired != null) {
                    node.put("recording_required", e.recordingRequired);
                }
                if (e.talkMs != null
                        || e.holdMs != null
                        || e.wrapMs != null
                        || e.queueWaitMs != null) {
                    ObjectNode metrics = node.putObject("metrics");
                    putLong(metrics, "talk_ms", e.talkMs);
                    putLong(metrics, "hold_ms", e.holdMs);
                    putLong(metrics, "wrap_ms", e.wrapMs);
                    putLong(metrics, "queue_wait_ms", e.queueWaitMs);
                }
            }
            case RECORDING -> {
                putText(node, "recording_id", e.recordingId);
                put(node, "media", e.recordingMedia);
                put(node, "status", e.recordingStatus);
            }
        }
        return node.toString();
    }

    private static void put(ObjectNode node, String field, WireEnum value) {
        if (value != null) {
            node.put(field, value.wireName());
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
