package dev.cxq.job.sink.webhook;

import java.io.Serializable;

/**
 * Where the webhook sink records the outcome of each message: {@code webhook_deliveries} rows.
 * Created once per sink subtask; called from HTTP client threads.
 */
public interface DeliveryLog extends Serializable {

    /** Opens the log for one sink writer; {@code writerId} is unique per endpoint and subtask. */
    void open(String writerId) throws Exception;

    /**
     * Records an outcome. The JDBC log never throws (a database that is down must not stop
     * deliveries).
     *
     * @param deliveredAtMillis when the endpoint accepted the message, or null when it failed
     */
    void record(WebhookMessage message, String endpoint, Long deliveredAtMillis);

    void close();
}
