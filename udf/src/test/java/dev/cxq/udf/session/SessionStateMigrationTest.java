package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.SessionHarness;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cxq.udf.testing.Events.at;
import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static dev.cxq.udf.testing.SessionHarness.outputs;
import static dev.cxq.udf.testing.SessionHarness.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots of the session operator taken by earlier builds restore into this build, on the heap
 * backend (which keeps the objects the old serializer read) and on RocksDB (which rewrites every
 * value with the new serializer when the operator registers the state), and the run goes on as if
 * never stopped: the open incident resolves, the held samples are handed over, late copies of
 * handed-over samples (of an open session and of an ended one's tombstone) are dropped, the rows
 * equal one run's. The snapshots, canonical savepoints of the heap backend:
 *
 * <ul>
 *   <li>{@code pojo-layout.snapshot}, of the build before the written-out serializers (main at
 *       23d6811: {@code session} and {@code ended-session-samples} written by Flink's POJO
 *       serializer, the slot records in the per-sample form);
 *   <li>{@code format-1.snapshot}, of the first written-out format (main at 825c44d: every held
 *       event written whole, its session id too), with a late copy held at the cut, whose {@code
 *       late_events} row needs the session id that the next format leaves to the key;
 *   <li>{@code end-marker-in-value.snapshot}, of the last build with the end of an ended session in
 *       its {@code session} value, with a timer at end + timeout (main at c60d86a), and the records
 *       of redeliveries in their first format (no end).
 * </ul>
 *
 * <p>In all three s1 has ended at the cut, its end in its value with a timer at end + timeout. That
 * timer clears it; or, when an in-time sample of s1 comes within the timeout after the end, the end
 * moves to the session's record and the sample is dropped (it opens no second session, which would
 * add a row), and so is its late copy.
 *
 * <p>Each was written by {@link #writeSnapshotOfThisBuild} copied into that build ({@code
 * -Dcxq.session.snapshot.write=<file>}); run on this build it writes this format, for the test of a
 * later one.
 */
class SessionStateMigrationTest {

    private static final int ROUNDS = 40;
    private static final int CUT = ROUNDS / 2;

    private static final String POJO_LAYOUT = "pojo-layout.snapshot";
    private static final String FORMAT_1 = "format-1.snapshot";
    private static final String END_IN_VALUE = "end-marker-in-value.snapshot";

    @Test
    void thePojoLayoutRestoresOnTheHeap() throws Exception {
        assertRestoresAsIfUninterrupted(new HashMapStateBackend(), POJO_LAYOUT, false, false);
    }

    @Test
    void thePojoLayoutRestoresOnRocksDb() throws Exception {
        assertRestoresAsIfUninterrupted(
                new EmbeddedRocksDBStateBackend(), POJO_LAYOUT, false, false);
    }

    @Test
    void formatOneRestoresOnTheHeap() throws Exception {
        assertRestoresAsIfUninterrupted(new HashMapStateBackend(), FORMAT_1, true, false);
    }

    @Test
    void formatOneRestoresOnRocksDb() throws Exception {
        assertRestoresAsIfUninterrupted(new EmbeddedRocksDBStateBackend(), FORMAT_1, true, false);
    }

    @Test
    void theEndInTheValueCountsUntilItsTimerOnTheHeap() throws Exception {
        assertRestoresAsIfUninterrupted(new HashMapStateBackend(), END_IN_VALUE, true, false);
    }

    @Test
    void theEndInTheValueCountsUntilItsTimerOnRocksDb() throws Exception {
        assertRestoresAsIfUninterrupted(
                new EmbeddedRocksDBStateBackend(), END_IN_VALUE, true, false);
    }

    @Test
    void theEndInTheValueMovesToTheRecordOnASampleAfterItOnTheHeap() throws Exception {
        assertRestoresAsIfUninterrupted(new HashMapStateBackend(), END_IN_VALUE, true, true);
    }

    @Test
    void theEndInTheValueMovesToTheRecordOnASampleAfterItOnRocksDb() throws Exception {
        assertRestoresAsIfUninterrupted(
                new EmbeddedRocksDBStateBackend(), END_IN_VALUE, true, true);
    }

