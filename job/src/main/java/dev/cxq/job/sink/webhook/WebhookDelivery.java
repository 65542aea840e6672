package dev.cxq.job.sink.webhook;

import dev.cxq.job.delivery.DeliveryLoop;
import dev.cxq.job.delivery.DeliveryLoop.End;
import dev.cxq.job.delivery.DeliveryLoop.Verdict;
import dev.cxq.job.http.Backoff;
import dev.cxq.job.secret.Redaction;
import dev.cxq.job.sink.webhook.Outbox.Outcome;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

/**
 * One endpoint's delivery worker: sends the endpoint's unsettled outbox transitions one at a time,
 * oldest first, on its own thread, and records every call's outcome on that same thread. The order,
 * the breaker and the backoff are the shared {@link DeliveryLoop}'s; this class makes and judges
 * one call.
 *
 * <p>A call answered 429, 502, 503 or 504, or failing with an I/O error or its timeout, leaves the
 * transition pending: it is called again after a backoff (exponential with full jitter, or the
 * {@code Retry-After}, capped), and the transitions behind it wait, so the order holds. After
 * {@code breakerFailureThreshold} consecutive failures the circuit opens: no call for {@code
 * breakerOpenDuration}, then one probe. Nothing is given up for an endpoint being down: the queue
 * is rows, and only the head's calls are counted. Any other non-2xx status refuses the transition
 * for good ({@code refused_at}); the next one follows.
 */
final class WebhookDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

    /** The statuses the contract retries; any other non-2xx status is a permanent refusal. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

    private static final int BATCH = 500;

    /** Why a pass ended. */
    enum Pass {
        /** Nothing is pending. */
        DRAINED,
        /** The endpoint is down and the worker was told to stop when it is. */
        ENDPOINT_DOWN,
        /** Another worker holds the endpoint. */
        BUSY
    }

    private final WebhookEndpoint endpoint;
    private final URI url;
    private final String token;
    private final byte[] signingKey;
    private final WebhookDeliveryOptions options;
    private final Outbox outbox;
    private final HttpClient client;
    private final DeliveryLoop<WebhookMessage> loop;

    // Written by the worker's thread only; volatile for the metrics endpoint's reads.
    private volatile long delivered;
    private volatile long refused;
    private volatile long failedCalls;

    WebhookDelivery(
            WebhookEndpoint endpoint,
            WebhookDeliveryOptions options,
            Outbox outbox,
            DeliveryLoop.Pause pause) {
        this.endpoint = endpoint;
        this.url = endpoint.resolveUrl();
        endpoint.checkTransport(url);
        this.token = endpoint.token() == null ? null : endpoint.token().read();
        this.signingKey =
                endpoint.signingSecret() == null
                        ? null
                        : WebhookSignature.key(endpoint.signingSecret().read());
        this.options = options;
        this.outbox = outbox;
        this.client = HttpClient.newBuilder().connectTimeout(options.requestTimeout()).build();
        this.loop =
                new DeliveryLoop<>(
                        options.breakerFailureThreshold(),
                        options.breakerOpenDuration(),
                        new Backoff(options.initialBackoff(), options.maxBackoff()),
                        pause);
    }

    /**
     * Delivers until nothing is pending; while the endpoint is down it waits, unless {@link
     * DeliveryLoop.Pause#stopWhenDown()}.
     */
    Pass pass() throws Exception {
        if (!outbox.claim()) {
            return Pass.BUSY;
        }
        End end = loop.drain(() -> outbox.pending(BATCH), this::call);
        return end == End.DRAINED ? Pass.DRAINED : Pass.ENDPOINT_DOWN;
    }

    /** One call for {@code message}, recorded in the outbox. */
    private Verdict call(WebhookMessage message, int attempt) throws Exception {
        int status;
        String retryAfter = null;
        String error = null;
        try {
            HttpResponse<Void> response =
                    client.send(request(message), HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        } catch (IOException e) {
            status = -1;
            // An I/O error's text might quote the URL, whose path may be a credential.
            error = Redaction.without(e.toString(), url.toString());
        }
        if (status >= 200 && status < 300) {
            outbox.record(message, status, Outcome.DELIVERED);
            delivered++;
            return Verdict.settled();
        }
        if (error == null && !RETRYABLE.contains(status)) {
            // The endpoint answered: it is up, the message is what it refused.
            outbox.record(message, status, Outcome.REFUSED);
            refused++;
            LOG.warn(
                    "Webhook {} refused by {} with HTTP {}",
                    message.idempotencyKey(),
                    endpoint,
                    status);
            return Verdict.settled();
        }
        outbox.record(message, status, Outcome.FAILED);
        failedCalls++;
        LOG.debug(
                "Webhook {} to {}, call {}: {}",
                message.idempotencyKey(),
                endpoint,
                attempt,
                error != null ? error : "HTTP " + status);
        return Verdict.retry(false, retryAfter);
    }

    /**
     * One call. Its {@code webhook-id} is the idempotency key, the same on every retry; its {@code
     * webhook-timestamp} is the time of this call, so each retry is signed anew.
     */
    private HttpRequest request(WebhookMessage message) {
        String id = message.idempotencyKey();
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(url)
                        .timeout(options.requestTimeout())
                        .header("Content-Type", "application/json")
                        .header(WebhookEndpoint.IDEMPOTENCY_HEADER, id)
                        .header(WebhookSignature.ID_HEADER, id)
                        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                        .POST(HttpRequest.BodyPublishers.ofString(message.body()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (signingKey != null) {
            builder.header(
                    WebhookSignature.SIGNATURE_HEADER,
                    WebhookSignature.sign(signingKey, id, timestamp, message.body()));
        }
        return builder.build();
    }

    WebhookEndpoint endpoint() {
        return endpoint;
    }

    Outbox outbox() {
        return outbox;
    }

    long delivered() {
        return delivered;
    }

    long refused() {
        return refused;
    }

    long failedCalls() {
        return failedCalls;
    }

    /** Every call made, whatever its outcome. */
    long calls() {
        return delivered + refused + failedCalls;
    }

    boolean breakerOpen() {
        return loop.breakerOpen();
    }
}
