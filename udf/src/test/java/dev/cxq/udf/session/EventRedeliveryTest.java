package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.recording;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Interaction and recording events reach the session function straight from the parser (after the
 * previous release's ids): it drops their copies by session and event id, in the session's own
 * value, and hands the first deliveries to the interactions (docs/dedup.md, "Interaction and
 * recording events").
 */
class EventRedeliveryTest {

    private static final Duration RETENTION = Duration.ofHours(48);

    private SessionQualityFunction operator;
    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness;

    @BeforeEach
    void setUp() throws Exception {
        operator =
                new SessionQualityFunction(
                        SessionHarness.TIMEOUT, ContractRules.THRESHOLDS, RETENTION, RETENTION);
        harness = SessionHarness.open(operator);
        harness.setStateTtlProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** Sends an event and returns the first deliveries handed on for it. */
    private List<CanonicalEvent> send(CanonicalEvent e) throws Exception {
        int before = firstDeliveries().size();
        harness.processElement(new StreamRecord<>(e, e.ts));
        List<CanonicalEvent> all = firstDeliveries();
        return all.subList(before, all.size());
    }

    private List<CanonicalEvent> firstDeliveries() {
        var out = harness.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    private List<String> lateRows() {
        var out = harness.getSideOutput(OutputTags.LATE_EVENTS);
        return out == null ? List.of() : out.stream().map(r -> r.getValue().eventId()).toList();
    }

    private static CanonicalEvent copy(CanonicalEvent event) {
        return CanonicalEventSerializer.INSTANCE.copy(event);
    }

    private static CanonicalEvent lateCopy(CanonicalEvent event) {
        CanonicalEvent copy = copy(event);
        copy.lateOnArrival = true;
        return copy;
    }

    @Test
    void handsOnTheFirstDeliveryAndDropsRedeliveries() throws Exception {
        CanonicalEvent first = interaction("s1", 0, InteractionState.CONNECTED);
        CanonicalEvent redelivered = copy(first);
        redelivered.source = "topic/1/99";
        CanonicalEvent ended = interaction("s1", 60, InteractionState.COMPLETED);

        assertThat(send(first)).containsExactly(first);
        assertThat(send(redelivered)).isEmpty();
        assertThat(send(ended)).containsExactly(ended);
        assertThat(send(copy(ended))).isEmpty();
        assertThat(send(recording("s1", 90, RecordingStatus.UPLOADED))).hasSize(1);
        assertThat(operator.duplicatesDropped()).isEqualTo(2);
        assertThat(operator.redeliveryConflicts()).isZero();
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
    void remembersAnIdForTheRetentionCountedFromItsSessionsLastWrite() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        CanonicalEvent connected = interaction("s1", 0, InteractionState.CONNECTED);
        assertThat(send(connected)).hasSize(1);

        // A duplicate inside the window is dropped and does not extend it.
        harness.setStateTtlProcessingTime(47 * hour);
        assertThat(send(copy(connected))).isEmpty();
        harness.setStateTtlProcessingTime(48 * hour - 1);
        assertThat(send(copy(connected))).isEmpty();

        // Past the retention the id is forgotten: state stays bounded.
        harness.setStateTtlProcessingTime(48 * hour + 1);
        assertThat(send(copy(connected))).hasSize(1);

        // A new id of the session keeps all of its ids another retention.
        harness.setStateTtlProcessingTime(50 * hour);
        assertThat(send(recording("s1", 60, RecordingStatus.UPLOADED))).hasSize(1);
        harness.setStateTtlProcessingTime(97 * hour);
        assertThat(send(copy(connected))).isEmpty();
    }

    @Test
    void aReplayAfterTheSessionEndedChangesNothing() throws Exception {
        List<CanonicalEvent> lifecycle =
                List.of(
                        interaction("s1", 0, InteractionState.CONNECTED),
                        interaction("s1", 40, InteractionState.COMPLETED));
        send(lifecycle.get(0));
        for (int i = 1; i <= 6; i++) {
            send(sample("s1", 5L * i, i % 2 == 0 ? 3.0 : 4.2));
        }
        send(lifecycle.get(1));
        // Past the timeout after the end (30 min), when events open a session again: the session's
        // record, which holds its end, is all that is left.
        harness.processWatermark(new Watermark(at(40 + 1800 + 60)));
        List<SessionQuality> afterCall = harness.extractOutputValues();
        assertThat(afterCall).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        // The platform replays the call's lifecycle later: it must not reopen the session nor
        // land in late_events.
        for (CanonicalEvent e : lifecycle) {
            assertThat(send(copy(e))).isEmpty();
        }
        harness.processWatermark(new Watermark(at(7200)));
        assertThat(harness.extractOutputValues()).isEqualTo(afterCall);
        assertThat(lateRows()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void aRedeliveryWithOtherContentIsDroppedAndCountedAsAConflict() throws Exception {
        CanonicalEvent first = interaction("s1", 0, InteractionState.CONNECTED);
        first.queueId = "q-1";
        send(first);
        CanonicalEvent sameContent = copy(first);
        sameContent.source = "topic/0/7";
        send(sameContent);
        assertThat(operator.redeliveryConflicts()).isZero();

        CanonicalEvent otherContent = copy(first);
        otherContent.queueId = "q-2";
        send(otherContent);
        assertThat(operator.redeliveryConflicts()).isOne();
        // The first delivery stays the fact.
        assertThat(firstDeliveries()).containsExactly(first);
    }

    /**
     * Once the session has ended its ids are kept without their content (docs/dedup.md): a copy is
     * still dropped, but no longer compared.
     */
    @Test
    void aCopyOfAnEndedRunsEventIsDroppedUnchecked() throws Exception {
        CanonicalEvent connected = interaction("s1", 0, InteractionState.CONNECTED);
        connected.queueId = "q-1";
        send(connected);
        send(sample("s1", 5, 4.2));
        send(interaction("s1", 10, InteractionState.COMPLETED));
        harness.processWatermark(new Watermark(at(11)));
        assertThat(harness.extractOutputValues()).hasSize(1);

        CanonicalEvent otherContent = copy(connected);
        otherContent.queueId = "q-2";
        assertThat(send(otherContent)).isEmpty();
        assertThat(send(copy(connected))).isEmpty();

        assertThat(operator.duplicatesDropped()).isEqualTo(2);
        assertThat(operator.redeliveryConflicts()).isZero();
        assertThat(firstDeliveries()).hasSize(2);
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
        int ids = SessionSteps.IDS_IN_VALUE + 50;
        for (int i = 0; i < ids; i++) {
            assertThat(send(recording("s1", i, RecordingStatus.UPLOADED))).hasSize(1);
        }
        for (int i = 0; i < ids; i++) {
            assertThat(send(recording("s1", i, RecordingStatus.UPLOADED))).isEmpty();
        }
        assertThat(operator.duplicatesDropped()).isEqualTo(ids);
    }

    /** The end moves the value's ids aside without their content; those kept apart stay found. */
    @Test
    void theIdsKeptApartAreStillFoundAfterTheSessionEnded() throws Exception {
        int ids = SessionSteps.IDS_IN_VALUE + 50;
        send(interaction("s1", 0, InteractionState.CONNECTED));
        send(sample("s1", 1, 4.2));
        for (int i = 0; i < ids; i++) {
            send(recording("s1", i, RecordingStatus.UPLOADED));
        }
        send(interaction("s1", ids, InteractionState.COMPLETED));
        harness.processWatermark(new Watermark(at(ids + 1)));
        assertThat(harness.extractOutputValues()).hasSize(1);

        for (int i = 0; i < ids; i++) {
            assertThat(send(recording("s1", i, RecordingStatus.UPLOADED)))
                    .as("copy %d", i)
                    .isEmpty();
        }
        assertThat(operator.duplicatesDropped()).isEqualTo(ids);
    }

    @Test
    void anInTimeCopyWinsOverALateCopyWhicheverArrivesFirst() throws Exception {
        CanonicalEvent event = interaction("s1", 5, InteractionState.CONNECTED);
        CanonicalEvent other = recording("s1", 5, RecordingStatus.UPLOADED);
        // BATCH sorts a session's events in no particular order: the late one may come first.
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(lateCopy(other))).isEmpty();
        assertThat(send(event)).containsExactly(event);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(lateRows()).containsExactly(other.eventId);
        assertThat(operator.duplicatesDropped()).isOne();
    }

    @Test
    void anIdWhoseEveryCopyIsLateGoesToLateEventsOnceAndIsRemembered() throws Exception {
        CanonicalEvent event = interaction("s1", 5, InteractionState.CONNECTED);
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(lateCopy(event))).isEmpty();
        harness.processWatermark(new Watermark(at(5)));
        assertThat(lateRows()).containsExactly(event.eventId);
        // Remembered like a first delivery: a later in-time redelivery changes nothing.
        assertThat(send(event)).isEmpty();
    }

    @Test
    void refusesASampleRetentionLongerThanTheEventIds() {
        assertThatThrownBy(
                        () ->
                                new SessionQualityFunction(
                                        SessionHarness.TIMEOUT,
                                        ContractRules.THRESHOLDS,
                                        RETENTION.plusSeconds(1),
                                        RETENTION))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
