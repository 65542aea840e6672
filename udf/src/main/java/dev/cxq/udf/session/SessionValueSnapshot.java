package dev.cxq.udf.session;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.function.IntFunction;

/**
 * The snapshot of a session value's written-out serializer ({@link SessionStateSerializer}, {@link
 * EndedSamplesSerializer}): the format version, nothing else. A snapshot of an earlier format
 * restores the serializer of that format, which reads the state for the migration to this build's
 * ({@code session}: format 1 wrote its held events whole, format 2 compactly).
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

    /** This build's format. */
    private final int latest;

    private final IntFunction<TypeSerializer<T>> formats;
    private final Class<T> type;

    /** The format of the serializer snapshotted: {@link #latest}, or the one a restore read. */
    private int format;

    /**
     * @param format the format of the serializer this describes
     * @param latest this build's format; formats 1 to it are read
     * @param formats the serializer of each format
     */
    SessionValueSnapshot(
            int format, int latest, IntFunction<TypeSerializer<T>> formats, Class<T> type) {
        this.format = format;
        this.latest = latest;
        this.formats = formats;
        this.type = type;
    }

    /** The format: the snapshot has nothing else, so its version says it. */
    @Override
    public int getCurrentVersion() {
        return format;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
            throws IOException {
        if (version < 1 || version > latest) {
            throw new IOException("unknown format version " + version + " of " + type.getName());
        }
        format = version;
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return formats.apply(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> old) {
        if (old.getClass() == getClass()) {
            return ((SessionValueSnapshot<?>) old).format == format
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        if (old instanceof PojoSerializerSnapshot
                && type.isInstance(old.restoreSerializer().createInstance())) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
