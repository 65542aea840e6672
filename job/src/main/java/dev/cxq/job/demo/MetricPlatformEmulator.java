package dev.cxq.job.demo;

import dev.cxq.job.metricsync.MetricSyncPlatform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A local Genesys Cloud custom-report-data or NICE CXone data-import endpoint that enforces the
 * documented limits: the batch size (413 above it; 400 for a Genesys request without {@code
 * overwrite: true}), the tenant's rate limit over a sliding window (429 with {@code Retry-After}
 * for every request over it, counted), OAuth client-credentials tokens that expire after their
 * lifetime or after a number of uses (401). Scripted answers inject 429 and 5xx bursts. Its store
 * keeps the newest record per key, as the platforms' upsert does. The clock is injectable, so tests
 * cross windows and token lifetimes without waiting.
 *
 * <p>One emulator for the demo (which syncs its metrics to it, in-process) and the metric sync's
 * tests; its figures are public for both to read.
 */
public final class MetricPlatformEmulator implements AutoCloseable {

    public static final String CLIENT_ID = "cxq-metric-sync";
    public static final String CLIENT_SECRET = "metric-sync-secret-for-tests";
    public static final String TOKEN_PATH = "/oauth/token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricSyncPlatform platform;
    private final String dataPath;
    private final int rateLimit;
    private final Duration rateWindow;
    private final Duration tokenLifetime;
    private final int usesPerToken;
    private final LongSupplier clock;
    private final HttpServer server;

    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private final Map<String, Long> tokenExpiry = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tokenUses = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> scripted = new ConcurrentHashMap<>();

    /** The newest record per key: id (Genesys) or interactionId/metricType/vN (NICE). */
    public final Map<String, JsonNode> store = new ConcurrentHashMap<>();

    /** The status of every data request, in arrival order. */
    public final List<Integer> answers = new CopyOnWriteArrayList<>();

    public final AtomicInteger dataRequests = new AtomicInteger();
    public final AtomicInteger overLimit = new AtomicInteger();
    public final AtomicInteger tokensIssued = new AtomicInteger();
    public final AtomicInteger expiredTokenCalls = new AtomicInteger();
    public final AtomicInteger batchesStored = new AtomicInteger();

    public MetricPlatformEmulator(
            MetricSyncPlatform platform,
            String dataPath,
            int rateLimit,
            Duration rateWindow,
            Duration tokenLifetime,
            int usesPerToken,
            LongSupplier clock)
            throws IOException {
        this.platform = platform;
        this.dataPath = dataPath;
        this.rateLimit = rateLimit;
        this.rateWindow = rateWindow;
        this.tokenLifetime = tokenLifetime;
        this.usesPerToken = usesPerToken;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(TOKEN_PATH, this::token);
        server.createContext(dataPath, this::data);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI tokenUrl() {
        return baseUrl().resolve(TOKEN_PATH);
    }

    /** Answers data request number {@code n} (from 1) with {@code status}, whatever it holds. */
    public void script(int n, int status) {
        scripted.put(n, status);
    }

    private void token(HttpExchange exchange) throws IOException {
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (CLIENT_ID + ":" + CLIENT_SECRET)
                                                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "{\"error\":\"invalid_client\"}", null);
            return;
        }
        String token = UUID.randomUUID().toString();
        tokenExpiry.put(token, clock.getAsLong() + tokenLifetime.toMillis());
        tokenUses.put(token, new AtomicInteger());
        tokensIssued.incrementAndGet();
        answer(
                exchange,
                200,
                "{\"access_token\":\""
                        + token
                        + "\",\"token_type\":\"bearer\",\"expires_in\":"
                        + tokenLifetime.toSeconds()
                        + "}",
                null);
    }

    private void data(HttpExchange exchange) throws IOException {
        int n = dataRequests.incrementAndGet();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        long now = clock.getAsLong();
        String retryAfter = admit(now);
        if (retryAfter != null) {
            overLimit.incrementAndGet();
            reply(exchange, 429, "{\"message\":\"rate limit exceeded\"}", retryAfter);
            return;
        }
        Integer injected = scripted.remove(n);
        if (injected != null) {
            reply(exchange, injected, "{\"message\":\"injected\"}", injected == 429 ? "1" : null);
            return;
        }
        if (!validToken(exchange, now)) {
            expiredTokenCalls.incrementAndGet();
            reply(exchange, 401, "{\"message\":\"token expired or unknown\"}", null);
            return;
        }
        JsonNode request = JSON.readTree(body);
        int status = platform == MetricSyncPlatform.GENESYS ? genesys(request) : nice(request);
        if (status == 200) {
            batchesStored.incrementAndGet();
        }
        reply(exchange, status, "{}", null);
    }

    /** Counts the arrival in the window; the {@code Retry-After} seconds when over the limit. */
    private synchronized String admit(long now) {
        long windowMs = rateWindow.toMillis();
        while (!arrivals.isEmpty() && arrivals.peekFirst() <= now - windowMs) {
            arrivals.pollFirst();
        }
        if (arrivals.size() >= rateLimit) {
            long waitMs = arrivals.peekFirst() + windowMs - now;
            return Long.toString(Math.max(1, (waitMs + 999) / 1000));
        }
        arrivals.addLast(now);
        return null;
    }

    private boolean validToken(HttpExchange exchange, long now) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
        Long expiry = tokenExpiry.get(token);
        return expiry != null
                && now < expiry
                && tokenUses.get(token).incrementAndGet() <= usesPerToken;
    }

    private int genesys(JsonNode request) {
        JsonNode records = request.path("records");
        if (!request.path("overwrite").asBoolean(false) || !records.isArray()) {
            return 400;
        }
        if (records.size() > platform.maxBatch()) {
            return 413;
        }
        for (JsonNode record : records) {
            store.put(record.path("id").asText(), record);
        }
        return 200;
    }

    private int nice(JsonNode request) {
        JsonNode rows = request.path("rows");
        JsonNode columns = request.path("columns");
        if (!rows.isArray() || !columns.isArray()) {
            return 400;
        }
        if (rows.size() > platform.maxBatch()) {
            return 413;
        }
        for (JsonNode row : rows) {
            ObjectNode record = JSON.createObjectNode();
            for (int i = 0; i < columns.size(); i++) {
                record.set(columns.get(i).asText(), row.get(i));
            }
            store.put(
                    record.path("interactionId").asText()
                            + "/"
                            + record.path("metricType").asText()
                            + "/v"
                            + record.path("metricVersion").asText(),
                    record);
        }
        return 200;
    }

    private void reply(HttpExchange exchange, int status, String body, String retryAfter)
            throws IOException {
        answers.add(status);
        answer(exchange, status, body, retryAfter);
    }

    private static void answer(HttpExchange exchange, int status, String body, String retryAfter)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
