package dev.cxq.job.delivery;

import dev.cxq.job.http.Backoff;
import dev.cxq.job.http.CircuitBreaker;

import java.time.Duration;
import java.util.List;

/**
 * The one delivery loop of alert webhooks and metric sync: drains a queue oldest first, a batch at
 * a time, and sends each unit (a webhook transition, a batch of metric rows) until the endpoint
 * settles it. Every call waits for the endpoint's circuit breaker; a call that did not settle its
 * unit is made again after a backoff (exponential with full jitter, or the endpoint's {@code
 * Retry-After}, capped). What a unit is, how its call is made, recorded and judged is the {@link
 * Sender}'s; the loop only orders, waits and counts.
 *
 * @param <T> what one call sends
 */
public final class DeliveryLoop<T> {

    /** Why a drain ended. */
    public enum End {
        /** The queue is empty. */
        DRAINED,
        /** The endpoint is down and the loop was told to stop when it is. */
        ENDPOINT_DOWN
    }

    /**
     * The units waiting, oldest first: the next batch of them, empty when none is left. Read from
     * where the units are kept each time, so a settled unit is no longer among them and one queued
     * meanwhile is.
     */
    public interface Queue<T> {
        List<T> next() throws Exception;
    }

    /** Makes one call for a unit, records it, and says what it showed. */
    public interface Sender<T> {

        /**
         * @param attempt the unit's call number, from 1
         */
        Verdict call(T unit, int attempt) throws Exception;
    }

    /**
     * What one call showed.
     *
     * @param done the unit is settled (delivered, or refused for good): the next one follows
     * @param endpointUp the endpoint answered as an endpoint that is up (closes the breaker); else
     *     the call counts towards opening it
     * @param atOnce the call is made again at once, without backoff (a refreshed credential)
     * @param retryAfter the endpoint's {@code Retry-After}, or null
     */
    public record Verdict(boolean done, boolean endpointUp, boolean atOnce, String retryAfter) {

        public static Verdict settled() {
            return new Verdict(true, true, false, null);
        }

        /** Not settled: called again after a backoff. */
        public static Verdict retry(boolean endpointUp, String retryAfter) {
            return new Verdict(false, endpointUp, false, retryAfter);
        }

        /** Not settled: called again at once. */
        public static Verdict again() {
            return new Verdict(false, true, true, null);
        }
    }

    /** How the loop waits, and whether it should stop waiting for an endpoint that is down. */
    public interface Pause {

        /** Waits up to {@code millis}; less when the loop is told to finish. */
        void sleep(long millis) throws InterruptedException;

        /** Whether a drain should end, leaving its units queued, once the circuit is open. */
        boolean stopWhenDown();
    }

    /** A pause that always waits in full and never stops for an endpoint that is down. */
    public static final Pause UNTIL_SETTLED =
            new Pause() {
                @Override
                public void sleep(long millis) throws InterruptedException {
                    Thread.sleep(millis);
                }

                @Override
                public boolean stopWhenDown() {
                    return false;
                }
            };

    private final CircuitBreaker breaker;
    private final Backoff backoff;
    private final Pause pause;

    /**
     * @param breakerThreshold consecutive failed calls that open the endpoint's circuit
     * @param breakerOpen how long an open circuit holds calls back before one probe
     */
    public DeliveryLoop(int breakerThreshold, Duration breakerOpen, Backoff backoff, Pause pause) {
        this.breaker =
                new CircuitBreaker(
                        breakerThreshold, breakerOpen.toMillis(), System::currentTimeMillis);
        this.backoff = backoff;
        this.pause = pause;
    }

    /** Sends every unit of {@code queue}, oldest first, one at a time. */
    public End drain(Queue<T> queue, Sender<T> sender) throws Exception {
        for (List<T> batch = queue.next(); !batch.isEmpty(); batch = queue.next()) {
            for (T unit : batch) {
                Delivery delivery = deliver(unit, sender);
                if (delivery == Delivery.STOPPED) {
                    return End.ENDPOINT_DOWN;
                }
                if (delivery == Delivery.AFTER_RETRIES) {
                    // Units queued while this one waited (an outage) may be older than the rest of
                    // the batch: read the queue again, so oldest first still holds.
                    break;
                }
            }
        }
        return End.DRAINED;
    }

    /** How one unit's delivery ended. */
    private enum Delivery {
        FIRST_CALL,
        AFTER_RETRIES,
        /** Told to stop while the endpoint is down; the unit stays queued. */
        STOPPED
    }

    /** Calls until the endpoint settles {@code unit}, or it is told to stop while it is down. */
    private Delivery deliver(T unit, Sender<T> sender) throws Exception {
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            for (long wait = breaker.waitBeforeCall(); wait > 0; wait = breaker.waitBeforeCall()) {
                // Circuit open: no call, nothing counted.
                if (pause.stopWhenDown()) {
                    return Delivery.STOPPED;
                }
                pause.sleep(wait);
            }
            Verdict verdict = sender.call(unit, attempt);
            if (verdict.endpointUp()) {
                breaker.onSuccess();
            } else {
                breaker.onFailure();
            }
            if (verdict.done()) {
                return failures == 0 ? Delivery.FIRST_CALL : Delivery.AFTER_RETRIES;
            }
            if (verdict.atOnce()) {
                continue;
            }
            failures++;
            if (breaker.isOpen() && pause.stopWhenDown()) {
                return Delivery.STOPPED;
            }
            pause.sleep(
                    backoff.delayMs(failures, verdict.retryAfter(), System.currentTimeMillis()));
        }
    }

    /** Whether the endpoint's circuit is open now (calls held back, one probe per period). */
    public boolean breakerOpen() {
        return breaker.isOpen();
    }
}
