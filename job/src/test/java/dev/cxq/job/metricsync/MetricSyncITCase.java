package dev.cxq.job.metricsync;

import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.demo.MetricPlatformEmulator;
import dev.cxq.job.http.RateLimit;
import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.testing.PostgresTestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metric sync from a real PostgreSQL metric store to each platform's emulator, which enforces the
 * documented limits: the platform ends up holding exactly the selected {@code computed_metrics}
 * rows, no request goes over the rate limit, 5xx and 429 bursts and expiring tokens are ridden out,
 * a row updated later is sent again and overwrites, and every call is in {@code metric_sync_log}.
 */
class MetricSyncITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SYNCED_TYPES = List.of("aht", "mos", "recording_status");
    private static final String SELECTED =
            "metric_version = 1 AND metric_type IN ('aht', 'mos', 'recording_status')";

    /** The emulator's tenant limit, deliberately low so that the budget is what paces the run. */
    private static final RateLimit TENANT_LIMIT = new RateLimit(20, Duration.ofSeconds(1));

    private static PostgresTestDatabase db;

    @TempDir static Path secrets;

    @BeforeAll
    static void fillTheMetricStore() throws Exception {
        db = new PostgresTestDatabase();
        // The job's own rows, from a replay of the sample input...
        db.replay(Path.of("../deploy/samples/events.jsonl"));
        // ...and enough more of the same shape to need many batches; plus rows of a type and of a
        // metric version that are not selected.
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO computed_metrics (interaction_id, metric_type, timestamp_utc,"
                            + " agent_id, metric_value, metadata, metric_version, row_version)"
                            + " SELECT 'bulk-' || i, t.type, timestamptz '2026-03-01 08:00Z'"
                            + " + i * interval '7 seconds', 'agent-' || (i % 17), i * 1.5,"
                            + " jsonb_build_object('queue', 'q' || (i % 3)), t.version, 1"
                            + " FROM generate_series(1, 1200) i,"
                            + " (VALUES ('aht', 1), ('hold_time', 1), ('aht', 2)) t(type, version)"
                            + " WHERE t.type = 'aht' AND t.version = 1 OR i <= 100");
        }
    }

    @AfterAll
    static void dropTheDatabase() throws Exception {
        db.close();
    }

    @Test
    void genesysReceivesEverySelectedRowWithinItsLimits() throws Exception {
        syncAndCheck(MetricSyncPlatform.GENESYS, 100, "genesys-row-");
    }

    @Test
    void niceReceivesEverySelectedRowWithinItsLimits() throws Exception {
        syncAndCheck(MetricSyncPlatform.NICE, 200, "nice-row-");
    }

    private void syncAndCheck(MetricSyncPlatform platform, int batchSize, String label)
            throws Exception {
        Path secret =
                Files.writeString(secrets.resolve(label), MetricPlatformEmulator.CLIENT_SECRET);
        String path = "/tenant/" + platform.wireName() + "/metrics";
        // Tokens are revoked after 3 calls, long before their announced lifetime (a short one would
        // let a slow run refresh before the revocation).
        try (MetricPlatformEmulator emulator = emulator(platform, path, Duration.ofMinutes(1), 3)) {
            // A 5xx burst long enough to open the circuit, then a 429 for the probe's retry.
            emulator.script(2, 503);
            emulator.script(3, 502);
            emulator.script(4, 500);
            emulator.script(5, 429);
            MetricSyncSettings settings = settings(platform, emulator, path, secret, batchSize);
            PostgresConnection database =
                    PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null);

            long selected = db.queryLong("SELECT count(*) FROM computed_metrics WHERE " + SELECTED);
            assertThat(selected).as("rows selected for sync").isGreaterThan(1200);
            MetricSyncReport first = new MetricSync(settings).run(database);

            assertThat(normalised(emulator.store, platform)).isEqualTo(selectedRows());
            assertThat(first.rows()).isEqualTo(selected);
            assertThat(first.batches()).isEqualTo((selected + batchSize - 1) / batchSize);
            assertThat(emulator.batchesStored).hasValue((int) first.batches());
            assertThat(emulator.overLimit).as("requests over the rate limit").hasValue(0);
            assertThat(first.throttled()).isEqualTo(1);
            assertThat(emulator.expiredTokenCalls)
                    .as("calls with an expired token")
                    .hasPositiveValue();
            assertThat(first.tokensObtained())
                    .isEqualTo(emulator.tokensIssued.get())
                    .isGreaterThan(1);
            assertCallsLogged(settings.endpoint(), emulator, first.batches());

            double sentBefore = emulator.store.get("bulk-600/aht/v1").path("value").asDouble();
            // The computation writes a newer version of three rows: they, and only they, go again.
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate(
                        "UPDATE computed_metrics SET metric_value = metric_value + 1000,"
                                + " row_version = row_version + 1 WHERE metric_type = 'aht'"
                                + " AND metric_version = 1"
                                + " AND interaction_id IN ('bulk-5', 'bulk-600', 'bulk-1200')");
            }
            int requestsBefore = emulator.dataRequests.get();
            MetricSyncReport second = new MetricSync(settings).run(database);

            assertThat(second.rows()).isEqualTo(3);
            assertThat(second.batches()).isEqualTo(1);
            assertThat(normalised(emulator.store, platform)).isEqualTo(selectedRows());
            assertThat(emulator.store.get("bulk-600/aht/v1").path("value").asDouble())
                    .isEqualTo(sentBefore + 1000);
            assertThat(emulator.overLimit).hasValue(0);
            assertCallsLogged(settings.endpoint(), emulator, first.batches() + 1);

            System.out.printf(
                    "%s metric sync: %d rows, first run %s; re-sync %s; %d requests in all,"
                            + " answers %s, %d over the rate limit, %d tokens issued, %d calls"
                            + " with an expired token%n",
                    platform.wireName(),
                    selected,
                    first,
                    second,
                    emulator.dataRequests.get(),
                    answerCounts(emulator.answers),
                    emulator.overLimit.get(),
                    emulator.tokensIssued.get(),
                    emulator.expiredTokenCalls.get());
            assertThat(emulator.dataRequests.get() - requestsBefore).isEqualTo(second.requests());
        }
    }

    /**
     * While an input of the job is syncing (its latest fresh {@code pipeline_status} row), a run
     * sends the backlog, the rows before the lowest watermark of the syncing inputs, oldest first,
     * and holds the newer rows back; once the input is live, the next run sends those. A syncing
     * row older than the freshness bound (a job that stopped writing) holds nothing back.
     */
    @Test
    void whileAnInputIsSyncingTheBacklogIsSentAndNewerRowsWait() throws Exception {
        MetricSyncPlatform platform = MetricSyncPlatform.GENESYS;
        Path secret =
                Files.writeString(secrets.resolve("syncing"), MetricPlatformEmulator.CLIENT_SECRET);
        String path = "/tenant/syncing/metrics";
        String horizon = "2026-03-01 09:00:00Z";
        try (MetricPlatformEmulator emulator =
                        emulator(platform, path, Duration.ofMinutes(5), 1_000);
                Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO pipeline_status (input, minute_start, watermark,"
                            + " event_time_lag_ms, events, status, reason, status_since) VALUES"
                            + " ('genesys/0', date_trunc('minute', now()), timestamptz '"
                            + horizon
                            + "', 600000, 900, 'syncing', 'lag_over_threshold',"
                            + " date_trunc('minute', now())),"
                            + " ('nice/0', date_trunc('minute', now()), timestamptz"
                            + " '2026-03-01 10:30Z', 20000, 60, 'live', null,"
                            + " date_trunc('minute', now())),"
                            + " ('stale/0', date_trunc('minute', now()) - interval '1 hour',"
                            + " timestamptz '2026-03-01 08:10Z', 600000, 60, 'syncing',"
                            + " 'lag_over_threshold', now() - interval '1 hour')");
            try {
                MetricSyncSettings settings = settings(platform, emulator, path, secret, 100);
                PostgresConnection database =
                        PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null);
                String before = SELECTED + " AND timestamp_utc < timestamptz '" + horizon + "'";
                long backlog =
                        db.queryLong("SELECT count(*) FROM computed_metrics WHERE " + before);
                long newer =
                        db.queryLong("SELECT count(*) FROM computed_metrics WHERE " + SELECTED)
                                - backlog;
                assertThat(backlog).isPositive();
                assertThat(newer).isPositive();

                MetricSyncReport syncing = new MetricSync(settings).run(database);

                assertThat(syncing.rows()).isEqualTo(backlog);
                assertThat(syncing.heldBack()).isEqualTo(newer);
                assertThat(normalised(emulator.store, platform)).isEqualTo(rows(before));

                // The input caught up: its newest row is live.
                st.executeUpdate(
                        "INSERT INTO pipeline_status (input, minute_start, watermark,"
                                + " event_time_lag_ms, events, status, reason, status_since)"
                                + " VALUES ('genesys/0', date_trunc('minute', now())"
                                + " + interval '1 minute', timestamptz '2026-03-01 10:30Z',"
                                + " 20000, 60, 'live', null, now())");
                MetricSyncReport live = new MetricSync(settings).run(database);

                assertThat(live.rows()).isEqualTo(newer);
                assertThat(live.heldBack()).isZero();
                assertThat(normalised(emulator.store, platform)).isEqualTo(selectedRows());
            } finally {
                st.executeUpdate("DELETE FROM pipeline_status");
            }
        }
    }

    /** An emulator with the tenant limit, whose tokens last {@code lifetime} or {@code uses}. */
    private static MetricPlatformEmulator emulator(
            MetricSyncPlatform platform, String path, Duration lifetime, int uses)
            throws IOException {
        return new MetricPlatformEmulator(
                platform,
                path,
                TENANT_LIMIT.requests(),
                TENANT_LIMIT.window(),
                lifetime,
                uses,
                System::currentTimeMillis);
    }

    private static MetricSyncSettings settings(
            MetricSyncPlatform platform,
            MetricPlatformEmulator emulator,
            String path,
            Path secret,
            int batchSize) {
        return new MetricSyncSettings(
                platform,
                emulator.baseUrl(),
                path,
                emulator.tokenUrl(),
                MetricPlatformEmulator.CLIENT_ID,
                SecretRef.file(secret),
                batchSize,
                TENANT_LIMIT,
                SYNCED_TYPES,
                1,
                6,
                Duration.ofMillis(100),
                3,
                Duration.ofMillis(300));
    }

    /** One log row per call, with the status the emulator answered, and one success per batch. */
    private static void assertCallsLogged(
            String endpoint, MetricPlatformEmulator emulator, long batches) throws Exception {
        List<Integer> logged = new ArrayList<>();
        Map<String, Integer> successes = new HashMap<>();
        Map<String, Integer> lastAttempt = new HashMap<>();
        Map<String, Integer> successAttempt = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT batch_id, attempt, http_status, error, row_count,"
                                        + " first_key, last_key, finished_at >= started_at"
                                        + " FROM metric_sync_log WHERE endpoint = '"
                                        + endpoint
                                        + "' ORDER BY call_id")) {
            while (rs.next()) {
                String batch = rs.getString(1);
                int status = rs.getInt(3);
                logged.add(status);
                assertThat(rs.getInt(5)).isPositive();
                assertThat(rs.getString(6)).isNotBlank();
                assertThat(rs.getString(7)).isNotBlank();
                assertThat(rs.getBoolean(8)).isTrue();
                assertThat(rs.getString(4) == null)
                        .as("error iff not 200")
                        .isEqualTo(status == 200);
                lastAttempt.merge(batch, rs.getInt(2), Math::max);
                if (status == 200) {
                    successes.merge(batch, 1, Integer::sum);
                    successAttempt.put(batch, rs.getInt(2));
                }
            }
        }
        assertThat(logged).isEqualTo(emulator.answers);
        assertThat(successes).hasSize((int) batches).allSatisfy((b, n) -> assertThat(n).isOne());
        assertThat(successAttempt).isEqualTo(lastAttempt);
    }

    /** The selected rows of {@code computed_metrics}, by key, in the platforms' field names. */
    private static Map<String, String> selectedRows() throws Exception {
        return rows(SELECTED);
    }

    /** The rows of {@code computed_metrics} matching {@code where}, as the platform holds them. */
    private static Map<String, String> rows(String where) throws Exception {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT interaction_id, metric_type, metric_version, agent_id,"
                                        + " timestamp_utc, metric_value, row_version,"
                                        + " metadata::text FROM computed_metrics WHERE "
                                        + where)) {
            while (rs.next()) {
                ObjectNode row = JSON.createObjectNode();
                row.put("interactionId", rs.getString(1));
                row.put("metricType", rs.getString(2));
                row.put("metricVersion", rs.getInt(3));
                row.put("agentId", rs.getString(4));
                row.put("timestamp", rs.getTimestamp(5).toInstant().toString());
                double value = rs.getDouble(6);
                if (rs.wasNull()) {
                    row.putNull("value");
                } else {
                    row.put("value", value);
                }
                row.put("rowVersion", rs.getLong(7));
                row.set("metadata", JSON.readTree(rs.getString(8)));
                rows.put(
                        rs.getString(1) + "/" + rs.getString(2) + "/v" + rs.getInt(3),
                        row.toString());
            }
        }
        return rows;
    }

    /** The emulator's records in the same form: without Genesys's id, NICE metadata parsed. */
    private static Map<String, String> normalised(
            Map<String, JsonNode> store, MetricSyncPlatform platform) throws Exception {
        Map<String, String> rows = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : store.entrySet()) {
            ObjectNode record = entry.getValue().deepCopy();
            record.remove("id");
            if (platform == MetricSyncPlatform.NICE) {
                record.set("metadata", JSON.readTree(record.path("metadata").asText()));
            }
            ObjectNode ordered = JSON.createObjectNode();
            for (String field :
                    List.of(
                            "interactionId",
                            "metricType",
                            "metricVersion",
                            "agentId",
                            "timestamp",
                            "value",
                            "rowVersion",
                            "metadata")) {
                ordered.set(field, record.get(field));
            }
            assertThat(record.size()).as("fields of %s", entry.getKey()).isEqualTo(ordered.size());
            rows.put(entry.getKey(), ordered.toString());
        }
        return rows;
    }

    private static Map<Integer, Long> answerCounts(List<Integer> answers) {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        answers.forEach(status -> counts.merge(status, 1L, Long::sum));
        return counts;
    }
}
