package dev.cxq.job.dedup;

import dev.cxq.udf.dedup.DedupFunction;
import dev.cxq.udf.model.CanonicalEvent;
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
 * Measures what the dedup costs per distinct event id in RocksDB: the size of a full (not
 * incremental) snapshot of its state, which holds exactly the serialized keys and values, divided
 * by the number of ids. The figures are in {@code docs/dedup.md}.
 */
class DedupStateSizeTest {

    private static final int IDS = 20_000;

    @Test
    void statePerEventIsAFewDozenBytesAndDuplicatesAddNothing() throws Exception {
        long canonicalIds =
                bytesPerId(i -> UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString());
        long genesysIds = bytesPerId(i -> "genesys:" + sha256Like(i));

        System.out.printf(
                "dedup state per event id: %d bytes (36-char UUID ids), %d bytes (72-char"
                        + " Genesys ids)%n",
                canonicalIds, genesysIds);
        // Key (key group, id, namespace) + TTL timestamp + flag, block-compressed by RocksDB: in
        // the order of the id's own length, never a copy of the event.
        assertThat(canonicalIds).isBetween(20L, 36L + 60);
        assertThat(genesysIds).isBetween(20L, 72L + 60);
    }

    private interface IdOf {
        String id(int i);
    }

    /** Snapshot bytes per distinct id, after every id was delivered twice. */
    private static long bytesPerId(IdOf ids) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
                harness =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new KeyedProcessOperator<>(
                                        new DedupFunction(
                                                Duration.ofHours(48), Duration.ofHours(48))),
                                e -> e.eventId,
                                Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend(false));
            harness.open();
            for (int i = 0; i < IDS; i++) {
                send(harness, ids.id(i));
            }
            long once = snapshotSize(harness, 1);
            for (int i = 0; i < IDS; i++) {
                send(harness, ids.id(i));
            }
            assertThat(harness.extractOutputValues()).hasSize(IDS);
            // Redeliveries are dropped without writing: the state does not grow with them (a
            // later snapshot may even be a little smaller, after RocksDB compacted).
            assertThat(snapshotSize(harness, 2)).isLessThanOrEqualTo(once + once / 100);
            return once / IDS;
        }
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> harness,
            String id)
            throws Exception {
        CanonicalEvent e = Events.sample("s1", 5);
        e.eventId = id;
        harness.processElement(new StreamRecord<>(e, e.ts));
    }

    private static long snapshotSize(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent> harness,
            long checkpointId)
            throws Exception {
        OperatorSubtaskState state = harness.snapshot(checkpointId, checkpointId);
        return state.getStateSize();
    }

    private static String sha256Like(int i) {
        return dev.cxq.udf.internal.Hashing.sha256Hex("event-" + i);
    }
}
