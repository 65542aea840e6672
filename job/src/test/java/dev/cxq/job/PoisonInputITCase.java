package dev.cxq.job;

import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.RedeliveryInputs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events that a sink could not store, or whose event time would move the watermark far ahead, mixed
 * into a valid stream a third of the way in: the replay succeeds in batch and streaming, each of
 * them is in {@code rejected_events} with its reason, and every other table equals that of the
 * clean stream. Before event-time plausibility one sample from 2099 made every later event late in
 * streaming, and a NUL or a year-300000 timestamp failed the job.
 */
class PoisonInputITCase {

    /** Positions and wall-clock columns differ between the two files. */
    private static final Set<String> POSITION_COLUMNS =
            Set.of("source", "event_key", "received_at");

    /** Each hostile line with the reason it must be rejected for. */
    static Map<String, String> hostileLines() {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put(
                "{\"event_id\":\"h-2099\",\"kind\":\"media_sample\",\"session_id\":\"sess-1\","
                        + "\"ts\":\"2099-01-01T00:00:00Z\",\"mos\":4.0}",
                "timestamp_in_future");
        lines.put(
                "{\"event_id\":\"h-soon\",\"kind\":\"media_sample\",\"session_id\":\"sess-2\",\"ts\":\""
                        + Instant.now().plus(Duration.ofHours(2))
                        + "\",\"mos\":4.0}",
                "timestamp_in_future");
        lines.put(
                "{\"event_id\":\"h-300000\",\"kind\":\"interaction\",\"session_id\":\"sess-1\","
                        + "\"ts\":\"+300000-01-01T00:00:00Z\",\"state\":\"completed\"}",
                "timestamp_out_of_range");
        lines.put(
                "{\"event_id\":\"h-1970\",\"kind\":\"media_sample\",\"session_id\":\"sess-1\","
                        + "\"ts\":\"1970-01-01T00:00:00Z\",\"mos\":1.0}",
                "timestamp_out_of_range");
        lines.put(
                "{\"event_id\":\"h-nul-session\",\"kind\":\"media_sample\","
                        + "\"session_id\":\"sess-1\\u0000\",\"ts\":\"2026-03-09T14:00:30Z\"}",
                "invalid_characters:session_id");
        lines.put(
                "{\"event_id\":\"h-nul-agent\",\"kind\":\"interaction\",\"session_id\":\"sess-4\","
                        + "\"ts\":\"2026-03-09T14:00:30Z\",\"state\":\"connected\","
                        + "\"agent_id\":\"agent-\\u0000\"}",
                "invalid_characters:agent_id");
        lines.put(
                "{\"event_id\":\"h-surrogate\",\"kind\":\"interaction\",\"session_id\":\"sess-4\","
                        + "\"ts\":\"2026-03-09T14:00:30Z\",\"state\":\"connected\","
                        + "\"customer_id\":\"c\\ud800\"}",
                "invalid_characters:customer_id");
        lines.put(
                "{\"event_id\":\"h-long\",\"kind\":\"media_sample\",\"session_id\":\""
                        + "s".repeat(300)
                        + "\",\"ts\":\"2026-03-09T14:00:30Z\"}",
                "too_long:session_id");
        lines.put(
                "{\"event_id\":\"h-talk\",\"kind\":\"interaction\",\"session_id\":\"sess-5\","
                        + "\"ts\":\"2026-03-09T14:00:30Z\",\"state\":\"completed\","
                        + "\"metrics\":{\"talk_ms\":9.2e18}}",
                "out_of_range:metrics.talk_ms");
        lines.put(
                "{\"topicName\":\"v2.detail.events.conversation.g-1.user.start\",\"version\":\"2\","
                        + "\"eventBody\":{\"eventTime\":1773064810000,\"conversationId\":\"g-1\","
                        + "\"mediaType\":\"VOICE\",\"queueId\":\"q-g\",\"userId\":\"u-\\u0000\"},"
                        + "\"metadata\":{\"CorrelationId\":\"c-nul\"}}",
                "invalid_characters:eventBody.userId");
        lines.put(
                "{\"contactId\":900002,\"contactStart\":\"2026-03-09T14:00:00Z\",\"agentId\":41,"
                        + "\"skillId\":7,\"mediaTypeName\":\"Call\","
                        + "\"totalDurationSeconds\":9.2e15,\"abandoned\":false}",
                "out_of_range:totalDurationSeconds");
        lines.put(
                "{\"contactId\":900001,\"agentId\":41,\"timestamp\":\"2099-01-01T00:00:00Z\","
                        + "\"jitter\":12,\"packetLoss\":0.4,\"latency\":60}",
                "timestamp_in_future");
        return lines;
    }

