package dev.cxq.bench;

import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Lets the first {@code loaded} records through at full speed, then one batch every 100 ms, so the
 * job stays alive with its sessions' state in place while checkpoints are measured. The wait is
 * asynchronous: the source stays responsive to checkpoint barriers.
 */
final class LoadThenIdle implements RateLimiterStrategy {

    private static final long serialVersionUID = 1L;

    private static volatile long loadedAtMillis;

    static void reset() {
        loadedAtMillis = 0;
    }

    /** Wall-clock time at which the source finished the load, or 0 while loading. */
    static long loadedAtMillis() {
        return loadedAtMillis;
    }

    static void markLoaded() {
        if (loadedAtMillis == 0) {
            loadedAtMillis = System.currentTimeMillis();
        }
    }

    @Override
    public RateLimiter createRateLimiter(int parallelism) {
        return new RateLimiter() {
            @Override
            public CompletionStage<Void> acquire(int permits) {
                if (loadedAtMillis == 0) {
                    return CompletableFuture.completedFuture(null);
                }
                return CompletableFuture.runAsync(
                        () -> {}, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
            }
        };
    }
}
