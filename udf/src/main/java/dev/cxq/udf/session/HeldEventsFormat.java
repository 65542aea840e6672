package dev.cxq.udf.session;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.CanonicalEventSerializer;
import dev.cxq.udf.model.CanonicalUuid;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static dev.cxq.udf.session.SessionStateFormat.readVarLong;
import static dev.cxq.udf.session.SessionStateFormat.readZigZag;
import static dev.cxq.udf.session.SessionStateFormat.writeVarLong;
import static dev.cxq.udf.session.SessionStateFormat.writeZigZag;

/**
 * The held events of one session, written compactly: in a session value ({@link
 * SessionState#buffered}, format 2 of {@link SessionStateSerializer}, where builds before the
 * operator state {@code held-events} moved them at a checkpoint) and in that operator state. Every
 * checkpoint carries the events the watermark has not passed, and a quiet session's waiting samples
 * (issue 17: state per active session). Format 1 wrote each with {@link CanonicalEventSerializer};
 * this writes, per event, what that one writes of the fields it leaves alone ({@link
 * CanonicalEventSerializer#writeFields}), and instead of the others:
 *
 * <ul>
 *   <li>no session id: it is the state's key, which the operator sets back where it reads the
 *       value;
 *   <li>a canonical (lowercase) UUID event id in 16 bytes instead of 37;
 *   <li>a metric with at most two decimals, as producers send them, as a varint of its hundredths
 *       (1 to 3 bytes instead of 8), bit-exact: only a value that reads back the same double is
 *       written so;
 *   <li>{@code ts} as a varint of its distance to the first event's (the events of one session lie
 *       within the watermark bound of each other), the first event's in full once;
 *   <li>an agent id that the previous event has too as one flag;
 *   <li>the presence mask as a varint (2 bytes for a sample instead of 4), the late flag in a flags
 *       byte.
 * </ul>
 */
final class HeldEventsFormat {

    /** Flags, the first byte of an event: its id is a UUID, written as 16 bytes. */
    private static final int UUID_ID = 1;

    private static final int LATE_ON_ARRIVAL = 1 << 1;

    /** The agent id is the previous event's. */
    private static final int SAME_AGENT = 1 << 2;

    /** Bit of the first {@link Metric}: set when it is written as hundredths; the others follow. */
    private static final int FIRST_HUNDREDTHS = 3;

    /** The metrics that may be written as hundredths; their order is the format's. */
    private enum Metric {
        MOS(e -> e.mos, (e, v) -> e.mos = v),
        JITTER(e -> e.jitterMs, (e, v) -> e.jitterMs = v),
        RTT(e -> e.rttMs, (e, v) -> e.rttMs = v),
        PACKET_LOSS(e -> e.packetLossPct, (e, v) -> e.packetLossPct = v),
        BITRATE(e -> e.bitrateKbps, (e, v) -> e.bitrateKbps = v);

        private static final Metric[] ALL = values();

        final Function<CanonicalEvent, Double> get;
        final BiConsumer<CanonicalEvent, Double> set;

        Metric(Function<CanonicalEvent, Double> get, BiConsumer<CanonicalEvent, Double> set) {
            this.get = get;
            this.set = set;
        }

        int flag() {
            return 1 << (FIRST_HUNDREDTHS + ordinal());
        }
    }

    private HeldEventsFormat() {}

    static void write(List<CanonicalEvent> events, DataOutputView out) throws IOException {
        writeVarLong(events.size(), out);
        if (events.isEmpty()) {
            return;
        }
        long first = events.get(0).ts;
        out.writeLong(first);
        CanonicalEvent previous = null;
        for (CanonicalEvent event : events) {
            write(event, first, previous, out);
            previous = event;
        }
    }

