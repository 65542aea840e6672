package dev.cxq.udf.model;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.cxq.udf.testing.Events.interaction;
import static dev.cxq.udf.testing.Events.sample;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's serializer contract for raw records, and what {@link RawRecord#equals} leaves out: the
 * decoded events, which a copy and a round trip must carry too.
 */
class RawRecordSerializerTest extends SerializerTestBase<RawRecord> {

    @Override
    protected TypeSerializer<RawRecord> createSerializer() {
        return RawRecordSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<RawRecord> getTypeClass() {
        return RawRecord.class;
    }

    @Override
    protected RawRecord[] getTestData() {
        RawRecord decoded = new RawRecord("topic/0/7", "{\"event_id\":\"e1\"}");
        decoded.events = List.of(sample("s1", 5, 4.2));
        RawRecord rejected = new RawRecord("file.jsonl:3", "not json");
        rejected.rejectReason = "malformed_json";
        return new RawRecord[] {
            new RawRecord("gen:1", "{}"), decoded, rejected, new RawRecord(), withEveryField()
        };
    }

    @Test
    void typeExtractionFindsThisSerializer() {
        assertThat(TypeInformation.of(RawRecord.class)).isEqualTo(RawRecordTypeInfo.INSTANCE);
        assertThat(RawRecordTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(RawRecordSerializer.INSTANCE);
    }

    /** Fails when a field is added to the record and not to the serializer. */
    @Test
    void everyFieldSurvivesARoundTripAndACopy() throws Exception {
        RawRecord record = withEveryField();
        for (UnaryOperator<RawRecord> transfer :
                List.<UnaryOperator<RawRecord>>of(
                        RawRecordSerializerTest::roundTrip, RawRecordSerializer.INSTANCE::copy)) {
            RawRecord back = transfer.apply(record);
            for (Field field : instanceFields()) {
                assertThat(field.get(back)).as(field.getName()).isEqualTo(field.get(record));
            }
        }
    }

    /** The parser marks the events it emits; the other consumers of the record must not see it. */
    @Test
    void aCopyHasEventsOfItsOwn() {
        RawRecord record = withEveryField();

        RawRecord copy = RawRecordSerializer.INSTANCE.copy(record);
        copy.events.get(0).lateOnArrival = true;

        assertThat(copy.events.get(0)).isNotSameAs(record.events.get(0));
        assertThat(record.events.get(0).lateOnArrival).isFalse();
    }

    private static RawRecord withEveryField() {
        RawRecord record = new RawRecord();
        for (Field field : instanceFields()) {
            try {
                field.set(record, valueFor(field));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return record;
    }

    private static List<Field> instanceFields() {
        return Arrays.stream(RawRecord.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .toList();
    }

    private static Object valueFor(Field field) {
        if (field.getType() == String.class) {
            return field.getName() + "-é✓";
        }
        if (field.getType() == List.class) {
            return List.of(sample("s1", 5, 4.2), interaction("s1", 10, InteractionState.COMPLETED));
        }
        throw new AssertionError("no test value for " + field + ": add one");
    }

    private static RawRecord roundTrip(RawRecord record) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(64);
            RawRecordSerializer.INSTANCE.serialize(record, out);
            return RawRecordSerializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
