package dev.cxq.job.sink.webhook;

import java.io.Serializable;

/**
 * Where the webhook sink records the outcome of each message: {@code webhook_deliveries} rows.
 * Created once per sink subtask; called from HTTP client threads.
 */
public interface DeliveryLog extends Serializable {

    void open() throws Exception;

    /**
     * Records an outcome; never throws (a delivery log that is down must not stop deliveries).
     *
     * @param deliveredAtMillis when the endpoint accepted the message, or null when it failed
     */
    void record(WebhookMessage message, String endpoint, Long deliveredAtMillis);

    void close();
}
