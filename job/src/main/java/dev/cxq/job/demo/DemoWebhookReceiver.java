package dev.cxq.job.demo;

import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookDeliveryOptions;
import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSettings;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The demo's alert-webhook endpoint on 127.0.0.1, with a scripted outage: it answers 503 to every
 * call from the first one until {@link #OUTAGE} has passed, then 200. It counts what a receiver
 * would see: the calls it refused, the transitions it accepted (by {@code X-Idempotency-Key}) and
 * any key accepted twice, and, at the moment it recovers, how many transitions the outbox held for
 * it (the delivery worker is then waiting for this very answer, so the count is the whole backlog,
 * this call's transition included).
 */
final class DemoWebhookReceiver implements AutoCloseable {

    /** The endpoint's name in {@code webhook_deliveries} and in the delivery report. */
    static final String ENDPOINT_ID = "demo-receiver";

    /** How long the endpoint is down, from the first call it refuses. */
    static final Duration OUTAGE = Duration.ofSeconds(10);

    /**
     * The demo worker's policy: the defaults, but an open circuit lets a probe through after 3 s
     * instead of 15 s, so that the recovery shows within a 45 s demo.
     */
    static final WebhookDeliveryOptions DELIVERY =
            new WebhookDeliveryOptions(
                    Duration.ofMillis(200),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10),
                    5,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(1));

    private static final String PATH = "/hooks/cxq";

    private static final Logger LOG = LoggerFactory.getLogger(DemoWebhookReceiver.class);

    private final HttpServer server;
    private final Map<String, AtomicInteger> acceptedPerKey = new ConcurrentHashMap<>();
    private final AtomicInteger refusedCalls = new AtomicInteger();
    private volatile LongSupplier queued = () -> -1;

    // System.nanoTime() of the first refused and the first accepted call; 0 until then.
    private volatile long downSince;
    private volatile long recoveredAt;
    private volatile long queuedAtRecovery = -1;

    DemoWebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, this::call);
        server.start();
    }

    /** The endpoint the job's outbox is delivered to. */
    WebhookEndpoint endpoint() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
        return WebhookEndpoint.of(ENDPOINT_ID, url, null, null, null, false);
    }

    /**
     * The delivery worker of this endpoint on the demo's outbox, with {@link #DELIVERY}; the
     * receiver counts the outbox's backlog through it when it recovers.
     */
    WebhookDeliveries deliveries(DemoMetricSync.Source output) {
        // The environment names the bodies, which the job wrote: the worker does not read it.
        WebhookSettings settings = new WebhookSettings(List.of(endpoint()), DELIVERY, "demo");
        WebhookDeliveries deliveries =
                output.database() != null
                        ? WebhookDeliveries.of(settings, output.database())
                        : WebhookDeliveries.of(settings, output.outputDir());
        this.queued =
                () -> {
                    try {
                        return deliveries.queued(ENDPOINT_ID);
                    } catch (Exception e) {
                        LOG.warn("Cannot count the demo's queued webhooks: {}", e.getMessage());
                        return -1;
                    }
                };
        return deliveries;
    }

    // One call at a time: the worker sends one transition at a time to an endpoint.
    private synchronized void call(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        long now = System.nanoTime();
        if (downSince == 0) {
            downSince = now;
        }
        if (recoveredAt == 0 && now - downSince < OUTAGE.toNanos()) {
            refusedCalls.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        if (recoveredAt == 0) {
            recoveredAt = now;
            queuedAtRecovery = queued.getAsLong();
        }
        String key = exchange.getRequestHeaders().getFirst(WebhookEndpoint.IDEMPOTENCY_HEADER);
        acceptedPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    /** {@code System.nanoTime()} of the first refused call; 0 before any call. */
    long downSince() {
        return downSince;
    }

    /** {@code System.nanoTime()} of the first accepted call; 0 while down or before any call. */
    long recoveredAt() {
        return recoveredAt;
    }

    int refusedCalls() {
        return refusedCalls.get();
    }

    /** Transitions in the outbox not yet delivered when the endpoint came back; -1 before. */
    long queuedAtRecovery() {
        return queuedAtRecovery;
    }

    /** Distinct transitions accepted. */
    int delivered() {
        return acceptedPerKey.size();
    }

    /** Calls that delivered a transition already accepted. */
    int duplicates() {
        return acceptedPerKey.values().stream().mapToInt(n -> n.get() - 1).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
