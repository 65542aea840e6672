package dev.cxq.job.backfill;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A backfill reader: asks for one interval at a time and counts, per interval, the records emitted,
 * which is its checkpointed position.
 */
final class BackfillSourceReader
        extends SingleThreadMultiplexSourceReaderBase<
                RawRecord, RawRecord, BackfillSplit, BackfillSourceReader.Progress> {

    /** An interval in progress and how many of its records were emitted. */
    static final class Progress {
        final BackfillSplit split;
        long emitted;

        Progress(BackfillSplit split) {
            this.split = split;
            this.emitted = split.emitted();
        }
    }

    private final BackfillCounters counters;

    BackfillSourceReader(
            Supplier<SplitReader<RawRecord, BackfillSplit>> splitReaders,
            SourceReaderContext context,
            BackfillCounters counters) {
        super(splitReaders, new Emitter(), new Configuration(), context);
        this.counters = counters;
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, Progress> finishedSplitIds) {
        counters.intervalsCompleted.addAndGet(finishedSplitIds.size());
        context.sendSplitRequest();
    }

    @Override
    protected Progress initializedState(BackfillSplit split) {
        return new Progress(split);
    }

    @Override
    protected BackfillSplit toSplitType(String splitId, Progress progress) {
        return progress.split.withEmitted(progress.emitted);
    }

    private static final class Emitter implements RecordEmitter<RawRecord, RawRecord, Progress> {
        @Override
        public void emitRecord(
                RawRecord record, SourceOutput<RawRecord> output, Progress progress) {
            output.collect(record);
            progress.emitted++;
        }
    }
}
