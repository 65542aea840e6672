package dev.cxq.job.testing;

import dev.cxq.job.sink.webhook.WebhookEndpoint;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook endpoint on loopback that answers 200 at {@code /hooks/cxq} and keeps the {@code
 * X-Idempotency-Key} of every call in arrival order. Started on a port chosen before, so that until
 * then the port refuses connections (an endpoint that is down).
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> callsPerKey = new ConcurrentHashMap<>();

    private WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext(
                "/hooks/cxq",
                exchange -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        in.readAllBytes();
                    }
                    String key =
                            exchange.getRequestHeaders()
                                    .getFirst(WebhookEndpoint.IDEMPOTENCY_HEADER);
                    received.add(key);
                    callsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
    }

    /** Starts answering on {@code port}. */
    public static WebhookReceiver start(int port) throws IOException {
        return new WebhookReceiver(port);
    }

    /** The URL of the endpoint at {@code port}, up or not. */
    public static String url(int port) {
        return "http://127.0.0.1:" + port + "/hooks/cxq";
    }

    /** The idempotency keys of the calls, in arrival order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Calls per idempotency key. */
    public Map<String, Integer> callsPerKey() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        callsPerKey.forEach((key, n) -> counts.put(key, n.get()));
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
