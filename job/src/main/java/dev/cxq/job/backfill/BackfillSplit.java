package dev.cxq.job.backfill;

import org.apache.flink.api.connector.source.SourceSplit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One time interval of a backfill, {@code [start, end)} in epoch milliseconds, and how many of its
 * records were already emitted (so a restored reader skips those, as the interval's records are
 * read in a fixed order).
 */
public record BackfillSplit(long start, long end, long emitted) implements SourceSplit {

    @Override
    public String splitId() {
        return Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(end);
    }

    BackfillSplit withEmitted(long count) {
        return new BackfillSplit(start, end, count);
    }

    @Override
    public String toString() {
        return splitId();
    }

    /** {@code [from, to)} cut into intervals of {@code lengthMs}, the last one possibly shorter. */
    public static List<BackfillSplit> cut(long from, long to, long lengthMs) {
        List<BackfillSplit> splits = new ArrayList<>();
        for (long start = from; start < to; start += lengthMs) {
            splits.add(new BackfillSplit(start, Math.min(to, start + lengthMs), 0));
        }
        return splits;
    }
}
