package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.Platform;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

class DedupFunctionTest {

    private static final Duration RETENTION = Duration.ofHours(48);

    private KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> dedup;

    @BeforeEach
    void setUp() throws Exception {
        dedup = dedupHarness(RETENTION);
    }

    @AfterEach
    void tearDown() throws Exception {
        dedup.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
            dedupHarness(Duration mediaSampleRetention) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new DedupFunction(RETENTION, mediaSampleRetention)),
                        e -> e.eventId,
                        Types.STRING);
        harness.open();
        harness.setStateTtlProcessingTime(0);
        return harness;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            sessionHarness() throws Exception {
        return SessionHarness.open();
    }

    /** Sends an event and returns what the dedup forwarded for it. */
    private List<CanonicalEvent> send(CanonicalEvent e) throws Exception {
        int before = dedup.extractOutputValues().size();
        dedup.processElement(new StreamRecord<>(e, e.ts));
        List<CanonicalEvent> all = dedup.extractOutputValues();
        return all.subList(before, all.size());
    }

    @Test
    void forwardsTheFirstDeliveryAndDropsRedeliveries() throws Exception {
        CanonicalEvent first = sample("s1", 5);
        CanonicalEvent redelivered = sample("s1", 5);
        redelivered.source = "topic/1/99";

        assertThat(send(first)).containsExactly(first);
        assertThat(send(redelivered)).isEmpty();
        assertThat(send(sample("s1", 10))).hasSize(1);
        assertThat(send(sample("s1", 5))).isEmpty();
        // One flag per distinct id, nothing per duplicate.
        assertThat(dedup.numKeyedStateEntries()).isEqualTo(2);
    }

    @Test
    void remembersAnIdForTheRetentionCountedFromItsFirstDelivery() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        assertThat(send(sample("s1", 5))).hasSize(1);

        // A duplicate inside the window is dropped and does not extend it.
        dedup.setStateTtlProcessingTime(47 * hour);
        assertThat(send(sample("s1", 5))).isEmpty();
        dedup.setStateTtlProcessingTime(48 * hour - 1);
        assertThat(send(sample("s1", 5))).isEmpty();

        // Past the retention the id is forgotten: state stays bounded.
        dedup.setStateTtlProcessingTime(48 * hour + 1);
        assertThat(send(sample("s1", 5))).hasSize(1);
    }

    @Test
    void aReplayAfterTheSessionEndedAndItsStateWasClearedChangesNothing() throws Exception {
        List<CanonicalEvent> call = new ArrayList<>();
        call.add(interaction("s1", 0, InteractionState.CONNECTED));
        for (int i = 1; i <= 6; i++) {
            call.add(sample("s1", 5L * i, i % 2 == 0 ? 3.0 : 4.2));
        }
        call.add(interaction("s1", 40, InteractionState.COMPLETED));

        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                session = sessionHarness()) {
            for (CanonicalEvent e : call) {
                for (CanonicalEvent forwarded : send(e)) {
                    session.processElement(new StreamRecord<>(forwarded, forwarded.ts));
                }
            }
            // Past the end marker's expiry (30 min after the end) nothing is left of the session.
            session.processWatermark(new Watermark(at(40 + 1800 + 60)));
            List<SessionQuality> afterCall = session.extractOutputValues();
            assertThat(afterCall).hasSize(1);
            // Nothing but the tombstone of the session's sample slots.
            assertThat(session.numKeyedStateEntries()).isEqualTo(1);

            // The platform replays the whole call later: without the dedup every event would reach
            // the session function again and land in late_events.
            for (CanonicalEvent e : call) {
                assertThat(send(e)).isEmpty();
            }
            session.processWatermark(new Watermark(at(7200)));
            assertThat(session.extractOutputValues()).isEqualTo(afterCall);
            assertThat(session.getSideOutput(OutputTags.LATE_EVENTS)).isNull();
            assertThat(session.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void forgetsMediaSampleIdsAfterTheirShorterRetentionAndOtherIdsAfterTheirs() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                shortSamples = dedupHarness(Duration.ofHours(1))) {
            CanonicalEvent sample = sample("s1", 5);
            CanonicalEvent connected = interaction("s1", 0, InteractionState.CONNECTED);
            shortSamples.processElement(new StreamRecord<>(sample, sample.ts));
            shortSamples.processElement(new StreamRecord<>(connected, connected.ts));

            shortSamples.setStateTtlProcessingTime(hour - 1);
            shortSamples.processElement(new StreamRecord<>(sample, sample.ts));
            assertThat(shortSamples.extractOutputValues()).containsExactly(sample, connected);

            // Past the samples' retention only the interaction is still recognised.
            shortSamples.setStateTtlProcessingTime(hour + 1);
            shortSamples.processElement(new StreamRecord<>(sample, sample.ts));
            shortSamples.processElement(new StreamRecord<>(connected, connected.ts));
            assertThat(shortSamples.extractOutputValues())
                    .containsExactly(sample, connected, sample);
        }
    }

    @Test
    void aSampleRedeliveredAfterItsRetentionOnlyReachesLateEvents() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                        shortSamples = dedupHarness(Duration.ofHours(1));
                KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                        session = sessionHarness()) {
            CanonicalEvent degraded = sample("s1", 5, 2.0);
            List<CanonicalEvent> call =
                    List.of(
                            interaction("s1", 0, InteractionState.CONNECTED),
                            degraded,
                            sample("s1", 10, 4.2),
                            interaction("s1", 20, InteractionState.COMPLETED));
            for (CanonicalEvent e : call) {
                shortSamples.processElement(new StreamRecord<>(e, e.ts));
            }
            for (CanonicalEvent e : shortSamples.extractOutputValues()) {
                session.processElement(new StreamRecord<>(e, e.ts));
            }
            session.processWatermark(new Watermark(at(60)));
            List<SessionQuality> afterCall = session.extractOutputValues();
            assertThat(afterCall).hasSize(1);

            // Two hours later the platform redelivers the degraded sample: the dedup has forgotten
            // it, the session function finds it behind the watermark and, once its own record of
            // the session's samples has expired too, writes it to late_events.
            shortSamples.setStateTtlProcessingTime(2 * hour);
            shortSamples.processElement(new StreamRecord<>(degraded, degraded.ts));
            List<CanonicalEvent> forwarded = shortSamples.extractOutputValues();
            CanonicalEvent redelivered = forwarded.get(forwarded.size() - 1);
            assertThat(redelivered).isEqualTo(degraded);
            session.setProcessingTime(SessionQualityFunction.DEFAULT_SAMPLE_RETENTION.toMillis());
            session.processElement(new StreamRecord<>(redelivered, redelivered.ts));
            session.processWatermark(new Watermark(at(7200)));

            assertThat(session.extractOutputValues()).isEqualTo(afterCall);
            assertThat(session.getSideOutput(OutputTags.LATE_EVENTS))
                    .extracting(r -> r.getValue().eventId())
                    .containsExactly(degraded.eventId);
        }
    }

    @Test
    void refusesANonPositiveRetentionOrALongerOneForSamples() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new DedupFunction(Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new DedupFunction(RETENTION, RETENTION.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRedeliveryWithOtherContentIsDroppedAndCountedAsAConflict() throws Exception {
        DedupFunction function = new DedupFunction(RETENTION, RETENTION);
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(function),
                                DedupFunction::identity,
                                Types.STRING)) {
            harness.open();
            CanonicalEvent first = sample("s1", 5, 4.2);
            harness.processElement(new StreamRecord<>(first, first.ts));
            CanonicalEvent sameContent = sample("s1", 5, 4.2);
            sameContent.source = "topic/0/7";
            harness.processElement(new StreamRecord<>(sameContent, sameContent.ts));
            assertThat(function.redeliveryConflicts()).isZero();

            CanonicalEvent otherContent = sample("s1", 5, 1.5);
            harness.processElement(new StreamRecord<>(otherContent, otherContent.ts));
            assertThat(function.redeliveryConflicts()).isOne();
            // The first delivery stays the fact.
            assertThat(harness.extractOutputValues()).containsExactly(first);
        }
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
        // Unchanged for every id of the previous release's key space: savepoints carry over.
        assertThat(DedupFunction.identity(plain)).isEqualTo("e-1");
        CanonicalEvent qualifiedLookalike = sample("s1", 5);
        qualifiedLookalike.eventId = "canonical:nice:42:completed";
        assertThat(DedupFunction.identity(qualifiedLookalike))
                .isNotEqualTo(DedupFunction.identity(canonical));
    }

    @Test
    void restoredFromThePreviousReleasesStateItStillDropsIdsThatReleaseSaw() throws Exception {
        OperatorSubtaskState previous;
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(new PreviousReleaseDedup()),
                                DedupFunction::identity,
                                Types.STRING)) {
            harness.open();
            CanonicalEvent first = sample("s1", 5);
            harness.processElement(new StreamRecord<>(first, first.ts));
            previous = harness.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(new DedupFunction(RETENTION, RETENTION)),
                                DedupFunction::identity,
                                Types.STRING)) {
            harness.initializeState(previous);
            harness.open();
            CanonicalEvent redelivered = sample("s1", 5);
            harness.processElement(new StreamRecord<>(redelivered, redelivered.ts));
            CanonicalEvent fresh = sample("s1", 10);
            harness.processElement(new StreamRecord<>(fresh, fresh.ts));
            assertThat(harness.extractOutputValues()).containsExactly(fresh);
        }
    }

    /** The state layout of the release before content hashes: one flag per id. */
    static class PreviousReleaseDedup
            extends KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> {

        private transient ValueState<Boolean> seen;

        @Override
        public void open(OpenContext openContext) {
            ValueStateDescriptor<Boolean> descriptor =
                    new ValueStateDescriptor<>("seen-event-id", Types.BOOLEAN);
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(RETENTION)
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .build());
            seen = getRuntimeContext().getState(descriptor);
        }

        @Override
        public void processElement(CanonicalEvent event, Context ctx, Collector<CanonicalEvent> out)
                throws Exception {
            if (seen.value() == null) {
                seen.update(Boolean.TRUE);
                out.collect(event);
            }
        }
    }

    private static CanonicalEvent lateCopy(CanonicalEvent event) {
        CanonicalEvent copy = CanonicalEventSerializer.INSTANCE.copy(event);
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
        CanonicalEvent event = sample("s1", 5);
        // BATCH sorts the copies of an id in no particular order: the late one may come first.
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(event)).containsExactly(event);
        dedup.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(lateRows()).isEmpty();
        assertThat(dedup.numEventTimeTimers()).isZero();
    }

    @Test
    void anIdWhoseEveryCopyIsLateGoesToLateEventsOnceTheWatermarkPassesIt() throws Exception {
        CanonicalEvent event = sample("s1", 5);
        assertThat(send(lateCopy(event))).isEmpty();
        assertThat(send(lateCopy(event))).isEmpty();
        dedup.processWatermark(new Watermark(at(5)));
        assertThat(lateRows()).containsExactly(event.eventId);
        // Remembered like a forwarded id: a later in-time redelivery changes nothing.
        assertThat(send(event)).isEmpty();
        assertThat(dedup.numKeyedStateEntries()).isEqualTo(1);
    }
}
