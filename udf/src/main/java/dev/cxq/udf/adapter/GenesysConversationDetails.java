package dev.cxq.udf.adapter;

import dev.cxq.udf.json.RejectedRecordException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

import static dev.cxq.udf.json.JsonFields.isAbsent;
import static dev.cxq.udf.json.JsonFields.optionalId;
import static dev.cxq.udf.json.JsonFields.requiredId;
import static dev.cxq.udf.json.JsonFields.requiredInstant;

/**
 * Turns one conversation of the Genesys Cloud analytics conversation-details API ({@code
 * AnalyticsConversation}: participants, their sessions, segments and metrics) into the detail-event
 * notifications ({@code v2.detail.events.conversation.{id}.*}) that Genesys sends live for it, so
 * that {@link GenesysAdapter} applies the very same rules (wrap-up codes, IVR self-service, media)
 * to a backfill as to the live stream. The mapping is in {@code docs/adapters.md}.
 *
 * <p>Field names follow the SDK models {@code AnalyticsParticipant} ({@code purpose}, {@code
 * userId}, {@code externalContactId}), {@code AnalyticsSession} ({@code mediaType}, {@code flow},
 * {@code metrics}) and {@code AnalyticsConversationSegment} ({@code segmentType}, {@code
 * segmentStart}, {@code segmentEnd}, {@code queueId}, {@code wrapUpCode}).
 */
public final class GenesysConversationDetails {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GenesysConversationDetails() {}

    /**
     * The notifications of one conversation, in no particular order.
     *
     * @throws RejectedRecordException when the conversation lacks its id or a segment time is
     *     unreadable
     */
    public static List<ObjectNode> notifications(JsonNode conversation) {
        String conversationId = requiredId(conversation, "conversationId", "conversationId");
        List<ObjectNode> out = new ArrayList<>();
        long agentTalkMs = 0;
        for (JsonNode participant : conversation.path("participants")) {
            for (JsonNode session : participant.path("sessions")) {
                agentTalkMs += isAgent(participant) ? segmentMs(session, "interact") : 0;
            }
        }
        for (JsonNode participant : conversation.path("participants")) {
            String purpose = participant.path("purpose").asText("");
            for (JsonNode session : participant.path("sessions")) {
                Notifications n = new Notifications(conversationId, session, out);
                switch (purpose) {
                    case "customer", "external" -> customer(n, participant, session, agentTalkMs);
                    case "ivr" -> ivr(n, session);
                    case "agent", "user" -> agent(n, participant, session);
                    default -> {
                        // acd, workflow, voicemail...: their times reach the canonical events
                        // through the customer and agent sessions.
                    }
                }
            }
        }
        return out;
    }

    private static void customer(
            Notifications n, JsonNode participant, JsonNode session, long agentTalkMs) {
        Long start = n.first(null);
        if (start == null) {
            return;
        }
        ObjectNode started = n.add("customer.start", start);
        copyId(participant, "externalContactId", started);
        Long end = n.last(null);
        if (end != null) {
            n.add("customer.end", end).put("interactingDurationMs", agentTalkMs);
        }
    }

    private static void ivr(Notifications n, JsonNode session) {
        Long start = n.first("ivr");
        if (start == null) {
            return;
        }
        n.add("flow.start", start);
        Long end = n.last("ivr");
        if (end != null) {
            ObjectNode ended = n.add("flow.end", end);
            JsonNode flow = session.path("flow");
            copyId(flow, "transferType", ended);
            copyId(flow, "transferTargetAddress", ended);
        }
    }

