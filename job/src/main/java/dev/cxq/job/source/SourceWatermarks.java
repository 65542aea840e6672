package dev.cxq.job.source;

import dev.cxq.udf.ingest.EventTimeLimits;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/** The one watermark rule of every cxq source. */
public final class SourceWatermarks {

    private SourceWatermarks() {}

    /**
     * Watermarks generated inside the source, per split (Kafka partition, replayed file), from the
     * earliest event time of each record: a split that is behind (catching up, or slower) holds the
     * watermark back instead of having its events declared late by a faster neighbour; an idle
     * split stops counting after {@code idleness}, so a quiet partition does not stall event time.
     * The same rule for Kafka and files keeps their results identical. Records beyond {@code
     * limits} count nothing (see {@link RawRecordEventTime}).
     */
    public static WatermarkStrategy<RawRecord> of(
            Duration maxOutOfOrderness, Duration idleness, EventTimeLimits limits) {
        return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner(new RawRecordEventTime(limits))
                .withIdleness(idleness);
    }
}
