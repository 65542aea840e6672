package dev.cxq.job.dedup;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.Events;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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
 * the size of a full (not incremental) snapshot of the session operator's state once its sessions
 * have ended (only their records of ids are left), which holds exactly the serialized keys and
 * values, divided by the number of sessions, each with {@link #IDS_PER_SESSION} event ids (the
 * bench's lifecycle: connected, hold, unhold, completed). The figures are in {@code docs/dedup.md}.
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
    void aSessionCostsItsKeyAndTenBytesAnIdAndDuplicatesAddNothing() throws Exception {
        long uuidIds =
                bytesPerSession(i -> UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString());
        long genesysIds =
                bytesPerSession(i -> "genesys:" + dev.cxq.udf.internal.Hashing.sha256Hex("e" + i));

        System.out.printf(
                "dedup state per session of %d ids: %d bytes (36-char UUID ids), %d bytes"
                        + " (72-char Genesys ids)%n",
                IDS_PER_SESSION, uuidIds, genesysIds);
        // The session key (key group, 36-char session id, namespace), the TTL timestamp and 10
        // bytes an id, with the framing: the ids' own length no longer counts.
        long floor = IDS_PER_SESSION * 10L + 36 + 8;
        assertThat(uuidIds).isBetween(floor, floor + 40);
        // Up to what RocksDB's files hold at the snapshot.
        assertThat(genesysIds).isCloseTo(uuidIds, org.assertj.core.data.Offset.offset(5L));
    }

    private interface IdOf {
        String id(int i);
    }

    /** Snapshot bytes per ended session, after every event was delivered twice. */
    private static long bytesPerSession(IdOf ids) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new SessionQualityFunction(
                                        Duration.ofMinutes(30), ContractRules.THRESHOLDS),
                                e -> e.sessionId,
                                Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend(false));
            harness.open();
            sendAll(harness, ids);
            // Past the sessions' ends and their end markers: only the records of ids are left.
            harness.processWatermark(new Watermark(Events.at(0) + Duration.ofHours(2).toMillis()));
            long once = snapshotSize(harness, 1);
            sendAll(harness, ids);
            assertThat(harness.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES))
                    .hasSize(SESSIONS * IDS_PER_SESSION);
            // Redeliveries are dropped without writing: the state does not grow with them (a
            // later snapshot may even be a little smaller, after RocksDB compacted).
            assertThat(snapshotSize(harness, 2)).isLessThanOrEqualTo(once + once / 100);
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
        OperatorSubtaskState state = harness.snapshot(checkpointId, checkpointId);
        return state.getStateSize();
    }
}
