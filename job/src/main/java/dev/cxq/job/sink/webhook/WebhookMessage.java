package dev.cxq.job.sink.webhook;

import java.io.Serializable;

/**
 * One webhook call: an incident transition and its JSON body. Also the sink's buffered request
 * entry, so it carries the delivery attempts made so far and the last HTTP status.
 *
 * @param incidentKey the incident
 * @param state the transition ({@code firing}, {@code resolved})
 * @param body the JSON body
 * @param attempts calls already made
 * @param lastStatus HTTP status of the last call, or -1 for an I/O error or none yet
 * @param firstAttemptMillis wall-clock time of the first call, 0 before it (the retry window counts
 *     from it)
 */
public record WebhookMessage(
        String incidentKey,
        String state,
        String body,
        int attempts,
        int lastStatus,
        long firstAttemptMillis)
        implements Serializable {

    public WebhookMessage(String incidentKey, String state, String body) {
        this(incidentKey, state, body, 0, -1, 0);
    }

    /** The contract's {@code X-Idempotency-Key}: incident key, colon, state. */
    public String idempotencyKey() {
        return incidentKey + ":" + state;
    }

    WebhookMessage afterAttempt(int status, long nowMillis) {
        return new WebhookMessage(
                incidentKey,
                state,
                body,
                attempts + 1,
                status,
                firstAttemptMillis == 0 ? nowMillis : firstAttemptMillis);
    }
}
