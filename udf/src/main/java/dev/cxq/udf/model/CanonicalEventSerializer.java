package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * Serializer of {@link CanonicalEvent} for the network and keyed state, written out instead of
 * Flink's POJO serializer: that one reads and writes all 28 fields by reflection with a null flag
 * each, and creates every instance through a reflective constructor call — 15 % of the CPU of the
 * session operator in the profile of 2026-11-22 ({@code docs/benchmarks.md}, History). An event
 * carries only the fields of its kind, so this writes a presence mask and then the present fields
 * only.
 *
 * <p>Format: an {@code int} mask, bit {@code i} set when nullable field {@code i} (in the order of
 * {@link #serialize}) is present; {@code ts}; then each present field. Enums are written as their
 * ordinal in one byte: their constants may only ever be appended ({@code
 * CanonicalEventSerializerTest} pins the order), or state written before would be misread. Any
 * other change of the format needs a new {@link Snapshot} that still reads this one.
 *
 * <p>The mask and the fields after {@code ts} are open to a compact format that writes some fields
 * its own way ({@link #maskOf}, {@link #writeFields}, {@link #readFields}): the session operator's
 * held events, whose session id is the state's key.
 */
public final class CanonicalEventSerializer extends NonReusingSerializer<CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    public static final CanonicalEventSerializer INSTANCE = new CanonicalEventSerializer();

    /**
     * A mask bit without a field behind it: {@link CanonicalEvent#lateOnArrival}. State written
     * before it existed never has it set, so that state still reads the same.
     */
    private static final int LATE_ON_ARRIVAL = 1 << 30;

    private static final EventKind[] KINDS = EventKind.values();
    private static final Platform[] PLATFORMS = Platform.values();
    private static final MediaType[] MEDIA_TYPES = MediaType.values();
    private static final PeerState[] PEER_STATES = PeerState.values();
    private static final InteractionState[] STATES = InteractionState.values();
    private static final Channel[] CHANNELS = Channel.values();
    private static final RecordingMedia[] RECORDING_MEDIA = RecordingMedia.values();
    private static final RecordingStatus[] RECORDING_STATUSES = RecordingStatus.values();

    @Override
    public CanonicalEvent createInstance() {
        return new CanonicalEvent();
    }

    @Override
    public CanonicalEvent copy(CanonicalEvent from) {
        CanonicalEvent to = new CanonicalEvent();
        to.eventId = from.eventId;
        to.kind = from.kind;
        to.sessionId = from.sessionId;
        to.ts = from.ts;
        to.source = from.source;
        to.platform = from.platform;
        to.media = from.media;
        to.mos = from.mos;
        to.jitterMs = from.jitterMs;
        to.rttMs = from.rttMs;
        to.packetLossPct = from.packetLossPct;
        to.bitrateKbps = from.bitrateKbps;
        to.peerState = from.peerState;
        to.agentId = from.agentId;
        to.state = from.state;
        to.queueId = from.queueId;
        to.customerId = from.customerId;
        to.agentTimezone = from.agentTimezone;
        to.disposition = from.disposition;
        to.channel = from.channel;
        to.recordingRequired = from.recordingRequired;
        to.talkMs = from.talkMs;
        to.holdMs = from.holdMs;
        to.wrapMs = from.wrapMs;
        to.queueWaitMs = from.queueWaitMs;
        to.recordingId = from.recordingId;
        to.recordingMedia = from.recordingMedia;
        to.recordingStatus = from.recordingStatus;
        to.lateOnArrival = from.lateOnArrival;
        return to;
    }

    @Override
    public void serialize(CanonicalEvent e, DataOutputView out) throws IOException {
        out.writeInt(maskOf(e));
        out.writeLong(e.ts);
        writeFields(e, out);
    }

    /** The present fields of {@code e} after {@code ts}, in the order of its mask's bits. */
    public static void writeFields(CanonicalEvent e, DataOutputView out) throws IOException {
        writeString(e.eventId, out);
        writeEnum(e.kind, out);
        writeString(e.sessionId, out);
        writeString(e.source, out);
        writeEnum(e.platform, out);
        writeEnum(e.media, out);
        writeDouble(e.mos, out);
        writeDouble(e.jitterMs, out);
        writeDouble(e.rttMs, out);
        writeDouble(e.packetLossPct, out);
        writeDouble(e.bitrateKbps, out);
        writeEnum(e.peerState, out);
        writeString(e.agentId, out);
        writeEnum(e.state, out);
        writeString(e.queueId, out);
        writeString(e.customerId, out);
        writeString(e.agentTimezone, out);
        writeString(e.disposition, out);
        writeEnum(e.channel, out);
        if (e.recordingRequired != null) {
            out.writeBoolean(e.recordingRequired);
        }
        writeLong(e.talkMs, out);
        writeLong(e.holdMs, out);
        writeLong(e.wrapMs, out);
        writeLong(e.queueWaitMs, out);
        writeString(e.recordingId, out);
        writeEnum(e.recordingMedia, out);
        writeEnum(e.recordingStatus, out);
    }

    /**
     * The presence mask: one bit per nullable field, in the order they are written, and bit 30 for
     * {@link CanonicalEvent#lateOnArrival}; bits 27 to 29 and 31 are never set.
     */
    public static int maskOf(CanonicalEvent e) {
        return bit(e.eventId, 0)
                | bit(e.kind, 1)
                | bit(e.sessionId, 2)
                | bit(e.source, 3)
                | bit(e.platform, 4)
                | bit(e.media, 5)
                | bit(e.mos, 6)
                | bit(e.jitterMs, 7)
                | bit(e.rttMs, 8)
                | bit(e.packetLossPct, 9)
                | bit(e.bitrateKbps, 10)
                | bit(e.peerState, 11)
                | bit(e.agentId, 12)
                | bit(e.state, 13)
                | bit(e.queueId, 14)
                | bit(e.customerId, 15)
                | bit(e.agentTimezone, 16)
                | bit(e.disposition, 17)
                | bit(e.channel, 18)
                | bit(e.recordingRequired, 19)
                | bit(e.talkMs, 20)
                | bit(e.holdMs, 21)
                | bit(e.wrapMs, 22)
                | bit(e.queueWaitMs, 23)
                | bit(e.recordingId, 24)
                | bit(e.recordingMedia, 25)
                | bit(e.recordingStatus, 26)
                | (e.lateOnArrival ? LATE_ON_ARRIVAL : 0);
    }

    private static int bit(Object field, int index) {
        return field == null ? 0 : 1 << index;
    }

    @Override
    public CanonicalEvent deserialize(DataInputView in) throws IOException {
        int mask = in.readInt();
        CanonicalEvent e = new CanonicalEvent();
        e.lateOnArrival = (mask & LATE_ON_ARRIVAL) != 0;
        e.ts = in.readLong();
        readFields(mask, in, e);
        return e;
    }

    /**
     * Sets every nullable field of {@code e}: those of {@code mask} as {@link #writeFields} wrote
     * them, the others to null.
     */
    public static void readFields(int mask, DataInputView in, CanonicalEvent e) throws IOException {
        Fields f = new Fields(mask, in);
        e.eventId = f.string();
        e.kind = f.enumOf(KINDS);
        e.sessionId = f.string();
        e.source = f.string();
        e.platform = f.enumOf(PLATFORMS);
        e.media = f.enumOf(MEDIA_TYPES);
        e.mos = f.doubleValue();
        e.jitterMs = f.doubleValue();
        e.rttMs = f.doubleValue();
        e.packetLossPct = f.doubleValue();
        e.bitrateKbps = f.doubleValue();
        e.peerState = f.enumOf(PEER_STATES);
        e.agentId = f.string();
        e.state = f.enumOf(STATES);
        e.queueId = f.string();
        e.customerId = f.string();
        e.agentTimezone = f.string();
        e.disposition = f.string();
        e.channel = f.enumOf(CHANNELS);
        e.recordingRequired = f.present() ? in.readBoolean() : null;
        e.talkMs = f.longValue();
        e.holdMs = f.longValue();
        e.wrapMs = f.longValue();
        e.queueWaitMs = f.longValue();
        e.recordingId = f.string();
        e.recordingMedia = f.enumOf(RECORDING_MEDIA);
        e.recordingStatus = f.enumOf(RECORDING_STATUSES);
    }

    @Override
    public TypeSerializerSnapshot<CanonicalEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeString(String value, DataOutputView out) throws IOException {
        if (value != null) {
            StringValue.writeString(value, out);
        }
    }

    private static void writeEnum(Enum<?> value, DataOutputView out) throws IOException {
        if (value != null) {
            out.writeByte(value.ordinal());
        }
    }

    private static void writeDouble(Double value, DataOutputView out) throws IOException {
        if (value != null) {
            out.writeDouble(value);
        }
    }

    private static void writeLong(Long value, DataOutputView out) throws IOException {
        if (value != null) {
            out.writeLong(value);
        }
    }

    /** Reads the nullable fields in order, each only when its bit of the mask is set. */
    private static final class Fields {
        private final int mask;
        private final DataInputView in;
        private int next;

        Fields(int mask, DataInputView in) {
            this.mask = mask;
            this.in = in;
        }

        boolean present() {
            return (mask & (1 << next++)) != 0;
        }

        String string() throws IOException {
            return present() ? StringValueFormat.read(in) : null;
        }

        <E extends Enum<E>> E enumOf(E[] constants) throws IOException {
            return present() ? constants[in.readUnsignedByte()] : null;
        }

        Double doubleValue() throws IOException {
            return present() ? in.readDouble() : null;
        }

        Long longValue() throws IOException {
            return present() ? in.readLong() : null;
        }
    }

    /** Restores this serializer; state of the same version is read as is. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CanonicalEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
