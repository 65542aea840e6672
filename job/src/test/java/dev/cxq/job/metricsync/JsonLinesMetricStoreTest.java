package dev.cxq.job.metricsync;

import dev.cxq.job.http.RateLimit;
import dev.cxq.job.secret.SecretRef;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The metric store over the JSON Lines output: committed rows only, the highest row version per
 * key, and a row pending again once a newer version is committed.
 */
class JsonLinesMetricStoreTest {

    @TempDir Path dir;

    private static MetricSyncSettings settings() {
        return new MetricSyncSettings(
                MetricSyncPlatform.GENESYS,
                URI.create("http://127.0.0.1:1"),
                MetricSyncPlatform.GENESYS.defaultPath(),
                URI.create("http://127.0.0.1:1/oauth/token"),
                "client",
                SecretRef.heldByThisProcess("secret"),
                100,
                new RateLimit(100, Duration.ofMinutes(1)),
                List.of(),
                1,
                3,
                Duration.ofSeconds(1),
                5,
                Duration.ofSeconds(1));
    }

    private static String row(String interaction, String type, int version, long rowVersion) {
        return String.format(
                "{\"interaction_id\":\"%s\",\"metric_type\":\"%s\","
                        + "\"timestamp_utc\":\"2026-03-01T08:00:0%dZ\",\"agent_id\":\"a-1\","
                        + "\"metric_value\":%d.0,\"metadata\":{\"status\":\"v%d\"},"
                        + "\"row_version\":%d,\"metric_version\":%d}",
                interaction, type, rowVersion, rowVersion, rowVersion, rowVersion, version);
    }

    private void write(String file, String... lines) throws IOException {
        Path table = Files.createDirectories(dir.resolve("computed_metrics"));
        Files.write(table.resolve(file), List.of(lines));
    }

    @Test
    void theNewestCommittedVersionOfEachKeyIsPendingUntilSynced() throws Exception {
        write(
                "part-a-0.jsonl",
                row("c-1", "handle_time_s", 1, 2),
                row("c-2", "handle_time_s", 1, 1),
                row("c-2", "handle_time_s", 2, 5));
        write("part-b-0.jsonl", row("c-1", "handle_time_s", 1, 1));
        write(".part-c-0.jsonl.inprogress.1", row("c-3", "handle_time_s", 1, 1));
        JsonLinesMetricStore store = new JsonLinesMetricStore(dir, settings());

        List<MetricRow> pending = store.pending(10, null);
        assertThat(pending)
                .as(
                        "version 2 of c-1 (not the older one in another file); c-2 of metric version"
                                + " 1 only; nothing of an uncommitted file")
                .extracting(MetricRow::interactionId, MetricRow::rowVersion)
                .containsExactly(tuple("c-2", 1L), tuple("c-1", 2L));
        assertThat(pending.get(1).metadata().path("status").asText()).isEqualTo("v2");
        assertThat(store.pending(1, null)).hasSize(1);

        store.markSynced(pending);
        assertThat(store.pending(10, null)).isEmpty();

        write("part-d-0.jsonl", row("c-1", "handle_time_s", 1, 3));
        assertThat(store.pending(10, null))
                .as("a newer version committed later is sent again")
                .extracting(MetricRow::interactionId, MetricRow::rowVersion)
                .containsExactly(tuple("c-1", 3L));
    }
}
