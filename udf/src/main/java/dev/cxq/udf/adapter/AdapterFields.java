package dev.cxq.udf.adapter;

import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.parse.InputBounds;
import dev.cxq.udf.parse.RejectedRecordException;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.Instant;

/**
 * Typed reads of platform fields. Platforms send ids as numbers or strings depending on API and
 * version, so ids are read as either. Reason codes name the platform field ({@code
 * missing_field:eventBody.conversationId}).
 */
final class AdapterFields {

    private AdapterFields() {}

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /**
     * A string or integral id, or {@code null} when absent or blank; storable as {@link
     * InputBounds#checkText} says.
     */
    static String optionalId(JsonNode object, String field, String reportedName) {
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

    static String requiredId(JsonNode object, String field, String reportedName) {
        String value = optionalId(object, field, reportedName);
        if (value == null) {
            throw new RejectedRecordException("missing_field:" + reportedName);
        }
        return value;
    }

    static Double optionalNumber(JsonNode object, String field, String reportedName) {
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
     * A non-negative duration of at most {@link InputBounds#MAX_DURATION_MS}, so that adding it to
     * an event time cannot overflow; {@code null} when absent.
     */
    static Long optionalDurationMs(
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

    static Boolean optionalBoolean(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        return node.booleanValue();
    }

    /** Epoch milliseconds given as an integral number (Genesys {@code eventTime}). */
    static long requiredEpochMillis(JsonNode object, String field, String reportedName) {
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

    /** An ISO-8601 instant with offset (NICE {@code contactStart}). */
    static long requiredInstant(JsonNode object, String field, String reportedName) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            throw new RejectedRecordException("missing_field:" + reportedName);
        }
        if (!node.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + reportedName);
        }
        try {
            return IsoInstants.parseEpochMillis(node.textValue());
        } catch (DateTimeException | ArithmeticException e) {
            throw new RejectedRecordException("invalid_timestamp:" + reportedName);
        }
    }

    static String isoInstant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
