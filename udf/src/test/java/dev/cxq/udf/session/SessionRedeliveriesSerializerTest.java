package dev.cxq.udf.session;

import dev.cxq.udf.dedup.EventIds;
import dev.cxq.udf.model.MediaType;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.cxq.udf.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionRedeliveriesSerializerTest {

    private static SessionRedeliveries roundTrip(SessionRedeliveries value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SessionRedeliveriesSerializer.INSTANCE.serialize(value, out);
        return SessionRedeliveriesSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void keepsIdsSlotsAndTheForgetTime() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        value.eventIds = EventIds.with(EventIds.with(null, 7, -1), 3, 42);
        for (int i = 0; i < 60; i++) {
            value.endedSlots.add(MediaType.AUDIO, at(5L * i));
        }
        value.endedSlots.add(MediaType.VIDEO, at(17));
        value.slotsForgetAt = 123_456L;

        SessionRedeliveries copy = roundTrip(value);

        assertThat(copy.eventIds).isEqualTo(value.eventIds);
        assertThat(EventIds.content(copy.eventIds, 3)).isEqualTo(42);
        assertThat(copy.endedSlots.contains(MediaType.AUDIO, at(295))).isTrue();
        assertThat(copy.endedSlots.contains(MediaType.VIDEO, at(17))).isTrue();
        assertThat(copy.endedSlots.contains(MediaType.VIDEO, at(18))).isFalse();
        assertThat(copy.slotsForgetAt).isEqualTo(123_456L);
        assertThat(copy.endedAt).isNull();
    }

    @Test
    void theEndCostsSixBytes() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        value.eventIds = EventIds.with(null, 7, -1);
        DataOutputSerializer without = new DataOutputSerializer(64);
        SessionRedeliveriesSerializer.INSTANCE.serialize(value, without);

        value.endedAt = at(3600);
        assertThat(roundTrip(value).endedAt).isEqualTo(at(3600));
        DataOutputSerializer with = new DataOutputSerializer(64);
        SessionRedeliveriesSerializer.INSTANCE.serialize(value, with);
        assertThat(with.length() - without.length()).isEqualTo(6);

        value.endedAt = -1L;
        assertThat(roundTrip(value).endedAt).isEqualTo(-1L);
    }

    /**
     * What an ended 5-minute call keeps for the retention (the bench's shape: four lifecycle ids,
     * 56 audio samples with two gaps): format 3 writes it in 51 bytes where format 2 took 86.
     */
    @Test
    void anEndedCallKeepsItsIdsSlotsAndEndInFiftyOneBytes() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        byte[] ids = null;
        for (long id : new long[] {0x1234_5678_9ABCL, 7, 0xFFFF_FFFF_FFFFL, 1L << 40}) {
            ids = EventIds.with(ids, id, (int) id * 31);
        }
        for (int step = 1; step < 59; step++) {
            if (step != 40 && step != 44) {
                value.endedSlots.add(MediaType.AUDIO, at(5L * step));
            }
        }
        value.endedAt = at(5L * 59);
        value.endedEventIds = EventIds.idListWith(null, ids);

        SessionRedeliveries copy = roundTrip(value);

        assertThat(copy).usingRecursiveComparison().isEqualTo(value);
        assertThat(serialized(value)).hasSize(51);
        SessionRedeliveries formatTwo = new SessionRedeliveries();
        formatTwo.eventIds = ids;
        formatTwo.endedSlots = value.endedSlots;
        formatTwo.endedAt = value.endedAt;
        assertThat(formatTwo(formatTwo)).hasSize(86);
    }

    /** Samples handed over within the timeout after the end are slots after it. */
    @Test
    void keepsSlotsAfterTheEndAndTheForgetTime() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        value.eventIds = EventIds.with(null, 9, 4);
        value.endedEventIds = EventIds.idListWith(null, EventIds.with(null, 3, 1));
        for (long second : new long[] {0, 5, 10, 400, 405, 1000}) {
            value.endedSlots.add(MediaType.VIDEO, at(second));
        }
        value.endedAt = at(402);
        value.slotsForgetAt = 99L;

        assertThat(roundTrip(value)).usingRecursiveComparison().isEqualTo(value);
    }

    /**
     * The snapshot of the build of format 1 (a {@code SimpleTypeSerializerSnapshot}, version 3,
     * nothing else) restores this serializer as it is, which reads that build's values (no end).
     */
    @Test
    void readsFormatOneAsItIs() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        value.eventIds = EventIds.with(null, 7, -1);
        value.endedSlots.add(MediaType.AUDIO, at(5));
        value.slotsForgetAt = 123_456L;

        assertThat(readAsRestoredFrom(3, formatTwo(value)))
                .usingRecursiveComparison()
                .isEqualTo(value);
    }

    /**
     * The snapshot of the build of format 2 (version 4) restores this serializer as it is, which
     * reads that build's values (format 1 and the end after the forget time, the slots forward).
     */
    @Test
    void readsFormatTwoAsItIs() throws Exception {
        SessionRedeliveries value = new SessionRedeliveries();
        value.eventIds = EventIds.with(null, 7, -1);
        value.endedSlots.add(MediaType.AUDIO, at(5));
        value.endedSlots.add(MediaType.AUDIO, at(10));
        value.slotsForgetAt = 123_456L;
        value.endedAt = at(12);

        assertThat(readAsRestoredFrom(4, formatTwo(value)))
                .usingRecursiveComparison()
                .isEqualTo(value);
    }

    /**
     * {@code value} read by the serializer that a snapshot of {@code version} restores, once this
     * build's serializer has taken that snapshot as compatible as it is.
     */
    private SessionRedeliveries readAsRestoredFrom(int version, byte[] value) throws IOException {
        DataOutputSerializer snapshot = new DataOutputSerializer(128);
        snapshot.writeUTF(SessionRedeliveriesSerializer.Snapshot.class.getName());
        snapshot.writeInt(version);
        TypeSerializerSnapshot<SessionRedeliveries> previous =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(snapshot.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(
                        SessionRedeliveriesSerializer.INSTANCE
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(previous)
                                .isCompatibleAsIs())
                .isTrue();
        return previous.restoreSerializer().deserialize(new DataInputDeserializer(value));
    }

    private static byte[] serialized(SessionRedeliveries value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SessionRedeliveriesSerializer.INSTANCE.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    /** {@code value} as the builds of formats 1 (without an end) and 2 wrote it. */
    private static byte[] formatTwo(SessionRedeliveries value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(
                (value.eventIds != null ? 1 : 0)
                        | (value.slotsForgetAt != null ? 2 : 0)
                        | (value.endedAt != null ? 4 : 0));
        if (value.eventIds != null) {
            SessionStateFormat.writeVarLong(value.eventIds.length, out);
            out.write(value.eventIds);
        }
        SessionStateFormat.writeSlots(value.endedSlots, out);
        if (value.slotsForgetAt != null) {
            out.writeLong(value.slotsForgetAt);
        }
        if (value.endedAt != null) {
            SessionStateFormat.writeZigZag(value.endedAt, out);
        }
        return out.getCopyOfBuffer();
    }

    @Test
    void aLaterFormatFailsTheRestore() {
        assertThatThrownBy(
                        () ->
                                new SessionRedeliveriesSerializer.Snapshot()
                                        .readSnapshot(6, new DataInputDeserializer(), null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anEmptyRecordIsAFewBytes() throws Exception {
        SessionRedeliveries empty = new SessionRedeliveries();
        SessionRedeliveries copy = roundTrip(empty);
        assertThat(copy.eventIds).isNull();
        assertThat(copy.endedSlots.isEmpty()).isTrue();
        assertThat(copy.slotsForgetAt).isNull();

        DataOutputSerializer out = new DataOutputSerializer(16);
        SessionRedeliveriesSerializer.INSTANCE.serialize(empty, out);
        assertThat(out.length()).isLessThanOrEqualTo(3);
    }

    @Test
    void aSlotOfAnEndedRunStopsCountingAtTheForgetTime() {
        SessionRedeliveries value = new SessionRedeliveries();
        value.endedSlots.add(MediaType.AUDIO, at(5));
        value.slotsForgetAt = 1_000L;
        assertThat(value.endedSlotsContain(MediaType.AUDIO, at(5), 999)).isTrue();
        assertThat(value.endedSlotsContain(MediaType.AUDIO, at(5), 1_000)).isFalse();
        value.slotsForgetAt = null;
        assertThat(value.endedSlotsContain(MediaType.AUDIO, at(5), Long.MAX_VALUE)).isTrue();
    }
}
