package dev.cxq.job.testing;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source (parallelism 1) that emits the given lines as records, then holds its split open without
 * emitting anything more. A file source finishes its split when the file is read, and a finished
 * split no longer carries the watermark: if the whole file is read before the first periodic
 * watermark, the job's watermark never moves. This one keeps emitting watermarks.
 *
 * <p>Its position is in its state, so a job restored from a savepoint goes on with the line after
 * the last one read before it.
 */
public final class LinesThenHold {

    /** Completed when the source of that name has emitted the lines it may emit. */
    private static final Map<String, CompletableFuture<Void>> HOLDING = new ConcurrentHashMap<>();

    private LinesThenHold() {}

    public static DataGeneratorSource<RawRecord> of(List<String> lines) {
        return source(lines, Long.MAX_VALUE, new Hold(lines.size(), null));
    }

    /**
     * The first {@code permits} lines, then a hold; {@link #holding} tells when the source holds
     * (the lines after the permitted ones are read by a run restored from a savepoint).
     */
    public static DataGeneratorSource<RawRecord> firstThenHold(
            List<String> lines, int permits, String name) {
        HOLDING.put(name, new CompletableFuture<>());
        return source(lines, lines.size(), new Hold(permits, name));
    }

    /** All lines, then the end of the input. */
    public static DataGeneratorSource<RawRecord> bounded(List<String> lines) {
        return source(lines, lines.size(), RateLimiterStrategy.noOp());
    }

    /** Completed once the {@link #firstThenHold} source {@code name} has emitted its lines. */
    public static CompletableFuture<Void> holding(String name) {
        return HOLDING.get(name);
    }

    private static DataGeneratorSource<RawRecord> source(
            List<String> lines, long count, RateLimiterStrategy limit) {
        List<String> payloads = new ArrayList<>(lines);
        return new DataGeneratorSource<>(
                index -> new RawRecord("lines:" + index, payloads.get(index.intValue())),
                count,
                limit,
                TypeInformation.of(RawRecord.class));
    }

    /**
     * One permit per line, then a wait that never ends (the job is cancelled or stopped by the
     * test). The source asks for a permit before each line, so the request after the last permit
     * comes once every permitted line is out.
     */
    private record Hold(int permits, String name) implements RateLimiterStrategy {
        @Override
        public RateLimiter createRateLimiter(int parallelism) {
            return new RateLimiter() {
                private int given;

                @Override
                public CompletionStage<Void> acquire(int requested) {
                    if (given < permits) {
                        given += requested;
                        return CompletableFuture.completedFuture(null);
                    }
                    if (name != null) {
                        HOLDING.get(name).complete(null);
                    }
                    return new CompletableFuture<>();
                }
            };
        }
    }
}
