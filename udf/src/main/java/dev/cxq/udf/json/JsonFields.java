package dev.cxq.udf.json;

import dev.cxq.udf.internal.IsoInstants;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;

/**
 * The typed reads of JSON object fields in a tree, for the platform adapters (the canonical parser
 * reads its fields with the same rules, see {@code CanonicalEventParser}). A field that is absent
 * or {@code null} counts as absent; anything of the wrong type or out of range throws {@link
 * RejectedRecordException} with a reason code naming the platform field, its {@code reportedName}
 * ({@code missing_field:eventBody.conversationId}). The reasons are part of the contract
 * (docs/design.md).
 */
public final class JsonFields {

    private JsonFields() {}

    public static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
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

    /**
     * A non-negative duration given in units of {@code unitMillis}, in milliseconds, of at most
     * {@link InputBounds#MAX_DURATION_MS}, so that adding it to an event time cannot overflow;
     * {@code null} when absent.
     */
    public static Long optionalDurationMs(
            JsonNode object, String field, String reportedName, long unitMillis) {
        Double value = optionalNumber(object, field, reportedName);
        return value == null ? null : durationMs(value, reportedName, unitMillis);
    }

    /** A duration as {@link #optionalDurationMs} reads it, from its number. */
    public static long durationMs(double value, String reportedName, long unitMillis) {
        if (!(value >= 0 && value * unitMillis <= InputBounds.MAX_DURATION_MS)) {
            throw new RejectedRecordException("out_of_range:" + reportedName);
        }
        return Math.round(value * unitMillis);
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
