package dev.cxq.job.demo;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo's unbounded source: the {@link DemoScript}'s events as {@link RawRecord}s, paced by the
 * {@link DemoClock} (each event is emitted when the clock's event time reaches its {@link
 * ScriptedEvent#emitAt()}; events whose instant has passed, such as the script's history before the
 * job started, are emitted at once).
 *
 * <p>One split per source subtask at the first start; each split holds a fixed share of the slots
 * and emits them in emission order, so watermarks generated per split follow event time. A split's
 * state is the number of events it emitted: a restore regenerates the script and skips them, so
 * after a failure the job sees the same events again (at-least-once towards the idempotent sinks,
 * exactly-once in state).
 */
public final class DemoSource
        implements Source<RawRecord, DemoSplit, List<DemoSplit>>, ResultTypeQueryable<RawRecord> {

    private static final long serialVersionUID = 1L;

    private final DemoScript script;
    private final DemoClock clock;

    public DemoSource(DemoScript script, DemoClock clock) {
        this.script = script;
        this.clock = clock;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<DemoSplit, List<DemoSplit>> createEnumerator(
            SplitEnumeratorContext<DemoSplit> context) {
        int splits = context.currentParallelism();
        List<DemoSplit> all = new ArrayList<>(splits);
        for (int i = 0; i < splits; i++) {
            all.add(new DemoSplit(i, splits, 0));
        }
        return new DemoSplitEnumerator(context, all);
    }

    @Override
    public SplitEnumerator<DemoSplit, List<DemoSplit>> restoreEnumerator(
            SplitEnumeratorContext<DemoSplit> context, List<DemoSplit> unassigned) {
        return new DemoSplitEnumerator(context, unassigned);
    }

    @Override
    public SimpleVersionedSerializer<DemoSplit> getSplitSerializer() {
        return new DemoSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<List<DemoSplit>> getEnumeratorCheckpointSerializer() {
        return new DemoSplit.ListSerializer();
    }

    @Override
    public SourceReader<RawRecord, DemoSplit> createReader(SourceReaderContext readerContext) {
        return new DemoSourceReader(script, clock);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
