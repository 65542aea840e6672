package dev.cxq.job.kafka;

import dev.cxq.udf.adapter.PayloadDecoder;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * The event time of a raw Kafka record, for the per-partition watermarks at the source: the
 * earliest {@code ts} among the events the record decodes to (a NICE contact record yields two).
 * Taking the earliest keeps the watermark from overtaking any of them. A record that will be
 * rejected gets {@link Long#MIN_VALUE}, which never advances the watermark.
 *
 * <p>This reads the payload a second time (the parser reads it again after the source); the price
 * of watermarks per Kafka partition, which the source can only generate from what it emits.
 */
public class RawRecordEventTime implements SerializableTimestampAssigner<RawRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(RawRecord record, long kafkaTimestamp) {
        if (record.rejectReason != null) {
            return Long.MIN_VALUE;
        }
        PayloadDecoder.Decoded decoded = PayloadDecoder.decode(record.payload, record.source);
        long earliest = Long.MIN_VALUE;
        for (CanonicalEvent event : decoded.events()) {
            earliest = earliest == Long.MIN_VALUE ? event.ts : Math.min(earliest, event.ts);
        }
        return earliest;
    }
}
