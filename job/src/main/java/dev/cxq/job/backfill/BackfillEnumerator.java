package dev.cxq.job.backfill;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands the intervals out in time order, one to each reader that asks. Its checkpoint holds the
 * intervals not yet handed out; the readers' checkpoints hold those in progress; a finished
 * interval is in neither, so a restored backfill never reads it again.
 */
final class BackfillEnumerator implements SplitEnumerator<BackfillSplit, List<BackfillSplit>> {

    private final SplitEnumeratorContext<BackfillSplit> context;
    private final ArrayDeque<BackfillSplit> pending;

    BackfillEnumerator(SplitEnumeratorContext<BackfillSplit> context, List<BackfillSplit> pending) {
        this.context = context;
        this.pending = new ArrayDeque<>(pending);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        BackfillSplit next = pending.poll();
        if (next != null) {
            context.assignSplit(next, subtaskId);
        } else {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public void addSplitsBack(List<BackfillSplit> splits, int subtaskId) {
        // A failed reader's intervals go first again, in time order.
        List<BackfillSplit> back = new ArrayList<>(splits);
        back.sort((a, b) -> Long.compare(b.start(), a.start()));
        back.forEach(pending::addFirst);
    }

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public List<BackfillSplit> snapshotState(long checkpointId) {
        return List.copyOf(pending);
    }

    @Override
    public void close() {}
}
