package dev.cxq.job.sink.webhook;

import java.util.List;

/**
 * The webhook outbox as one endpoint's worker sees it: the transitions the endpoint has not settled
 * (delivered or refused for good), oldest first, and where each call's outcome is recorded ({@code
 * webhook_deliveries}). Used by one worker thread; not thread-safe.
 */
interface Outbox extends AutoCloseable {

    /**
     * Whether this worker may drain the endpoint now: false while another worker (another process)
     * drains it, so that no transition is sent by two workers at once.
     */
    boolean claim() throws Exception;

    /** Up to {@code limit} unsettled transitions, by event time, then idempotency key. */
    List<WebhookMessage> pending(int limit) throws Exception;

    /** How many transitions are not settled. */
    long queued() throws Exception;

    /**
     * Records one call's outcome; the first settling outcome is final.
     *
     * @param status the HTTP status, or -1 when no answer came
     * @param outcome what the call settled
     */
    void record(WebhookMessage message, int status, Outcome outcome) throws Exception;

    /** What a call settled. */
    enum Outcome {
        /** Answered 2xx. */
        DELIVERED,
        /** Refused with a status that is not retried: not sent again. */
        REFUSED,
        /** Retryable failure: still pending. */
        FAILED
    }
}
