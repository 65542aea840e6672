package dev.cxq.job.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A generated contact-center history, written two ways: as the platforms' API answers (Genesys
 * analytics conversations, NICE completed contacts) for the emulator, and as the records a live
 * feed delivers (Genesys detail-event notifications, NICE completed contacts) for a replay from a
 * file. The backfill must compute from the first what the replay computes from the second.
 */
final class BackfillHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One contact, in milliseconds. */
    record Contact(
            String id,
            long start,
            long ivrMs,
            boolean selfService,
            long queueMs,
            boolean abandoned,
            String agent,
            String queue,
            String customer,
            long talkMs,
            long holdMs,
            long acwMs,
            String wrapCode,
            String media) {

        long connect() {
            return start + ivrMs + queueMs;
        }

        long callEnd() {
            if (selfService) {
                return start + ivrMs;
            }
            return abandoned ? connect() : connect() + talkMs + holdMs;
        }

        long end() {
            return selfService || abandoned ? callEnd() : callEnd() + acwMs;
        }
    }

    final List<Contact> contacts = new ArrayList<>();

    /** {@code count} contacts starting in {@code [from, from + spanMs)}. */
    BackfillHistory(long seed, int count, Instant from, long spanMs) {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            boolean selfService = random.nextInt(8) == 0;
            boolean abandoned = !selfService && random.nextInt(6) == 0;
            contacts.add(
                    new Contact(
                            "c-" + i,
                            from.toEpochMilli() + (long) (random.nextDouble() * spanMs),
                            random.nextInt(3) == 0 ? 0 : 20_000 + random.nextInt(40_000),
                            selfService,
                            5_000 + random.nextInt(120_000),
                            abandoned,
                            "agent-" + random.nextInt(4),
                            "queue-" + random.nextInt(2),
                            "customer-" + random.nextInt(15),
                            60_000 + random.nextInt(600_000),
                            random.nextInt(3) == 0 ? 10_000 + random.nextInt(60_000) : 0,
                            10_000 + random.nextInt(90_000),
                            "wrap-" + random.nextInt(3),
                            random.nextInt(5) == 0 ? "chat" : "voice"));
        }
        contacts.sort(Comparator.comparingLong(Contact::start));
    }

    // ---- Genesys: the analytics API's conversations ----

    List<JsonNode> genesysConversations() {
        return contacts.stream().map(BackfillHistory::conversation).toList();
    }

    private static JsonNode conversation(Contact c) {
        ObjectNode conversation = JSON.createObjectNode();
        conversation.put("conversationId", c.id());
        conversation.put("conversationStart", iso(c.start()));
        conversation.put("conversationEnd", iso(c.end()));
        ArrayNode participants = conversation.putArray("participants");

        ObjectNode customer = participant(participants, "customer");
        customer.put("externalContactId", c.customer());
        segment(session(customer, c), "interact", c.start(), c.callEnd(), null);

        boolean hasIvr = c.ivrMs() > 0 || c.selfService();
        if (hasIvr) {
            ObjectNode ivr = session(participant(participants, "ivr"), c);
            if (!c.selfService()) {
                ivr.putObject("flow").put("transferType", "ACD").put("flowName", "Main menu");
            }
            segment(ivr, "ivr", c.start(), c.start() + c.ivrMs(), null);
        }
        if (c.selfService()) {
            return conversation;
        }
        ObjectNode acd = session(participant(participants, "acd"), c);
        segment(acd, "interact", c.start() + c.ivrMs(), c.connect(), c.queue());
        if (c.abandoned()) {
            return conversation;
        }
        ObjectNode agentParticipant = participant(participants, "agent");
        agentParticipant.put("userId", c.agent());
        ObjectNode agent = session(agentParticipant, c);
        long talk1 = c.talkMs() / 2;
        long t = c.connect();
        segment(agent, "alert", t - 3_000, t, c.queue());
        segment(agent, "interact", t, t + talk1, c.queue());
        t += talk1;
        if (c.holdMs() > 0) {
            segment(agent, "hold", t, t + c.holdMs(), c.queue());
            t += c.holdMs();
        }
        segment(agent, "interact", t, t + c.talkMs() - talk1, c.queue());
        t += c.talkMs() - talk1;
        segment(agent, "wrapup", t, t + c.acwMs(), c.queue()).put("wrapUpCode", c.wrapCode());
        ArrayNode metrics = agent.putArray("metrics");
        metric(metrics, "tTalk", c.talkMs(), t);
        metric(metrics, "tHeld", c.holdMs(), t);
        metric(metrics, "tAcw", c.acwMs(), t + c.acwMs());
        return conversation;
    }

    private static ObjectNode participant(ArrayNode participants, String purpose) {
        ObjectNode participant = participants.addObject();
        participant.put("participantId", "p-" + participants.size());
        participant.put("purpose", purpose);
        return participant;
    }

    private static ObjectNode session(ObjectNode participant, Contact c) {
        ObjectNode session = participant.putArray("sessions").addObject();
        session.put("sessionId", participant.path("participantId").asText() + "-s");
        session.put("mediaType", c.media());
        session.put("direction", "inbound");
        return session;
    }

    private static ObjectNode segment(
            ObjectNode session, String type, long start, long end, String queue) {
        ArrayNode segments =
                session.has("segments")
                        ? (ArrayNode) session.get("segments")
                        : session.putArray("segments");
        ObjectNode segment = segments.addObject();
        segment.put("segmentType", type);
        segment.put("segmentStart", iso(start));
        segment.put("segmentEnd", iso(end));
        if (queue != null) {
            segment.put("queueId", queue);
        }
        return segment;
    }

    private static void metric(ArrayNode metrics, String name, long value, long emitted) {
        metrics.addObject().put("name", name).put("value", value).put("emitDate", iso(emitted));
    }

    // ---- Genesys: the live detail events ----

    List<String> genesysLiveNotifications() {
        List<ObjectNode> all = new ArrayList<>();
        for (Contact c : contacts) {
            ObjectNode started = notification(all, c, "customer.start", c.start());
            started.put("externalContactId", c.customer());
            if (c.ivrMs() > 0 || c.selfService()) {
                notification(all, c, "flow.start", c.start());
                ObjectNode flowEnd = notification(all, c, "flow.end", c.start() + c.ivrMs());
                if (!c.selfService()) {
                    flowEnd.put("transferType", "ACD");
                }
            }
            boolean talked = !c.selfService() && !c.abandoned();
            notification(all, c, "customer.end", c.callEnd())
                    .put("interactingDurationMs", talked ? c.talkMs() : 0);
            if (talked) {
                agentEvent(notification(all, c, "user.start", c.connect()), c);
                ObjectNode userEnd = notification(all, c, "user.end", c.callEnd());
                userEnd.put("interactingDurationMs", c.talkMs());
                userEnd.put("heldDurationMs", c.holdMs());
                agentEvent(userEnd, c);
                ObjectNode acw = notification(all, c, "acw", c.end());
                acw.put("wrapupCode", c.wrapCode());
                acw.put("wrapupDurationMs", c.acwMs());
                agentEvent(acw, c);
            }
        }
        all.sort(Comparator.comparingLong(n -> n.path("eventBody").path("eventTime").asLong()));
        return all.stream().map(ObjectNode::toString).toList();
    }

    private static ObjectNode notification(
            List<ObjectNode> all, Contact c, String suffix, long eventTime) {
        ObjectNode notification = JSON.createObjectNode();
        notification.put("topicName", "v2.detail.events.conversation." + c.id() + "." + suffix);
        ObjectNode body = notification.putObject("eventBody");
        body.put("eventTime", eventTime);
        body.put("conversationId", c.id());
        body.put("mediaType", c.media());
        all.add(notification);
        return body;
    }

    private static void agentEvent(ObjectNode body, Contact c) {
        body.put("userId", c.agent());
        body.put("queueId", c.queue());
    }

    // ---- NICE: completed contacts, the same records live and from the API ----

    List<JsonNode> niceContacts() {
        List<JsonNode> records = new ArrayList<>();
        for (Contact c : contacts) {
            ObjectNode r = JSON.createObjectNode();
            r.put("contactId", c.id().replace("c-", "5100"));
            r.put("contactStart", iso(c.start()));
            r.put("agentId", c.agent().replace("agent-", "77"));
            r.put("skillId", c.queue().replace("queue-", "42"));
            r.put("mediaTypeName", c.media().equals("chat") ? "Chat" : "Call");
            r.put("inQueueSeconds", c.queueMs() / 1000);
            r.put("agentSeconds", c.abandoned() || c.selfService() ? 0 : c.talkMs() / 1000);
            r.put("holdSeconds", c.abandoned() || c.selfService() ? 0 : c.holdMs() / 1000);
            r.put("ACWSeconds", c.abandoned() || c.selfService() ? 0 : c.acwMs() / 1000);
            r.put("abandoned", c.abandoned());
            if (!c.abandoned()) {
                r.put("primaryDispositionId", c.wrapCode().replace("wrap-", "90"));
            }
            records.add(r);
        }
        return records;
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
