package dev.cxq.udf.adapter;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.Channel;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.Platform;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.cxq.udf.adapter.GenesysAdapterTest.decode;
import static dev.cxq.udf.adapter.GenesysAdapterTest.rejectionOf;
import static dev.cxq.udf.adapter.GenesysAdapterTest.single;
import static org.assertj.core.api.Assertions.assertThat;

class NiceAdapterTest {

    @Test
    void completedContactBecomesQueuedAndCompletedWithPlatformDurations() {
        List<CanonicalEvent> events = decode(Payloads.read("nice/contact-completed.json")).events();

        assertThat(events).hasSize(2);
        CanonicalEvent queued = events.get(0);
        CanonicalEvent completed = events.get(1);
        long start = Instant.parse("2026-03-09T14:00:00Z").toEpochMilli();

        assertThat(queued.platform).isEqualTo(Platform.NICE);
        assertThat(queued.state).isEqualTo(InteractionState.QUEUED);
        assertThat(queued.ts).isEqualTo(start);
        assertThat(queued.sessionId).isEqualTo("583920174412");
        assertThat(queued.agentId).isEqualTo("22104571");
        assertThat(queued.queueId).isEqualTo("4108873");
        assertThat(queued.channel).isEqualTo(Channel.VOICE);

        assertThat(completed.state).isEqualTo(InteractionState.COMPLETED);
        assertThat(completed.ts).isEqualTo(start + 587_000);
        assertThat(completed.disposition).isEqualTo("1012");
        assertThat(completed.talkMs).isEqualTo(402_000L);
        assertThat(completed.holdMs).isEqualTo(35_000L);
        assertThat(completed.wrapMs).isEqualTo(90_000L);
        assertThat(completed.queueWaitMs).isEqualTo(48_000L);
        assertThat(queued.eventId).isEqualTo("nice:583920174412:queued");
        assertThat(completed.eventId).isEqualTo("nice:583920174412:completed");
    }

    @Test
    void abandonedContactWithOnlyRequiredFieldsEndsAfterItsQueueTime() {
        List<CanonicalEvent> events =
                decode(Payloads.read("nice/contact-abandoned-minimal.json")).events();

        assertThat(events)
                .extracting(e -> e.state)
                .containsExactly(InteractionState.QUEUED, InteractionState.ABANDONED);
        CanonicalEvent abandoned = events.get(1);
        assertThat(abandoned.ts - events.get(0).ts).isEqualTo(75_000);
        assertThat(abandoned.agentId).isNull();
        assertThat(abandoned.disposition).isNull();
        assertThat(abandoned.channel).isNull();
        assertThat(abandoned.talkMs).isNull();
        assertThat(abandoned.queueWaitMs).isEqualTo(75_000L);
    }

    @Test
    void callQualityBecomesAnAudioSample() {
        CanonicalEvent e = single("nice/call-quality.json");

        assertThat(e.platform).isEqualTo(Platform.NICE);
        assertThat(e.kind).isEqualTo(EventKind.MEDIA_SAMPLE);
        assertThat(e.media).isEqualTo(MediaType.AUDIO);
        assertThat(e.sessionId).isEqualTo("583920174412");
        assertThat(e.ts).isEqualTo(Instant.parse("2026-03-09T14:02:15Z").toEpochMilli());
        assertThat(e.jitterMs).isEqualTo(41.5);
        assertThat(e.packetLossPct).isEqualTo(3.2);
        assertThat(e.rttMs).isEqualTo(180.0);
        assertThat(e.mos).isNull();
        assertThat(e.agentId).isEqualTo("22104571");
        assertThat(e.eventId).startsWith("nice:quality:");
    }

    @Test
    void invalidRecordsAreRejectedAsAWhole() {
        assertThat(rejectionOf("{\"contactId\":1,\"contactStart\":\"2026-03-09T14:00:00\"}"))
                .isEqualTo("invalid_timestamp:contactStart");
        assertThat(rejectionOf("{\"contactId\":1}")).isEqualTo("missing_field:contactStart");
        assertThat(
                        rejectionOf(
                                "{\"contactId\":1,\"contactStart\":\"2026-03-09T14:00:00Z\","
                                        + "\"holdSeconds\":-4}"))
                .isEqualTo("out_of_range:holdSeconds");
        assertThat(
                        rejectionOf(
                                "{\"contactId\":1,\"timestamp\":\"2026-03-09T14:00:00Z\","
                                        + "\"packetLoss\":140}"))
                .isEqualTo("out_of_range:packet_loss_pct");
    }

    @Test
    void hostileValuesAreRejectedBeforeTheyCanOverflowOrReachASink() {
        String contact = "{\"contactStart\":\"2026-03-09T14:00:00Z\",";
        // start + duration would overflow epoch millis.
        assertThat(rejectionOf(contact + "\"contactId\":1,\"totalDurationSeconds\":9.2e15}"))
                .isEqualTo("out_of_range:totalDurationSeconds");
        assertThat(rejectionOf(contact + "\"contactId\":1,\"agentSeconds\":2592001}"))
                .isEqualTo("out_of_range:agentSeconds");
        assertThat(rejectionOf(contact + "\"contactId\":\"c\\u0000\"}"))
                .isEqualTo("invalid_characters:contactId");
        assertThat(rejectionOf(contact + "\"contactId\":\"" + "c".repeat(257) + "\"}"))
                .isEqualTo("too_long:contactId");
        // A contact ending past the last representable instant.
        assertThat(
                        rejectionOf(
                                "{\"contactStart\":\"9999-12-31T23:59:00Z\",\"contactId\":1,"
                                        + "\"totalDurationSeconds\":120}"))
                .isEqualTo("timestamp_out_of_range");
    }

    @Test
    void canonicalEventsAreNotMistakenForPlatformPayloads() {
        CanonicalEvent e =
                decode(
                                "{\"event_id\":\"e1\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                                        + "\"ts\":\"2026-03-09T14:00:05Z\",\"contactId\":7,\"jitter\":3}")
                        .events()
                        .get(0);
        assertThat(e.platform).isEqualTo(Platform.CANONICAL);
        assertThat(e.eventId).isEqualTo("e1");
    }
}
