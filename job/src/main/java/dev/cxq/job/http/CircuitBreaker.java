package dev.cxq.job.http;

import java.util.function.LongSupplier;

/**
 * Per-endpoint circuit breaker: after {@code threshold} consecutive failures the circuit opens and
 * calls are refused for {@code openMs}; then one probe call is let through, whose outcome closes or
 * re-opens it. Thread-safe: HTTP callbacks complete on client threads.
 */
public final class CircuitBreaker {

    private final int threshold;
    private final long openMs;
    private final LongSupplier clock;

    private int consecutiveFailures;
    private long openUntil;
    private boolean probeInFlight;

    public CircuitBreaker(int threshold, long openMs, LongSupplier clock) {
        this.threshold = threshold;
        this.openMs = openMs;
        this.clock = clock;
    }

    /** 0 when a call may go now; otherwise how long to wait before asking again. */
    public synchronized long waitBeforeCall() {
        if (consecutiveFailures < threshold) {
            return 0;
        }
        long now = clock.getAsLong();
        if (now < openUntil) {
            return openUntil - now;
        }
        if (probeInFlight) {
            return Math.max(1, openMs / 4);
        }
        probeInFlight = true;
        return 0;
    }

    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    public synchronized void onFailure() {
        consecutiveFailures++;
        probeInFlight = false;
        if (consecutiveFailures >= threshold) {
            openUntil = clock.getAsLong() + openMs;
        }
    }

    public synchronized boolean isOpen() {
        return consecutiveFailures >= threshold;
    }
}
