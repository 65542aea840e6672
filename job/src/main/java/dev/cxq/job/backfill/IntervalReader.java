package dev.cxq.job.backfill;

import dev.cxq.udf.model.RawRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads every record of one interval from a platform. */
interface IntervalReader {

    /**
     * The interval's records in a fixed order: by event time, then payload, so a restored reader
     * can skip the ones it had emitted, and event time moves forward within the interval.
     */
    List<RawRecord> read(BackfillSplit interval) throws InterruptedException;

    /** Collects records with their event times and hands them out in the fixed order. */
    final class Ordered {
        private record Timed(long ts, RawRecord record) {}

        private final List<Timed> records = new ArrayList<>();

        void add(long ts, RawRecord record) {
            records.add(new Timed(ts, record));
        }

        List<RawRecord> sorted() {
            return records.stream()
                    .sorted(
                            Comparator.comparingLong(Timed::ts)
                                    .thenComparing(t -> t.record().payload))
                    .map(Timed::record)
                    .toList();
        }
    }
}
