package dev.cxq.udf.parse;

import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.json.InputBounds;
import dev.cxq.udf.json.JsonFields;
import dev.cxq.udf.json.RejectedRecordException;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.model.WireEnum;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

import static dev.cxq.udf.json.JsonFields.isAbsent;

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

    /**
     * A JSON object's fields as the validation reads them, from a tree or from {@link
     * CanonicalEventReader}: a value is {@code null} (absent or JSON {@code null}), a {@link
     * String}, a {@link Double} (any number), a {@link Boolean}, {@link Fields} (an object), or any
     * other object for a value no field takes (an array).
     */
    @FunctionalInterface
    interface Fields {
        Object get(String name);
    }

    private CanonicalEventParser() {}

    /** Parses a payload; {@code source} is copied onto the event for audit rows. */
    public static ParseResult parse(String payload, String source) {
        return CanonicalEventReader.read(payload, source, Set.of());
    }

    /** Validates an already-parsed JSON value (adapters hand their canonical output here). */
    public static ParseResult parse(JsonNode root, String source) {
        return root.isObject()
                ? validate(fields(root), source)
                : ParseResult.rejected("not_a_json_object");
    }

    /** Validates a canonical object's fields, in the contract's order of reasons. */
    static ParseResult validate(Fields root, String source) {
        try {
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

    private static void readMediaSample(Fields root, CanonicalEvent event) {
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

    private static void readInteraction(Fields root, CanonicalEvent event) {
        event.state = requiredEnum(root, "state", InteractionState.class);
        event.agentId = optionalText(root, "agent_id");
        event.queueId = optionalText(root, "queue_id");
        event.customerId = optionalText(root, "customer_id");
        event.agentTimezone = optionalZone(root, "agent_timezone");
        event.disposition = optionalText(root, "disposition");
        event.channel = optionalEnum(root, "channel", Channel.class);
        event.recordingRequired = optionalBoolean(root, "recording_required");
        Object metrics = root.get("metrics");
        if (metrics != null) {
            if (!(metrics instanceof Fields fields)) {
                throw new RejectedRecordException("wrong_type:metrics");
            }
            event.talkMs = durationMs(fields, "talk_ms");
            event.holdMs = durationMs(fields, "hold_ms");
            event.wrapMs = durationMs(fields, "wrap_ms");
            event.queueWaitMs = durationMs(fields, "queue_wait_ms");
        }
    }

    private static void readRecording(Fields root, CanonicalEvent event) {
        event.recordingId = requiredText(root, "recording_id");
        event.recordingMedia = requiredEnum(root, "media", RecordingMedia.class);
        event.recordingStatus = requiredEnum(root, "status", RecordingStatus.class);
    }

    /** A tree's object as {@link Fields}; each value is converted when it is asked for. */
    private static Fields fields(JsonNode object) {
        return name -> value(object.get(name));
    }

    private static Object value(JsonNode node) {
        if (isAbsent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isObject() ? fields(node) : node;
    }

    /** A required, non-empty string, storable as {@link InputBounds#checkText} says. */
    private static String requiredText(Fields object, String field) {
        String text = requiredString(object, field);
        if (text.isBlank()) {
            throw new RejectedRecordException("empty_field:" + field);
        }
        return InputBounds.checkText(text, field);
    }

    private static String requiredString(Fields object, String field) {
        Object value = object.get(field);
        if (value == null) {
            throw new RejectedRecordException("missing_field:" + field);
        }
        if (!(value instanceof String text)) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        return text;
    }

    /** An optional string; blank counts as absent; storable as {@link InputBounds#checkText}. */
    private static String optionalText(Fields object, String field) {
        Object value = object.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        return text.isBlank() ? null : InputBounds.checkText(text, field);
    }

    private static Boolean optionalBoolean(Fields object, String field) {
        Object value = object.get(field);
        if (value != null && !(value instanceof Boolean)) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        return (Boolean) value;
    }

    private static Double optionalNumber(Fields object, String field, String reportedName) {
        Object value = object.get(field);
        if (value != null && !(value instanceof Double)) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        return (Double) value;
    }

    /** An optional number within {@code [min, max]}. */
    private static Double optionalNumber(Fields object, String field, double min, double max) {
        Double value = optionalNumber(object, field, field);
        if (value != null && !(value >= min && value <= max)) {
            throw new RejectedRecordException("out_of_range:" + field);
        }
        return value;
    }

    private static Long durationMs(Fields metrics, String field) {
        String reportedName = "metrics." + field;
        Double value = optionalNumber(metrics, field, reportedName);
        return value == null ? null : JsonFields.durationMs(value, reportedName, 1);
    }

    /** An enum given by its wire name; {@code unknown_value:field} when it is not one of them. */
    private static <E extends Enum<E> & WireEnum> E optionalEnum(
            Fields object, String field, Class<E> type) {
        String value = optionalText(object, field);
        if (value == null) {
            return null;
        }
        E constant = WireEnum.fromWire(type, value);
        if (constant == null) {
            throw new RejectedRecordException("unknown_value:" + field);
        }
        return constant;
    }

    private static <E extends Enum<E> & WireEnum> E requiredEnum(
            Fields object, String field, Class<E> type) {
        E constant = optionalEnum(object, field, type);
        if (constant == null) {
            throw new RejectedRecordException("missing_field:" + field);
        }
        return constant;
    }

    /**
     * An event time: an ISO-8601 instant that carries its offset ({@code Z} or {@code +hh:mm}). A
     * local date-time is refused with its own reason: guessing its zone is exactly the DST bug cxq
     * exists to fix. An instant outside {@link InputBounds#MIN_TS_MILLIS}..{@link
     * InputBounds#MAX_TS_MILLIS} is {@code timestamp_out_of_range}.
     */
    private static long requiredEventTime(Fields object, String field) {
        String text = requiredString(object, field);
        long millis;
        try {
            millis = IsoInstants.parseEpochMillis(text);
        } catch (DateTimeParseException notWithOffset) {
            try {
                LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                throw new RejectedRecordException("timestamp_without_offset");
            } catch (DateTimeParseException unparseable) {
                throw new RejectedRecordException("invalid_timestamp:" + field);
            }
        } catch (DateTimeException | ArithmeticException outOfRange) {
            throw new RejectedRecordException("invalid_timestamp:" + field);
        }
        return InputBounds.checkTimestamp(millis);
    }

    private static String optionalZone(Fields object, String field) {
        String zone = optionalText(object, field);
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
