package dev.cxq.job.dedup;

import dev.cxq.udf.dedup.DedupFunction;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.testing.Events;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what the dedup costs per session in RocksDB: the size of a full (not incremental)
 * snapshot of its state, which holds exactly the serialized keys and values, divided by the number
 * of sessions, each with {@link #IDS_PER_SESSION} event ids (the bench's lifecycle: connected,
 * hold, unhold, completed). The figures are in {@code docs/dedup.md}.
 */
class DedupStateSizeTest {

    private static final int SESSIONS = 5_000;
    private static final int IDS_PER_SESSION = 4;

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
        // bytes an id, with RocksDB's framing: the ids' own length no longer counts.
        long floor = IDS_PER_SESSION * 10L + 36 + 8;
        assertThat(uuidIds).isBetween(floor, floor + 40);
        assertThat(genesysIds).isEqualTo(uuidIds);
    }

    private interface IdOf {
        String id(int i);
    }

    /** Snapshot bytes per session, after every event was delivered twice. */
    private static long bytesPerSession(IdOf ids) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(new DedupFunction(Duration.ofHours(48))),
                                e -> e.sessionId,
                                Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend(false));
            harness.open();
            sendAll(harness, ids);
            long once = snapshotSize(harness, 1);
            sendAll(harness, ids);
            assertThat(harness.extractOutputValues()).hasSize(SESSIONS * IDS_PER_SESSION);
            // Redeliveries are dropped without writing: the state does not grow with them (a
            // later snapshot may even be a little smaller, after RocksDB compacted).
            assertThat(snapshotSize(harness, 2)).isLessThanOrEqualTo(once + once / 100);
            return once / SESSIONS;
        }
    }

    private static void sendAll(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> harness,
            IdOf ids)
            throws Exception {
        for (int s = 0; s < SESSIONS; s++) {
            String session = UUID.nameUUIDFromBytes(("s" + s).getBytes()).toString();
            for (int i = 0; i < IDS_PER_SESSION; i++) {
                CanonicalEvent e = Events.interaction(session, i, InteractionState.HOLD);
                e.eventId = ids.id(s * IDS_PER_SESSION + i);
                harness.processElement(new StreamRecord<>(e, e.ts));
            }
        }
    }

    private static long snapshotSize(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> harness,
            long checkpointId)
            throws Exception {
        OperatorSubtaskState state = harness.snapshot(checkpointId, checkpointId);
        return state.getStateSize();
    }
}
