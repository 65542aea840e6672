package dev.cxq.udf.adapter;

import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenesysConversationDetailsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aConversationBecomesTheLiveNotificationsAndTheirCanonicalEvents() throws Exception {
        List<CanonicalEvent> events = decode(conversation());

        assertThat(events)
                .extracting(e -> Instant.ofEpochMilli(e.ts) + " " + e.state)
                .containsExactly(
                        "2026-03-09T14:00:00Z QUEUED",
                        "2026-03-09T14:00:00Z IVR",
                        "2026-03-09T14:00:40Z QUEUED",
                        "2026-03-09T14:01:00Z CONNECTED",
                        "2026-03-09T14:08:00Z WRAPUP",
                        "2026-03-09T14:08:00Z WRAPUP",
                        "2026-03-09T14:09:30Z COMPLETED");
        CanonicalEvent completed = events.get(events.size() - 1);
        assertThat(completed.disposition).isEqualTo("RESOLVED");
        assertThat(completed.agentId).isEqualTo("agent-7");
        assertThat(completed.queueId).isEqualTo("queue-1");
        assertThat(events.get(0).customerId).isEqualTo("ext-42");
        assertThat(
                        events.stream()
                                .filter(e -> e.talkMs != null)
                                .map(e -> e.talkMs + "/" + e.holdMs + " " + e.agentId))
                .as("the session metrics, not the segments, give the durations")
                .containsExactly("390000/30000 agent-7");
    }

    @Test
    void aFlowWithoutTransferIsIvrSelfServiceAndAnOpenSessionEndsNothing() throws Exception {
        ObjectNode conversation = conversation();
        ((ObjectNode) conversation.at("/participants/1/sessions/0")).remove("flow");
        // The agent is still talking: no user.end and no acw yet.
        ((ObjectNode) conversation.at("/participants/3/sessions/0/segments/3"))
                .remove("segmentEnd");
        ((ArrayNode) conversation.at("/participants/3/sessions/0/segments")).remove(4);

        List<CanonicalEvent> events = decode(conversation);

        assertThat(events)
                .filteredOn(e -> e.state == InteractionState.COMPLETED)
                .extracting(e -> e.disposition)
                .containsExactly("IVR_SELF_SERVICE");
        assertThat(events).noneMatch(e -> e.state == InteractionState.WRAPUP && e.agentId != null);
    }

    private static ObjectNode conversation() throws Exception {
        return (ObjectNode) MAPPER.readTree(Payloads.read("genesys/analytics-conversation.json"));
    }

    private static List<CanonicalEvent> decode(ObjectNode conversation) {
        List<CanonicalEvent> events = new ArrayList<>();
        for (ObjectNode notification : GenesysConversationDetails.notifications(conversation)) {
            PayloadDecoder.Decoded decoded = PayloadDecoder.decode(notification.toString(), "t");
            assertThat(decoded.rejectReason()).isNull();
            events.addAll(decoded.events());
        }
        events.sort(Comparator.comparingLong((CanonicalEvent e) -> e.ts));
        return events;
    }
}
