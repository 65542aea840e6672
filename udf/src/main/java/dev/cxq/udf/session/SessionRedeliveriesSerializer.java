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
 * Serializer of {@code session-redeliveries}. Format 3: a presence byte (ids since the end, forget
 * time, end, ended runs' ids, slots before the end), each id array's length and bytes, then, with
 * an end, the end as a zig-zag varint (6 bytes for an instant of this century) and the slots as
 * distances back from it (per media a length and {@code SampleSlots.Sequence#encodedBefore}'s
 * tokens), else the slots in {@link SessionStateFormat}'s form; last the forget time.
 *
 * <p>Format 2 (the end after the forget time, slots in {@link SessionStateFormat}'s form, no ended
 * ids) added the end to format 1 (the build before, whose snapshot was Flink's {@code
 * SimpleTypeSerializerSnapshot}, version 3). Their values carry neither of format 3's bits, so this
 * serializer reads them as they are: no migration, no rewrite at a restore ({@link Snapshot}).
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

    private static final int IDS = 1;
    private static final int FORGET_AT = 2;
    private static final int ENDED_AT = 4;
    private static final int ENDED_IDS = 8;

    /** Format 3: the end comes before the slots, which are written as distances back from it. */
    private static final int SLOTS_BEFORE_END = 16;

    @Override
    public void serialize(SessionRedeliveries r, DataOutputView out) throws IOException {
        out.writeByte(
                (r.eventIds != null ? IDS : 0)
                        | (r.slotsForgetAt != null ? FORGET_AT : 0)
                        | (r.endedAt != null ? ENDED_AT | SLOTS_BEFORE_END : 0)
                        | (r.endedEventIds != null ? ENDED_IDS : 0));
        writeBytes(r.eventIds, out);
        writeBytes(r.endedEventIds, out);
        if (r.endedAt != null) {
            writeZigZag(r.endedAt, out);
            writeBytes(r.endedSlots.audio.encodedBefore(r.endedAt), out);
            writeBytes(r.endedSlots.video.encodedBefore(r.endedAt), out);
        } else {
            SessionStateFormat.writeSlots(r.endedSlots, out);
        }
        if (r.slotsForgetAt != null) {
            out.writeLong(r.slotsForgetAt);
        }
    }

    @Override
    public SessionRedeliveries deserialize(DataInputView in) throws IOException {
        int presence = in.readUnsignedByte();
        SessionRedeliveries r = new SessionRedeliveries();
        r.eventIds = (presence & IDS) != 0 ? readBytes(in) : null;
        r.endedEventIds = (presence & ENDED_IDS) != 0 ? readBytes(in) : null;
        if ((presence & SLOTS_BEFORE_END) != 0) {
            r.endedAt = readZigZag(in);
            r.endedSlots.audio = SampleSlots.Sequence.fromEncodedBefore(r.endedAt, readBytes(in));
            r.endedSlots.video = SampleSlots.Sequence.fromEncodedBefore(r.endedAt, readBytes(in));
            r.slotsForgetAt = (presence & FORGET_AT) != 0 ? in.readLong() : null;
        } else {
            r.endedSlots = SessionStateFormat.readSlots(in);
            r.slotsForgetAt = (presence & FORGET_AT) != 0 ? in.readLong() : null;
            r.endedAt = (presence & ENDED_AT) != 0 ? readZigZag(in) : null;
        }
        return r;
    }

    private static void writeBytes(byte[] bytes, DataOutputView out) throws IOException {
        if (bytes != null) {
            writeVarLong(bytes.length, out);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        byte[] bytes = new byte[(int) readVarLong(in)];
        in.readFully(bytes);
        return bytes;
    }

    @Override
    public TypeSerializerSnapshot<SessionRedeliveries> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Restores this serializer. The class name is the one the savepoints of format 1 carry; its
     * version is the format's, after the 3 of the {@code SimpleTypeSerializerSnapshot} that format
     * 1 wrote (nothing else, like this one). A later format that this build cannot read fails the
     * restore here rather than misreading values; the builds of formats 1 and 2 refuse later ones
     * likewise.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<SessionRedeliveries> {

        /** Format 1's version: that of {@code SimpleTypeSerializerSnapshot}. */
        static final int FORMAT_1 = 3;

        /** Format 2: the end of the session's last run. */
        static final int FORMAT_2 = 4;

        /** Format 3: the ended runs' ids without content, the slots as distances before the end. */
        static final int FORMAT_3 = 5;

        @Override
        public int getCurrentVersion() {
            return FORMAT_3;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (version < FORMAT_1 || version > FORMAT_3) {
                throw new IOException(
                        "unknown format version " + version + " of session-redeliveries");
            }
        }

        /** This build's serializer, which reads formats 1 and 2 too. */
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
