package dev.cxq.job.source;

import dev.cxq.udf.ingest.EventTimeLimits;
import dev.cxq.udf.ingest.PayloadDecoder;
import dev.cxq.udf.ingest.RecordDecoding;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * The event time of a raw record, for the watermarks generated in the source (per Kafka partition,
 * per replayed file): the earliest {@code ts} among the events the record decodes to (a NICE
 * contact record yields two). Taking the earliest keeps the watermark from overtaking any of them,
 * whichever source the record came from. A record that will be rejected gets {@link
 * Long#MIN_VALUE}, which never advances the watermark: among them those whose event time is beyond
 * the {@link EventTimeLimits} (in the future) or outside the representable range, so that no single
 * implausible event can move event time.
 *
 * <p>The decode is kept in the record for the parser ({@link RecordDecoding}), so a record is read
 * once.
 */
public class RawRecordEventTime implements SerializableTimestampAssigner<RawRecord> {

    private static final long serialVersionUID = 1L;

    private final EventTimeLimits limits;

    public RawRecordEventTime(EventTimeLimits limits) {
        this.limits = limits;
    }

    @Override
    public long extractTimestamp(RawRecord record, long recordTimestamp) {
        PayloadDecoder.Decoded decoded = RecordDecoding.decodeInto(record, limits);
        long earliest = Long.MIN_VALUE;
        for (CanonicalEvent event : decoded.events()) {
            earliest = earliest == Long.MIN_VALUE ? event.ts : Math.min(earliest, event.ts);
        }
        return earliest;
    }
}
