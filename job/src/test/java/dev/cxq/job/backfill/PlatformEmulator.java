package dev.cxq.job.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local emulators of the two APIs, built from their documented shapes: an OAuth 2 token endpoint
 * (client credentials, short-lived tokens, 401 for an expired one), Genesys Cloud's asynchronous
 * conversation-details jobs (availability, submit, QUEUED → PENDING → FULFILLED or FAILED, results
 * paged by cursor, every conversation with activity in the interval) and NICE CXone's completed
 * contacts (skip/top pages, totalRecords, 204 when empty). It enforces the tenant's rate limit
 * (counting every request over it, answered 429), and injects 429s with {@code Retry-After}, a 503
 * and one failing job. A gate can hold new job submissions, to stop a backfill at a known point.
 */
final class PlatformEmulator implements AutoCloseable {

    static final String CLIENT_ID = "cxq-backfill";
    static final String CLIENT_SECRET = "s3cret-for-tests";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<JsonNode> conversations;
    private final List<JsonNode> contacts;
    private final int rateLimit;
    private final Duration rateWindow;
    private final Duration tokenLifetime;

    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private final Map<String, Long> tokenExpiry = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger apiRequests = new AtomicInteger();

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger overLimit = new AtomicInteger();
    final AtomicInteger injected429 = new AtomicInteger();
    final AtomicInteger injected503 = new AtomicInteger();
    final AtomicInteger tokensIssued = new AtomicInteger();
    final AtomicInteger expiredTokenCalls = new AtomicInteger();
    final AtomicInteger pagesServed = new AtomicInteger();
    final AtomicInteger jobsFailed = new AtomicInteger();

    /** Intervals as asked for: Genesys job submissions, NICE first pages. */
    final List<String> intervalsRequested = new CopyOnWriteArrayList<>();

    /** Intervals whose last page was served. */
    final List<String> intervalsServed = new CopyOnWriteArrayList<>();

    private final String failingJobInterval;
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private int submissionsAllowed = Integer.MAX_VALUE;
    private int submissions;
    private int gateStatus;
    final AtomicInteger heldAtGate = new AtomicInteger();