    private static void agent(Notifications n, JsonNode participant, JsonNode session) {
        Long start = n.first("interact");
        if (start == null) {
            // Alerted but never connected: the live stream has no user events for it either.
            return;
        }
        String userId = optionalId(participant, "userId", "userId");
        String queueId = null;
        for (JsonNode segment : session.path("segments")) {
            queueId = queueId != null ? queueId : optionalId(segment, "queueId", "queueId");
        }
        List<ObjectNode> agentEvents = new ArrayList<>();
        agentEvents.add(n.add("user.start", start));
        Long interactEnd = n.last("interact");
        if (interactEnd != null) {
            Long holdEnd = n.last("hold");
            ObjectNode ended =
                    n.add(
                            "user.end",
                            holdEnd == null ? interactEnd : Math.max(interactEnd, holdEnd));
            ended.put("interactingDurationMs", metric(session, "tTalk", "interact"));
            ended.put("heldDurationMs", metric(session, "tHeld", "hold"));
            agentEvents.add(ended);
        }
        Long wrapEnd = n.last("wrapup");
        if (wrapEnd != null) {
            ObjectNode acw = n.add("acw", wrapEnd);
            for (JsonNode segment : session.path("segments")) {
                if ("wrapup".equals(segment.path("segmentType").asText())) {
                    copyId(segment, "wrapUpCode", acw, "wrapupCode");
                }
            }
            acw.put("wrapupDurationMs", metric(session, "tAcw", "wrapup"));
            agentEvents.add(acw);
        }
        for (ObjectNode event : agentEvents) {
            putIfPresent(event, "userId", userId);
            putIfPresent(event, "queueId", queueId);
        }
    }

    private static boolean isAgent(JsonNode participant) {
        String purpose = participant.path("purpose").asText("");
        return purpose.equals("agent") || purpose.equals("user");
    }

    /** A session metric ({@code tTalk}, ...) in ms, else the summed length of its segments. */
    private static long metric(JsonNode session, String name, String segmentType) {
        for (JsonNode metric : session.path("metrics")) {
            if (name.equals(metric.path("name").asText()) && metric.path("value").isNumber()) {
                return metric.path("value").asLong();
            }
        }
        return segmentMs(session, segmentType);
    }

    private static long segmentMs(JsonNode session, String segmentType) {
        long total = 0;
        for (JsonNode segment : session.path("segments")) {
            if (segmentType.equals(segment.path("segmentType").asText())
                    && !isAbsent(segment.get("segmentEnd"))) {
                total +=
                        requiredInstant(segment, "segmentEnd", "segmentEnd")
                                - requiredInstant(segment, "segmentStart", "segmentStart");
            }
        }
        return total;
    }

    private static void copyId(JsonNode from, String field, ObjectNode to) {
        copyId(from, field, to, field);
    }

    private static void copyId(JsonNode from, String field, ObjectNode to, String toField) {
        putIfPresent(to, toField, optionalId(from, field, field));
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** Builds the notifications of one session. */
    private record Notifications(String conversationId, JsonNode session, List<ObjectNode> out) {

        ObjectNode add(String topicSuffix, long eventTime) {
            ObjectNode notification = MAPPER.createObjectNode();
            notification.put(
                    "topicName",
                    "v2.detail.events.conversation." + conversationId + "." + topicSuffix);
            ObjectNode body = notification.putObject("eventBody");
            body.put("eventTime", eventTime);
            body.put("conversationId", conversationId);
            putIfPresent(body, "mediaType", optionalId(session, "mediaType", "mediaType"));
            out.add(notification);
            return body;
        }

        /** The earliest start of the session's segments of a type (any type when null). */
        Long first(String segmentType) {
            Long first = null;
            for (JsonNode segment : session.path("segments")) {
                if (segmentType == null
                        || segmentType.equals(segment.path("segmentType").asText())) {
                    long at = requiredInstant(segment, "segmentStart", "segmentStart");
                    first = first == null ? at : Math.min(first, at);
                }
            }
            return first;
        }

        /** The latest end of the session's segments of a type; null while one is still open. */
        Long last(String segmentType) {
            Long last = null;
            for (JsonNode segment : session.path("segments")) {
                if (segmentType == null
                        || segmentType.equals(segment.path("segmentType").asText())) {
                    if (isAbsent(segment.get("segmentEnd"))) {
                        return null;
                    }
                    long at = requiredInstant(segment, "segmentEnd", "segmentEnd");
                    last = last == null ? at : Math.max(last, at);
                }
            }
            return last;
        }
    }
}
