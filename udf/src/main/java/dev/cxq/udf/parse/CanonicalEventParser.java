package dev.cxq.udf.parse;

import dev.cxq.udf.json.InputBounds;
import dev.cxq.udf.json.Json;
import dev.cxq.udf.json.RejectedRecordException;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.ZoneId;

import static dev.cxq.udf.json.JsonFields.isAbsent;
import static dev.cxq.udf.json.JsonFields.optionalBoolean;
import static dev.cxq.udf.json.JsonFields.optionalDurationMs;
import static dev.cxq.udf.json.JsonFields.optionalEnum;
import static dev.cxq.udf.json.JsonFields.optionalNumber;
import static dev.cxq.udf.json.JsonFields.optionalText;
import static dev.cxq.udf.json.JsonFields.requiredEnum;
import static dev.cxq.udf.json.JsonFields.requiredEventTime;
import static dev.cxq.udf.json.JsonFields.requiredText;

/**
 * Parses and validates one canonical event exactly as the design contract's field tables say.
 * Unknown extra fields are ignored; fields belonging to another kind are ignored too. Never throws:
 * every payload yields a {@link ParseResult}.
 *
 * <p>Reason codes: {@code payload_too_large}, {@code invalid_json}, {@code not_a_json_object},
 * {@code missing_field:F}, {@code empty_field:F}, {@code wrong_type:F}, {@code out_of_range:F},
 * {@code unknown_value:F} (kind, state, media, ...), {@code timestamp_without_offset}, {@code
 * invalid_timestamp:ts}, {@code timestamp_out_of_range}, {@code invalid_timezone:agent_timezone},
 * {@code too_long:F}, {@code invalid_characters:F} (bounds in {@link InputBounds}).
 */
public final class CanonicalEventParser {

    private CanonicalEventParser() {}

    /** Parses a payload; {@code source} is copied onto the event for audit rows. */
    public static ParseResult parse(String payload, String source) {
        JsonNode root;
        try {
            root = Json.readTree(payload);
        } catch (RejectedRecordException e) {
            return ParseResult.rejected(e.reason());
        }
        return parse(root, source);
    }

    /** Validates an already-parsed JSON value (adapters hand their canonical output here). */
    public static ParseResult parse(JsonNode root, String source) {
        try {
            if (!root.isObject()) {
                throw new RejectedRecordException("not_a_json_object");
            }
            CanonicalEvent event = new CanonicalEvent();
            event.source = source;
            event.eventId = requiredText(root, "event_id");
            event.kind = requiredEnum(root, "kind", EventKind.class);
            event.sessionId = requiredText(root, "session_id");
            event.ts = requiredEventTime(root, "ts");
            switch (event.kind) {
                case MEDIA_SAMPLE -> readMediaSample(root, event);
                case INTERACTION -> readInteraction(root, event);
                case RECORDING -> readRecording(root, event);
            }
            return ParseResult.valid(event);
        } catch (RejectedRecordException e) {
            return ParseResult.rejected(e.reason());
        }
    }

    private static void readMediaSample(JsonNode root, CanonicalEvent event) {
        MediaType media = optionalEnum(root, "media", MediaType.class);
        event.media = media == null ? MediaType.AUDIO : media;
        event.mos = optionalNumber(root, "mos", 1.0, 5.0);
        event.jitterMs = optionalNumber(root, "jitter_ms", 0, Double.MAX_VALUE);
        event.rttMs = optionalNumber(root, "rtt_ms", 0, Double.MAX_VALUE);
        event.packetLossPct = optionalNumber(root, "packet_loss_pct", 0, 100);
        event.bitrateKbps = optionalNumber(root, "bitrate_kbps", 0, Double.MAX_VALUE);
        event.peerState = optionalEnum(root, "peer_state", PeerState.class);
        event.agentId = optionalText(root, "agent_id");
    }

    private static void readInteraction(JsonNode root, CanonicalEvent event) {
        event.state = requiredEnum(root, "state", InteractionState.class);
        event.agentId = optionalText(root, "agent_id");
        event.queueId = optionalText(root, "queue_id");
        event.customerId = optionalText(root, "customer_id");
        event.agentTimezone = optionalZone(root, "agent_timezone");
        event.disposition = optionalText(root, "disposition");
        event.channel = optionalEnum(root, "channel", Channel.class);
        event.recordingRequired = optionalBoolean(root, "recording_required");
        JsonNode metrics = root.get("metrics");
        if (!isAbsent(metrics)) {
            if (!metrics.isObject()) {
                throw new RejectedRecordException("wrong_type:metrics");
            }
            event.talkMs = durationMs(metrics, "talk_ms");
            event.holdMs = durationMs(metrics, "hold_ms");
            event.wrapMs = durationMs(metrics, "wrap_ms");
            event.queueWaitMs = durationMs(metrics, "queue_wait_ms");
        }
    }

    private static void readRecording(JsonNode root, CanonicalEvent event) {
        event.recordingId = requiredText(root, "recording_id");
        event.recordingMedia = requiredEnum(root, "media", RecordingMedia.class);
        event.recordingStatus = requiredEnum(root, "status", RecordingStatus.class);
    }

    private static Long durationMs(JsonNode metrics, String field) {
        return optionalDurationMs(metrics, field, "metrics." + field, 1);
    }

    private static String optionalZone(JsonNode root, String field) {
        String zone = optionalText(root, field);
        if (zone == null) {
            return null;
        }
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            throw new RejectedRecordException("invalid_timezone:" + field);
        }
    }
}
