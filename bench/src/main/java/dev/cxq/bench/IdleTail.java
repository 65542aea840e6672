package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The first {@code loaded} records of a {@link SampleStream}, then an endless trickle of empty
 * records ({@code rejected_events}, no session state) that keeps the job running for checkpoints.
 */
final class IdleTail implements GeneratorFunction<Long, RawRecord> {

    private static final long serialVersionUID = 1L;

    private final SampleStream stream;
    private final long loaded;

    IdleTail(SampleStream stream, long loaded) {
        this.stream = stream;
        this.loaded = loaded;
    }

    @Override
    public RawRecord map(Long index) {
        if (index < loaded) {
            return stream.map(index);
        }
        LoadThenIdle.markLoaded();
        return new RawRecord("idle:" + index, "{}");
    }
}
