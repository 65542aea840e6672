package dev.cxq.udf.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.testing.PreviousReleaseDedup;
import dev.cxq.udf.testing.PreviousReleaseDedup.Layout;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static org.assertj.core.api.Assertions.assertThat;

class PreviousReleaseIdsTest {

    private static final Duration RETENTION = Duration.ofHours(48);

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
            harness(KeyedProcessFunction<String, CanonicalEvent, CanonicalEvent> function)
                    throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), EventIdentity::of, Types.STRING);
    }

    private static List<CanonicalEvent> restoreAndSend(
            OperatorSubtaskState state, CanonicalEvent... events) throws Exception {
        try (var restored = harness(new PreviousReleaseIds(RETENTION, RETENTION))) {
            restored.initializeState(state);
            restored.open();
            for (CanonicalEvent e : events) {
                restored.processElement(new StreamRecord<>(e, e.ts));
            }
            restored.processWatermark(new Watermark(Long.MAX_VALUE));
            return restored.extractOutputValues();
        }
    }

    private static CanonicalEvent copy(CanonicalEvent event) {
        return CanonicalEventSerializer.INSTANCE.copy(event);
    }

    @Test
    void restoredItDropsTheIdsThatTheReleaseWithFlagsSaw() throws Exception {
        CanonicalEvent seen = interaction("s1", 0, InteractionState.CONNECTED);
        CanonicalEvent fresh = interaction("s1", 60, InteractionState.COMPLETED);

        assertThat(
                        restoreAndSend(
                                PreviousReleaseDedup.stateAfter(Layout.FLAGS, List.of(seen)),
                                copy(seen),
                                fresh))
                .containsExactly(fresh);
    }

    @Test
    void restoredItDropsTheIdsThatTheReleaseWithContentHashesSawAndCountsConflicts()
            throws Exception {
        CanonicalEvent seen = interaction("s1", 0, InteractionState.CONNECTED);
        seen.queueId = "q-1";
        CanonicalEvent conflicting = copy(seen);
        conflicting.queueId = "q-2";
        PreviousReleaseIds function = new PreviousReleaseIds(RETENTION, RETENTION);
        try (var restored = harness(function)) {
            restored.initializeState(
                    PreviousReleaseDedup.stateAfter(Layout.CONTENT_HASHES, List.of(seen)));
            restored.open();
            restored.processElement(new StreamRecord<>(copy(seen), seen.ts));
            restored.processElement(new StreamRecord<>(conflicting, seen.ts));
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(function.redeliveryConflicts()).isOne();
        }
    }

    @Test
    void aLateCopyThatTheReleaseHeldIsForwardedStillLateWhenTheWatermarkPassesIt()
            throws Exception {
        CanonicalEvent late = interaction("s1", 0, InteractionState.CONNECTED);
        late.lateOnArrival = true;

        List<CanonicalEvent> forwarded =
                restoreAndSend(
                        PreviousReleaseDedup.stateAfter(Layout.CONTENT_HASHES, List.of(late)));
        assertThat(forwarded).containsExactly(late);
        assertThat(forwarded.get(0).lateOnArrival).isTrue();
    }

    @Test
    void startedAfreshItForwardsEverythingAndKeepsNothing() throws Exception {
        CanonicalEvent event = interaction("s1", 0, InteractionState.CONNECTED);
        try (var fresh = harness(new PreviousReleaseIds(RETENTION, RETENTION))) {
            fresh.open();
            fresh.processElement(new StreamRecord<>(event, at(0)));
            fresh.processElement(new StreamRecord<>(copy(event), at(0)));
            assertThat(fresh.extractOutputValues()).hasSize(2);
            assertThat(fresh.numKeyedStateEntries()).isZero();
        }
    }
}
