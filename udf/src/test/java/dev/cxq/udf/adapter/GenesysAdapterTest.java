package dev.cxq.udf.adapter;

import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.model.RecordingMedia;
import dev.cxq.udf.model.RecordingStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.cxq.udf.adapter.Payloads.CONVERSATION;
import static org.assertj.core.api.Assertions.assertThat;

class GenesysAdapterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void userEndNotificationBecomesWrapupWithPlatformDurations() {
        CanonicalEvent e = single("genesys/user-end.notification.json");

        assertThat(e.platform).isEqualTo(Platform.GENESYS);
        assertThat(e.kind).isEqualTo(EventKind.INTERACTION);
        assertThat(e.sessionId).isEqualTo(CONVERSATION);
        assertThat(e.ts).isEqualTo(Instant.parse("2026-03-09T14:02:05.123Z").toEpochMilli());
        assertThat(e.state).isEqualTo(InteractionState.WRAPUP);
        assertThat(e.agentId).isEqualTo("7d6c5b4a-3e2f-4a1b-9c8d-777788889999");
        assertThat(e.queueId).isEqualTo("5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716");
        assertThat(e.channel).isEqualTo(Channel.VOICE);
        assertThat(e.talkMs).isEqualTo(412_000L);
        assertThat(e.holdMs).isEqualTo(38_000L);
        assertThat(e.eventId).startsWith("genesys:").hasSize("genesys:".length() + 64);
        assertThat(e.source).isEqualTo("test:1");
    }

    @Test
    void acwInEventBridgeEnvelopeCarriesWrapupCodeAsDisposition() {
        CanonicalEvent e = single("genesys/acw.eventbridge.json");

        assertThat(e.platform).isEqualTo(Platform.GENESYS);
        assertThat(e.state).isEqualTo(InteractionState.COMPLETED);
        assertThat(e.disposition).isEqualTo("9f2e1d0c-bbbb-4ccc-8ddd-eeee22223333");
        assertThat(e.wrapMs).isEqualTo(119_877L);
        assertThat(e.talkMs).isNull();
        assertThat(e.ts).isEqualTo(Instant.parse("2026-03-09T14:04:05Z").toEpochMilli());
    }

    @Test
    void bothEnvelopesOfOneEventYieldTheSameEventId() throws Exception {
        ObjectNode envelope =
                (ObjectNode) MAPPER.readTree(Payloads.read("genesys/acw.eventbridge.json"));
        ObjectNode notification = (ObjectNode) envelope.get("detail").deepCopy();
        // A redelivery through the other path, with a new envelope id and reordered body fields.
        envelope.put("id", "another-delivery");
        ObjectNode body = (ObjectNode) notification.get("eventBody");
        ObjectNode reordered = MAPPER.createObjectNode();
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(body.properties());
        Collections.reverse(fields);
        fields.forEach(field -> reordered.set(field.getKey(), field.getValue()));
        notification.set("eventBody", reordered);

        String viaEventBridge = decode(envelope.toString()).events().get(0).eventId;
        String viaNotification = decode(notification.toString()).events().get(0).eventId;

        assertThat(viaNotification).isEqualTo(viaEventBridge);
    }

    @Test
    void distinctEventsOfOneConversationGetDistinctEventIds() {
        assertThat(single("genesys/user-end.notification.json").eventId)
                .isNotEqualTo(single("genesys/acw.eventbridge.json").eventId);
    }

    @Test
    void customerStartIsQueuedWithTheExternalContactAsCustomer() {
        CanonicalEvent e = single("genesys/customer-start.notification.json");

        assertThat(e.state).isEqualTo(InteractionState.QUEUED);
        assertThat(e.customerId).isEqualTo("ec-33a1b2c3-0f9e-4d8c-b7a6-112233445566");
        assertThat(e.agentId).isNull();
    }

    @Test
    void flowEndTransferringToAQueueIsQueuedAndWithoutTransferIsSelfService() throws Exception {
        assertThat(single("genesys/flow-end.notification.json").state)
                .isEqualTo(InteractionState.QUEUED);

        ObjectNode root =
                (ObjectNode) MAPPER.readTree(Payloads.read("genesys/flow-end.notification.json"));
        ObjectNode body = (ObjectNode) root.get("eventBody");
        body.remove("transferType");
        body.remove("transferTargetAddress");
        body.put("exitReason", "DISCONNECT");
        CanonicalEvent e = decode(root.toString()).events().get(0);

        assertThat(e.state).isEqualTo(InteractionState.COMPLETED);
        assertThat(e.disposition).isEqualTo("IVR_SELF_SERVICE");
    }

    @Test
    void customerEndIsAbandonedOnlyWhenNobodyTalkedToTheCustomer() {
        String template =
                "{\"topicName\":\"v2.detail.events.conversation.c1.customer.end\","
                        + "\"eventBody\":{\"eventTime\":1773064925000,\"conversationId\":\"c1\"%s}}";

        assertThat(decode(String.format(template, "")).events().get(0).state)
                .isEqualTo(InteractionState.ABANDONED);
        assertThat(
                        decode(String.format(template, ",\"interactingDurationMs\":0"))
                                .events()
                                .get(0)
                                .state)
                .isEqualTo(InteractionState.ABANDONED);
        assertThat(
                        decode(String.format(template, ",\"interactingDurationMs\":91000"))
                                .events()
                                .get(0)
                                .state)
                .isEqualTo(InteractionState.WRAPUP);
    }

    @Test
    void recordingFileStatesMapToUploadStatuses() throws Exception {
        CanonicalEvent failed = single("genesys/recording.notification.json");
        assertThat(failed.kind).isEqualTo(EventKind.RECORDING);
        assertThat(failed.recordingId).isEqualTo("3e9f1a2b-7c6d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(failed.recordingMedia).isEqualTo(RecordingMedia.SCREEN);
        assertThat(failed.recordingStatus).isEqualTo(RecordingStatus.FAILED);

        assertThat(withFileState("UPLOADING").recordingStatus).isEqualTo(RecordingStatus.PENDING);
        assertThat(withFileState("AVAILABLE").recordingStatus).isEqualTo(RecordingStatus.UPLOADED);
        assertThat(rejectionOf(recordingWithFileState("ARCHIVED")))
                .isEqualTo("unknown_value:eventBody.fileState");
    }

    @Test
    void missingOptionalFieldsStayAbsent() {
        CanonicalEvent e =
                decode(
                                "{\"topicName\":\"v2.detail.events.conversation.c9.user.start\","
                                        + "\"eventBody\":{\"eventTime\":1773064925000}}")
                        .events()
                        .get(0);

        assertThat(e.state).isEqualTo(InteractionState.CONNECTED);
        // The conversation id of the topic stands in when the body omits it.
        assertThat(e.sessionId).isEqualTo("c9");
        assertThat(e.agentId).isNull();
        assertThat(e.queueId).isNull();
        assertThat(e.channel).isNull();
        assertThat(e.talkMs).isNull();
    }

    @Test
    void hostileValuesAreRejectedWithThePlatformFieldsName() {
        String topic = "{\"topicName\":\"v2.detail.events.conversation.c1.user.start\",";
        assertThat(
                        rejectionOf(
                                topic
                                        + "\"eventBody\":{\"eventTime\":1773064925000,"
                                        + "\"conversationId\":\"c1\",\"userId\":\"u\\u0000\"}}"))
                .isEqualTo("invalid_characters:eventBody.userId");
        assertThat(
                        rejectionOf(
                                topic
                                        + "\"eventBody\":{\"eventTime\":946684799999,"
                                        + "\"conversationId\":\"c1\"}}"))
                .isEqualTo("timestamp_out_of_range");
        assertThat(
                        rejectionOf(
                                "{\"topicName\":\"v2.detail.events.conversation.c1.user.end\","
                                        + "\"eventBody\":{\"eventTime\":1773064925000,"
                                        + "\"conversationId\":\"c1\","
                                        + "\"interactingDurationMs\":9.2e18}}"))
                .isEqualTo("out_of_range:eventBody.interactingDurationMs");
    }

    @Test
    void unknownTopicsAreRejectedWithTheirReason() {
        assertThat(
                        rejectionOf(
                                "{\"topicName\":\"v2.detail.events.conversation.c1.user.wrapup\","
                                        + "\"eventBody\":{\"eventTime\":1773064925000}}"))
                .isEqualTo("unsupported_topic:genesys");
        assertThat(rejectionOf("{\"topicName\":\"v2.users.u1.presence\",\"eventBody\":{}}"))
                .isEqualTo("unsupported_topic:genesys");
        assertThat(
                        rejectionOf(
                                "{\"detail-type\":\"v2.analytics.flow\",\"detail\":"
                                        + "{\"topicName\":\"v2.analytics.flow\",\"eventBody\":{}}}"))
                .isEqualTo("unsupported_topic:genesys");
    }

    @Test
    void eventTimeMustBeEpochMillis() {
        String template =
                "{\"topicName\":\"v2.detail.events.conversation.c1.user.start\","
                        + "\"eventBody\":{\"eventTime\":%s}}";
        assertThat(rejectionOf(String.format(template, "\"2026-03-09T14:00:00Z\"")))
                .isEqualTo("wrong_type:eventBody.eventTime");
        assertThat(rejectionOf(String.format(template, "1.7e12")))
                .isEqualTo("wrong_type:eventBody.eventTime");
        assertThat(
                        rejectionOf(
                                "{\"topicName\":\"v2.detail.events.conversation.c1.user.start\","
                                        + "\"eventBody\":{}}"))
                .isEqualTo("missing_field:eventBody.eventTime");
        assertThat(rejectionOf("{\"detail-type\":\"x\",\"detail\":{\"topicName\":\"x\"}}"))
                .isEqualTo("missing_field:detail.eventBody");
    }

    private static CanonicalEvent withFileState(String state) {
        return decode(recordingWithFileState(state)).events().get(0);
    }

    private static String recordingWithFileState(String state) {
        return Payloads.read("genesys/recording.notification.json")
                .replace("\"ERROR\"", "\"" + state + "\"");
    }

    static CanonicalEvent single(String resource) {
        PayloadDecoder.Decoded decoded = decode(Payloads.read(resource));
        assertThat(decoded.rejectReason()).isNull();
        assertThat(decoded.events()).hasSize(1);
        return decoded.events().get(0);
    }

    static PayloadDecoder.Decoded decode(String payload) {
        return PayloadDecoder.decode(payload, "test:1");
    }

    static String rejectionOf(String payload) {
        PayloadDecoder.Decoded decoded = decode(payload);
        assertThat(decoded.events()).isEmpty();
        return decoded.rejectReason();
    }
}
