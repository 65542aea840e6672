package dev.cxq.job.http;

import java.time.Duration;

/**
 * A reader's share of the tenant's request budget: a token bucket of one token, so calls are spaced
 * evenly. With {@code limit} requests allowed per {@code window} for the tenant and {@code readers}
 * readers, each reader may make {@code floor(limit / readers)} calls in any window; spacing them
 * {@code window / (share - 1)} apart keeps every window of every reader, and so of the tenant,
 * within the limit whatever the clocks do (a late wake-up only widens the spacing).
 */
public final class RequestBudget {

    private final long spacingNanos;
    private long nextNanos = Long.MIN_VALUE;

    public RequestBudget(int limit, Duration window, int readers) {
        int share = limit / readers;
        if (share < 2) {
            throw new IllegalArgumentException(
                    "a rate limit of "
                            + limit
                            + " per "
                            + window
                            + " leaves fewer than 2 requests per window to each of "
                            + readers
                            + " readers");
        }
        this.spacingNanos = (window.toNanos() + share - 2) / (share - 1);
    }

    /** Blocks until the next call is within the budget. */
    public synchronized void acquire() throws InterruptedException {
        long now = System.nanoTime();
        if (nextNanos != Long.MIN_VALUE && now < nextNanos) {
            long waitNanos = nextNanos - now;
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            now = Math.max(System.nanoTime(), nextNanos);
        }
        nextNanos = now + spacingNanos;
    }
}
