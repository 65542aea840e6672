package dev.cxq.job.sink.webhook;

import dev.cxq.job.http.Backoff;
import dev.cxq.job.http.CircuitBreaker;
import dev.cxq.job.secret.Redaction;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one message per request with {@code java.net.http}; see {@link WebhookSink}.
 *
 * <p>A message waiting for a retry (backoff, {@code Retry-After}, open circuit) is not an in-flight
 * request: its request completes at once and the message waits in {@link #waiting}, which is part
 * of the checkpointed state, until a timer puts it back into the writer's buffer. Checkpoint
 * barriers therefore wait for the calls on the wire only (each bounded by the request timeout),
 * never for a backoff or an outage of the endpoint.
 */
final class WebhookSinkWriter extends AsyncSinkWriter<WebhookMessage, WebhookMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSinkWriter.class);

    /** The statuses the contract retries; any other non-2xx status is a permanent failure. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

    private final WebhookEndpoint endpoint;

    /** The endpoint's URL, token and signing key, read from their locations at open. */
    private final URI url;

    private final String token;
    private final byte[] signingKey;

    private final WebhookSinkOptions options;
    private final DeliveryLog deliveryLog;
    private final HttpClient client;
    private final Backoff backoff;
    private final CircuitBreaker breaker;
    private final ScheduledExecutorService retryTimer;
    private final MailboxExecutor mailbox;
    private final int maxWaiting;

    /** Messages waiting for their retry, by park order; written by HTTP threads. */
    private final ConcurrentSkipListMap<Long, WebhookMessage> waiting =
            new ConcurrentSkipListMap<>();

    private final AtomicLong parkSequence = new AtomicLong();

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
        this.url = endpoint.resolveUrl();
        endpoint.checkTransport(url);
        this.token = endpoint.token() == null ? null : endpoint.token().read();
        this.signingKey =
                endpoint.signingSecret() == null
                        ? null
                        : WebhookSignature.key(endpoint.signingSecret().read());
        this.options = options;
        this.deliveryLog = deliveryLog;
        this.mailbox = context.getMailboxExecutor();
        this.maxWaiting = maxBufferedRequests;
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
                            Thread t = new Thread(r, "webhook-retry-" + endpoint.id());
                            t.setDaemon(true);
                            return t;
                        });
        MetricGroup metrics = context.metricGroup().addGroup("cxq");
        this.sent = metrics.counter("webhookSent");
        this.delivered = metrics.counter("webhookDelivered");
        this.retried = metrics.counter("webhookRetried");
        this.failed = metrics.counter("webhookFailed");
        metrics.gauge("webhookWaitingRetries", waiting::size);
        try {
            deliveryLog.open(endpoint.id() + "-" + context.getTaskInfo().getIndexOfThisSubtask());
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
            park(message, wait);
            result.complete();
            return;
        }
        sent.inc();
        client.sendAsync(request(message), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> onOutcome(message, response, error, result));
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

    private void onOutcome(
            WebhookMessage message,
            HttpResponse<Void> response,
            Throwable error,
            ResultHandler<WebhookMessage> result) {
        int status = response == null ? -1 : response.statusCode();
        long now = System.currentTimeMillis();
        WebhookMessage attempted = message.afterAttempt(status, now);
        if (status >= 200 && status < 300) {
            breaker.onSuccess();
            delivered.inc();
            deliveryLog.record(attempted, endpoint.id(), now);
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
        if (retryable && !budgetUsedUp(attempted, now)) {
            retried.inc();
            String retryAfter =
                    response == null
                            ? null
                            : response.headers().firstValue("Retry-After").orElse(null);
            // Parked before the request completes: a checkpoint, which waits for the request,
            // always finds the message either in flight or waiting.
            park(attempted, backoff.delayMs(attempted.attempts(), retryAfter, now));
            result.complete();
            return;
        }
        failed.inc();
        deliveryLog.record(attempted, endpoint.id(), null);
        // An I/O error's text might quote the URL, whose path may be a credential.
        String why =
                error != null
                        ? Redaction.without(error.toString(), url.toString())
                        : "HTTP " + status;
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

    /** Given up only when both the attempts and the retry window are used up. */
    private boolean budgetUsedUp(WebhookMessage attempted, long now) {
        return attempted.attempts() >= options.maxAttempts()
                && now - attempted.firstAttemptMillis() >= options.retryWindow().toMillis();
    }

    /** Holds {@code message} back for {@code delayMs}, then hands it to the buffer again. */
    private void park(WebhookMessage message, long delayMs) {
        long id = parkSequence.incrementAndGet();
        waiting.put(id, message);
        retryTimer.schedule(
                () -> mailbox.execute(() -> release(id), "webhook retry"),
                delayMs,
                TimeUnit.MILLISECONDS);
    }

    private void release(long id) throws IOException, InterruptedException {
        WebhookMessage message = waiting.remove(id);
        if (message != null) {
            super.write(message, null);
        }
    }

    @Override
    public void write(WebhookMessage message, Context context)
            throws IOException, InterruptedException {
        // Back-pressure instead of unbounded memory when the endpoint stays down.
        while (waiting.size() >= maxWaiting) {
            mailbox.yield();
        }
        super.write(message, context);
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput);
        // A bounded input ends only when its waiting retries are delivered or given up too.
        while (endOfInput && !waiting.isEmpty()) {
            mailbox.yield();
            super.flush(true);
        }
    }

    @Override
    public List<BufferedRequestState<WebhookMessage>> snapshotState(long checkpointId) {
        List<BufferedRequestState<WebhookMessage>> state =
                new ArrayList<>(super.snapshotState(checkpointId));
        List<RequestEntryWrapper<WebhookMessage>> parked = new ArrayList<>();
        for (WebhookMessage message : waiting.values()) {
            parked.add(new RequestEntryWrapper<>(message, getSizeInBytes(message)));
        }
        if (!parked.isEmpty()) {
            state.add(new BufferedRequestState<>(parked));
        }
        return state;
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
}
