package dev.cxq.udf.session;

import dev.cxq.udf.model.StringValueFormat;
import dev.cxq.udf.quality.MediaQualityDetector;
import dev.cxq.udf.quality.OpenAlert;
import dev.cxq.udf.quality.SampleMetrics;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The fields of the session values written out one by one, for {@link SessionStateSerializer} and
 * {@link EndedSamplesSerializer}: each nullable field behind a bit of a presence mask, counts as
 * varints, enums as their ordinal (their constants may only be appended; {@code
 * SessionStateSerializerTest} pins them). Any change of what this writes needs a new snapshot
 * version that still reads the old one.
 */
final class SessionStateFormat {

    private static final MediaQualityDetector.Phase[] PHASES = MediaQualityDetector.Phase.values();

    private SessionStateFormat() {}

    /** {@code value} written and read back by {@code serializer}: a deep copy. */
    static <T> T copy(TypeSerializer<T> serializer, T value) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(value, out);
            return serializer.deserialize(
                    new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeStats(SessionStats s, DataOutputView out) throws IOException {
        writeVarLong(s.samples, out);
        out.writeDouble(s.mosSum);
        writeVarLong(s.mosCount, out);
        out.writeByte(
                bit(s.minMos, 0)
                        | bit(s.maxPacketLossPct, 1)
                        | bit(s.agentId, 2)
                        | bit(s.queueId, 3));
        writeDouble(s.minMos, out);
        writeDouble(s.maxPacketLossPct, out);
        writeString(s.agentId, out);
        writeString(s.queueId, out);
        out.writeLong(s.lastEventTs);
        writeDetector(s.media, out);
        // Restored from the POJO layout: the slots may be in the per-sample form.
        writeSlots(
                s instanceof SessionQualityFunction$SessionStats ? s.slots.compacted() : s.slots,
                out);
    }

    static SessionStats readStats(DataInputView in) throws IOException {
        SessionStats s = new SessionStats();
        s.samples = readVarLong(in);
        s.mosSum = in.readDouble();
        s.mosCount = readVarLong(in);
        Presence p = new Presence(in.readUnsignedByte());
        s.minMos = p.next() ? in.readDouble() : null;
        s.maxPacketLossPct = p.next() ? in.readDouble() : null;
        s.agentId = p.next() ? StringValueFormat.read(in) : null;
        s.queueId = p.next() ? StringValueFormat.read(in) : null;
        s.lastEventTs = in.readLong();
        s.media = readDetector(in);
        s.slots = readSlots(in);
        return s;
    }

    private static void writeDetector(MediaQualityDetector d, DataOutputView out)
            throws IOException {
        out.writeByte(d.phase.ordinal());
        out.writeLong(d.incidentStart);
        out.writeLong(d.healthySince);
        writeVarLong(d.windowBreaches, out);
        writeVarLong(d.incidents, out);
        writeVarLong(d.degradedMillis, out);
        out.writeShort(
                bit(d.windowLastDegraded, 0)
                        | bit(d.degradation, 1)
                        | bit(d.mediaGap, 2)
                        | bit(d.disconnect, 3)
                        | bit(d.lastDegradationKey, 4)
                        | bit(d.lastMediaGapKey, 5)
                        | bit(d.lastDisconnectKey, 6)
                        | bit(d.lastSampleTs, 7)
                        | bit(d.lastSample, 8)
                        | bit(d.silentSince, 9)
                        | flag(d.windowHasMos, 10)
                        | flag(d.windowAllMosCritical, 11)
                        | flag(d.lastSampleDegraded, 12)
                        | flag(d.mediaPaused, 13));
        writeMetrics(d.windowLastDegraded, out);
        writeAlert(d.degradation, out);
        writeAlert(d.mediaGap, out);
        writeAlert(d.disconnect, out);
        writeString(d.lastDegradationKey, out);
        writeString(d.lastMediaGapKey, out);
        writeString(d.lastDisconnectKey, out);
        writeLong(d.lastSampleTs, out);
        writeMetrics(d.lastSample, out);
        writeLong(d.silentSince, out);
    }

    private static MediaQualityDetector readDetector(DataInputView in) throws IOException {
        MediaQualityDetector d = new MediaQualityDetector();
        d.phase = PHASES[in.readUnsignedByte()];
        d.incidentStart = in.readLong();
        d.healthySince = in.readLong();
        d.windowBreaches = (int) readVarLong(in);
        d.incidents = (int) readVarLong(in);
        d.degradedMillis = readVarLong(in);
        int mask = in.readUnsignedShort();
        Presence p = new Presence(mask);
        d.windowLastDegraded = p.next() ? readMetrics(in) : null;
        d.degradation = p.next() ? readAlert(in) : null;
        d.mediaGap = p.next() ? readAlert(in) : null;
        d.disconnect = p.next() ? readAlert(in) : null;
        d.lastDegradationKey = p.next() ? StringValueFormat.read(in) : null;
        d.lastMediaGapKey = p.next() ? StringValueFormat.read(in) : null;
        d.lastDisconnectKey = p.next() ? StringValueFormat.read(in) : null;
        d.lastSampleTs = p.next() ? in.readLong() : null;
        d.lastSample = p.next() ? readMetrics(in) : null;
        d.silentSince = p.next() ? in.readLong() : null;
        d.windowHasMos = p.next();
        d.windowAllMosCritical = p.next();
        d.lastSampleDegraded = p.next();
        d.mediaPaused = p.next();
        return d;
    }

    /** Nothing when {@code a} is null: the owner's presence mask says so. */
    private static void writeAlert(OpenAlert a, DataOutputView out) throws IOException {
        if (a == null) {
            return;
        }
        out.writeByte(
                bit(a.incidentKey, 0)
                        | bit(a.alertType, 1)
                        | bit(a.severity, 2)
                        | bit(a.agentId, 3)
                        | bit(a.queueId, 4)
                        | bit(a.metrics, 5)
                        | bit(a.reason, 6)
                        | flag(a.reported, 7));
        writeString(a.incidentKey, out);
        writeString(a.alertType, out);
        writeString(a.severity, out);
        writeString(a.agentId, out);
        writeString(a.queueId, out);
        writeMetrics(a.metrics, out);
        writeString(a.reason, out);
        out.writeLong(a.startedAt);
        out.writeLong(a.firedAt);
    }

    private static OpenAlert readAlert(DataInputView in) throws IOException {
        OpenAlert a = new OpenAlert();
        Presence p = new Presence(in.readUnsignedByte());
        a.incidentKey = p.next() ? StringValueFormat.read(in) : null;
        a.alertType = p.next() ? StringValueFormat.read(in) : null;
        a.severity = p.next() ? StringValueFormat.read(in) : null;
        a.agentId = p.next() ? StringValueFormat.read(in) : null;
        a.queueId = p.next() ? StringValueFormat.read(in) : null;
        a.metrics = p.next() ? readMetrics(in) : null;
        a.reason = p.next() ? StringValueFormat.read(in) : null;
        a.reported = p.next();
        a.startedAt = in.readLong();
        a.firedAt = in.readLong();
        return a;
    }

    /** Nothing when {@code m} is null: the owner's presence mask says so. */
    private static void writeMetrics(SampleMetrics m, DataOutputView out) throws IOException {
        if (m == null) {
            return;
        }
        out.writeByte(
                bit(m.mos, 0)
                        | bit(m.jitterMs, 1)
                        | bit(m.packetLossPct, 2)
                        | bit(m.rttMs, 3)
                        | bit(m.bitrateKbps, 4)
                        | flag(m.mosEstimated, 5));
        writeDouble(m.mos, out);
        writeDouble(m.jitterMs, out);
        writeDouble(m.packetLossPct, out);
        writeDouble(m.rttMs, out);
        writeDouble(m.bitrateKbps, out);
    }

    private static SampleMetrics readMetrics(DataInputView in) throws IOException {
        SampleMetrics m = new SampleMetrics();
        Presence p = new Presence(in.readUnsignedByte());
        m.mos = p.next() ? in.readDouble() : null;
        m.jitterMs = p.next() ? in.readDouble() : null;
        m.packetLossPct = p.next() ? in.readDouble() : null;
        m.rttMs = p.next() ? in.readDouble() : null;
        m.bitrateKbps = p.next() ? in.readDouble() : null;
        m.mosEstimated = p.next();
        return m;
    }

    static void writeSlots(SampleSlots slots, DataOutputView out) throws IOException {
        writeSequence(slots.audio, out);
        writeSequence(slots.video, out);
    }

    static SampleSlots readSlots(DataInputView in) throws IOException {
        SampleSlots slots = new SampleSlots();
        slots.audio = readSequence(in);
        slots.video = readSequence(in);
        return slots;
    }

    private static void writeSequence(SampleSlots.Sequence s, DataOutputView out)
            throws IOException {
        writeVarLong(s.count, out);
        if (s.count == 0) {
            return;
        }
        out.writeLong(s.last);
        writeZigZag(s.lastStep, out);
        writeVarLong(s.repeats, out);
        writeVarLong(s.encoded.length, out);
        out.write(s.encoded);
    }

    private static SampleSlots.Sequence readSequence(DataInputView in) throws IOException {
        SampleSlots.Sequence s = new SampleSlots.Sequence();
        s.count = (int) readVarLong(in);
        if (s.count == 0) {
            return s;
        }
        s.last = in.readLong();
        s.lastStep = readZigZag(in);
        s.repeats = (int) readVarLong(in);
        s.encoded = new byte[(int) readVarLong(in)];
        in.readFully(s.encoded);
        return s;
    }

    static int bit(Object field, int index) {
        return field == null ? 0 : 1 << index;
    }

    private static int flag(boolean value, int index) {
        return value ? 1 << index : 0;
    }

    static void writeLong(Long value, DataOutputView out) throws IOException {
        if (value != null) {
            out.writeLong(value);
        }
    }

    private static void writeDouble(Double value, DataOutputView out) throws IOException {
        if (value != null) {
            out.writeDouble(value);
        }
    }

    private static void writeString(String value, DataOutputView out) throws IOException {
        if (value != null) {
            StringValue.writeString(value, out);
        }
    }

    /** A non-negative value in 7-bit groups, low first: small counts take one byte. */
    static void writeVarLong(long value, DataOutputView out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    /** A value of either sign as a varint: small magnitudes take one byte. */
    static void writeZigZag(long value, DataOutputView out) throws IOException {
        writeVarLong((value << 1) ^ (value >> 63), out);
    }

    static long readZigZag(DataInputView in) throws IOException {
        long zigzag = readVarLong(in);
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    /** The bits of a presence mask, lowest first, in the order the fields are written. */
    static final class Presence {
        private final int mask;
        private int next;

        Presence(int mask) {
            this.mask = mask;
        }

        boolean next() {
            return (mask & (1 << next++)) != 0;
        }
    }
}
