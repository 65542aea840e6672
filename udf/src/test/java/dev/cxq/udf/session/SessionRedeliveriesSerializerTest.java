package dev.cxq.udf.session;

import dev.cxq.udf.dedup.EventIds;
import dev.cxq.udf.model.MediaType;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import static dev.cxq.udf.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

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
