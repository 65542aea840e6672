package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Flink's serializer contract for id keys, their two forms and how a restore picks one. */
class IdKeySerializerTest extends SerializerTestBase<String> {

    private static final String UUID_ID = "3f2a9c4e-0b1d-4e6f-8a7b-9c0d1e2f3a4b";

    /** Ids that are not canonical lowercase UUIDs, some of them nearly. */
    private static final List<String> OTHER_IDS =
            List.of(
                    "",
                    "s1",
                    "123456789012",
                    "genesys:conv-77",
                    UUID_ID.toUpperCase(),
                    "{" + UUID_ID.substring(1) + "}",
                    UUID_ID.replace('-', '_'),
                    UUID_ID.substring(0, 35) + "g",
                    UUID_ID.substring(0, 8) + "x" + UUID_ID.substring(9),
                    UUID_ID + "0",
                    UUID_ID.replace("-", ""),
                    "éü-中文-\uD83D\uDE00");

    @Override
    protected TypeSerializer<String> createSerializer() {
        return IdKeySerializer.COMPACT;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<String> getTypeClass() {
        return String.class;
    }

    @Override
    protected String[] getTestData() {
        List<String> ids = new java.util.ArrayList<>(OTHER_IDS);
        ids.add(UUID_ID);
        ids.add("00000000-0000-0000-0000-000000000000");
        ids.add("ffffffff-ffff-ffff-ffff-ffffffffffff");
        return ids.toArray(String[]::new);
    }

    @Test
    void aLowercaseUuidTakesSeventeenBytesAndComesBackEqual() throws IOException {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            byte[] bytes = bytes(IdKeySerializer.COMPACT, id);
            assertThat(bytes).hasSize(17);
            assertThat(read(IdKeySerializer.COMPACT, bytes)).isEqualTo(id);
        }
        assertThat(bytes(StringSerializer.INSTANCE, UUID_ID)).hasSize(37);
    }

    @Test
    void otherIdsAreWrittenAsStringSerializerWritesThem() throws IOException {
        assertWritesAsStringSerializer(IdKeySerializer.COMPACT, OTHER_IDS);
    }

    @Test
    void theStringFormWritesEveryIdAsStringSerializer() throws IOException {
        assertWritesAsStringSerializer(IdKeySerializer.STRINGS, List.of(getTestData()));
    }

    private static void assertWritesAsStringSerializer(IdKeySerializer serializer, List<String> ids)
            throws IOException {
        for (String id : ids) {
            byte[] asString = bytes(StringSerializer.INSTANCE, id);
            assertThat(bytes(serializer, id)).as(id).isEqualTo(asString);
            assertThat(read(serializer, asString)).isEqualTo(id);
        }
    }

    @Test
    void keysRestoredFromStringSerializerKeepTheirForm() {
        TypeSerializerSchemaCompatibility<String> compatibility =
                compact()
                        .resolveSchemaCompatibility(
                                StringSerializer.INSTANCE.snapshotConfiguration());
        assertThat(compatibility.isCompatibleWithReconfiguredSerializer()).isTrue();
        assertThat(compatibility.getReconfiguredSerializer()).isSameAs(IdKeySerializer.STRINGS);
    }

    @Test
    void aRestoreKeepsTheFormOfTheSavepoint() throws IOException {
        TypeSerializerSnapshot<String> restoredStrings =
                roundTrip(IdKeySerializer.STRINGS.snapshotConfiguration());
        TypeSerializerSnapshot<String> restoredCompact = roundTrip(compact());

        assertThat(compact().resolveSchemaCompatibility(restoredCompact).isCompatibleAsIs())
                .isTrue();
        TypeSerializerSchemaCompatibility<String> strings =
                compact().resolveSchemaCompatibility(restoredStrings);
        assertThat(strings.getReconfiguredSerializer()).isSameAs(IdKeySerializer.STRINGS);
        TypeSerializerSchemaCompatibility<String> back =
                IdKeySerializer.STRINGS
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restoredCompact);
        assertThat(back.getReconfiguredSerializer()).isSameAs(IdKeySerializer.COMPACT);
        assertThat(restoredStrings.restoreSerializer()).isSameAs(IdKeySerializer.STRINGS);
    }

    @Test
    void anotherKeyTypeIsIncompatible() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<String> ints =
                (TypeSerializerSnapshot) IntSerializer.INSTANCE.snapshotConfiguration();
        assertThat(compact().resolveSchemaCompatibility(ints).isIncompatible()).isTrue();
    }

    private static TypeSerializerSnapshot<String> compact() {
        return IdKeySerializer.COMPACT.snapshotConfiguration();
    }

    private static TypeSerializerSnapshot<String> roundTrip(TypeSerializerSnapshot<String> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                IdKeySerializerTest.class.getClassLoader());
    }

    private static byte[] bytes(TypeSerializer<String> serializer, String id) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(id, out);
        return out.getCopyOfBuffer();
    }

    private static String read(TypeSerializer<String> serializer, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        String id = serializer.deserialize(in);
        assertThat(in.available()).isZero();
        return id;
    }
}
