package dev.cxq.udf.ingest;

import dev.cxq.udf.internal.Hashing;
import dev.cxq.udf.metrics.IngestMetrics;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.RejectedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns raw records of any accepted shape (canonical, Genesys Cloud, NICE CXone; see {@link
 * PayloadDecoder}) into canonical events, taking the decode a record carries when it has one (see
 * {@link RecordDecoding}). Valid events go to the main output; every other record goes to {@link
 * OutputTags#REJECTED_EVENTS} with its reason. Both are counted by {@link IngestMetrics}. Bad input
 * never throws.
 */
public class ParseFunction extends ProcessFunction<RawRecord, CanonicalEvent> {

    private static final long serialVersionUID = 1L;

    private final EventTimeLimits eventTimeLimits;

    private transient IngestMetrics metrics;

    /** With the default {@link EventTimeLimits}. */
    public ParseFunction() {
        this(EventTimeLimits.defaults());
    }

    /**
     * @param eventTimeLimits the latest event time accepted; the same as the source's timestamp
     *     assigner uses
     */
    public ParseFunction(EventTimeLimits eventTimeLimits) {
        this.eventTimeLimits = eventTimeLimits;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<CanonicalEvent> out) {
        PayloadDecoder.Decoded result = RecordDecoding.outcome(record, eventTimeLimits);
        if (result.isValid()) {
            for (CanonicalEvent event : result.events()) {
                metrics.accepted(event);
                out.collect(event);
            }
        } else {
            metrics.rejected(result.rejectReason());
            ctx.output(OutputTags.REJECTED_EVENTS, rejection(record, result.rejectReason()));
        }
    }

    /** The rejected-events row for a record; its key is stable across replays of the record. */
    public static RejectedEvent rejection(RawRecord record, String reason) {
        String payload = record.payload == null ? "" : record.payload;
        return new RejectedEvent(
                Hashing.sha256Hex(record.source + "\n" + payload),
                reason,
                storable(record.source),
                storable(truncate(payload, RejectedEvent.MAX_PAYLOAD_CHARS)),
                System.currentTimeMillis());
    }

    private static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        // Do not cut a surrogate pair in half.
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    /** PostgreSQL text cannot hold NUL; corrupt payloads may contain it. */
    private static String storable(String text) {
        return text == null ? "" : text.replace('\u0000', '\uFFFD');
    }
}