    private static void write(
            CanonicalEvent e, long first, CanonicalEvent previous, DataOutputView out)
            throws IOException {
        // What CanonicalEventSerializer writes as is: the event less what this format writes.
        CanonicalEvent rest = CanonicalEventSerializer.INSTANCE.copy(e);
        rest.sessionId = null;
        rest.lateOnArrival = false;
        int flags = e.lateOnArrival ? LATE_ON_ARRIVAL : 0;
        UUID id = CanonicalUuid.of(e.eventId);
        if (id != null) {
            flags |= UUID_ID;
            rest.eventId = null;
        }
        if (previous != null && e.agentId != null && e.agentId.equals(previous.agentId)) {
            flags |= SAME_AGENT;
            rest.agentId = null;
        }
        for (Metric metric : Metric.ALL) {
            Double value = metric.get.apply(e);
            if (value != null && isHundredths(value)) {
                flags |= metric.flag();
                metric.set.accept(rest, null);
            }
        }
        out.writeByte(flags);
        writeVarLong(CanonicalEventSerializer.maskOf(rest), out);
        if (id != null) {
            out.writeLong(id.getMostSignificantBits());
            out.writeLong(id.getLeastSignificantBits());
        }
        writeZigZag(e.ts - first, out);
        for (Metric metric : Metric.ALL) {
            if ((flags & metric.flag()) != 0) {
                writeZigZag(Math.round(metric.get.apply(e) * 100), out);
            }
        }
        CanonicalEventSerializer.writeFields(rest, out);
    }

    /**
     * One element of the operator state {@code held-events}: the session id {@code key}, then its
     * events as {@link #write} writes them.
     */
    static byte[] writeSession(String key, List<CanonicalEvent> events) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF(key);
        write(events, out);
        return out.getCopyOfBuffer();
    }

    /**
     * The events of an element {@link #writeSession} wrote, with their session id, if {@code owned}
     * accepts the session; none otherwise (they are not decoded).
     */
    static List<CanonicalEvent> readSession(byte[] element, Predicate<String> owned)
            throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(element);
        String key = in.readUTF();
        if (!owned.test(key)) {
            return List.of();
        }
        List<CanonicalEvent> events = read(in);
        events.forEach(event -> event.sessionId = key);
        return events;
    }

    /** The events {@link #write} wrote, without their session id. */
    static List<CanonicalEvent> read(DataInputView in) throws IOException {
        int count = (int) readVarLong(in);
        List<CanonicalEvent> events = new ArrayList<>(count);
        if (count == 0) {
            return events;
        }
        long first = in.readLong();
        CanonicalEvent previous = null;
        for (int i = 0; i < count; i++) {
            previous = read(first, previous, in);
            events.add(previous);
        }
        return events;
    }

    private static CanonicalEvent read(long first, CanonicalEvent previous, DataInputView in)
            throws IOException {
        int flags = in.readUnsignedByte();
        int mask = (int) readVarLong(in);
        String id =
                (flags & UUID_ID) != 0 ? new UUID(in.readLong(), in.readLong()).toString() : null;
        long ts = first + readZigZag(in);
        Double[] hundredths = new Double[Metric.ALL.length];
        for (Metric metric : Metric.ALL) {
            if ((flags & metric.flag()) != 0) {
                hundredths[metric.ordinal()] = readZigZag(in) / 100.0;
            }
        }
        CanonicalEvent e = new CanonicalEvent();
        CanonicalEventSerializer.readFields(mask, in, e);
        e.ts = ts;
        e.lateOnArrival = (flags & LATE_ON_ARRIVAL) != 0;
        if (id != null) {
            e.eventId = id;
        }
        if ((flags & SAME_AGENT) != 0) {
            e.agentId = previous.agentId;
        }
        for (Metric metric : Metric.ALL) {
            if (hundredths[metric.ordinal()] != null) {
                metric.set.accept(e, hundredths[metric.ordinal()]);
            }
        }
        return e;
    }

    /** Whether {@code value} reads back bit for bit from its hundredths. */
    private static boolean isHundredths(double value) {
        return Double.doubleToRawLongBits(Math.round(value * 100) / 100.0)
                == Double.doubleToRawLongBits(value);
    }
}
