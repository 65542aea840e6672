package dev.cxq.job.sink.webhook;

import java.io.Serializable;

/**
 * One alert transition to deliver: a row of the webhook outbox ({@code webhook_outbox}).
 *
 * @param incidentKey the incident
 * @param state the transition ({@code firing}, {@code resolved})
 * @param eventTimeMillis when it fired or resolved (event time): the delivery order
 * @param body the JSON body, sent as it is
 */
public record WebhookMessage(String incidentKey, String state, long eventTimeMillis, String body)
        implements Serializable {

    /** The contract's {@code X-Idempotency-Key}: incident key, colon, state. */
    public String idempotencyKey() {
        return incidentKey + ":" + state;
    }
}