    @Test
    @EnabledIfSystemProperty(named = "cxq.session.snapshot.write", matches = ".+")
    void writeSnapshotOfThisBuild() throws Exception {
        try (var harness = harness(new HashMapStateBackend())) {
            harness.open();
            feed(harness, 0, CUT, true, false);
            harness.prepareSnapshotPreBarrier(1);
            // A canonical savepoint, which either backend restores.
            OperatorSubtaskState savepoint =
                    harness.snapshotWithLocalState(
                                    1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
            OperatorSnapshotUtil.writeStateHandle(
                    savepoint, System.getProperty("cxq.session.snapshot.write"));
        }
    }

    private static void assertRestoresAsIfUninterrupted(
            StateBackend backend,
            String snapshotResource,
            boolean heldLateCopy,
            boolean sampleAfterEnd)
            throws Exception {
        List<Object> uninterrupted = new ArrayList<>();
        try (var harness = harness(new HashMapStateBackend())) {
            harness.open();
            feed(harness, 0, ROUNDS, heldLateCopy, sampleAfterEnd);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            uninterrupted.addAll(outputs(harness));
        }
        assertThat(uninterrupted)
                .as("the run fires a degradation alert, ends sessions and writes a late event")
                .hasAtLeastOneElementOfType(QualityAlert.class)
                .hasAtLeastOneElementOfType(SessionQuality.class)
                .hasAtLeastOneElementOfType(LateEvent.class);

        // What the earlier build wrote before its snapshot: this build's run to the cut.
        List<Object> restored = new ArrayList<>();
        try (var harness = harness(new HashMapStateBackend())) {
            harness.open();
            feed(harness, 0, CUT, heldLateCopy, sampleAfterEnd);
            restored.addAll(outputs(harness));
        }
        URL resource = SessionStateMigrationTest.class.getResource(snapshotResource);
        assertThat(resource).as(snapshotResource).isNotNull();
        OperatorSubtaskState snapshot =
                OperatorSnapshotUtil.readStateHandle(Path.of(resource.toURI()).toString());
        try (var harness = harness(backend)) {
            harness.setup();
            harness.initializeState(snapshot);
            harness.open();
            feed(harness, CUT, ROUNDS, heldLateCopy, sampleAfterEnd);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            restored.addAll(outputs(harness));
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(uninterrupted);
    }

    /**
     * Rounds {@code from} (exclusive) to {@code to}: three sessions with a sample each per 5 s, s0
     * degraded from 60 s to 120 s, s1 ending at 50 s; each round followed by a watermark 10 s
     * behind it. After the cut's first watermark: late copies of samples handed over before it (of
     * s0, open, and of s1, ended) and a late sample never handed over (of s2). With {@code
     * sampleAfterEnd}, then an in-time sample of s1 within the timeout after its end, and after the
     * watermark passed it a late copy of it. With {@code heldLateCopy}, after the last watermark
     * before the cut a sample of s2 that its split flagged late, held on the heap at the cut and
     * handed over (to {@code late_events}) after it.
     */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            int from,
            int to,
            boolean heldLateCopy,
            boolean sampleAfterEnd)
            throws Exception {
        for (int round = from + 1; round <= to; round++) {
            long t = 5L * round;
            for (int s = 0; s < 3; s++) {
                if (round == 1) {
                    send(harness, interaction("s" + s, 0, InteractionState.CONNECTED));
                }
                boolean degraded = s == 0 && t >= 60 && t < 120;
                if (s != 1 || t <= 50) {
                    send(harness, sample("s" + s, t, degraded ? 2.0 : 4.2));
                }
            }
            if (t == 50) {
                send(harness, interaction("s1", t, InteractionState.COMPLETED));
            }
            harness.processWatermark(at(t - 10));
            if (heldLateCopy && round == CUT) {
                CanonicalEvent late = sample("s2", 38, 4.2);
                late.lateOnArrival = true;
                send(harness, late);
            }
            if (round == CUT + 1) {
                // Behind the watermark: late.
                send(harness, copy(sample("s0", 30, 4.2)));
                send(harness, copy(sample("s1", 20, 4.2)));
                send(harness, copy(sample("s2", 33, 4.2)));
            }
            if (sampleAfterEnd && round == CUT + 2) {
                send(harness, sample("s1", t, 4.2));
            }
            if (sampleAfterEnd && round == CUT + 5) {
                // The watermark (of the round before) is at that sample: its copy is late.
                send(harness, copy(sample("s1", 5L * (CUT + 2), 4.2)));
            }
        }
    }

    private static CanonicalEvent copy(CanonicalEvent sample) {
        sample.eventId = "copy-" + sample.eventId;
        return sample;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            harness(StateBackend backend) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new SessionQualityFunction(
                                SessionHarness.TIMEOUT, ContractRules.THRESHOLDS),
                        (CanonicalEvent e) -> e.sessionId,
                        Types.STRING);
        harness.setStateBackend(backend);
        return harness;
    }
}
