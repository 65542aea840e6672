package dev.cxq.job;

import dev.cxq.job.sink.webhook.WebhookEndpoint;
import dev.cxq.job.sink.webhook.WebhookSignature;
import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.udf.internal.Hashing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay with {@code --webhook-url}: every alert transition in {@code quality_alerts} reaches a
 * real HTTP endpoint (which refuses each first call with 503), signed, and is recorded as delivered
 * in {@code webhook_deliveries}.
 */
class AlertWebhookITCase {

    /** A Standard Webhooks secret: whsec_ and the base64 of 32 bytes. */
    private static final String SECRET = "whsec_cmVwbGF5LXNpZ25pbmctc2VjcmV0LW9mLTMyLWJ5dGVz";

    @TempDir Path dir;

    private HttpServer server;
    private final Map<String, AtomicInteger> callsPerKey = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> acceptedBodies = new ConcurrentHashMap<>();
    private final Set<String> badSignatures = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/hooks/cxq",
                exchange -> {
                    String key =
                            exchange.getRequestHeaders()
                                    .getFirst(WebhookEndpoint.IDEMPOTENCY_HEADER);
                    byte[] body;
                    try (InputStream in = exchange.getRequestBody()) {
                        body = in.readAllBytes();
                    }
                    // What a Standard Webhooks receiver checks: the signature of id, timestamp and
                    // body.
                    String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
                    String timestamp =
                            exchange.getRequestHeaders()
                                    .getFirst(WebhookSignature.TIMESTAMP_HEADER);
                    String signature =
                            exchange.getRequestHeaders()
                                    .getFirst(WebhookSignature.SIGNATURE_HEADER);
                    String expected =
                            WebhookSignature.sign(
                                    WebhookSignature.key(SECRET),
                                    id,
                                    Long.parseLong(timestamp),
                                    new String(body, StandardCharsets.UTF_8));
                    if (!key.equals(id) || !expected.equals(signature)) {
                        badSignatures.add(key);
                    }
                    int n =
                            callsPerKey
                                    .computeIfAbsent(key, k -> new AtomicInteger())
                                    .incrementAndGet();
                    int status = n == 1 ? 503 : 200;
                    if (status == 200) {
                        acceptedBodies.put(key, new ObjectMapper().readTree(body));
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void everyAlertTransitionIsDeliveredOnceAcceptedAndRecorded() throws Exception {
        Path input = dir.resolve("quality.jsonl");
        MediaQualityScenarios.write(input);
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/cxq";

        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(
                    input,
                    "--webhook-url",
                    url,
                    "--webhook-secret-file",
                    secretFile.toString(),
                    "--environment",
                    "ci");

            Set<String> expectedKeys = new HashSet<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT incident_key, state FROM quality_alerts")) {
                while (rs.next()) {
                    expectedKeys.add(rs.getString(1) + ":firing");
                    if ("resolved".equals(rs.getString(2))) {
                        expectedKeys.add(rs.getString(1) + ":resolved");
                    }
                }
            }
            assertThat(expectedKeys).isNotEmpty();
            assertThat(callsPerKey.keySet()).isEqualTo(expectedKeys);
            assertThat(acceptedBodies.keySet()).isEqualTo(expectedKeys);
            assertThat(badSignatures).isEmpty();
            assertThat(acceptedBodies.values())
                    .allSatisfy(
                            body -> {
                                assertThat(body.get("environment").asText()).isEqualTo("ci");
                                assertThat(body.get("incident_type").asText())
                                        .isIn("webrtc_degradation", "media_gap", "disconnected");
                            });

            Set<String> delivered = new HashSet<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT incident_key, state, endpoint, attempts, last_status"
                                            + " FROM webhook_deliveries WHERE delivered_at IS NOT NULL")) {
                while (rs.next()) {
                    delivered.add(rs.getString(1) + ":" + rs.getString(2));
                    // The endpoint's id (its URL's hash), never the URL.
                    assertThat(rs.getString(3)).isEqualTo(Hashing.sha256Hex(url).substring(0, 12));
                    assertThat(rs.getInt(4)).isEqualTo(2);
                    assertThat(rs.getInt(5)).isEqualTo(200);
                }
            }
            assertThat(delivered).isEqualTo(expectedKeys);
        }
    }
}
