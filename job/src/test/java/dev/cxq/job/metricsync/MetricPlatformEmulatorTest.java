package dev.cxq.job.metricsync;

import dev.cxq.job.demo.MetricPlatformEmulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulators refuse what the platforms document as refused, on a clock the test moves. */
class MetricPlatformEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/data";

    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Test
    void the101stRequestInAMinuteGets429WithRetryAfterUntilTheWindowMoves() throws Exception {
        try (MetricPlatformEmulator genesys = emulator(MetricSyncPlatform.GENESYS)) {
            String token = token(genesys);
            for (int i = 1; i <= 100; i++) {
                clock.addAndGet(100);
                assertThat(post(genesys, token, genesysBatch(1, true)).statusCode())
                        .as("request %d", i)
                        .isEqualTo(200);
            }
            HttpResponse<String> refused = post(genesys, token, genesysBatch(1, true));
            assertThat(refused.statusCode()).isEqualTo(429);
            // The first request leaves the window 60 s after it arrived: 50.1 s from now.
            assertThat(refused.headers().firstValue("Retry-After")).contains("51");
            assertThat(genesys.overLimit).hasValue(1);

            clock.addAndGet(50_099);
            assertThat(post(genesys, token, genesysBatch(1, true)).statusCode()).isEqualTo(429);
            clock.addAndGet(1);
            assertThat(post(genesys, token, genesysBatch(1, true)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aGenesysRequestAbove100RecordsOrWithoutOverwriteIsRefused() throws Exception {
        try (MetricPlatformEmulator genesys = emulator(MetricSyncPlatform.GENESYS)) {
            String token = token(genesys);
            assertThat(post(genesys, token, genesysBatch(101, true)).statusCode()).isEqualTo(413);
            assertThat(post(genesys, token, genesysBatch(100, false)).statusCode()).isEqualTo(400);
            assertThat(post(genesys, token, genesysBatch(100, true)).statusCode()).isEqualTo(200);
            assertThat(genesys.store).hasSize(100);
        }
    }

    @Test
    void aNiceBatchAbove10000RowsIsRefused() throws Exception {
        try (MetricPlatformEmulator nice = emulator(MetricSyncPlatform.NICE)) {
            String token = token(nice);
            assertThat(post(nice, token, niceBatch(10_001)).statusCode()).isEqualTo(413);
            assertThat(nice.store).isEmpty();
            assertThat(post(nice, token, niceBatch(10_000)).statusCode()).isEqualTo(200);
            assertThat(nice.store).hasSize(10_000);
        }
    }

    @Test
    void aTokenPastItsLifetimeIsRefusedWith401() throws Exception {
        try (MetricPlatformEmulator genesys = emulator(MetricSyncPlatform.GENESYS)) {
            String token = token(genesys);
            clock.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
            assertThat(post(genesys, token, genesysBatch(1, true)).statusCode()).isEqualTo(200);
            clock.addAndGet(1);
            assertThat(post(genesys, token, genesysBatch(1, true)).statusCode()).isEqualTo(401);
            assertThat(genesys.expiredTokenCalls).hasValue(1);
            assertThat(post(genesys, token(genesys), genesysBatch(1, true)).statusCode())
                    .isEqualTo(200);
        }
    }

    private MetricPlatformEmulator emulator(MetricSyncPlatform platform) throws Exception {
        return new MetricPlatformEmulator(
                platform,
                PATH,
                100,
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                1_000,
                clock::get);
    }

    private String token(MetricPlatformEmulator emulator) throws Exception {
        String basic =
                Base64.getEncoder()
                        .encodeToString(
                                (MetricPlatformEmulator.CLIENT_ID
                                                + ":"
                                                + MetricPlatformEmulator.CLIENT_SECRET)
                                        .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(emulator.tokenUrl())
                                .header("Authorization", "Basic " + basic)
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "grant_type=client_credentials"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private HttpResponse<String> post(MetricPlatformEmulator emulator, String token, String body)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(emulator.baseUrl().resolve(PATH))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String genesysBatch(int records, boolean overwrite) {
        ObjectNode body = JSON.createObjectNode().put("overwrite", overwrite);
        ArrayNode array = body.putArray("records");
        for (int i = 0; i < records; i++) {
            array.addObject().put("id", "i" + i + "/aht/v1").put("value", i);
        }
        return body.toString();
    }

    private static String niceBatch(int rows) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("columns").add("interactionId").add("metricType").add("metricVersion");
        ArrayNode array = body.putArray("rows");
        for (int i = 0; i < rows; i++) {
            array.addArray().add("i" + i).add("aht").add(1);
        }
        return body.toString();
    }
}
