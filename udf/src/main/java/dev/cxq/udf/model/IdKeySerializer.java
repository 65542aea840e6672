package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.Objects;
import java.util.UUID;

/**
 * The key serializer of the operators keyed by an id (session, customer): an id in the canonical
 * lowercase UUID form ({@link CanonicalUuid}: Genesys' conversation and contact ids) is written as
 * a zero byte and its 16 bytes, 17 bytes where {@link StringSerializer} writes 37; any other id as
 * {@link StringSerializer} writes it. Every key of every state entry and timer carries it, and the
 * record an ended session keeps for the dedup retention is mostly its key (issue 17, {@code
 * docs/dedup.md}).
 *
 * <p>The zero byte is free because {@link StringSerializer}'s first byte is the length plus one,
 * zero only for null, and Flink's keys are never null. The key group of a key is the string's hash
 * whatever its bytes, so the form changes no routing.
 *
 * <p>Keys in state keep the form they were written in: Flink cannot migrate a key serializer. A job
 * restored from a savepoint whose keys are {@link StringSerializer}'s (every build before this one)
 * goes on with that form ({@link #STRINGS}), and so do its later savepoints; a job started without
 * state writes the compact form ({@link #COMPACT}).
 */
public final class IdKeySerializer extends TypeSerializer<String> {

    private static final long serialVersionUID = 1L;

    /** UUIDs in 17 bytes, other ids as strings: what a job started without state writes. */
    public static final IdKeySerializer COMPACT = new IdKeySerializer(true);

    /** Every id as {@link StringSerializer} writes it: keys restored from earlier builds. */
    public static final IdKeySerializer STRINGS = new IdKeySerializer(false);

    private static final int UUID_TAG = 0;

    private final boolean compact;

    private IdKeySerializer(boolean compact) {
        this.compact = compact;
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<String> duplicate() {
        return this;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String id, DataOutputView out) throws IOException {
        Objects.requireNonNull(id, "a key id");
        UUID uuid = compact ? CanonicalUuid.of(id) : null;
        if (uuid != null) {
            out.writeByte(UUID_TAG);
            out.writeLong(uuid.getMostSignificantBits());
            out.writeLong(uuid.getLeastSignificantBits());
        } else {
            StringValue.writeString(id, out);
        }
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        if (!compact) {
            return StringValueFormat.read(in);
        }
        int first = in.readUnsignedByte();
        if (first == UUID_TAG) {
            return new UUID(in.readLong(), in.readLong()).toString();
        }
        return StringValueFormat.readAfterFirstByte(first, in);
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdKeySerializer other && other.compact == compact;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(compact);
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new Snapshot(compact);
    }

    /**
     * Records which form the keys are in. Restored against {@link StringSerializer}'s snapshot (an
     * earlier build's keys) or a snapshot of the other form, it answers with the serializer of the
     * restored form: Flink then reads and writes that state's keys in it.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<String> {

        private static final int VERSION = 1;

        private boolean compact;

        public Snapshot() {}

        Snapshot(boolean compact) {
            this.compact = compact;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeBoolean(compact);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (readVersion != VERSION) {
                throw new IOException("unknown IdKeySerializer snapshot version " + readVersion);
            }
            compact = in.readBoolean();
        }

        @Override
        public TypeSerializer<String> restoreSerializer() {
            return compact ? COMPACT : STRINGS;
        }

        @Override
        public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
                TypeSerializerSnapshot<String> oldSerializerSnapshot) {
            boolean restoredCompact;
            if (oldSerializerSnapshot instanceof Snapshot restored) {
                restoredCompact = restored.compact;
            } else if (oldSerializerSnapshot instanceof StringSerializer.StringSerializerSnapshot) {
                restoredCompact = false;
            } else {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return restoredCompact == compact
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleWithReconfiguredSerializer(
                            restoredCompact ? COMPACT : STRINGS);
        }
    }
}
