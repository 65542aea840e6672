package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.IdKeyTypeInfo;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static dev.cxq.udf.testing.SessionHarness.outputs;
import static dev.cxq.udf.testing.SessionHarness.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session operator restored from a savepoint whose keys are strings (every build before {@code
 * IdKeySerializer}) into the job's id keys, on RocksDB with its timers in RocksDB: sessions with
 * UUID ids go on as if never stopped, with the timers of a restore in string keys after every
 * round: a timer moved after the restore replaces the restored one rather than standing beside it
 * in the other key form (it does without {@code IdKeyTimers}: one more timer for two rounds).
 */
class SessionIdKeysRestoreTest {

    private static final int ROUNDS = 40;
    private static final int CUT = ROUNDS / 2;

    private static final List<String> SESSIONS = List.of(uuid("s0"), uuid("s1"), uuid("s2"));

    @Test
    void stringKeyedStateRestoresIntoIdKeysAsIfUninterrupted() throws Exception {
        List<Object> uninterrupted = new ArrayList<>();
        try (var harness = harness(IdKeyTypeInfo.INSTANCE)) {
            harness.open();
            feed(harness, 0, ROUNDS);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            uninterrupted.addAll(outputs(harness));
        }
        assertThat(uninterrupted)
                .as("an alert and the ended sessions' rows")
                .hasAtLeastOneElementOfType(QualityAlert.class)
                .hasAtLeastOneElementOfType(SessionQuality.class);

        Restored sameKeys = restoreAtTheCut(Types.STRING);
        Restored idKeys = restoreAtTheCut(IdKeyTypeInfo.INSTANCE);
        assertThat(idKeys.outputs).containsExactlyInAnyOrderElementsOf(uninterrupted);
        assertThat(idKeys.timersPerRound)
                .as("timers after each round since the cut, against a restore in string keys")
                .isEqualTo(sameKeys.timersPerRound);
    }

    private record Restored(List<Object> outputs, List<Integer> timersPerRound) {}

    /**
     * The rounds to the cut keyed by strings, a savepoint, then the rest restored keyed by {@code
     * keys}; the number of event-time timers after each round since.
     */
    private static Restored restoreAtTheCut(TypeInformation<String> keys) throws Exception {
        List<Object> outputs = new ArrayList<>();
        OperatorSubtaskState savepoint;
        try (var harness = harness(Types.STRING)) {
            harness.open();
            feed(harness, 0, CUT);
            outputs.addAll(outputs(harness));
            harness.prepareSnapshotPreBarrier(1);
            savepoint =
                    harness.snapshotWithLocalState(
                                    1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
        }
        List<Integer> timers = new ArrayList<>();
        try (var harness = harness(keys)) {
            harness.setup();
            harness.initializeState(savepoint);
            harness.open();
            for (int round = CUT; round < ROUNDS; round++) {
                feed(harness, round, round + 1);
                timers.add(harness.numEventTimeTimers());
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            outputs.addAll(outputs(harness));
        }
        return new Restored(outputs, timers);
    }

    /**
     * Rounds {@code from} (exclusive) to {@code to}: three sessions with a sample each per 5 s, the
     * first degraded from 60 s to 120 s, the second ending at 150 s; each round followed by a
     * watermark 10 s behind it, which moves each open session's deadline timer.
     */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            int from,
            int to)
            throws Exception {
        for (int round = from + 1; round <= to; round++) {
            long t = 5L * round;
            for (int s = 0; s < SESSIONS.size(); s++) {
                String session = SESSIONS.get(s);
                if (round == 1) {
                    send(harness, interaction(session, 0, InteractionState.CONNECTED));
                }
                boolean degraded = s == 0 && t >= 60 && t < 120;
                if (s != 1 || t <= 150) {
                    send(harness, sample(session, t, degraded ? 2.0 : 4.2));
                }
            }
            if (t == 150) {
                send(harness, interaction(SESSIONS.get(1), t, InteractionState.COMPLETED));
            }
            harness.processWatermark(at(t - 10));
        }
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes()).toString();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            harness(TypeInformation<String> keys) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new SessionQualityFunction(
                                SessionHarness.TIMEOUT, ContractRules.THRESHOLDS),
                        (CanonicalEvent e) -> e.sessionId,
                        keys);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }
}
