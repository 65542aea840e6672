package dev.cxq.job.sink.webhook;

import java.io.Serializable;
import java.time.Duration;

/**
 * Delivery policy of the webhook sink.
 *
 * @param maxAttempts calls per message before it may be given up (retryable failures only)
 * @param retryWindow time since its first call before a message may be given up: a message is given
 *     up only when both {@code maxAttempts} and this are used up, so an outage shorter than the
 *     window loses nothing however many calls fail in it
 * @param initialBackoff first retry delay; doubles per attempt, with full jitter
 * @param maxBackoff cap of a retry delay, also of an honoured {@code Retry-After}
 * @param maxInFlightRequests concurrent calls per sink subtask
 * @param requestTimeout timeout of one call
 * @param breakerFailureThreshold consecutive failed calls that open the circuit
 * @param breakerOpenDuration how long an open circuit refuses calls before one probe
 * @param failJobWhenExhausted fail the job instead of recording the failure and moving on
 */
public record WebhookSinkOptions(
        int maxAttempts,
        Duration retryWindow,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxInFlightRequests,
        Duration requestTimeout,
        int breakerFailureThreshold,
        Duration breakerOpenDuration,
        boolean failJobWhenExhausted)
        implements Serializable {

    public WebhookSinkOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhook max attempts must be 1 or more");
        }
        if (retryWindow.isNegative()) {
            throw new IllegalArgumentException("webhook retry window must not be negative");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "webhook backoff must satisfy 0 <= initial <= max, got "
                            + initialBackoff
                            + " and "
                            + maxBackoff);
        }
        if (maxInFlightRequests < 1) {
            throw new IllegalArgumentException("webhook max in-flight requests must be 1 or more");
        }
        if (breakerFailureThreshold < 1) {
            throw new IllegalArgumentException("webhook breaker threshold must be 1 or more");
        }
        if (breakerOpenDuration.isNegative() || breakerOpenDuration.isZero()) {
            throw new IllegalArgumentException(
                    "webhook breaker open duration must be positive, got " + breakerOpenDuration);
        }
    }

    public static WebhookSinkOptions defaults() {
        return new WebhookSinkOptions(
                10,
                Duration.ofMinutes(10),
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                16,
                Duration.ofSeconds(10),
                5,
                Duration.ofSeconds(15),
                false);
    }
}
