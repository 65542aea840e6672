package dev.cxq.udf.adapter;

import dev.cxq.udf.internal.Hashing;
import dev.cxq.udf.json.RejectedRecordException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cxq.udf.json.JsonFields.isAbsent;
import static dev.cxq.udf.json.JsonFields.optionalDurationMs;
import static dev.cxq.udf.json.JsonFields.optionalId;
import static dev.cxq.udf.json.JsonFields.requiredEpochMillis;

/**
 * Translates Genesys Cloud conversation detail events ({@code
 * v2.detail.events.conversation.{id}.*}) and recording notifications ({@code
 * v2.conversations.{id}.recordings}) into canonical events. The notification ({@code topicName},
 * {@code eventBody}) and the EventBridge envelope ({@code detail-type}, {@code detail.topicName},
 * {@code detail.eventBody}) carry the same body and yield the same canonical event, with the same
 * {@code event_id}, so a conversation delivered through both paths is counted once.
 *
 * <p>Field names follow the Genesys Cloud SDK models ({@code UserEndDetailEventTopicUserEndEvent},
 * {@code AcwDetailEventTopicAfterCallWorkEvent}, {@code Recording}, ...). The topic-to-state
 * mapping is in {@code docs/adapters.md}.
 */
public final class GenesysAdapter {

    private static final Pattern DETAIL_TOPIC =
            Pattern.compile("v2\\.detail\\.events\\.conversation\\.([^.]+)\\.(.+)");
    private static final Pattern RECORDING_TOPIC =
            Pattern.compile("v2\\.conversations\\.([^.]+)\\.recordings");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GenesysAdapter() {}

    /** The canonical event of a notification ({@code topicName}, {@code eventBody}). */
    public static ObjectNode fromNotification(JsonNode root) {
        return adapt(root, "");
    }

    /** The canonical event of an EventBridge envelope around a notification. */
    public static ObjectNode fromEventBridge(JsonNode root) {
        return adapt(root.get("detail"), "detail.");
    }

    private static ObjectNode adapt(JsonNode notification, String prefix) {
        JsonNode topicNode = notification.get("topicName");
        if (isAbsent(topicNode)) {
            throw new RejectedRecordException("missing_field:" + prefix + "topicName");
        }
        if (!topicNode.isTextual()) {
            throw new RejectedRecordException("wrong_type:" + prefix + "topicName");
        }
        JsonNode body = notification.get("eventBody");
        if (isAbsent(body)) {
            throw new RejectedRecordException("missing_field:" + prefix + "eventBody");
        }
        if (!body.isObject()) {
            throw new RejectedRecordException("wrong_type:" + prefix + "eventBody");
        }
        String topic = topicNode.textValue();
        String eventId =
                "genesys:" + Hashing.sha256Hex(topic + "\n" + CanonicalTrees.sortedJson(body));

        Matcher recording = RECORDING_TOPIC.matcher(topic);
        if (recording.matches()) {
            return recording(body, recording.group(1), eventId);
        }
        Matcher detail = DETAIL_TOPIC.matcher(topic);
        if (!detail.matches()) {
            throw new RejectedRecordException("unsupported_topic:genesys");
        }
        String conversationId = detail.group(1);
        String suffix = detail.group(2);
        ObjectNode event = base(body, conversationId, eventId, "interaction");
        switch (suffix) {
            case "customer.start" -> {
                event.put("state", "queued");
                putIfPresent(
                        event,
                        "customer_id",
                        optionalId(body, "externalContactId", "eventBody.externalContactId"));
            }
            case "flow.start" -> event.put("state", "ivr");
            case "flow.end" -> {
                // A flow that hands the call on (to a queue, a number) is not its end; one that
                // just ends has served the customer itself.
                boolean transferred =
                        optionalId(body, "transferType", "eventBody.transferType") != null
                                || optionalId(
                                                body,
                                                "transferTargetAddress",
                                                "eventBody.transferTargetAddress")
                                        != null;
                if (transferred) {
                    event.put("state", "queued");
                } else {
                    event.put("state", "completed");
                    event.put("disposition", "IVR_SELF_SERVICE");
                }
            }
            case "user.start" -> event.put("state", "connected");
            case "user.end" -> {
                event.put("state", "wrapup");
                putMetrics(
                        event,
                        body,
                        "interactingDurationMs",
                        "talk_ms",
                        "heldDurationMs",
                        "hold_ms");
            }
            case "acw" -> {
                event.put("state", "completed");
                putIfPresent(
                        event,
                        "disposition",
                        optionalId(body, "wrapupCode", "eventBody.wrapupCode"));
                putMetrics(event, body, "wrapupDurationMs", "wrap_ms", null, null);
            }
            case "customer.end" -> {
                // A customer who never talked to anyone hung up waiting: abandoned. Otherwise the
                // call is over and only after-call work (the acw event) remains.
                Long interacting =
                        optionalDurationMs(
                                body,
                                "interactingDurationMs",
                                "eventBody.interactingDurationMs",
                                1);
                event.put("state", interacting != null && interacting > 0 ? "wrapup" : "abandoned");
            }
            default -> throw new RejectedRecordException("unsupported_topic:genesys");
        }
        return event;
    }

