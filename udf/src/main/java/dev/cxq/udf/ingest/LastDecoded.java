package dev.cxq.udf.ingest;

import java.util.Objects;

/**
 * The decode of the last record the source's timestamp assigner read, kept for the parser.
 *
 * <p>Watermarks are generated in the source (per split), from the event time inside the payload, so
 * the source has to decode every record; the parser, chained right after it on the same thread,
 * would decode it again. The assigner {@link #decode decodes} through this slot and the parser
 * {@link #take takes} the result when it is for the same payload and source; otherwise (parser not
 * chained, or a record that skipped the assigner) the parser decodes itself. {@link
 * PayloadDecoder#decode} depends only on the payload and the source, so either way the events are
 * the same. A result is handed out at most once: the parser owns the events it emits.
 *
 * <p>The {@link EventTimeLimits} check is part of the kept result, so the parser accepts exactly
 * the records whose event times the watermarks used. When the parser decodes itself, it checks
 * later, against a later "now": it may accept a record the assigner refused (which then simply did
 * not move the watermark), never refuse one the assigner accepted.
 */
public final class LastDecoded {

    private static final ThreadLocal<LastDecoded> SLOT = ThreadLocal.withInitial(LastDecoded::new);

    private String payload;
    private String source;
    private PayloadDecoder.Decoded decoded;

    private LastDecoded() {}

    /** Decodes and checks the record and keeps the result for {@link #take} on this thread. */
    public static PayloadDecoder.Decoded decode(
            String payload, String source, EventTimeLimits limits) {
        LastDecoded slot = SLOT.get();
        slot.payload = payload;
        slot.source = source;
        slot.decoded = limits.check(PayloadDecoder.decode(payload, source));
        return slot.decoded;
    }

    /** The decode of this record: the one kept by {@link #decode} if it is for it, else fresh. */
    public static PayloadDecoder.Decoded take(
            String payload, String source, EventTimeLimits limits) {
        LastDecoded slot = SLOT.get();
        PayloadDecoder.Decoded kept = slot.decoded;
        // Identity first: the chain passes the same strings on.
        boolean same =
                kept != null
                        && (slot.payload == payload || Objects.equals(slot.payload, payload))
                        && Objects.equals(slot.source, source);
        slot.payload = null;
        slot.source = null;
        slot.decoded = null;
        return same ? kept : limits.check(PayloadDecoder.decode(payload, source));
    }
}
