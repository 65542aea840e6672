package dev.cxq.udf.parse;

import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.model.WireEnum;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Strict typed reads of JSON object fields. A field that is absent or {@code null} counts as
 * absent; anything of the wrong type or out of range throws {@link RejectedRecordException} with a
 * reason code naming the field ({@code wrong_type:mos}, {@code out_of_range:mos}, ...).
 */
final class JsonFields {

    private JsonFields() {}

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A required, non-empty string, storable as {@link InputBounds#checkText} says. */
    static String requiredId(JsonNode object, String field) {
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
    static String optionalString(JsonNode object, String field) {
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

    static Boolean optionalBoolean(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        return node.booleanValue();
    }

    /** An optional number within {@code [min, max]}. */
    static Double optionalNumber(JsonNode object, String field, double min, double max) {
        return optionalNumber(object, field, field, min, max);
    }

    static Double optionalNumber(
            JsonNode object, String field, String reportedName, double min, double max) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw new RejectedRecordException("out_of_range:" + reportedName);
        }
        return value;
    }

    /** An enum given by its wire name; {@code unknown_value:field} when it is not one of them. */
    static <E extends Enum<E> & WireEnum> E optionalEnum(
            JsonNode object, String field, Class<E> type) {
        String value = optionalString(object, field);
        if (value == null) {
            return null;
        }
        E constant = WireEnum.fromWire(type, value);
        if (constant == null) {
            throw new RejectedRecordException("unknown_value:" + field);
        }
        return constant;
    }

    static <E extends Enum<E> & WireEnum> E requiredEnum(
            JsonNode object, String field, Class<E> type) {
        E constant = optionalEnum(object, field, type);
        if (constant == null) {
            throw new RejectedRecordException("missing_field:" + field);
        }
        return constant;
    }

    /**
     * An ISO-8601 instant that carries its offset ({@code Z} or {@code +hh:mm}). A local date-time
     * is refused with its own reason: guessing its zone is exactly the DST bug cxq exists to fix.
     * An instant outside {@link InputBounds#MIN_TS_MILLIS}..{@link InputBounds#MAX_TS_MILLIS} is
     * {@code timestamp_out_of_range}.
     */
    static long requiredInstant(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            throw new RejectedRecordException("missing_field:" + field);
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + field);
        }
        String text = node.textValue();
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
}
