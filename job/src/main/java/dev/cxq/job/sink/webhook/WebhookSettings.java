package dev.cxq.job.sink.webhook;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where alert transitions are sent, and how.
 *
 * @param endpoints one delivery worker each; empty for no webhooks (and no outbox)
 * @param options the delivery policy shared by all endpoints
 * @param environment the {@code environment} field of every body
 */
public record WebhookSettings(
        List<WebhookEndpoint> endpoints, WebhookDeliveryOptions options, String environment)
        implements Serializable {

    /** These settings with one endpoint more. */
    public WebhookSettings plus(WebhookEndpoint endpoint) {
        List<WebhookEndpoint> all = new ArrayList<>(endpoints);
        all.add(endpoint);
        return new WebhookSettings(List.copyOf(all), options, environment);
    }

    public static WebhookSettings none() {
        return new WebhookSettings(List.of(), WebhookDeliveryOptions.defaults(), "production");
    }
}
