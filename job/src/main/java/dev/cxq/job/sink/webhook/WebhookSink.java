package dev.cxq.job.sink.webhook;

import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Delivers {@link WebhookMessage}s to one HTTP endpoint (one sink per endpoint, so each has its own
 * circuit breaker and in-flight budget).
 *
 * <p>Guarantee: at-least-once delivery, effectively once for an endpoint that honours {@code
 * X-Idempotency-Key}. Messages not yet acknowledged are part of the checkpoint (the writer's
 * buffered state) and are sent again after a restore. Retryable failures (429, 502, 503, 504, I/O
 * errors and timeouts) are retried with exponential backoff and full jitter, honouring {@code
 * Retry-After}; a message waiting for its retry is checkpointed but does not hold up checkpoints.
 * Once it has used up both {@link WebhookSinkOptions#maxAttempts()} and {@link
 * WebhookSinkOptions#retryWindow()} the failure is recorded in the delivery log and the message
 * dropped (or the job failed, when so configured). Other statuses are permanent failures, recorded
 * at once. Every outcome goes to the {@link DeliveryLog}.
 */
public final class WebhookSink extends AsyncSinkBase<WebhookMessage, WebhookMessage> {

    private static final long serialVersionUID = 1L;

    private final WebhookEndpoint endpoint;
    private final WebhookSinkOptions options;
    private final DeliveryLog deliveryLog;

    public WebhookSink(
            WebhookEndpoint endpoint, WebhookSinkOptions options, DeliveryLog deliveryLog) {
        super(
                (ElementConverter<WebhookMessage, WebhookMessage>) (message, context) -> message,
                1,
                options.maxInFlightRequests(),
                10_000,
                4L << 20,
                100,
                1L << 20,
                writerTimeoutMs(options),
                false);
        this.endpoint = endpoint;
        this.options = options;
        this.deliveryLog = deliveryLog;
    }

    /**
     * Longer than one call (connect plus request timeout), so the writer never times out a call the
     * HTTP client is still bounding; retry waits are not requests (see the writer).
     */
    private static long writerTimeoutMs(WebhookSinkOptions options) {
        return 2 * options.requestTimeout().toMillis() + 10_000;
    }

    @Override
    public StatefulSinkWriter<WebhookMessage, BufferedRequestState<WebhookMessage>> createWriter(
            WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<WebhookMessage, BufferedRequestState<WebhookMessage>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<WebhookMessage>> states)
            throws IOException {
        return new WebhookSinkWriter(
                getElementConverter(),
                context,
                getMaxBatchSize(),
                getMaxInFlightRequests(),
                getMaxBufferedRequests(),
                getMaxBatchSizeInBytes(),
                getMaxTimeInBufferMS(),
                getMaxRecordSizeInBytes(),
                getRequestTimeoutMS(),
                states,
                endpoint,
                options,
                deliveryLog);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<WebhookMessage>>
            getWriterStateSerializer() {
        return new WebhookMessageStateSerializer();
    }
}
