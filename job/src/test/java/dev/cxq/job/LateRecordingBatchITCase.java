package dev.cxq.job;

import dev.cxq.job.cli.Defaults;
import dev.cxq.job.db.PostgresConnection;
import dev.cxq.job.sink.CxqSinks;
import dev.cxq.job.sink.JdbcSinks;
import dev.cxq.job.sink.JsonLinesSinks;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.job.source.ReplaySource;
import dev.cxq.job.testing.PostgresTestDatabase;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: late recording uploads replayed in batch at parallelism 2. Every interaction is written
 * to {@code computed_metrics} once when it ends ({@code pending}) and again when its recording
 * status changes, so its {@code recording_status} row is an upsert of several versions; the last
 * version must win whatever the batch scheduler decides. Half of the agents are outside business
 * hours (no {@code adjusted_aht_s} row: seven rows per version instead of eight), which is what put
 * consecutive versions of one interaction's row into different subpartitions of the writer's input.
 *
 * <p>Not a deterministic reproduction: which of two subpartitions the writer reads first depends on
 * timing. Without the fix (adaptive parallelism, no routing by key, no version guard) 2 of 5 runs
 * ended with 598 of 1,200 statuses {@code pending}, the others correct. What proves the fix
 * deterministically: {@code NewestVersionWinsITCase} (the guard), {@code SinkRoutingTest} (the
 * routing), {@code CheckpointConfigurationTest} (the parallelism the command line runs).
 */
class LateRecordingBatchITCase {

    private static final Instant T = Instant.parse("2026-03-09T15:00:00Z");
    private static final int INTERACTIONS = 1200;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir static Path dir;
    private static Path input;

    /** The recording status each interaction must end with, by interaction id. */
    private static final Map<String, String> EXPECTED = new HashMap<>();

    @BeforeAll
    static void writeInput() throws IOException {
        input = dir.resolve("late-recordings.jsonl");
        writeCorpus(input, EXPECTED);
    }

    @Test
    void everyLateRecordingStatusWinsInABatchReplayAtParallelismTwo() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(input, "--parallelism", "2", "--execution-mode", "batch");

