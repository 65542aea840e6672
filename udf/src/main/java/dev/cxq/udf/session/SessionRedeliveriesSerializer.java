package dev.cxq.udf.session;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

import static dev.cxq.udf.session.SessionStateFormat.readVarLong;
import static dev.cxq.udf.session.SessionStateFormat.writeVarLong;

/**
 * Serializer of {@code session-redeliveries}: a presence byte (ids, forget time), the ids' length
 * and bytes, the slots ({@link SessionStateFormat}), the forget time.
 */
public final class SessionRedeliveriesSerializer
        extends TypeSerializerSingleton<SessionRedeliveries> {

    private static final long serialVersionUID = 1L;

    public static final SessionRedeliveriesSerializer INSTANCE =
            new SessionRedeliveriesSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

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
    public SessionRedeliveries copy(SessionRedeliveries from, SessionRedeliveries reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SessionRedeliveries r, DataOutputView out) throws IOException {
        out.writeByte((r.eventIds != null ? 1 : 0) | (r.slotsForgetAt != null ? 2 : 0));
        if (r.eventIds != null) {
            writeVarLong(r.eventIds.length, out);
            out.write(r.eventIds);
        }
        SessionStateFormat.writeSlots(r.endedSlots, out);
        if (r.slotsForgetAt != null) {
            out.writeLong(r.slotsForgetAt);
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
        return r;
    }

    @Override
    public SessionRedeliveries deserialize(SessionRedeliveries reuse, DataInputView in)
            throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<SessionRedeliveries> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SessionRedeliveries> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
