package dev.cxq.job.demo;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Emits the events of its splits once the {@link DemoClock}'s event time reaches their emission
 * instant, each split through its own output so that watermarks are generated per split. Between
 * events it returns {@link InputStatus#NOTHING_AVAILABLE} with a future that completes when the
 * clock reaches the next instant: the task thread sleeps instead of spinning.
 */
final class DemoSourceReader implements SourceReader<RawRecord, DemoSplit> {

    /** Events emitted per call at most, so checkpoints are not held up during a catch-up burst. */
    private static final int BATCH = 1_000;

    private final DemoScript script;
    private final DemoClock clock;
    private final Map<DemoSplit, SplitTimeline> splits = new LinkedHashMap<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();

    DemoSourceReader(DemoScript script, DemoClock clock) {
        this.script = script;
        this.clock = clock;
    }

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<RawRecord> output) {
        long wallNow = System.currentTimeMillis();
        long now = clock.eventTime(wallNow);
        long next = Long.MAX_VALUE;
        int emitted = 0;
        for (Map.Entry<DemoSplit, SplitTimeline> entry : splits.entrySet()) {
            SplitTimeline timeline = entry.getValue();
            if (timeline.isEmpty()) {
                continue;
            }
            SourceOutput<RawRecord> out = output.createOutputForSplit(entry.getKey().splitId());
            while (emitted < BATCH && timeline.nextEmitAt() <= now) {
                ScriptedEvent event = timeline.next();
                out.collect(
                        new RawRecord(
                                "demo:" + entry.getKey().splitId() + "#" + timeline.emitted(),
                                event.payload()));
                emitted++;
            }
            next = Math.min(next, timeline.nextEmitAt());
        }
        if (next <= now) {
            return InputStatus.MORE_AVAILABLE;
        }
        // Without any event to come (no split yet) only addSplits makes the reader available.
        available = new CompletableFuture<>();
        if (next != Long.MAX_VALUE) {
            available.completeOnTimeout(
                    null, clock.wallDelay(next, wallNow), TimeUnit.MILLISECONDS);
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public List<DemoSplit> snapshotState(long checkpointId) {
        List<DemoSplit> state = new ArrayList<>(splits.size());
        splits.forEach(
                (split, timeline) ->
                        state.add(
                                new DemoSplit(split.index(), split.splits(), timeline.emitted())));
        return state;
    }

    @Override
    public void addSplits(List<DemoSplit> newSplits) {
        for (DemoSplit split : newSplits) {
            splits.put(
                    split,
                    new SplitTimeline(script, split.index(), split.splits()).skip(split.emitted()));
        }
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() {}
}
