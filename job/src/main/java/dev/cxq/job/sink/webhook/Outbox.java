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

    /** The transitions not settled: how many, and the oldest one's event time. */
    Backlog backlog() throws Exception;

    /**
     * Records one call's outcome; the first settling outcome is final.
     *
     * @param status the HTTP status, or -1 when no answer came
     * @param outcome what the call settled
     */
    void record(WebhookMessage message, int status, Outcome outcome) throws Exception;

    /**
     * @param queued transitions not settled
     * @param oldestEventTimeMillis the event time of the oldest of them, or null when none
     */
    record Backlog(long queued, Long oldestEventTimeMillis) {}

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
