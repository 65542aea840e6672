package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

import static dev.cxq.udf.session.SessionStateFormat.bit;
import static dev.cxq.udf.session.SessionStateFormat.readVarLong;
import static dev.cxq.udf.session.SessionStateFormat.writeLong;
import static dev.cxq.udf.session.SessionStateFormat.writeVarLong;

/**
 * Serializer of the {@code session} value, written out instead of Flink's POJO serializer, whose
 * reflective field access was most of the 18.6 % of task-thread CPU the serializers took in the
 * profile of issue 17 ({@code docs/benchmarks.md}). Format: a presence byte (deadline, statistics,
 * end of the previous builds, timer), the buffered events, the present longs, then the statistics
 * ({@link SessionStateFormat}).
 *
 * <p>The buffered events are written compactly ({@link HeldEventsFormat}, format 2) without their
 * session id, which is the key: the operator sets it back where it reads the value; a copy loses it
 * too. Format 1 wrote each with {@link CanonicalEventSerializer}; its state, and the POJO
 * serializer's of the builds before, are migrated: see {@link SessionValueSnapshot}.
 */
public final class SessionStateSerializer extends TypeSerializer<SessionState> {

    private static final long serialVersionUID = 1L;

    /** The format this build writes. */
    static final int FORMAT = 2;

    public static final SessionStateSerializer INSTANCE = new SessionStateSerializer(FORMAT);

    /** Reads (and writes) format 1, for the state of the builds that wrote it. */
    static final SessionStateSerializer FORMAT_1 = new SessionStateSerializer(1);

    private final int format;

    private SessionStateSerializer(int format) {
        this.format = format;
    }

    /** The serializer of {@code format}, which {@link SessionValueSnapshot} has checked. */
    static SessionStateSerializer ofFormat(int format) {
        return format == 1 ? FORMAT_1 : INSTANCE;
    }

    /** Stateless: the instance is shared. */
    @Override
    public TypeSerializer<SessionState> duplicate() {
        return this;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SessionState createInstance() {
        return new SessionState();
    }

    /** A deep copy, through the serialized form: the value is a tree of mutable objects. */
    @Override
    public SessionState copy(SessionState from) {
        return SessionStateFormat.copy(this, from);
    }

    @Override
    public SessionState copy(SessionState from, SessionState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SessionState s, DataOutputView out) throws IOException {
        out.writeByte(bit(s.deadline, 0) | bit(s.stats, 1) | bit(s.endedAt, 2) | bit(s.timer, 3));
        if (format == 1) {
            writeVarLong(s.buffered.size(), out);
            for (CanonicalEvent event : s.buffered) {
                CanonicalEventSerializer.INSTANCE.serialize(event, out);
            }
        } else {
            HeldEventsFormat.write(s.buffered, out);
        }
        writeLong(s.deadline, out);
        writeLong(s.endedAt, out);
        writeLong(s.timer, out);
        if (s.stats != null) {
            SessionStateFormat.writeStats(s.stats, out);
        }
    }

    @Override
    public SessionState deserialize(DataInputView in) throws IOException {
        SessionStateFormat.Presence p = new SessionStateFormat.Presence(in.readUnsignedByte());
        SessionState s = new SessionState();
        if (format == 1) {
            for (long n = readVarLong(in); n > 0; n--) {
                s.buffered.add(CanonicalEventSerializer.INSTANCE.deserialize(in));
            }
        } else {
            s.buffered = HeldEventsFormat.read(in);
        }
        boolean deadline = p.next();
        boolean stats = p.next();
        s.deadline = deadline ? in.readLong() : null;
        s.endedAt = p.next() ? in.readLong() : null;
        s.timer = p.next() ? in.readLong() : null;
        s.stats = stats ? SessionStateFormat.readStats(in) : null;
        return s;
    }

    @Override
    public SessionState deserialize(SessionState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<SessionState> snapshotConfiguration() {
        return new Snapshot(format);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionStateSerializer other && other.format == format;
    }

    @Override
    public int hashCode() {
        return format;
    }

    /** Restores this serializer; migrates format 1's state and the POJO serializer's. */
    public static final class Snapshot extends SessionValueSnapshot<SessionState> {
        public Snapshot() {
            this(FORMAT);
        }

        Snapshot(int format) {
            super(format, FORMAT, SessionStateSerializer::ofFormat, SessionState.class);
        }
    }
}
