package dev.cxq.udf.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.List;
import java.util.Objects;

/**
 * One input record before parsing: its payload and where it came from ({@code file:line} for
 * replays, {@code topic/partition/offset} for Kafka), so that a rejection can say exactly which
 * record was bad. Flink serializes and copies it with {@link RawRecordSerializer}; a field added
 * here must be added there too ({@code RawRecordSerializerTest} fails until it is).
 */
@TypeInfo(RawRecordTypeInfo.Factory.class)
public final class RawRecord {

    /** Position of the record in its source. */
    public String source;

    /** The record as received, decoded as UTF-8. */
    public String payload;

    /**
     * Set when the record was refused before the parser: by the source (e.g. {@code bad_signature})
     * or by the decode done for its event time; the parser then rejects it with this reason without
     * reading it.
     */
    public String rejectReason;

    /**
     * The valid events the payload decodes to, when the source already decoded it for its event
     * time; the parser then emits them without reading the payload again. Derived from the payload
     * and the source, so not part of equality.
     */
    public List<CanonicalEvent> events;

    public RawRecord() {}

    public RawRecord(String source, String payload) {
        this.source = source;
        this.payload = payload;
    }

    /**
     * The split the record came from: its {@link #source} position without the last part ({@code
     * file:line} gives the file, {@code topic/partition/offset} the partition, {@code split#n} the
     * generator's split).
     */
    public String split() {
        int cut =
                Math.max(
                        source.lastIndexOf(':'),
                        Math.max(source.lastIndexOf('/'), source.lastIndexOf('#')));
        return cut < 0 ? source : source.substring(0, cut);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord other
                && Objects.equals(source, other.source)
                && Objects.equals(payload, other.payload)
                && Objects.equals(rejectReason, other.rejectReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, payload);
    }

    @Override
    public String toString() {
        return source + " " + payload;
    }
}
