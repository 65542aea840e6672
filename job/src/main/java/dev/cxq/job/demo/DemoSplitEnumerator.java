package dev.cxq.job.demo;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Assigns split {@code i} to reader {@code i % parallelism} when that reader registers; splits
 * handed back after a failure wait for their reader to register again.
 */
final class DemoSplitEnumerator implements SplitEnumerator<DemoSplit, List<DemoSplit>> {

    private final SplitEnumeratorContext<DemoSplit> context;

    /** Splits not assigned to a running reader. */
    private final List<DemoSplit> unassigned;

    DemoSplitEnumerator(SplitEnumeratorContext<DemoSplit> context, List<DemoSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayList<>(unassigned);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on registration; readers never ask.
    }

    @Override
    public void addSplitsBack(List<DemoSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {
        int parallelism = context.currentParallelism();
        Iterator<DemoSplit> it = unassigned.iterator();
        while (it.hasNext()) {
            DemoSplit split = it.next();
            if (split.index() % parallelism == subtaskId) {
                context.assignSplit(split, subtaskId);
                it.remove();
            }
        }
    }

    @Override
    public List<DemoSplit> snapshotState(long checkpointId) {
        return new ArrayList<>(unassigned);
    }

    @Override
    public void close() {}
}
