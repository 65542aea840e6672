package dev.cxq.job.sink.webhook;

import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Sends one message per request with {@code java.net.http}; see {@link WebhookSink}. */
final class WebhookSinkWriter extends AsyncSinkWriter<WebhookMessage, WebhookMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSinkWriter.class);

    /** The statuses the contract retries; any other non-2xx status is a permanent failure. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

    private final WebhookEndpoint endpoint;
    private final WebhookSinkOptions options;
    private final DeliveryLog deliveryLog;
    private final HttpClient client;
    private final Backoff backoff;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService retryTimer;

    private final Counter sent;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;

    WebhookSinkWriter(
            ElementConverter<WebhookMessage, WebhookMessage> converter,
            WriterInitContext context,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMs,
            long maxRecordSizeInBytes,
            long writerTimeoutMs,
            Collection<BufferedRequestState<WebhookMessage>> states,
            WebhookEndpoint endpoint,
            WebhookSinkOptions options,
            DeliveryLog deliveryLog)
            throws IOException {
        super(
                converter,
                context,
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(maxBatchSize)
                        .setMaxBatchSizeInBytes(maxBatchSizeInBytes)
                        .setMaxInFlightRequests(maxInFlightRequests)
                        .setMaxBufferedRequests(maxBufferedRequests)
                        .setMaxTimeInBufferMS(maxTimeInBufferMs)
                        .setMaxRecordSizeInBytes(maxRecordSizeInBytes)
                        .setRequestTimeoutMS(writerTimeoutMs)
                        .setFailOnTimeout(false)
                        .build(),
                states);
        this.endpoint = endpoint;
        this.options = options;
        this.deliveryLog = deliveryLog;
        this.client = HttpClient.newBuilder().connectTimeout(options.requestTimeout()).build();
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        this.breaker =
                new CircuitBreaker(
                        options.breakerFailureThreshold(),
                        options.breakerOpenDuration().toMillis(),
                        System::currentTimeMillis);
        this.retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "webhook-retry-" + endpoint.url().getHost());
                            t.setDaemon(true);
                            return t;
                        });
        MetricGroup metrics = context.metricGroup().addGroup("cxq");
        this.sent = metrics.counter("webhookSent");
        this.delivered = metrics.counter("webhookDelivered");
        this.retried = metrics.counter("webhookRetried");
        this.failed = metrics.counter("webhookFailed");
        try {
            deliveryLog.open(
                    Integer.toHexString(endpoint.url().toString().hashCode())
                            + "-"
                            + context.getTaskInfo().getIndexOfThisSubtask());
        } catch (Exception e) {
            throw new IOException("cannot open the webhook delivery log", e);
        }
    }

    @Override
    protected void submitRequestEntries(
            List<WebhookMessage> entries, ResultHandler<WebhookMessage> result) {
        // Batches hold one message (maxBatchSize 1): one HTTP call each.
        WebhookMessage message = entries.get(0);
        long wait = breaker.waitBeforeCall();
        if (wait > 0) {
            // Circuit open: no call, no attempt spent; ask again when it may let a probe through.
            retryTimer.schedule(() -> result.retryForEntries(entries), wait, TimeUnit.MILLISECONDS);
            return;
        }
        sent.inc();
        client.sendAsync(request(message), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> onOutcome(message, response, error, result));
    }

    private HttpRequest request(WebhookMessage message) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(endpoint.url())
                        .timeout(options.requestTimeout())
                        .header("Content-Type", "application/json")
                        .header(WebhookEndpoint.IDEMPOTENCY_HEADER, message.idempotencyKey())
                        .POST(HttpRequest.BodyPublishers.ofString(message.body()));
        if (endpoint.bearerToken() != null) {
            builder.header("Authorization", "Bearer " + endpoint.bearerToken());
        }
        if (endpoint.signingSecret() != null) {
            builder.header(
                    WebhookEndpoint.SIGNATURE_HEADER,
                    "sha256=" + hmacSha256(endpoint.signingSecret(), message.body()));
        }
        return builder.build();
    }

    private void onOutcome(
            WebhookMessage message,
            HttpResponse<Void> response,
            Throwable error,
            ResultHandler<WebhookMessage> result) {
        int status = response == null ? -1 : response.statusCode();
        WebhookMessage attempted = message.afterAttempt(status);
        if (status >= 200 && status < 300) {
            breaker.onSuccess();
            delivered.inc();
            deliveryLog.record(attempted, endpoint.url().toString(), System.currentTimeMillis());
            result.complete();
            return;
        }
        boolean retryable = error != null || RETRYABLE.contains(status);
        if (retryable) {
            breaker.onFailure();
        } else {
            // The endpoint answered: it is up, the message is what it refused.
            breaker.onSuccess();
        }
        if (retryable && attempted.attempts() < options.maxAttempts()) {
            retried.inc();
            String retryAfter =
                    response == null
                            ? null
                            : response.headers().firstValue("Retry-After").orElse(null);
            long delay =
                    backoff.delayMs(attempted.attempts(), retryAfter, System.currentTimeMillis());
            retryTimer.schedule(
                    () -> result.retryForEntries(List.of(attempted)), delay, TimeUnit.MILLISECONDS);
            return;
        }
        failed.inc();
        deliveryLog.record(attempted, endpoint.url().toString(), null);
        String why = error != null ? error.toString() : "HTTP " + status;
        LOG.warn(
                "Webhook {} to {} failed after {} attempts: {}",
                attempted.idempotencyKey(),
                endpoint,
                attempted.attempts(),
                why);
        if (options.failJobWhenExhausted()) {
            result.completeExceptionally(
                    new IOException(
                            "webhook "
                                    + attempted.idempotencyKey()
                                    + " to "
                                    + endpoint
                                    + ": "
                                    + why));
        } else {
            result.complete();
        }
    }

    @Override
    protected long getSizeInBytes(WebhookMessage message) {
        return message.body().length();
    }

    @Override
    public void close() {
        super.close();
        retryTimer.shutdownNow();
        deliveryLog.close();
    }

    static String hmacSha256(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
