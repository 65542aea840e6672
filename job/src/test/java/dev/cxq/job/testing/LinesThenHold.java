package dev.cxq.job.testing;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A source (parallelism 1) that emits the given lines as records, then holds its split open without
 * emitting anything more. A file source finishes its split when the file is read, and a finished
 * split no longer carries the watermark: if the whole file is read before the first periodic
 * watermark, the job's watermark never moves. This one keeps emitting watermarks.
 */
public final class LinesThenHold {

    private LinesThenHold() {}

    public static DataGeneratorSource<RawRecord> of(List<String> lines) {
        List<String> payloads = new ArrayList<>(lines);
        return new DataGeneratorSource<>(
                index -> new RawRecord("lines:" + index, payloads.get(index.intValue())),
                Long.MAX_VALUE,
                new Hold(payloads.size()),
                TypeInformation.of(RawRecord.class));
    }

    /** One permit per line, then a wait that never ends (the job is cancelled by the test). */
    private static final class Hold implements RateLimiterStrategy {
        private static final long serialVersionUID = 1L;
        private final int permits;

        Hold(int permits) {
            this.permits = permits;
        }

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
                    return new CompletableFuture<>();
                }
            };
        }
    }
}
