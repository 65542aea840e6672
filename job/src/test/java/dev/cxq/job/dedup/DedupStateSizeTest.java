package dev.cxq.job.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.IdKeyTypeInfo;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.Events;

import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what the dedup of interaction and recording events costs per ended session in RocksDB:
 * the size of a canonical savepoint of the session operator's state once its sessions have ended
 * (only their records are left), which holds exactly the serialized keys and values (a full
 * checkpoint copies RocksDB's files, with the versions and deletions not yet compacted away, so its
 * size varies by some 10 %), divided by the number of sessions, each with {@link #IDS_PER_SESSION}
 * event ids (the bench's lifecycle: connected, hold, unhold, completed). The figures are in {@code
 * docs/dedup.md}. The record holds the session's end too, so within the timeout after it (when
 * events do not open a session again) an ended session costs no more, and has no timer.
 */
class DedupStateSizeTest {

    private static final int SESSIONS = 5_000;
    private static final List<InteractionState> LIFECYCLE =
            List.of(
                    InteractionState.CONNECTED,
                    InteractionState.HOLD,
                    InteractionState.UNHOLD,
                    InteractionState.COMPLETED);
    private static final int IDS_PER_SESSION = LIFECYCLE.size();

    @Test
    void anEndedSessionCostsItsKeyAndSixBytesAnIdAndDuplicatesAddNothing() throws Exception {
        long uuidIds =
                bytesPerSession(i -> UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString());
        long genesysIds =
                bytesPerSession(i -> "genesys:" + dev.cxq.udf.internal.Hashing.sha256Hex("e" + i));

        System.out.printf(
                "dedup state per session of %d ids: %d bytes (36-char UUID ids), %d bytes"
                        + " (72-char Genesys ids)%n",
                IDS_PER_SESSION, uuidIds, genesysIds);
        // The session key (key group, the UUID session id in 16 bytes after its tag, namespace),
        // the TTL timestamp, 6 bytes an id (an ended session keeps no content hash) and the
        // session's end (6), with the framing.
        long floor = IDS_PER_SESSION * 6L + 16 + 8 + 6;
        assertThat(uuidIds).isBetween(floor, floor + 20);
        assertThat(genesysIds).isEqualTo(uuidIds);
    }

    /**
     * The bench's 5-minute call (`SampleStream`): the lifecycle at 0, 200, 220 and 295 s and an
     * audio sample every 5 s between. Its slots are what it keeps beyond its ids and end, written
     * as distances back from the end: this is the record per ended session that the state run's
     * slope estimates ({@code docs/benchmarks.md}).
     */
    @Test
    void aFiveMinuteCallKeepsItsSamplesSlotsInUnderTwentyBytes() throws Exception {
        IdOf ids = i -> UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString();
        long lifecycleOnly = bytesPerSession(ids);
        long call;
        try (var harness = harness()) {
            for (int s = 0; s < SESSIONS; s++) {
                String session = UUID.nameUUIDFromBytes(("s" + s).getBytes()).toString();
                for (int step = 0; step < 60; step++) {
                    CanonicalEvent e =
                            switch (step) {
                                case 0 ->
                                        Events.interaction(session, 0, InteractionState.CONNECTED);
                                case 40 -> Events.interaction(session, 200, InteractionState.HOLD);
                                case 44 ->
                                        Events.interaction(session, 220, InteractionState.UNHOLD);
                                case 59 ->
                                        Events.interaction(
                                                session, 295, InteractionState.COMPLETED);
                                default -> Events.sample(session, 5L * step);
                            };
                    e.eventId = ids.id(s * 60 + step);
                    harness.processElement(new StreamRecord<>(e, e.ts));
                }
            }
            harness.processWatermark(new Watermark(Events.at(0) + Duration.ofHours(2).toMillis()));
            assertThat(harness.extractOutputValues()).hasSize(SESSIONS);
            call = snapshotSize(harness, 1) / SESSIONS;
        }
        System.out.printf(
                "dedup state per ended 5-minute call (4 ids, 56 samples): %d bytes%n", call);
        assertThat(call - lifecycleOnly).isBetween(1L, 20L);
        // docs/dedup.md's sizing: 1,000,000 sessions, each a 5-minute call after another for the
        // 48 h retention (576 calls), in at most 50 GB.
        assertThat(call * 576 * 1_000_000L).isLessThanOrEqualTo(50_000_000_000L);
    }

    @Test
    void withinTheTimeoutAfterItsEndASessionCostsItsRecordAndNoTimer() throws Exception {
        IdOf ids = i -> UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString();
        long pastTheTimeout;
        try (var harness = harness()) {
            sendAll(harness, ids);
            harness.processWatermark(new Watermark(Events.at(0) + Duration.ofHours(2).toMillis()));
            pastTheTimeout = snapshotSize(harness, 1) / SESSIONS;
        }
        try (var harness = harness()) {
            sendAll(harness, ids);
            // The sessions ended at 3 s: 10 minutes into the 30 minutes after their ends.
            harness.processWatermark(
                    new Watermark(Events.at(0) + Duration.ofMinutes(10).toMillis()));
            assertThat(harness.numEventTimeTimers()).isZero();
            long withinTheTimeout = snapshotSize(harness, 1) / SESSIONS;
            System.out.printf(
                    "dedup state per ended session within its timeout: %d bytes (past it: %d)%n",
                    withinTheTimeout, pastTheTimeout);
            assertThat(withinTheTimeout).isEqualTo(pastTheTimeout);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            harness() throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new SessionQualityFunction(
                                Duration.ofMinutes(30), ContractRules.THRESHOLDS),
                        (CanonicalEvent e) -> e.sessionId,
                        IdKeyTypeInfo.INSTANCE);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend(false));
        harness.open();
        return harness;
    }

    private interface IdOf {
        String id(int i);
    }

    /** Snapshot bytes per ended session, after every event was delivered twice. */
    private static long bytesPerSession(IdOf ids) throws Exception {
        try (var harness = harness()) {
            sendAll(harness, ids);
            // Past the sessions' ends and the timeout after them: only their records are left.
            harness.processWatermark(new Watermark(Events.at(0) + Duration.ofHours(2).toMillis()));
            long once = snapshotSize(harness, 1);
            sendAll(harness, ids);
            assertThat(harness.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES))
                    .hasSize(SESSIONS * IDS_PER_SESSION);
            // Redeliveries are dropped without writing: the state does not change with them.
            assertThat(snapshotSize(harness, 2)).isEqualTo(once);
            return once / SESSIONS;
        }
    }

    private static void sendAll(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            IdOf ids)
            throws Exception {
        for (int s = 0; s < SESSIONS; s++) {
            String session = UUID.nameUUIDFromBytes(("s" + s).getBytes()).toString();
            for (int i = 0; i < IDS_PER_SESSION; i++) {
                CanonicalEvent e = Events.interaction(session, i, LIFECYCLE.get(i));
                e.eventId = ids.id(s * IDS_PER_SESSION + i);
                harness.processElement(new StreamRecord<>(e, e.ts));
            }
        }
    }

    private static long snapshotSize(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness,
            long checkpointId)
            throws Exception {
        OperatorSubtaskState savepoint =
                harness.snapshotWithLocalState(
                                checkpointId,
                                checkpointId,
                                SavepointType.savepoint(SavepointFormatType.CANONICAL))
                        .getJobManagerOwnedState();
        return savepoint.getStateSize();
    }
}
