package dev.cxq.udf.ingest;

import dev.cxq.udf.model.RawRecord;

/**
 * A raw record's decode travels in the record. Watermarks are generated in the source (per split)
 * from the event time inside the payload, so the source's timestamp assigner decodes every record
 * ({@link #decodeInto}); it keeps the outcome in the record, its events or its reject reason, and
 * the parser takes that outcome ({@link #outcome}) instead of reading the payload again. Being part
 * of the record, the decode reaches the parser whether the two are chained (the record serializer
 * copies it) or not (it is serialized with the record).
 *
 * <p>The {@link EventTimeLimits} check is part of the kept outcome, so the parser accepts exactly
 * the records whose event times the watermarks used. A record that passed no assigner (a source
 * without the cxq watermark strategy, a test) is decoded by the parser, which checks against its
 * own later "now": it may accept a record the assigner would have refused, never refuse one the
 * assigner accepted. {@link PayloadDecoder#decode} depends only on the payload and the source, so
 * the events are the same either way.
 */
public final class RecordDecoding {

    private RecordDecoding() {}

    /**
     * Decodes and checks the record, unless it already carries an outcome, and keeps the outcome in
     * it.
     *
     * @return the record's outcome
     */
    public static PayloadDecoder.Decoded decodeInto(RawRecord record, EventTimeLimits limits) {
        PayloadDecoder.Decoded kept = kept(record);
        if (kept != null) {
            return kept;
        }
        PayloadDecoder.Decoded decoded =
                limits.check(PayloadDecoder.decode(record.payload, record.source));
        if (decoded.isValid()) {
            record.events = decoded.events();
        } else {
            record.rejectReason = decoded.rejectReason();
        }
        return decoded;
    }

    /** The outcome the record carries, or, when it carries none, its decode now. */
    public static PayloadDecoder.Decoded outcome(RawRecord record, EventTimeLimits limits) {
        PayloadDecoder.Decoded kept = kept(record);
        return kept != null
                ? kept
                : limits.check(PayloadDecoder.decode(record.payload, record.source));
    }

    private static PayloadDecoder.Decoded kept(RawRecord record) {
        if (record.rejectReason != null) {
            return PayloadDecoder.Decoded.rejected(record.rejectReason);
        }
        return record.events != null ? new PayloadDecoder.Decoded(record.events, null) : null;
    }
}
