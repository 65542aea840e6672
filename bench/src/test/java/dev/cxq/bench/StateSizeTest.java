package dev.cxq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The split of checkpointed state into bytes kept per event and per session, and its formula. */
class StateSizeTest {

    /**
     * 1,000 sessions, loads past one session lifetime: the dedup keeps 40 B per event, the session
     * function 300 B per session and nothing per event, the interactions 50 B per session and 0.5 B
     * per event (ended interactions until their recording SLA, not part of either figure).
     */
    private static final StateSize MEASURED =
            new StateSize(
                    1_000,
                    "full",
                    "uuid",
                    List.of("dedup-events", "session-quality"),
                    List.of(
                            new StateSize.Load(
                                    60,
                                    60_000,
                                    0,
                                    10,
                                    Map.of(
                                            "dedup-events", 2_400_000L,
                                            "session-quality", 300_000L,
                                            "interactions", 80_000L)),
                            new StateSize.Load(
                                    120,
                                    120_000,
                                    0,
                                    20,
                                    Map.of(
                                            "dedup-events", 4_800_000L,
                                            "session-quality", 300_000L,
                                            "interactions", 110_000L))));

    @Test
    void theDedupKeepsItsGrowthPerEventAndSessionsTheRest() {
        assertEquals(40, MEASURED.retainedBytesPerEvent(), 1e-9);
        // 300 B of session quality, 50 B of interactions beyond their growth, no fixed dedup part.
        assertEquals(350, MEASURED.bytesPerActiveSession(), 1e-9);
        assertEquals(0.5, MEASURED.otherRetainedBytesPerEvent(), 1e-9);
    }

    /** Every load counts, not only the first and the last: the slope is a least-squares fit. */
    @Test
    void theSlopeIsFittedOverEveryLoad() {
        List<StateSize.Load> loads =
                loads(
                        new long[] {300_000, 330_000, 300_000, 300_000},
                        bytes -> Map.of("session-quality", bytes));
        StateSize noisy = new StateSize(1_000, "full", "uuid", List.of("session-quality"), loads);

        assertEquals(-0.15, noisy.operators().get(0).bytesPerEvent(), 1e-9);
        assertEquals(0, noisy.retainedBytesPerEvent(), 1e-9);
        // The fit at the mean load, 307.5 kB, rather than the last load's 300 kB.
        assertEquals(307.5, noisy.bytesPerActiveSession(), 1e-9);
    }

    /**
     * Operator state (samples waiting at the barrier) is a buffer that fills up to its cap: it
     * counts per session at its mean, never per event, and never as the dedup's.
     */
    @Test
    void operatorStateCountsAtItsMeanPerSession() {
        String held = StateCommand.operatorStateOf("session-quality");
        List<StateSize.Load> loads =
                loads(
                        new long[] {100_000, 200_000, 300_000},
                        bytes -> Map.of("session-quality", 300_000L, held, bytes));
        StateSize filling = new StateSize(1_000, "full", "uuid", List.of("session-quality"), loads);

        assertEquals(0, filling.retainedBytesPerEvent(), 1e-9);
        assertEquals(0, filling.otherRetainedBytesPerEvent(), 1e-9);
        assertEquals(300 + 200, filling.bytesPerActiveSession(), 1e-9);
    }

    /**
     * Loads 20 steps (20,000 events) apart from 60 steps, the i-th with {@code bytes[i]} in all and
     * {@code operators} of it per uid.
     */
    private static List<StateSize.Load> loads(
            long[] bytes, Function<Long, Map<String, Long>> operators) {
        List<StateSize.Load> loads = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            loads.add(
                    new StateSize.Load(
                            60 + 20 * i,
                            60_000 + 20_000L * i,
                            bytes[i],
                            10,
                            operators.apply(bytes[i])));
        }
        return loads;
    }

    @Test
    void extrapolatesToAMillionSessionsOver48Hours() {
        // 40 B × 34,560 events per session in 48 h × 1,000,000 sessions.
        assertEquals(34_560, StateSize.EVENTS_PER_SESSION_IN_RETENTION);
        assertEquals(40.0 * 34_560 * 1_000_000, MEASURED.retainedAtDeployment(), 1);
    }

    @Test
    void roundTripsThroughItsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.properties");
        MEASURED.write(file);
        StateSize read = StateSize.read(file);
        assertEquals(MEASURED.operators(), read.operators());
        assertEquals(MEASURED.dedupOperators(), read.dedupOperators());
        assertEquals(MEASURED.retainedAtDeployment(), read.retainedAtDeployment(), 1e-6);
    }
}
