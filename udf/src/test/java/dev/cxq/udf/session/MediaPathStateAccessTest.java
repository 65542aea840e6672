package dev.cxq.udf.session;

import dev.cxq.udf.dedup.DedupFunction;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;
import dev.cxq.udf.testing.StateAccessCounter;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyed-state accesses of the media path per sample in steady state (issue 17's budget: at most
 * one read and one write per session per watermark advance), counted on the function's state
 * handles ({@link StateAccessCounter}). Sessions send one sample every 5 s and the watermark
 * advances 5 s after each round, so per sample is per session per watermark advance. The figures
 * are in {@code docs/benchmarks.md}, "Media path: state accesses per sample".
 */
class MediaPathStateAccessTest {

    private static final int SESSIONS = 20;
    private static final int ROUNDS = 40;

    /** The session function: its reorder buffer, deadline and statistics. */
    @Test
    void theSessionFunctionReadsThreeTimesAndWritesFourTimesPerSample() throws Exception {
        Counts counts =
                steadyState(
                        new SessionQualityFunction(
                                SessionHarness.TIMEOUT, ContractRules.THRESHOLDS),
                        e -> e.sessionId);
        // Buffer: append on arrival, read and rewrite at the timer; the deadline and the
        // statistics: read and write each. The budget of issue 17 is 1 + 1.
        assertThat(counts.readsPerSample()).isEqualTo(3.0);
        assertThat(counts.writesPerSample()).isEqualTo(4.0);
    }

    /** The event-id dedup that every sample passes before the session function. */
    @Test
    void theEventIdDedupReadTwiceAndWroteOncePerSample() throws Exception {
        Counts counts =
                steadyState(
                        new DedupFunction(Duration.ofHours(48), Duration.ofHours(48)),
                        DedupFunction::identity);
        assertThat(counts.readsPerSample()).isEqualTo(2.0);
        assertThat(counts.writesPerSample()).isEqualTo(1.0);
    }

    private record Counts(long reads, long writes, long samples) {
        double readsPerSample() {
            return (double) reads / samples;
        }

        double writesPerSample() {
            return (double) writes / samples;
        }
    }

    /**
     * Opens {@link #SESSIONS} connected sessions, then counts {@link #ROUNDS} rounds of one sample
     * per session followed by a watermark past it.
     */
    private static <O> Counts steadyState(
            KeyedProcessFunction<String, CanonicalEvent, O> function,
            KeySelector<CanonicalEvent, String> key)
            throws Exception {
        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, O>(
                        new KeyedProcessOperator<>(function), key, Types.STRING)) {
            StateAccessCounter counter = StateAccessCounter.install(harness, function);
            harness.open();
            for (int s = 0; s < SESSIONS; s++) {
                send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
            }
            harness.processWatermark(at(1));
            long reads = counter.reads();
            long writes = counter.writes();
            for (int round = 1; round <= ROUNDS; round++) {
                for (int s = 0; s < SESSIONS; s++) {
                    send(harness, sample("s" + s, 5L * round, 4.2));
                }
                harness.processWatermark(at(5L * round + 1));
            }
            return new Counts(
                    counter.reads() - reads, counter.writes() - writes, (long) SESSIONS * ROUNDS);
        }
    }

    private static <O> void send(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, O> harness,
            CanonicalEvent e)
            throws Exception {
        harness.processElement(new StreamRecord<>(e, e.ts));
    }
}