    @TempDir static Path dir;
    private static Path clean;
    private static Path poisoned;

    /** 1-based line of each hostile line in {@link #poisoned}, with its reason. */
    private static final Map<Integer, String> reasonByLine = new HashMap<>();

    @BeforeAll
    static void writeInputs() throws Exception {
        clean = dir.resolve("clean.jsonl");
        RedeliveryInputs.writeClean(clean, 12, 24);
        poisoned = dir.resolve("poisoned.jsonl");
        reasonByLine.clear();
        writePoisoned(clean, poisoned, reasonByLine);
    }

    /** {@code clean} with the hostile lines a third of the way in; their lines in {@code lines}. */
    static void writePoisoned(Path clean, Path poisoned, Map<Integer, String> lines)
            throws Exception {
        List<String> out = new ArrayList<>(Files.readAllLines(clean, StandardCharsets.UTF_8));
        int at = out.size() / 3;
        for (Map.Entry<String, String> hostile : hostileLines().entrySet()) {
            out.add(at, hostile.getKey());
            lines.put(at + 1, hostile.getValue());
            at++;
        }
        Files.write(poisoned, out, StandardCharsets.UTF_8);
    }

    @Test
    void hostileEventsAreRejectedWithTheirReasonAndChangeNoOtherRow() throws Exception {
        Map<String, List<String>> expected;
        Map<String, String> cleanRejected;
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.replay(clean, "--execution-mode", "batch", "--parallelism", "1");
            expected = db.snapshot(POSITION_COLUMNS);
            cleanRejected = reasonBySource(db);
        }
        assertThat(expected.get("session_quality")).hasSizeGreaterThan(10);

        for (String mode : List.of("streaming", "batch")) {
            try (PostgresTestDatabase db = new PostgresTestDatabase()) {
                db.replay(poisoned, "--execution-mode", mode, "--parallelism", "2");
                assertValidRowsUnchangedAndHostileRejected(db, expected, cleanRejected, mode);
            }
        }
    }

    /**
     * Every table but rejected_events as in the clean run; each hostile line rejected for its
     * reason.
     */
    static void assertValidRowsUnchangedAndHostileRejected(
            PostgresTestDatabase db,
            Map<String, List<String>> expected,
            Map<String, String> cleanRejected,
            String run)
            throws Exception {
        Map<String, List<String>> actual = db.snapshot(POSITION_COLUMNS);
        for (String table : expected.keySet()) {
            if (!table.equals("rejected_events")) {
                assertThat(actual.get(table))
                        .as("%s: %s", run, table)
                        .isEqualTo(expected.get(table));
            }
        }
        Map<String, String> rejected = reasonBySource(db);
        assertThat(rejected)
                .as("%s: rejected_events", run)
                .hasSize(cleanRejected.size() + reasonByLine.size());
        Map<Integer, String> hostile = new HashMap<>();
        rejected.forEach(
                (source, reason) -> {
                    int line = Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
                    if (reasonByLine.containsKey(line)) {
                        hostile.put(line, reason);
                    }
                });
        assertThat(hostile).as("%s: reasons of the hostile lines", run).isEqualTo(reasonByLine);
        // The parser caught them all: the sinks' safety net had nothing to refuse.
        assertThat(db.queryLong("SELECT count(*) FROM refused_rows")).as(run).isZero();
    }

    static Map<String, String> reasonBySource(PostgresTestDatabase db) throws Exception {
        Map<String, String> reasons = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT source, reason FROM rejected_events")) {
            while (rs.next()) {
                reasons.put(rs.getString(1), rs.getString(2));
            }
        }
        return reasons;
    }
}