    private static ObjectNode recording(JsonNode body, String conversationId, String eventId) {
        ObjectNode event = base(body, conversationId, eventId, "recording");
        putIfPresent(event, "recording_id", optionalId(body, "id", "eventBody.id"));
        String media = optionalId(body, "media", "eventBody.media");
        putIfPresent(event, "media", media == null ? null : media.toLowerCase(Locale.ROOT));
        String fileState = optionalId(body, "fileState", "eventBody.fileState");
        if (fileState == null) {
            throw new RejectedRecordException("missing_field:eventBody.fileState");
        }
        event.put(
                "status",
                switch (fileState) {
                    case "UPLOADING" -> "pending";
                    case "AVAILABLE" -> "uploaded";
                    case "ERROR" -> "failed";
                    default ->
                            throw new RejectedRecordException("unknown_value:eventBody.fileState");
                });
        return event;
    }

    /** The fields every Genesys event shares. */
    private static ObjectNode base(
            JsonNode body, String topicConversationId, String eventId, String kind) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("event_id", eventId);
        event.put("kind", kind);
        String conversationId = optionalId(body, "conversationId", "eventBody.conversationId");
        event.put("session_id", conversationId != null ? conversationId : topicConversationId);
        long eventTime = requiredEpochMillis(body, "eventTime", "eventBody.eventTime");
        event.put("ts", Instant.ofEpochMilli(eventTime).toString());
        if (kind.equals("interaction")) {
            putIfPresent(event, "agent_id", optionalId(body, "userId", "eventBody.userId"));
            putIfPresent(event, "queue_id", optionalId(body, "queueId", "eventBody.queueId"));
            putIfPresent(
                    event,
                    "channel",
                    channel(optionalId(body, "mediaType", "eventBody.mediaType")));
        }
        return event;
    }

    private static String channel(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        return switch (mediaType.toUpperCase(Locale.ROOT)) {
            case "VOICE", "CALLBACK" -> "voice";
            case "VIDEO", "SCREENSHARE" -> "video";
            case "CHAT", "MESSAGE", "EMAIL" -> "chat";
            default -> null;
        };
    }

    private static void putMetrics(
            ObjectNode event,
            JsonNode body,
            String field1,
            String metric1,
            String field2,
            String metric2) {
        Long value1 = optionalDurationMs(body, field1, "eventBody." + field1, 1);
        Long value2 =
                field2 == null ? null : optionalDurationMs(body, field2, "eventBody." + field2, 1);
        if (value1 == null && value2 == null) {
            return;
        }
        ObjectNode metrics = event.putObject("metrics");
        if (value1 != null) {
            metrics.put(metric1, value1);
        }
        if (value2 != null) {
            metrics.put(metric2, value2);
        }
    }

    private static void putIfPresent(ObjectNode event, String field, String value) {
        if (value != null) {
            event.put(field, value);
        }
    }
}
