package dev.cxq.udf.session;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The snapshot of a session value's written-out serializer ({@link SessionStateSerializer}, {@link
 * EndedSamplesSerializer}): the format version, nothing else.
 *
 * <p>Builds before these serializers wrote the values with Flink's POJO serializer, of classes then
 * nested in {@link SessionQualityFunction}, whose names those snapshots carry ({@code
 * SessionQualityFunction$SessionState}, {@code $SessionStats}, {@code $EndedSamples}: subclasses of
 * the values kept under those names). For such a snapshot this answers "compatible after
 * migration": Flink reads each value with the restored POJO serializer, which creates instances of
 * those subclasses, that is values of this serializer's type, and writes it with this serializer
 * (RocksDB, when the operator registers the state), or keeps the objects (heap backends, which
 * serialize them with this serializer at their next snapshot).
 */
abstract class SessionValueSnapshot<T> implements TypeSerializerSnapshot<T> {

    /** Version 1: the first written-out format. */
    private static final int VERSION = 1;

    private final TypeSerializer<T> serializer;
    private final Class<T> type;

    SessionValueSnapshot(TypeSerializer<T> serializer, Class<T> type) {
        this.serializer = serializer;
        this.type = type;
    }

    @Override
    public int getCurrentVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
            throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown format version " + version + " of " + type.getName());
        }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return serializer;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> old) {
        if (old.getClass() == getClass()) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (old instanceof PojoSerializerSnapshot
                && type.isInstance(old.restoreSerializer().createInstance())) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
