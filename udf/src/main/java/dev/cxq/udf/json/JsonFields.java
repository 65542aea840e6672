package dev.cxq.udf.json;

import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.model.WireEnum;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The typed reads of JSON object fields, for the canonical parser and the platform adapters alike.
 * A field that is absent or {@code null} counts as absent; anything of the wrong type or out of
 * range throws {@link RejectedRecordException} with a reason code naming the field: the canonical
 * field ({@code wrong_type:mos}) or, where a {@code reportedName} is given, the platform field
 * ({@code missing_field:eventBody.conversationId}). The reasons are part of the contract
 * (docs/design.md).
 */
public final class JsonFields {

    private JsonFields() {}

    public static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A required, non-empty string, storable as {@link InputBounds#checkText} says. */
    public static String requiredText(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            throw new RejectedRecordException("missing_field:" + field);
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        String value = node.textValue();
        if (value.isBlank()) {
            throw new RejectedRecordException("empty_field:" + field);
        }
        return InputBounds.checkText(value, field);
    }

    /** An optional string; blank counts as absent; storable as {@link InputBounds#checkText}. */
    public static String optionalText(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        String value = node.textValue();
        return value.isBlank() ? null : InputBounds.checkText(value, field);
    }

    /**
     * A platform id: platforms send ids as numbers or strings depending on API and version, so a
     * string or an integral number is read; {@code null} when absent or blank; storable as {@link
     * InputBounds#checkText} says.
     */
    public static String optionalId(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (node.isTextual()) {
            String value = node.textValue();
            return value.isBlank() ? null : InputBounds.checkText(value, reportedName);
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        throw new RejectedRecordException("wrong_type:" + reportedName);
    }

    /** A platform id as {@link #optionalId} reads it; blank counts as missing. */
    public static String requiredId(JsonNode object, String field, String reportedName) {
        String value = optionalId(object, field, reportedName);
        if (value == null) {
            throw new RejectedRecordException("missing_field:" + reportedName);
        }
        return value;
    }

    public static Boolean optionalBoolean(JsonNode object, String field) {
        return optionalBoolean(object, field, field);
    }

    public static Boolean optionalBoolean(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        return node.booleanValue();
    }

    /** An optional number, of any value. */
    public static Double optionalNumber(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        return node.doubleValue();
    }

    /** An optional number within {@code [min, max]}. */
    public static Double optionalNumber(JsonNode object, String field, double min, double max) {
        Double value = optionalNumber(object, field, field);
        if (value != null && !(value >= min && value <= max)) {
            throw new RejectedRecordException("out_of_range:" + field);
        }
        return value;
    }

    /**
     * A non-negative duration given in units of {@code unitMillis}, in milliseconds, of at most
     * {@link InputBounds#MAX_DURATION_MS}, so that adding it to an event time cannot overflow;
     * {@code null} when absent.
     */
    public static Long optionalDurationMs(
            JsonNode object, String field, String reportedName, long unitMillis) {
        Double value = optionalNumber(object, field, reportedName);
        if (value == null) {
            return null;
        }
        if (!(value >= 0 && value * unitMillis <= InputBounds.MAX_DURATION_MS)) {
            throw new RejectedRecordException("out_of_range:" + reportedName);
        }
        return Math.round(value * unitMillis);
    }

    /** An enum given by its wire name; {@code unknown_value:field} when it is not one of them. */
    public static <E extends Enum<E> & WireEnum> E optionalEnum(
            JsonNode object, String field, Class<E> type) {
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

    public static <E extends Enum<E> & WireEnum> E requiredEnum(
            JsonNode object, String field, Class<E> type) {
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
    public static long requiredEventTime(JsonNode object, String field) {
        String text = requiredTimestampText(object, field, field);
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

    /**
     * A platform instant: ISO-8601 with offset (NICE {@code contactStart}); the canonical event
     * time built from it is checked by the canonical parser.
     */
    public static long requiredInstant(JsonNode object, String field, String reportedName) {
        String text = requiredTimestampText(object, field, reportedName);
        try {
            return IsoInstants.parseEpochMillis(text);
        } catch (DateTimeException | ArithmeticException e) {
            throw new RejectedRecordException("invalid_timestamp:" + reportedName);
        }
    }

    /** Epoch milliseconds given as an integral number (Genesys {@code eventTime}). */
    public static long requiredEpochMillis(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            throw new RejectedRecordException("missing_field:" + reportedName);
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        long millis = node.longValue();
        // Year 1970 to 9999: a seconds value or garbage would land outside any real contact.
        if (millis <= 0 || millis > 253_402_300_799_999L) {
            throw new RejectedRecordException("out_of_range:" + reportedName);
        }
        return millis;
    }

    private static String requiredTimestampText(
            JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            throw new RejectedRecordException("missing_field:" + reportedName);
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        return node.textValue();
    }
}
