package dev.cxq.job.sink.webhook;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the delivery worker calls an endpoint. A transition answered with a retryable failure stays
 * in the outbox and is tried again; nothing is given up for an endpoint being down, however long.
 *
 * @param initialBackoff the first retry delay's ceiling (exponential, full jitter)
 * @param maxBackoff the cap of one retry delay and of an honoured {@code Retry-After}
 * @param requestTimeout the connect and response timeout of one call
 * @param breakerFailureThreshold consecutive failed calls that open the endpoint's circuit
 * @param breakerOpenDuration how long an open circuit holds calls back before one probe
 * @param pollInterval how often an idle worker looks for new transitions
 */
public record WebhookDeliveryOptions(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration requestTimeout,
        int breakerFailureThreshold,
        Duration breakerOpenDuration,
        Duration pollInterval)
        implements Serializable {

    public WebhookDeliveryOptions {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "webhook backoff must satisfy 0 <= initial <= max, got "
                            + initialBackoff
                            + " and "
                            + maxBackoff);
        }
        if (breakerFailureThreshold < 1) {
            throw new IllegalArgumentException("webhook breaker threshold must be 1 or more");
        }
        if (breakerOpenDuration.isNegative() || breakerOpenDuration.isZero()) {
            throw new IllegalArgumentException(
                    "webhook breaker open duration must be positive, got " + breakerOpenDuration);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(
                    "webhook poll interval must be positive, got " + pollInterval);
        }
    }

    public static WebhookDeliveryOptions defaults() {
        return new WebhookDeliveryOptions(
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                5,
                Duration.ofSeconds(15),
                Duration.ofSeconds(1));
    }
}