            Map<String, String> actual = recordingStatuses(db);
            assertThat(countByStatus(actual)).isEqualTo(countByStatus(EXPECTED));
            assertThat(actual).isEqualTo(EXPECTED);
        }
    }

    /**
     * The same replay with the batch scheduler choosing each vertex's parallelism from its input
     * volume (Flink's default, which the command line switches off): the rows reach their writer by
     * key and the upsert keeps the highest version, so the scheduler's choice cannot matter.
     */
    @Test
    void everyLateRecordingStatusWinsWhateverParallelismTheBatchSchedulerChooses()
            throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            replayWithAdaptiveParallelism(
                    new JdbcSinks(
                            PostgresConnection.of(db.url(), PostgresTestDatabase.USER, null), 1));

            Map<String, String> actual = recordingStatuses(db);
            assertThat(countByStatus(actual)).isEqualTo(countByStatus(EXPECTED));
            assertThat(actual).isEqualTo(EXPECTED);
        }
    }

    /**
     * The file output appends every version of a row; read as documented (per key, the line with
     * the highest {@code row_version}, across all part files) it says what the database says.
     */
    @Test
    void theFileOutputsHighestRowVersionPerKeyIsTheFinalStatus() throws Exception {
        Path out = dir.resolve("file-output");
        replayWithAdaptiveParallelism(new JsonLinesSinks(out, 1));

        Map<String, JsonNode> newest = new HashMap<>();
        try (Stream<Path> parts = Files.list(out.resolve("computed_metrics"))) {
            for (Path part : parts.toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = MAPPER.readTree(line);
                    if (row.get("metric_type").asText().equals("recording_status")) {
                        newest.merge(
                                row.get("interaction_id").asText(),
                                row,
                                (a, b) ->
                                        a.get("row_version").asLong()
                                                        >= b.get("row_version").asLong()
                                                ? a
                                                : b);
                    }
                }
            }
        }
        Map<String, String> actual = new HashMap<>();
        newest.forEach((id, row) -> actual.put(id, row.get("metadata").get("status").asText()));
        assertThat(actual).isEqualTo(EXPECTED);
    }

    /**
     * The production topology in batch at parallelism 2 with Flink's adaptive batch parallelism on
     * (its default; the command line switches it off).
     */
    private static void replayWithAdaptiveParallelism(CxqSinks sinks) throws Exception {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new CxqPipeline(
                        ReplaySource.of(input),
                        sinks,
                        Defaults.pipelineSettings(),
                        WebhookSettings.none())
                .build(env);
        env.execute("late recordings, adaptive batch parallelism");
    }

    private static Map<String, String> recordingStatuses(PostgresTestDatabase db)
            throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT interaction_id, metadata->>'status' FROM computed_metrics"
                                        + " WHERE metric_type = 'recording_status'")) {
            while (rs.next()) {
                statuses.put(rs.getString(1), rs.getString(2));
            }
        }
        return statuses;
    }

    private static Map<String, Long> countByStatus(Map<String, String> statuses) {
        Map<String, Long> counts = new TreeMap<>();
        statuses.values().forEach(s -> counts.merge(s, 1L, Long::sum));
        return counts;
    }

    /**
     * {@link #INTERACTIONS} calls starting over 10 minutes, each requiring a recording; agents in
     * New York (11:00, inside business hours) and Tokyo (00:00, outside) alternate. Per five calls:
     * three uploaded (after a {@code started}), one failed, one with nothing (missing after the
     * SLA); each upload outcome arrives 40 s to 60 min after the call, in event-time order.
     */
    static void writeCorpus(Path file, Map<String, String> expected) throws IOException {
        Random random = new Random(13);
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < INTERACTIONS; i++) {
            String id = "call-" + i;
            long start = i * 600L / INTERACTIONS;
            String agent = "agent-" + (i % 40);
            String zone = i % 2 == 0 ? "America/New_York" : "Asia/Tokyo";
            ObjectNode queued = interaction(id, start, "queued", agent);
            queued.put("customer_id", "customer-" + i);
            queued.put("recording_required", true);
            queued.put("agent_timezone", zone);
            events.add(queued);
            long talk = 60 + random.nextInt(240);
            events.add(interaction(id, start + 10, "connected", agent));
            events.add(interaction(id, start + 10 + talk, "wrapup", agent));
            long end = start + 40 + talk;
            events.add(interaction(id, end, "completed", agent));
            long delay = 40 + random.nextInt(3600 - 40);
            switch (i % 5) {
                case 0, 1, 2 -> {
                    events.add(recording(id, end + delay / 2, "started"));
                    events.add(recording(id, end + delay, "uploaded"));
                    expected.put(id, "uploaded");
                }
                case 3 -> {
                    events.add(recording(id, end + delay, "failed"));
                    expected.put(id, "failed");
                }
                default -> expected.put(id, "missing");
            }
        }
        events.sort(Comparator.comparing(e -> e.get("ts").asText()));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ObjectNode event : events) {
                w.write(event.toString());
                w.write('\n');
            }
        }
    }

    private static ObjectNode interaction(String id, long seconds, String state, String agent) {
        ObjectNode node = event(id, seconds, "interaction", state);
        node.put("state", state);
        node.put("agent_id", agent);
        node.put("queue_id", "q-" + (id.hashCode() & 3));
        return node;
    }

    private static ObjectNode recording(String id, long seconds, String status) {
        ObjectNode node = event(id, seconds, "recording", status);
        node.put("recording_id", "rec-" + id);
        node.put("media", "screen");
        node.put("status", status);
        return node;
    }

    private static ObjectNode event(String id, long seconds, String kind, String what) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("event_id", id + "-" + what);
        node.put("kind", kind);
        node.put("session_id", id);
        node.put("ts", T.plusSeconds(seconds).toString());
        return node;
    }
}
