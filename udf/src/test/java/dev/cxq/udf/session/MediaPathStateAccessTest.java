package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.CountedSessionQuality;
import dev.cxq.udf.testing.SessionHarness;
import dev.cxq.udf.testing.StateAccessCounter;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static dev.cxq.udf.testing.SessionHarness.outputs;
import static dev.cxq.udf.testing.SessionHarness.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyed-state accesses of the media path (issue 17's budget: at most one read and one write per
 * session per watermark advance, not per sample), counted on the state handles ({@link
 * StateAccessCounter}), and that the samples it holds on the heap between watermarks survive a
 * checkpoint. The figures are in {@code docs/benchmarks.md}, "Media path: state accesses per
 * sample".
 */
class MediaPathStateAccessTest {

    private static final int SESSIONS = 20;
    private static final int ROUNDS = 40;
    private static final int MAX_PARALLELISM = 128;
    private static final double HEALTHY_MOS = 4.2;
    private static final double DEGRADED_MOS = 2.0;

    /**
     * One degraded sample per session between two watermarks: per sample is per session per advance
     * while a session is not quiet.
     */
    @Test
    void theSessionOperatorReadsOnceAndWritesOncePerSessionPerWatermarkAdvance() throws Exception {
        Counts counts = steadyState(1, DEGRADED_MOS);
        assertThat(counts.reads()).isEqualTo((long) SESSIONS * ROUNDS);
        assertThat(counts.writes()).isEqualTo((long) SESSIONS * ROUNDS);
    }

    /**
     * Five samples per session (five instants) between two watermarks still cost one read and one
     * write per session: the budget is per advance, not per sample.
     */
    @Test
    void moreSamplesPerAdvanceCostNoMoreAccesses() throws Exception {
        Counts counts = steadyState(5, DEGRADED_MOS);
        assertThat(counts.samples()).isEqualTo(5L * SESSIONS * ROUNDS);
        assertThat(counts.reads()).isEqualTo((long) SESSIONS * ROUNDS);
        assertThat(counts.writes()).isEqualTo((long) SESSIONS * ROUNDS);
    }

    /**
     * The healthy samples of a quiet session wait on the heap, up to {@link
     * HeldEvents#MAX_DEFERRED}: one read and one write per that many samples and one more.
     */
    @Test
    void aQuietSessionIsReadAndWrittenOncePerBatchOfHealthySamples() throws Exception {
        Counts counts = steadyState(1, HEALTHY_MOS);
        long batches = ROUNDS / (HeldEvents.MAX_DEFERRED + 1);
        assertThat(batches).isPositive();
        assertThat(counts.reads()).isEqualTo(SESSIONS * batches);
        assertThat(counts.writes()).isEqualTo(SESSIONS * batches);
    }

