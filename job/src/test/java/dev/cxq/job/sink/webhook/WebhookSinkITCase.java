package dev.cxq.job.sink.webhook;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.SharedMiniCluster;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook sink against a real HTTP server on loopback, with its delivery log in PostgreSQL. */
@ExtendWith(SharedMiniCluster.class)
class WebhookSinkITCase {

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
    private PostgresTestDatabase db;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Two 503s, then a 429 with Retry-After 0, then success: per message.
        server.createContext(
                "/flaky", exchange -> answer(exchange, n -> n <= 2 ? 503 : n == 3 ? 429 : 200));
        server.createContext("/down", exchange -> answer(exchange, n -> 503));
        server.createContext("/reject", exchange -> answer(exchange, n -> 400));
        server.start();
        db = new PostgresTestDatabase();
        db.migrate();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        db.close();
    }

    private void answer(HttpExchange exchange, java.util.function.IntUnaryOperator statusForCall)
            throws IOException {
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

    private static List<WebhookMessage> messages(int count) {
        return IntStream.range(0, count)
                .mapToObj(
                        i ->
                                new WebhookMessage(
                                        "incident-" + i,
                                        i % 2 == 0 ? "firing" : "resolved",
                                        "{\"n\":" + i + "}"))
                .toList();
    }

    private WebhookEndpoint deliver(String path, int maxAttempts, List<WebhookMessage> messages)
            throws Exception {
        // The sink reads the token and the secret from these files when it opens; the loopback
        // server speaks plain http, so the token needs the explicit permission.
        WebhookEndpoint endpoint =
                WebhookEndpoint.of(
                        null,
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                        null,
                        SecretRef.file(Files.writeString(dir.resolve("token"), TOKEN + "\n")),
                        SecretRef.file(Files.writeString(dir.resolve("secret"), SECRET + "\n")),
                        true);
        WebhookSinkOptions options =
                new WebhookSinkOptions(
                        maxAttempts,
                        Duration.ZERO,
                        Duration.ofMillis(5),
                        Duration.ofMillis(50),
                        4,
                        Duration.ofSeconds(5),
                        1000,
                        Duration.ofMillis(50),
                        false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(messages)
                .sinkTo(
                        new WebhookSink(
                                endpoint,
                                options,
                                new JdbcDeliveryLog(
                                        PostgresConnection.of(
                                                db.url(), PostgresTestDatabase.USER, null))))
                .name("webhook");
        env.execute("webhook test");
        return endpoint;
    }

    @Test
    void retriesThroughServerErrorsAndRateLimitsUntilEveryMessageIsDelivered() throws Exception {
        List<WebhookMessage> messages = messages(20);
        WebhookEndpoint endpoint = deliver("/flaky", 10, messages);

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
        assertThat(db.rows("webhook_deliveries", java.util.Set.of("delivered_at", "endpoint")))
                .hasSize(20)
                .allSatisfy(row -> assertThat(row).contains("attempts=4", "last_status=200"));
        assertThat(db.rows("webhook_deliveries", java.util.Set.of()))
                .noneMatch(row -> row.contains("delivered_at=null"))
                // The endpoint's id, never its URL.
                .allSatisfy(row -> assertThat(row).contains("endpoint=" + endpoint.id()));
        assertThat(endpoint.id()).matches("[0-9a-f]{12}");
    }

    @Test
    void aMessageThatExhaustsItsRetriesIsRecordedAsFailedAndTheJobGoesOn() throws Exception {
        deliver("/down", 3, messages(6));

        assertThat(callsPerKey).hasSize(6);
        assertThat(callsPerKey.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(3));
        assertThat(db.rows("webhook_deliveries", java.util.Set.of("endpoint")))
                .hasSize(6)
                .allSatisfy(
                        row ->
                                assertThat(row)
                                        .contains(
                                                "attempts=3",
                                                "last_status=503",
                                                "delivered_at=null"));
    }

    @Test
    void aPermanentRefusalIsNotRetried() throws Exception {
        deliver("/reject", 5, messages(4));

        assertThat(callsPerKey.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(db.rows("webhook_deliveries", java.util.Set.of("endpoint")))
                .hasSize(4)
                .allSatisfy(row -> assertThat(row).contains("attempts=1", "last_status=400"));
    }
}
