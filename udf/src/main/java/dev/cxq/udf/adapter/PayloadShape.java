package dev.cxq.udf.adapter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * The payload shapes cxq accepts, told apart by their top-level fields alone (see {@code
 * docs/adapters.md}). Detection never fails: whatever matches no platform shape is read as
 * canonical, and the canonical parser says what is wrong with it.
 */
public enum PayloadShape {
    /** The contract's own format ({@code event_id}, {@code kind}, ...). */
    CANONICAL,
    /** A Genesys Cloud notification: {@code topicName} and {@code eventBody}. */
    GENESYS_NOTIFICATION,
    /** A Genesys Cloud notification inside the Amazon EventBridge envelope. */
    GENESYS_EVENTBRIDGE,
    /** A NICE CXone completed-contact record. */
    NICE_CONTACT,
    /** A NICE CXone per-contact call-quality record. */
    NICE_CALL_QUALITY;

    /**
     * The top-level keys each platform shape has one of: a payload with none of them is {@link
     * #CANONICAL}.
     */
    public static final Set<String> PLATFORM_KEYS = Set.of("detail-type", "topicName", "contactId");

    public static PayloadShape detect(JsonNode root) {
        if (!root.isObject()) {
            return CANONICAL;
        }
        if (root.has("detail-type") && root.path("detail").isObject()) {
            return GENESYS_EVENTBRIDGE;
        }
        if (root.has("topicName") && root.has("eventBody")) {
            return GENESYS_NOTIFICATION;
        }
        // Canonical events never carry contactId, so a producer's extra field cannot flip them.
        if (root.has("contactId") && !root.has("kind")) {
            return root.has("jitter") || root.has("packetLoss") || root.has("latency")
                    ? NICE_CALL_QUALITY
                    : NICE_CONTACT;
        }
        return CANONICAL;
    }
}