    PlatformEmulator(
            List<JsonNode> conversations,
            List<JsonNode> contacts,
            int rateLimit,
            Duration rateWindow,
            Duration tokenLifetime,
            String failingJobInterval)
            throws IOException {
        this.conversations = conversations;
        this.contacts = contacts;
        this.rateLimit = rateLimit;
        this.rateWindow = rateWindow;
        this.tokenLifetime = tokenLifetime;
        this.failingJobInterval = failingJobInterval;
        this.failOnce.add(failingJobInterval);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Holds every Genesys job submission after the next {@code count} until {@link #openGate}. */
    synchronized void holdSubmissionsAfter(int count) {
        submissionsAllowed = submissions + count;
    }

    /** Lets the held submissions go on, answered with {@code status} (0: served normally). */
    synchronized void openGate(int status) {
        gateStatus = status;
        submissionsAllowed = Integer.MAX_VALUE;
        notifyAll();
    }

    /**
     * Forgets what was counted (not the data, nor the rate-limit window) and lets the failing
     * interval's next job fail again.
     */
    void resetCounts() {
        failOnce.add(failingJobInterval);
        for (AtomicInteger counter :
                List.of(
                        requests,
                        overLimit,
                        injected429,
                        injected503,
                        tokensIssued,
                        expiredTokenCalls,
                        pagesServed,
                        jobsFailed)) {
            counter.set(0);
        }
        intervalsRequested.clear();
        intervalsServed.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!withinRateLimit()) {
                overLimit.incrementAndGet();
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, 429, "{\"message\":\"rate limit exceeded\"}");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/oauth/token")) {
                token(exchange);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Long expiry = auth == null ? null : tokenExpiry.get(auth.replace("Bearer ", ""));
            if (expiry == null || System.currentTimeMillis() >= expiry) {
                expiredTokenCalls.incrementAndGet();
                send(exchange, 401, "{\"message\":\"token expired or unknown\"}");
                return;
            }
            // Scripted transient faults, by the number of the API call.
            int call = apiRequests.incrementAndGet();
            if (call % 17 == 5) {
                injected429.incrementAndGet();
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, 429, "{\"message\":\"too many requests\"}");
                return;
            }
            if (call % 23 == 11) {
                injected503.incrementAndGet();
                send(exchange, 503, "{\"message\":\"try again\"}");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (path.equals("/api/v2/analytics/conversations/details/jobs/availability")) {
                send(exchange, 200, "{\"dataAvailabilityDate\":\"2100-01-01T00:00:00.000Z\"}");
            } else if (path.equals("/api/v2/analytics/conversations/details/jobs")) {
                submit(exchange);
            } else if (path.startsWith("/api/v2/analytics/conversations/details/jobs/")) {
                String rest =
                        path.substring("/api/v2/analytics/conversations/details/jobs/".length());
                if (rest.endsWith("/results")) {
                    results(
                            exchange,
                            rest.substring(0, rest.length() - "/results".length()),
                            query);
                } else {
                    status(exchange, rest);
                }
            } else if (path.equals("/nice/contacts/completed")) {
                completedContacts(exchange, query);
            } else {
                send(exchange, 404, "{\"message\":\"no such resource " + path + "\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean withinRateLimit() {
        long now = System.nanoTime();
        while (!arrivals.isEmpty() && arrivals.peekFirst() <= now - rateWindow.toNanos()) {
            arrivals.pollFirst();
        }
        arrivals.addLast(now);
        return arrivals.size() <= rateLimit;
    }

    private void token(HttpExchange exchange) throws IOException {
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (CLIENT_ID + ":" + CLIENT_SECRET)
                                                .getBytes(StandardCharsets.UTF_8));
        String body = read(exchange.getRequestBody());
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                || !body.contains("grant_type=client_credentials")) {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = "token-" + tokensIssued.incrementAndGet() + "-" + System.nanoTime();
        tokenExpiry.put(token, System.currentTimeMillis() + tokenLifetime.toMillis());
        send(
                exchange,
                200,
                "{\"access_token\":\""
                        + token
                        + "\",\"token_type\":\"bearer\",\"expires_in\":"
                        + tokenLifetime.toSeconds()
                        + "}");
    }

    private void submit(HttpExchange exchange) throws IOException, InterruptedException {
        JsonNode query = JSON.readTree(read(exchange.getRequestBody()));
        String interval = query.path("interval").asText();
        synchronized (this) {
            if (++submissions > submissionsAllowed) {
                heldAtGate.incrementAndGet();
                while (submissions > submissionsAllowed) {
                    wait();
                }
                heldAtGate.decrementAndGet();
                if (gateStatus != 0) {
                    send(exchange, gateStatus, "{\"message\":\"the query is refused\"}");
                    return;
                }
            }
        }
        intervalsRequested.add(interval);
        String jobId = "job-" + jobs.size() + "-" + System.nanoTime();
        jobs.put(jobId, new Job(interval, failOnce.remove(interval)));
        send(exchange, 202, "{\"jobId\":\"" + jobId + "\"}");
    }

    private void status(HttpExchange exchange, String jobId) throws IOException {
        Job job = jobs.get(jobId);
        if (job == null) {
            send(exchange, 404, "{\"message\":\"no such job\"}");
            return;
        }
        // QUEUED, then PENDING, then the outcome.
        int polls = job.polls.incrementAndGet();
        String state = polls == 1 ? "QUEUED" : polls == 2 ? "PENDING" : job.outcome();
        if (state.equals("FAILED") && polls == 3) {
            jobsFailed.incrementAndGet();
        }
        send(
                exchange,
                200,
                "{\"state\":\""
                        + state
                        + "\""
                        + (state.equals("FAILED") ? ",\"errorMessage\":\"internal error\"" : "")
                        + "}");
    }

    private void results(HttpExchange exchange, String jobId, Map<String, String> query)
            throws IOException {
        Job job = jobs.get(jobId);
        if (job == null || !job.outcome().equals("FULFILLED") || job.polls.get() < 3) {
            send(exchange, 400, "{\"message\":\"the job is not fulfilled\"}");
            return;
        }
        String[] bounds = job.interval.split("/");
        long start = Instant.parse(bounds[0]).toEpochMilli();
        long end = Instant.parse(bounds[1]).toEpochMilli();
        List<JsonNode> active = new ArrayList<>();
        for (JsonNode c : conversations) {
            long cs = Instant.parse(c.path("conversationStart").asText()).toEpochMilli();
            long ce = Instant.parse(c.path("conversationEnd").asText()).toEpochMilli();
            if (cs < end && ce >= start) {
                active.add(c);
            }
        }
        int offset =
                query.containsKey("cursor")
                        ? Integer.parseInt(query.get("cursor").replace("after-", ""))
                        : 0;
        int size = Integer.parseInt(query.getOrDefault("pageSize", "100"));
        ObjectNode page = JSON.createObjectNode();
        ArrayNode list = page.putArray("conversations");
        active.subList(offset, Math.min(active.size(), offset + size)).forEach(list::add);
        if (offset + size < active.size()) {
            page.put("cursor", "after-" + (offset + size));
        } else {
            intervalsServed.add(job.interval);
        }
        page.put("dataAvailabilityDate", "2100-01-01T00:00:00.000Z");
        pagesServed.incrementAndGet();
        send(exchange, 200, page.toString());
    }

    private void completedContacts(HttpExchange exchange, Map<String, String> query)
            throws IOException {
        Instant start = Instant.parse(query.get("startDate"));
        Instant end = Instant.parse(query.get("endDate"));
        int skip = Integer.parseInt(query.get("skip"));
        int top = Integer.parseInt(query.get("top"));
        String interval = start + "/" + end;
        if (skip == 0) {
            intervalsRequested.add(interval);
        }
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode c : contacts) {
            Instant cs = Instant.parse(c.path("contactStart").asText());
            if (!cs.isBefore(start) && cs.isBefore(end)) {
                matching.add(c);
            }
        }
        if (skip >= matching.size()) {
            intervalsServed.add(interval);
            send(exchange, 204, "");
            return;
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("totalRecords", matching.size());
        ArrayNode list = page.putArray("completedContacts");
        matching.subList(skip, Math.min(matching.size(), skip + top)).forEach(list::add);
        if (skip + top >= matching.size()) {
            intervalsServed.add(interval);
        }
        pagesServed.incrementAndGet();
        send(exchange, 200, page.toString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** What the test reports. */
    Map<String, Integer> figures() {
        Map<String, Integer> figures = new LinkedHashMap<>();
        figures.put("requests", requests.get());
        figures.put("pages", pagesServed.get());
        figures.put("429 injected", injected429.get());
        figures.put("503 injected", injected503.get());
        figures.put("over rate limit", overLimit.get());
        figures.put("tokens issued", tokensIssued.get());
        figures.put("calls with expired token", expiredTokenCalls.get());
        figures.put("jobs failed", jobsFailed.get());
        figures.put("intervals requested", intervalsRequested.size());
        return figures;
    }

    @Override
    public void close() {
        openGate(0);
        server.stop(0);
        executor.shutdownNow();
    }

    private static final class Job {
        final String interval;
        final boolean fails;
        final AtomicInteger polls = new AtomicInteger();

        Job(String interval, boolean fails) {
            this.interval = interval;
            this.fails = fails;
        }

        String outcome() {
            return fails ? "FAILED" : "FULFILLED";
        }
    }
}
