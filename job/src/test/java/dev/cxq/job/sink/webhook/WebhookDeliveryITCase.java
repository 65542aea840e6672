package dev.cxq.job.sink.webhook;

import dev.cxq.job.cli.CxqMain;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.CxqTables;
import dev.cxq.job.sink.webhook.WebhookDeliveries.EndpointReport;
import dev.cxq.job.testing.FreePorts;
import dev.cxq.job.testing.PostgresTestDatabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery workers against a real HTTP server on loopback, with the outbox and the delivery log
 * in PostgreSQL (and, once, in files).
 */
class WebhookDeliveryITCase {

    private static final String TOKEN = "test-token";

    /** The secret of the Standard Webhooks test vector. */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir Path dir;

    /**
     * A call the server received: idempotency key, body, auth and the Standard Webhooks headers,
     * and when it came (seconds).
     */
    record Call(
            String key,
            String body,
            String authorization,
            String webhookId,
            String timestamp,
            String signature,
            long receivedAtSeconds,
            int answered) {}

    private HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> callsPerKey = new ConcurrentHashMap<>();
    private volatile IntUnaryOperator downStatus = n -> 503;
    private PostgresTestDatabase db;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Two 503s, then a 429 with Retry-After 0, then success: per message.
        server.createContext(
                "/flaky", exchange -> answer(exchange, n -> n <= 2 ? 503 : n == 3 ? 429 : 200));
        server.createContext("/down", exchange -> answer(exchange, n -> downStatus.applyAsInt(n)));
        server.createContext("/reject", exchange -> answer(exchange, n -> 400));
        server.createContext("/ok", exchange -> answer(exchange, n -> 200));
        server.start();
        db = new PostgresTestDatabase();
        db.migrate();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        db.close();
    }

    private void answer(HttpExchange exchange, IntUnaryOperator statusForCall) throws IOException {
        String key = exchange.getRequestHeaders().getFirst(WebhookEndpoint.IDEMPOTENCY_HEADER);
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int n = callsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        int status = statusForCall.applyAsInt(n);
        calls.add(
                new Call(
                        key,
                        body,
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                        System.currentTimeMillis() / 1000,
                        status));
        if (status == 429) {
            exchange.getResponseHeaders().add("Retry-After", "0");
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** {@code count} transitions, one second of event time apart, in a shuffled write order. */
    private List<WebhookMessage> queue(int count) throws Exception {
        List<WebhookMessage> messages =
                IntStream.range(0, count)
                        .mapToObj(
                                i ->
                                        new WebhookMessage(
                                                "incident-" + i,
                                                i % 2 == 0 ? "firing" : "resolved",
                                                1_700_000_000_000L + i * 1000L,
                                                "{\"n\":" + i + "}"))
                        .toList();
        List<WebhookMessage> shuffled = new ArrayList<>(messages);
        Collections.shuffle(shuffled, new Random(7));
        try (Connection c = db.connect();
                PreparedStatement st = c.prepareStatement(CxqTables.WEBHOOK_OUTBOX.upsertSql())) {
            for (WebhookMessage m : shuffled) {
                st.setString(1, m.idempotencyKey());
                st.setString(2, m.incidentKey());
                st.setString(3, m.state());
                st.setTimestamp(4, new Timestamp(m.eventTimeMillis()));
                st.setString(5, m.body());
                st.executeUpdate();
            }
        }
        return messages;
    }

    private WebhookSettings settings(String path) throws IOException {
        // The worker reads the token and the secret from these files; the loopback server speaks
        // plain http, so the token needs the explicit permission.
        WebhookEndpoint endpoint =
                WebhookEndpoint.of(
                        null,
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                        null,
                        SecretRef.file(Files.writeString(dir.resolve("token"), TOKEN + "\n")),
                        SecretRef.file(Files.writeString(dir.resolve("secret"), SECRET + "\n")),
                        true);
        return new WebhookSettings(
                List.of(endpoint),
                new WebhookDeliveryOptions(
                        Duration.ofMillis(5),
                        Duration.ofMillis(50),
                        Duration.ofSeconds(5),
                        4,
                        Duration.ofMillis(200),
                        Duration.ofMillis(50)),
                "test");
    }

    private PostgresConnection database() {
        return PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null);
    }

    /** The keys of the calls answered {@code status}, in the order the server received them. */
    private List<String> answered(int status) {
        return calls.stream().filter(c -> c.answered() == status).map(Call::key).toList();
    }

    private static List<String> keys(List<WebhookMessage> messages) {
        return messages.stream()
                .sorted(Comparator.comparingLong(WebhookMessage::eventTimeMillis))
                .map(WebhookMessage::idempotencyKey)
                .toList();
    }

    @Test
    void retriesThroughServerErrorsAndRateLimitsAndDeliversOldestFirst() throws Exception {
        List<WebhookMessage> messages = queue(20);
        WebhookSettings settings = settings("/flaky");

        List<EndpointReport> reports = WebhookDeliveries.of(settings, database()).run(true);

        assertThat(answered(200)).containsExactlyElementsOf(keys(messages));
        for (WebhookMessage m : messages) {
            List<Call> forKey =
                    calls.stream().filter(c -> c.key().equals(m.idempotencyKey())).toList();
            assertThat(forKey).extracting(Call::answered).containsExactly(503, 503, 429, 200);
            for (Call call : forKey) {
                assertThat(call.body()).isEqualTo(m.body());
                assertThat(call.authorization()).isEqualTo("Bearer " + TOKEN);
                // Every retry keeps the message id and is signed at its own time.
                assertThat(call.webhookId()).isEqualTo(m.idempotencyKey());
                long timestamp = Long.parseLong(call.timestamp());
                assertThat(timestamp)
                        .isBetween(call.receivedAtSeconds() - 5, call.receivedAtSeconds());
                assertThat(call.signature())
                        .isEqualTo(
                                WebhookSignature.sign(
                                        WebhookSignature.key(SECRET),
                                        m.idempotencyKey(),
                                        timestamp,
                                        m.body()));
            }
        }
        String endpoint = settings.endpoints().get(0).id();
        assertThat(endpoint).matches("[0-9a-f]{12}");
        assertThat(db.rows("webhook_deliveries", Set.of("delivered_at")))
                .hasSize(20)
                .allSatisfy(
                        row ->
                                assertThat(row)
                                        .contains(
                                                "attempts=4",
                                                "last_status=200",
                                                "refused_at=null",
                                                // The endpoint's id, never its URL.
                                                "endpoint=" + endpoint));
        assertThat(
                        db.queryLong(
                                "SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL"))
                .isZero();
        assertThat(reports).containsExactly(new EndpointReport(endpoint, 20, 0, 60, 0));
    }

    @Test
    void aDownEndpointCostsOnlyTheHeadsCallsAndItsQueueDrainsInOrderOnceItIsBack()
            throws Exception {
        List<WebhookMessage> messages = queue(30);
        WebhookSettings settings = settings("/down");

        // Beside a job that has ended: one last pass, which stops once the circuit opens.
        WebhookDeliveries beside = WebhookDeliveries.of(settings, database());
        beside.start();
        List<EndpointReport> down = beside.finish();

        String head = keys(messages).get(0);
        assertThat(callsPerKey.keySet()).containsExactly(head);
        assertThat(callsPerKey.get(head).get()).isEqualTo(4);
        assertThat(down).extracting(EndpointReport::queued).containsExactly(30L);
        assertThat(db.rows("webhook_deliveries", Set.of("endpoint")))
                .containsExactly(
                        "{incident_key=incident-0, state=firing, attempts=4, last_status=503,"
                                + " delivered_at=null, refused_at=null}");

        downStatus = n -> 200;
        List<EndpointReport> back = WebhookDeliveries.of(settings, database()).run(true);

        assertThat(answered(200)).containsExactlyElementsOf(keys(messages));
        assertThat(back).extracting(EndpointReport::queued).containsExactly(0L);
        assertThat(
                        db.queryLong(
                                "SELECT count(*) FROM webhook_deliveries"
                                        + " WHERE delivered_at IS NOT NULL"))
                .isEqualTo(30);
        assertThat(
                        db.queryLong(
                                "SELECT attempts FROM webhook_deliveries WHERE incident_key = 'incident-0'"))
                .isEqualTo(5);
    }

    @Test
    void aPermanentRefusalIsRecordedOnceAndNotSentAgain() throws Exception {
        queue(4);
        WebhookSettings settings = settings("/reject");

        WebhookDeliveries.of(settings, database()).run(true);
        WebhookDeliveries.of(settings, database()).run(true);

        assertThat(callsPerKey).hasSize(4);
        assertThat(callsPerKey.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(db.rows("webhook_deliveries", Set.of("endpoint", "refused_at")))
                .hasSize(4)
                .allSatisfy(
                        row ->
                                assertThat(row)
                                        .contains(
                                                "attempts=1",
                                                "last_status=400",
                                                "delivered_at=null"));
        assertThat(db.queryLong("SELECT count(*) FROM webhook_deliveries WHERE refused_at IS NULL"))
                .isZero();
    }

    @Test
    void twoWorkersOnOneEndpointSendEachTransitionOnce() throws Exception {
        List<WebhookMessage> messages = queue(200);
        WebhookSettings settings = settings("/ok");

        WebhookDeliveries first = WebhookDeliveries.of(settings, database());
        WebhookDeliveries second = WebhookDeliveries.of(settings, database());
        first.start();
        second.start();
        first.finish();
        second.finish();
        // One of them may have found the endpoint held by the other and ended: a last pass.
        WebhookDeliveries.of(settings, database()).run(true);

        assertThat(callsPerKey).hasSize(200);
        assertThat(callsPerKey.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(answered(200)).containsExactlyElementsOf(keys(messages));
    }

    @Test
    void theFileOutboxIsDrainedOnceAndRemembersWhatWasDelivered() throws Exception {
        Path output = dir.resolve("out");
        Path outbox = Files.createDirectories(output.resolve("webhook_outbox"));
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            ObjectNode row = json.createObjectNode();
            row.put("idempotency_key", "incident-" + i + ":firing");
            row.put("incident_key", "incident-" + i);
            row.put("state", "firing");
            row.put("event_time", Instant.ofEpochSecond(1_700_000_000L + i).toString());
            row.put("body", "{\"n\":" + i + "}");
            lines.add(row.toString());
        }
        Files.write(outbox.resolve("part-a-0-0.jsonl"), lines.subList(0, 5));
        Files.write(outbox.resolve("part-a-1-0.jsonl"), lines.subList(5, 10));
        // An in-progress file is not committed yet: not delivered.
        Files.write(outbox.resolve(".part-a-2-0.jsonl.inprogress.x"), List.of(lines.get(0)));
        WebhookSettings settings = settings("/ok");

        WebhookDeliveries.of(settings, output).run(true);
        WebhookDeliveries.of(settings, output).run(true);

        assertThat(answered(200))
                .containsExactlyElementsOf(
                        IntStream.range(0, 10).mapToObj(i -> "incident-" + i + ":firing").toList());
        assertThat(
                        Files.readAllLines(
                                output.resolve(
                                        "webhook_deliveries/part-"
                                                + settings.endpoints().get(0).id()
                                                + ".jsonl")))
                .hasSize(10)
                .allSatisfy(
                        line -> assertThat(line).contains("\"attempts\":1", "\"last_status\":200"));
    }

    @Test
    void theDeliverProcessServesItsBacklogAndOutcomesForPrometheusWhileItDelivers()
            throws Exception {
        long oldest = queue(20).get(0).eventTimeMillis();
        AtomicInteger accepted = new AtomicInteger();
        downStatus = n -> accepted.getAndUpdate(a -> Math.max(0, a - 1)) > 0 ? 200 : 503;
        int port = FreePorts.freePort();
        CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(
                        () ->
                                CxqMain.run(
                                        "--deliver",
                                        "--deliver-until-drained",
                                        "--jdbc-url",
                                        db.url(),
                                        "--jdbc-user",
                                        PostgresTestDatabase.USER,
                                        "--webhook-url",
                                        "http://127.0.0.1:"
                                                + server.getAddress().getPort()
                                                + "/down",
                                        "--webhook-breaker-open",
                                        "1s",
                                        "--deliver-metrics-port",
                                        String.valueOf(port)));

        // Down: the head's calls fail until the circuit opens; nothing leaves the queue.
        long before = System.currentTimeMillis();
        Map<String, Double> down =
                scrapeUntil(port, exit, m -> m.get("cxq_webhook_breaker_open") == 1);
        long after = System.currentTimeMillis();
        assertThat(down.get("cxq_webhook_queued")).isEqualTo(20);
        assertThat(down.get("cxq_webhook_delivered_total")).isZero();
        assertThat(down.get("cxq_webhook_refused_total")).isZero();
        assertThat(down.get("cxq_webhook_failed_calls_total")).isGreaterThanOrEqualTo(5);
        assertThat(down.get("cxq_webhook_calls_total"))
                .isEqualTo(down.get("cxq_webhook_failed_calls_total"));
        assertThat(down.get("cxq_webhook_oldest_queued_age_seconds"))
                .isBetween((before - oldest) / 1000.0 - 1, (after - oldest) / 1000.0 + 1);

        // The endpoint takes 8 transitions, then is down again: 8 delivered, 12 queued.
        accepted.set(8);
        before = System.currentTimeMillis();
        Map<String, Double> partly =
                scrapeUntil(
                        port,
                        exit,
                        m ->
                                m.get("cxq_webhook_delivered_total") == 8
                                        && m.get("cxq_webhook_breaker_open") == 1);
        after = System.currentTimeMillis();
        assertThat(partly.get("cxq_webhook_queued")).isEqualTo(12);
        assertThat(partly.get("cxq_webhook_calls_total"))
                .isEqualTo(8 + partly.get("cxq_webhook_failed_calls_total"));
        assertThat(partly.get("cxq_webhook_failed_calls_total"))
                .isGreaterThan(down.get("cxq_webhook_failed_calls_total"));
        // The oldest queued is now the ninth transition, 8 s of event time after the first.
        assertThat(partly.get("cxq_webhook_oldest_queued_age_seconds"))
                .isBetween(
                        (before - oldest - 8000) / 1000.0 - 1,
                        (after - oldest - 8000) / 1000.0 + 1);

        accepted.set(Integer.MAX_VALUE);
        assertThat(exit.get(2, TimeUnit.MINUTES)).isZero();
        assertThat(
                        db.queryLong(
                                "SELECT count(*) FROM webhook_deliveries"
                                        + " WHERE delivered_at IS NOT NULL"))
                .isEqualTo(20);
    }

    /**
     * Scrapes {@code /metrics} until {@code done} holds for the samples (one endpoint: sample name
     * to value); fails if the process exits first or after a minute.
     */
    private static Map<String, Double> scrapeUntil(
            int port, CompletableFuture<Integer> exit, Predicate<Map<String, Double>> done)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        Map<String, Double> samples = Map.of();
        while (System.nanoTime() < deadline) {
            assertThat(exit).as("the worker ended while it was being watched").isNotDone();
            try {
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                samples = new HashMap<>();
                for (String line : response.body().split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        samples.put(
                                line.substring(0, line.indexOf('{')),
                                Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                    }
                }
                if (samples.containsKey("cxq_webhook_queued") && done.test(samples)) {
                    return samples;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            try {
                // Paces the scrapes; returns early if the worker exits (then the assertion fails).
                exit.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: scrape again.
            }
        }
        throw new AssertionError("the scrapes never showed the expected state: " + samples);
    }
}
