package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Media samples reach the session function without the event-id dedup: it recognises their copies
 * by identity (session, media, timestamp), in time and late, during the session and after its end
 * (docs/dedup.md, "Media samples").
 */
class SampleRedeliveryTest {

    private static final Duration RETENTION = Duration.ofHours(48);

    private SessionQualityFunction operator;
    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness;

    @BeforeEach
    void setUp() throws Exception {
        operator =
                new SessionQualityFunction(
                        SessionHarness.TIMEOUT, ContractRules.THRESHOLDS, RETENTION, RETENTION);
        harness = SessionHarness.open(operator);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(CanonicalEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.ts));
    }

    /** The call s: connected at 0, samples at 5, 10, 15, completed at 20. */
    private void call() throws Exception {
        send(interaction("s", 0, InteractionState.CONNECTED));
        for (long t = 5; t <= 15; t += 5) {
            send(sample("s", t, 4.0));
        }
        send(interaction("s", 20, InteractionState.COMPLETED));
    }

    private static CanonicalEvent copy(CanonicalEvent e, String eventId) {
        CanonicalEvent c = CanonicalEventSerializer.INSTANCE.copy(e);
        c.eventId = eventId;
        c.source = "redelivery";
        return c;
    }

    private List<String> lateEventIds() {
        var late = harness.getSideOutput(OutputTags.LATE_EVENTS);
        return late == null
                ? List.of()
                : late.stream().map(StreamRecord::getValue).map(LateEvent::eventId).toList();
    }

    private SessionQuality onlyRow() {
        assertThat(harness.extractOutputValues()).hasSize(1);
        return harness.extractOutputValues().get(0);
    }

    @Test
    void inTimeCopiesOfOneIdentityAreAppliedOnceTheSmallestEventIdWinning() throws Exception {
        send(interaction("s", 0, InteractionState.CONNECTED));
        CanonicalEvent b = sample("s", 5, 2.0);
        b.eventId = "b";
        CanonicalEvent a = sample("s", 5, 4.0);
        a.eventId = "a";
        send(b);
        send(a);
        send(copy(a, "a"));
        // Another media at the same instant is another sample.
        CanonicalEvent video = sample("s", 5, 4.4);
        video.media = MediaType.VIDEO;
        video.bitrateKbps = 1500.0;
        send(video);
        send(interaction("s", 20, InteractionState.COMPLETED));
        harness.processWatermark(at(30));

        SessionQuality row = onlyRow();
        assertThat(row.samples()).isEqualTo(2);
        assertThat(row.minMos()).isEqualTo(4.0);
        assertThat(operator.duplicatesDropped()).isEqualTo(2);
        assertThat(operator.redeliveryConflicts()).as("b said mos 2.0").isEqualTo(1);
        assertThat(lateEventIds()).isEmpty();
    }

    @Test
    void aLateCopyDuringTheSessionIsDroppedAndALateNewSampleGoesToLateEvents() throws Exception {
        call();
        harness.processWatermark(at(12));
        // Behind the watermark: a copy of the sample at 10 under another id, and a sample at 7.
        send(copy(sample("s", 10, 4.0), "copy-of-10"));
        CanonicalEvent never = sample("s", 7, 1.0);
        send(never);
        harness.processWatermark(at(30));

        assertThat(onlyRow().samples()).isEqualTo(3);
        assertThat(lateEventIds()).containsExactly(never.eventId);
        assertThat(operator.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aCopyFlaggedLateByItsSplitLosesToAnInTimeCopyThatArrivesAfterIt() throws Exception {
        // BATCH order within a key is arbitrary: the late copy may come first.
        send(interaction("s", 0, InteractionState.CONNECTED));
        CanonicalEvent inTime = sample("s", 5, 4.0);
        CanonicalEvent late = copy(inTime, inTime.eventId);
        late.lateOnArrival = true;
        send(late);
        send(inTime);
        send(interaction("s", 20, InteractionState.COMPLETED));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(onlyRow().samples()).isEqualTo(1);
        assertThat(lateEventIds()).isEmpty();
        assertThat(operator.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aRedeliveryAfterTheSessionEndedIsDroppedAndCountedUntilTheRetentionEnds()
            throws Exception {
        harness.setProcessingTime(1_000);
        harness.setStateTtlProcessingTime(1_000);
        call();
        harness.processWatermark(at(30) + 2 * SessionHarness.TIMEOUT.toMillis());
        assertThat(onlyRow().samples()).isEqualTo(3);
        assertThat(harness.numKeyedStateEntries()).as("the tombstone alone").isEqualTo(1);

        send(copy(sample("s", 10, 4.0), "hours-later"));
        harness.processWatermark(at(40) + 2 * SessionHarness.TIMEOUT.toMillis());
        assertThat(lateEventIds()).isEmpty();
        assertThat(operator.duplicatesDropped()).isEqualTo(1);
        assertThat(harness.extractOutputValues()).as("the session is not reopened").hasSize(1);

        // After the retention (state TTL, from the session's end) the tombstone is gone: a copy is
        // then a late event like any other.
        harness.setProcessingTime(1_000 + RETENTION.toMillis());
        harness.setStateTtlProcessingTime(1_000 + RETENTION.toMillis());
        assertThat(harness.numProcessingTimeTimers()).isZero();
        send(copy(sample("s", 15, 4.0), "after-retention"));
        harness.processWatermark(at(50) + 2 * SessionHarness.TIMEOUT.toMillis());
        assertThat(lateEventIds()).containsExactly("after-retention");
    }

    @Test
    void aShorterSampleRetentionForgetsTheSlotsBeforeTheEventIds() throws Exception {
        harness.close();
        operator =
                new SessionQualityFunction(
                        SessionHarness.TIMEOUT,
                        ContractRules.THRESHOLDS,
                        Duration.ofHours(1),
                        RETENTION);
        harness = SessionHarness.open(operator);
        harness.setStateTtlProcessingTime(0);
        call();
        harness.processWatermark(at(30) + 2 * SessionHarness.TIMEOUT.toMillis());

        harness.setProcessingTime(Duration.ofHours(1).toMillis() + 1);
        send(copy(sample("s", 10, 4.0), "after-the-sample-retention"));
        send(interaction("s", 0, InteractionState.CONNECTED));
        harness.processWatermark(at(40) + 2 * SessionHarness.TIMEOUT.toMillis());

        assertThat(lateEventIds()).containsExactly("after-the-sample-retention");
        assertThat(operator.duplicatesDropped()).as("the interaction's copy").isOne();
    }

    @Test
    void samplesAfterTheEndAreRememberedSoTheirLateCopiesAreDroppedToo() throws Exception {
        call();
        // After the terminal event in event time, within the timeout after the end.
        CanonicalEvent stray = sample("s", 25, 4.0);
        send(stray);
        harness.processWatermark(at(60));
        send(copy(stray, "copy-of-stray"));
        harness.processWatermark(at(70));

        assertThat(onlyRow().samples()).isEqualTo(3);
        assertThat(lateEventIds()).isEmpty();
        assertThat(operator.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aRegularGridCostsAboutOneByteASample() {
        SampleSlots slots = new SampleSlots();
        long start = at(0);
        for (int i = 0; i < 360; i++) {
            // Thirty minutes every 5 s, a few milliseconds of jitter.
            slots.add(MediaType.AUDIO, start + i * 5_000L + (i % 3) * 7);
        }
        assertThat(slots.encodedBytes()).isLessThan(400);
        assertThat(slots.contains(MediaType.AUDIO, start + 5_007)).isTrue();
        assertThat(slots.contains(MediaType.AUDIO, start + 5_000)).isFalse();
        assertThat(slots.contains(MediaType.VIDEO, start + 5_007)).isFalse();
        SampleSlots later = new SampleSlots();
        later.add(MediaType.AUDIO, start + 3_600_000);
        slots.addAll(later);
        assertThat(slots.contains(MediaType.AUDIO, start + 3_600_000)).isTrue();
        assertThat(slots.contains(MediaType.AUDIO, start + 1_790_007)).isTrue();
    }
}