    /**
     * Between watermarks samples wait on the heap: arriving touches no keyed state. An interaction
     * or recording event reads and writes the session's record of ids once on arrival. A session's
     * first hand-over reads its record once more, for the end of an earlier run that it holds.
     */
    @Test
    void arrivingSamplesTouchNoKeyedState() throws Exception {
        StateAccessCounter counter = StateAccessCounter.forOperator();
        try (var harness = harness(new CountedSessionQuality(counter))) {
            harness.open();
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
            }
            assertThat(counter.reads()).isEqualTo(SESSIONS);
            assertThat(counter.writes()).isEqualTo(SESSIONS);
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, sample("s" + s, 5, 4.2));
            }
            assertThat(counter.reads()).isEqualTo(SESSIONS);
            assertThat(counter.writes()).isEqualTo(SESSIONS);
            harness.processWatermark(at(6));
            assertThat(counter.reads()).isEqualTo(3 * SESSIONS);
            assertThat(counter.writes()).isEqualTo(2 * SESSIONS);
        }
    }

    /** A copy of an interaction event costs one read and no write. */
    @Test
    void aRedeliveredInteractionEventReadsOnceAndWritesNothing() throws Exception {
        StateAccessCounter counter = StateAccessCounter.forOperator();
        try (var harness = harness(new CountedSessionQuality(counter))) {
            harness.open();
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
            }
            long reads = counter.reads();
            long writes = counter.writes();
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
            }
            assertThat(counter.reads() - reads).isEqualTo(SESSIONS);
            assertThat(counter.writes() - writes).isZero();
        }
    }

    /**
     * A checkpoint taken while samples wait on the heap (the watermark 10 s behind), restored into
     * a new operator, gives the rows and alerts of a run that never stopped.
     */
    @Test
    void samplesOnTheHeapAtACheckpointSurviveARestore() throws Exception {
        List<Object> uninterrupted = uninterrupted();
        assertThat(uninterrupted)
                .as("the run fires degradation alerts and ends its sessions")
                .hasAtLeastOneElementOfType(QualityAlert.class)
                .hasAtLeastOneElementOfType(SessionQuality.class);

        List<Object> restored = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var harness = harness(sessionQuality())) {
            harness.open();
            feed(harness, 0, ROUNDS / 2);
            // The held events go into operator state, the keyed state is not touched.
            snapshot = harness.snapshot(1, 0);
            restored.addAll(outputs(harness));
        }
        try (var harness = harness(sessionQuality())) {
            harness.setup();
            harness.initializeState(snapshot);
            harness.open();
            feed(harness, ROUNDS / 2, ROUNDS);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            restored.addAll(outputs(harness));
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(uninterrupted);
    }

    /**
     * A checkpoint taken while samples wait on the heap, restored into two subtasks: each keeps the
     * held events of its key groups, and together they write what a run that never stopped writes.
     */
    @Test
    void samplesOnTheHeapAtACheckpointGoToTheirKeysSubtaskOnARescale() throws Exception {
        List<Object> uninterrupted = uninterrupted();
        OperatorSubtaskState snapshot;
        List<Object> restored = new ArrayList<>();
        try (var harness = harness(sessionQuality(), MAX_PARALLELISM, 1, 0)) {
            harness.open();
            feed(harness, 0, ROUNDS / 2);
            snapshot = harness.snapshot(1, 0);
            restored.addAll(outputs(harness));
        }
        List<Integer> subtasksWithRows = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            int index = subtask;
            Predicate<String> owned =
                    key ->
                            KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                            key, MAX_PARALLELISM, 2)
                                    == index;
            try (var harness = harness(sessionQuality(), MAX_PARALLELISM, 2, subtask)) {
                harness.setup();
                harness.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                snapshot, MAX_PARALLELISM, 1, 2, subtask));
                harness.open();
                feed(harness, ROUNDS / 2, ROUNDS, owned);
                harness.processWatermark(new Watermark(Long.MAX_VALUE));
                List<Object> written = outputs(harness);
                if (written.stream().anyMatch(SessionQuality.class::isInstance)) {
                    subtasksWithRows.add(subtask);
                }
                restored.addAll(written);
            }
        }
        assertThat(subtasksWithRows).as("both subtasks own sessions").containsExactly(0, 1);
        assertThat(restored).containsExactlyInAnyOrderElementsOf(uninterrupted);
    }

    /** What {@link #feed} of every round writes, without a stop. */
    private static List<Object> uninterrupted() throws Exception {
        try (var harness = harness(sessionQuality())) {
            harness.open();
            feed(harness, 0, ROUNDS);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            return outputs(harness);
        }
    }

    /**
     * Rounds {@code from} (exclusive) to {@code to} of three sessions, one sample each per 5 s, one
     * of them degraded from 60 s to 120 s, each round followed by a watermark 10 s behind it, so
     * the last two rounds' samples are always still held.
     */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            int from,
            int to)
            throws Exception {
        feed(harness, from, to, session -> true);
    }

    /** {@link #feed}, only the events of the sessions {@code owned}. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            int from,
            int to,
            Predicate<String> owned)
            throws Exception {
        for (int round = from + 1; round <= to; round++) {
            long t = 5L * round;
            for (int s = 0; s < 3; s++) {
                if (!owned.test("s" + s)) {
                    continue;
                }
                if (round == 1) {
                    send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
                }
                boolean degraded = s == 0 && t >= 60 && t < 120;
                send(harness, sample("s" + s, t, degraded ? 2.0 : 4.2));
            }
            if (round == ROUNDS - 5 && owned.test("s1")) {
                send(harness, interaction("s1", t, InteractionState.COMPLETED));
            }
            harness.processWatermark(at(t - 10));
        }
    }

    private record Counts(long reads, long writes, long samples) {}

    /**
     * Opens {@link #SESSIONS} connected sessions, then counts {@link #ROUNDS} rounds, 10 s apart,
     * of {@code perRound} samples per session, one second apart, with MOS {@code mos}, followed by
     * a watermark past them.
     */
    private static Counts steadyState(int perRound, double mos) throws Exception {
        StateAccessCounter counter = StateAccessCounter.forOperator();
        try (var harness = harness(new CountedSessionQuality(counter))) {
            harness.open();
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
            }
            harness.processWatermark(at(1));
            long reads = counter.reads();
            long writes = counter.writes();
            long samples = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                long start = 10L * round;
                for (int s = 0; s < SESSIONS; s++) {
                    for (int i = 0; i < perRound; i++) {
                        send(harness, sample("s" + s, start + i, mos));
                        samples++;
                    }
                }
                harness.processWatermark(at(start + perRound));
            }
            return new Counts(counter.reads() - reads, counter.writes() - writes, samples);
        }
    }

    private static SessionQualityFunction sessionQuality() {
        return new SessionQualityFunction(SessionHarness.TIMEOUT, ContractRules.THRESHOLDS);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            harness(SessionQualityFunction operator) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                operator, e -> e.sessionId, Types.STRING);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            harness(SessionQualityFunction operator, int maxParallelism, int parallelism, int index)
                    throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                operator, e -> e.sessionId, Types.STRING, maxParallelism, parallelism, index);
    }
}
