package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A source that loads a {@link SampleStream} in phases: it emits the stream's records at full speed
 * up to the released count ({@link #release}), then an endless trickle of empty records ({@code
 * rejected_events}, no keyed state), one batch every 100 ms, so the job stays alive with its state
 * in place while a checkpoint is taken; the next release continues the stream where it stopped. The
 * release and the count emitted are JVM-wide: the local cluster runs in the driver's JVM, with one
 * source subtask. The wait is asynchronous, so the source stays responsive to barriers.
 */
final class PhasedLoad implements GeneratorFunction<Long, RawRecord>, RateLimiterStrategy {

    private static final long serialVersionUID = 1L;

    private static volatile long released;
    private static volatile long emitted;

    private final SampleStream stream;

    /** The next record of the stream; the source's own index also counts the empty records. */
    private transient long next;

    PhasedLoad(SampleStream stream) {
        this.stream = stream;
    }

    /** Lets the source emit the stream up to record {@code count} (exclusive). */
    static void release(long count) {
        released = count;
    }

    /** Records of the stream emitted so far. */
    static long emitted() {
        return emitted;
    }

    static void reset() {
        released = 0;
        emitted = 0;
    }

    @Override
    public RawRecord map(Long index) {
        if (next < released) {
            RawRecord record = stream.map(next++);
            emitted = next;
            return record;
        }
        return new RawRecord("idle:" + index, "{}");
    }

    @Override
    public RateLimiter createRateLimiter(int parallelism) {
        return new RateLimiter() {
            @Override
            public CompletionStage<Void> acquire(int permits) {
                if (emitted < released) {
                    return CompletableFuture.completedFuture(null);
                }
                return CompletableFuture.runAsync(
                        () -> {}, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
            }
        };
    }
}
