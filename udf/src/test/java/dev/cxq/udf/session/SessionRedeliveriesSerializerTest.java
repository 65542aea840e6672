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
     * The previous build's snapshot (a {@code SimpleTypeSerializerSnapshot}, version 3, nothing
     * else) restores this serializer as it is, which reads that build's values (format 1: no end).
     */
    @Test
    void readsFormatOneAsItIs() throws Exception {
        DataOutputSerializer snapshot = new DataOutputSerializer(128);
        snapshot.writeUTF(SessionRedeliveriesSerializer.Snapshot.class.getName());
        snapshot.writeInt(3);
        TypeSerializerSnapshot<SessionRedeliveries> formatOne =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(snapshot.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(
                        SessionRedeliveriesSerializer.INSTANCE
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(formatOne)
                                .isCompatibleAsIs())
                .isTrue();

        byte[] ids = EventIds.with(null, 7, -1);
        SampleSlots slots = new SampleSlots();
        slots.add(MediaType.AUDIO, at(5));
        DataOutputSerializer value = new DataOutputSerializer(64);
        value.writeByte(1 | 2);
        SessionStateFormat.writeVarLong(ids.length, value);
        value.write(ids);
        SessionStateFormat.writeSlots(slots, value);
        value.writeLong(123_456L);

        SessionRedeliveries read =
                formatOne
                        .restoreSerializer()
                        .deserialize(new DataInputDeserializer(value.getCopyOfBuffer()));
        assertThat(read.eventIds).isEqualTo(ids);
        assertThat(read.endedSlots.contains(MediaType.AUDIO, at(5))).isTrue();
        assertThat(read.slotsForgetAt).isEqualTo(123_456L);
        assertThat(read.endedAt).isNull();
    }

    @Test
    void aLaterFormatFailsTheRestore() {
        assertThatThrownBy(
                        () ->
                                new SessionRedeliveriesSerializer.Snapshot()
                                        .readSnapshot(5, new DataInputDeserializer(), null))
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
