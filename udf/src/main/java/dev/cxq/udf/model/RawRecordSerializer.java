package dev.cxq.udf.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializer of {@link RawRecord}, written out instead of Flink's POJO serializer. The source's
 * output is copied into the parser chained to it (object reuse is off), and the POJO serializer's
 * copy, reflective per field and through generic list and null wrappers for the decoded events, was
 * 8.5 % of the task threads' CPU in the full topology's profile of 2026-12-01 ({@code
 * docs/benchmarks.md}). This copy shares the immutable strings and copies the events with {@link
 * CanonicalEventSerializer}, so a consumer still gets a record of its own.
 *
 * <p>Records are never kept in state; this format only crosses the network when the source and the
 * parser are not chained. Format: {@code source}, {@code payload} and {@code rejectReason} as
 * nullable strings, then the number of decoded events ({@code -1} when the record carries none) and
 * each in {@link CanonicalEventSerializer}'s format.
 */
public final class RawRecordSerializer extends NonReusingSerializer<RawRecord> {

    private static final long serialVersionUID = 1L;

    public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();

    private static final CanonicalEventSerializer EVENTS = CanonicalEventSerializer.INSTANCE;

    @Override
    public RawRecord createInstance() {
        return new RawRecord();
    }

    @Override
    public RawRecord copy(RawRecord from) {
        RawRecord to = new RawRecord(from.source, from.payload);
        to.rejectReason = from.rejectReason;
        if (from.events != null) {
            List<CanonicalEvent> events = new ArrayList<>(from.events.size());
            for (CanonicalEvent event : from.events) {
                events.add(EVENTS.copy(event));
            }
            to.events = events;
        }
        return to;
    }

    @Override
    public void serialize(RawRecord record, DataOutputView out) throws IOException {
        StringValue.writeString(record.source, out);
        StringValue.writeString(record.payload, out);
        StringValue.writeString(record.rejectReason, out);
        if (record.events == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(record.events.size());
        for (CanonicalEvent event : record.events) {
            EVENTS.serialize(event, out);
        }
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        RawRecord record = new RawRecord(StringValueFormat.read(in), StringValueFormat.read(in));
        record.rejectReason = StringValueFormat.read(in);
        int count = in.readInt();
        if (count >= 0) {
            List<CanonicalEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(EVENTS.deserialize(in));
            }
            record.events = events;
        }
        return record;
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer; its format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
