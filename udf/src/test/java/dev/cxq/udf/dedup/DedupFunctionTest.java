package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DedupFunctionTest {

    private static final Duration RETENTION = Duration.ofHours(48);

    private DedupFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> dedup;

    @BeforeEach
    void setUp() throws Exception {
        function = new DedupFunction(RETENTION);
        dedup =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), e -> e.sessionId, Types.STRING);
        dedup.open();
        dedup.setStateTtlProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        dedup.close();
    }

    /** Sends an event and returns what the dedup forwarded for it. */
    private List<CanonicalEvent> send(CanonicalEvent e) throws Exception {
        int before = dedup.extractOutputValues().size();
        dedup.processElement(new StreamRecord<>(e, e.ts));
        List<CanonicalEvent> all = dedup.extractOutputValues();
        return all.subList(before, all.size());
    }

    private static CanonicalEvent copy(CanonicalEvent event) {
        return CanonicalEventSerializer.INSTANCE.copy(event);
    }

    @Test
    void forwardsTheFirstDeliveryAndDropsRedeliveries() throws Exception {
        CanonicalEvent first = interaction("s1", 0, InteractionState.CONNECTED);
        CanonicalEvent redelivered = copy(first);
        redelivered.source = "topic/1/99";
        CanonicalEvent ended = interaction("s1", 60, InteractionState.COMPLETED);

        assertThat(send(first)).containsExactly(first);
        assertThat(send(redelivered)).isEmpty();
        assertThat(send(ended)).containsExactly(ended);
        assertThat(send(copy(ended))).isEmpty();
        assertThat(send(recording("s1", 90, RecordingStatus.UPLOADED))).hasSize(1);
        // One value for the session's three ids, nothing per duplicate.
        assertThat(dedup.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void anEventIdIsItsSessionsOwn() throws Exception {
        CanonicalEvent first = interaction("s1", 0, InteractionState.CONNECTED);
        CanonicalEvent otherSession = interaction("s2", 0, InteractionState.CONNECTED);
        otherSession.eventId = first.eventId;

        assertThat(send(first)).hasSize(1);
        assertThat(send(otherSession)).containsExactly(otherSession);
    }

    @Test
    void remembersAnIdForTheRetentionCountedFromItsSessionsLastNewId() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        CanonicalEvent connected = interaction("s1", 0, InteractionState.CONNECTED);
        assertThat(send(connected)).hasSize(1);

        // A duplicate inside the window is dropped and does not extend it.
        dedup.setStateTtlProcessingTime(47 * hour);
        assertThat(send(copy(connected))).isEmpty();
        dedup.setStateTtlProcessingTime(48 * hour - 1);
        assertThat(send(copy(connected))).isEmpty();

        // Past the retention the id is forgotten: state stays bounded.
        dedup.setStateTtlProcessingTime(48 * hour + 1);
        assertThat(send(copy(connected))).hasSize(1);

        // A new id of the session keeps all of its ids another retention.
        dedup.setStateTtlProcessingTime(50 * hour);
        assertThat(send(interaction("s1", 60, InteractionState.COMPLETED))).hasSize(1);
        dedup.setStateTtlProcessingTime(97 * hour);
        assertThat(send(copy(connected))).isEmpty();
    }

    @Test
    void aReplayAfterTheSessionEndedAndItsStateWasClearedChangesNothing() throws Exception {
        List<CanonicalEvent> lifecycle =
                List.of(
                        interaction("s1", 0, InteractionState.CONNECTED),
                        interaction("s1", 40, InteractionState.COMPLETED));
        List<CanonicalEvent> samples = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            samples.add(sample("s1", 5L * i, i % 2 == 0 ? 3.0 : 4.2));
        }

        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                session = SessionHarness.open()) {
            List<CanonicalEvent> call = new ArrayList<>(send(lifecycle.get(0)));
            call.addAll(samples);
            call.addAll(send(lifecycle.get(1)));
            for (CanonicalEvent e : call) {
                session.processElement(new StreamRecord<>(e, e.ts));
            }
            assertThat(dedup.extractOutputValues()).isEqualTo(lifecycle);
            // Past the end marker's expiry (30 min after the end) nothing is left of the session.
            session.processWatermark(new Watermark(at(40 + 1800 + 60)));
            List<SessionQuality> afterCall = session.extractOutputValues();
            assertThat(afterCall).hasSize(1);
            // Nothing but the tombstone of the session's sample slots.
            assertThat(session.numKeyedStateEntries()).isEqualTo(1);

            // The platform replays the call's lifecycle later: without the dedup it would reach
            // the session function again and land in late_events.
            for (CanonicalEvent e : lifecycle) {
                assertThat(send(copy(e))).isEmpty();
            }
            session.processWatermark(new Watermark(at(7200)));
            assertThat(session.extractOutputValues()).isEqualTo(afterCall);
            assertThat(session.getSideOutput(OutputTags.LATE_EVENTS)).isNull();
        }
    }

    @Test
    void refusesANonPositiveRetention() {
        assertThatThrownBy(() -> new DedupFunction(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PreviousReleaseIds(RETENTION, RETENTION.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRedeliveryWithOtherContentIsDroppedAndCountedAsAConflict() throws Exception {
        CanonicalEvent first = interaction("s1", 0, InteractionState.CONNECTED);
        first.queueId = "q-1";
        send(first);
        CanonicalEvent sameContent = copy(first);
        sameContent.source = "topic/0/7";
        send(sameContent);
        assertThat(function.redeliveryConflicts()).isZero();

        CanonicalEvent otherContent = copy(first);
        otherContent.queueId = "q-2";
        send(otherContent);
        assertThat(function.redeliveryConflicts()).isOne();
        // The first delivery stays the fact.
        assertThat(dedup.extractOutputValues()).containsExactly(first);
    }

    @Test
    void theIdentityIsThePlatformAndTheEventId() {
        CanonicalEvent canonical = sample("s1", 5);
        canonical.eventId = "nice:42:completed";
        CanonicalEvent nice = sample("s1", 5);
        nice.eventId = "nice:42:completed";
        nice.platform = Platform.NICE;
        CanonicalEvent plain = sample("s1", 5);
        plain.eventId = "e-1";

        assertThat(DedupFunction.identity(nice)).isEqualTo("nice:42:completed");
        assertThat(DedupFunction.identity(canonical)).isNotEqualTo(DedupFunction.identity(nice));
        // Unchanged for every id of the previous releases' key space: their savepoints carry over.
        assertThat(DedupFunction.identity(plain)).isEqualTo("e-1");
        CanonicalEvent qualifiedLookalike = sample("s1", 5);
        qualifiedLookalike.eventId = "canonical:nice:42:completed";
        assertThat(DedupFunction.identity(qualifiedLookalike))
                .isNotEqualTo(DedupFunction.identity(canonical));
    }

    @Test
    void aCanonicalIdCannotPassForAPlatformsEventOfTheSameSession() throws Exception {
        CanonicalEvent nice = interaction("s1", 0, InteractionState.CONNECTED);
        nice.eventId = "nice:42:connected";
        nice.platform = Platform.NICE;
        CanonicalEvent canonical = copy(nice);
        canonical.platform = Platform.CANONICAL;

        assertThat(send(nice)).hasSize(1);
        assertThat(send(canonical)).hasSize(1);
    }

    @Test
    void aSessionWithMoreIdsThanItsValueHoldsKeepsTheRestApart() throws Exception {
        int ids = DedupFunction.IDS_IN_VALUE + 50;
        for (int i = 0; i < ids; i++) {
            assertThat(send(recording("s1", i, RecordingStatus.UPLOADED))).hasSize(1);
        }
        for (int i = 0; i < ids; i++) {
            assertThat(send(recording("s1", i, RecordingStatus.UPLOADED))).isEmpty();
        }
        // The value, and the map of the ids beyond it.
        assertThat(dedup.numKeyedStateEntries()).isEqualTo(2);
    }

    private static CanonicalEvent lateCopy(CanonicalEvent event) {
        CanonicalEvent copy = copy(event);
        copy.lateOnArrival = true;
        return copy;
    }

    private List<String> lateRows() {
        return dedup.getSideOutput(OutputTags.LATE_EVENTS) == null
                ? List.of()
                : dedup.getSideOutput(OutputTags.LATE_EVENTS).stream()
                        .map(r -> r.getValue().eventId())
                        .toList();
    }

    @Test
    void anInTimeCopyWinsOverALateCopyWhicheverArrivesFirst() throws Exception {
        CanonicalEvent event = interaction("s1", 5, InteractionState.HOLD);
        CanonicalEvent other = recording("s1", 5, RecordingStatus.UPLOADED);
        // BATCH sorts a session's events in no particular order: the late one may come first.
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(lateCopy(other))).isEmpty();
        assertThat(send(event)).containsExactly(event);
        // The other candidate of the same instant still has its timer.
        assertThat(dedup.numEventTimeTimers()).isOne();
        dedup.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(lateRows()).containsExactly(other.eventId);
        assertThat(dedup.numEventTimeTimers()).isZero();
    }

    @Test
    void anInTimeCopyDeletesTheTimerOfItsLateCopy() throws Exception {
        CanonicalEvent event = interaction("s1", 5, InteractionState.HOLD);
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(event)).containsExactly(event);
        assertThat(dedup.numEventTimeTimers()).isZero();
        dedup.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(lateRows()).isEmpty();
    }

    @Test
    void anIdWhoseEveryCopyIsLateGoesToLateEventsOnceTheWatermarkPassesIt() throws Exception {
        CanonicalEvent event = interaction("s1", 5, InteractionState.HOLD);
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(lateCopy(event))).isEmpty();
        dedup.processWatermark(new Watermark(at(5)));
        assertThat(lateRows()).containsExactly(event.eventId);
        // Remembered like a forwarded id: a later in-time redelivery changes nothing.
        assertThat(send(event)).isEmpty();
        assertThat(dedup.numKeyedStateEntries()).isEqualTo(1);
    }
}
