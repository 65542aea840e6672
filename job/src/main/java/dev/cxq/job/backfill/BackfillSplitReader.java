package dev.cxq.job.backfill;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads its assigned intervals one after the other on the fetcher thread, each whole: the records
 * an interval had emitted before a restore are skipped, then the interval is finished.
 */
final class BackfillSplitReader implements SplitReader<RawRecord, BackfillSplit> {

    private final IntervalReader platform;
    private final ArrayDeque<BackfillSplit> assigned = new ArrayDeque<>();

    BackfillSplitReader(IntervalReader platform) {
        this.platform = platform;
    }

    @Override
    public RecordsWithSplitIds<RawRecord> fetch() throws IOException {
        RecordsBySplits.Builder<RawRecord> batch = new RecordsBySplits.Builder<>();
        BackfillSplit split = assigned.poll();
        if (split == null) {
            return batch.build();
        }
        List<RawRecord> records;
        try {
            records = platform.read(split);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backfill of interval " + split + " interrupted");
        }
        int emitted = (int) Math.min(split.emitted(), records.size());
        batch.addAll(split.splitId(), records.subList(emitted, records.size()));
        batch.addFinishedSplit(split.splitId());
        return batch.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<BackfillSplit> splitsChange) {
        assigned.addAll(splitsChange.splits());
    }

    @Override
    public void wakeUp() {
        // fetch() returns on its own once its interval is read; shutdown interrupts it.
    }

    @Override
    public void close() {
        // The HTTP client holds no resource that outlives the reader.
    }
}
