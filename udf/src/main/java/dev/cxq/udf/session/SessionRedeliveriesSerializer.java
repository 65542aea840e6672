package dev.cxq.udf.session;

import dev.cxq.udf.model.NonReusingSerializer;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

import static dev.cxq.udf.session.SessionStateFormat.readVarLong;
import static dev.cxq.udf.session.SessionStateFormat.readZigZag;
import static dev.cxq.udf.session.SessionStateFormat.writeVarLong;
import static dev.cxq.udf.session.SessionStateFormat.writeZigZag;

/**
 * Serializer of {@code session-redeliveries}: a presence byte (ids, forget time, end), the ids'
 * length and bytes, the slots ({@link SessionStateFormat}), the forget time, the end as a zig-zag
 * varint (6 bytes for an instant of this century).
 *
 * <p>Format 2 added the end. Format 1 (the build before, whose snapshot was Flink's {@code
 * SimpleTypeSerializerSnapshot}, version 3) is format 2 without its bit, so this serializer reads
 * its values as they are: no migration, no rewrite at a restore ({@link Snapshot}).
 */
public final class SessionRedeliveriesSerializer extends NonReusingSerializer<SessionRedeliveries> {

    private static final long serialVersionUID = 1L;

    public static final SessionRedeliveriesSerializer INSTANCE =
            new SessionRedeliveriesSerializer();

    @Override
    public SessionRedeliveries createInstance() {
        return new SessionRedeliveries();
    }

    /** A deep copy, through the serialized form. */
    @Override
    public SessionRedeliveries copy(SessionRedeliveries from) {
        return SessionStateFormat.copy(this, from);
    }

    @Override
    public void serialize(SessionRedeliveries r, DataOutputView out) throws IOException {
        out.writeByte(
                (r.eventIds != null ? 1 : 0)
                        | (r.slotsForgetAt != null ? 2 : 0)
                        | (r.endedAt != null ? 4 : 0));
        if (r.eventIds != null) {
            writeVarLong(r.eventIds.length, out);
            out.write(r.eventIds);
        }
        SessionStateFormat.writeSlots(r.endedSlots, out);
        if (r.slotsForgetAt != null) {
            out.writeLong(r.slotsForgetAt);
        }
        if (r.endedAt != null) {
            writeZigZag(r.endedAt, out);
        }
    }

    @Override
    public SessionRedeliveries deserialize(DataInputView in) throws IOException {
        int presence = in.readUnsignedByte();
        SessionRedeliveries r = new SessionRedeliveries();
        if ((presence & 1) != 0) {
            r.eventIds = new byte[(int) readVarLong(in)];
            in.readFully(r.eventIds);
        }
        r.endedSlots = SessionStateFormat.readSlots(in);
        r.slotsForgetAt = (presence & 2) != 0 ? in.readLong() : null;
        r.endedAt = (presence & 4) != 0 ? readZigZag(in) : null;
        return r;
    }

    @Override
    public TypeSerializerSnapshot<SessionRedeliveries> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Restores this serializer. The class name is the one the savepoints of format 1 carry; its
     * version is the format's, after the 3 of the {@code SimpleTypeSerializerSnapshot} that format
     * 1 wrote (nothing else, like this one). A later format that this build cannot read fails the
     * restore here rather than misreading values; the build of format 1 refuses format 2 likewise.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<SessionRedeliveries> {

        /** Format 1's version: that of {@code SimpleTypeSerializerSnapshot}. */
        static final int FORMAT_1 = 3;

        /** Format 2: the end of the session's last run. */
        static final int FORMAT_2 = 4;

        @Override
        public int getCurrentVersion() {
            return FORMAT_2;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (version != FORMAT_1 && version != FORMAT_2) {
                throw new IOException(
                        "unknown format version " + version + " of session-redeliveries");
            }
        }

        /** This build's serializer, which reads format 1 too. */
        @Override
        public TypeSerializer<SessionRedeliveries> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<SessionRedeliveries> resolveSchemaCompatibility(
                TypeSerializerSnapshot<SessionRedeliveries> old) {
            return old instanceof Snapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
