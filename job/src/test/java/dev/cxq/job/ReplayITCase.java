package dev.cxq.job;

import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.job.testing.ReplayInputs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays through the command line into a real PostgreSQL database; a second replay changes no row.
 * That the results depend on neither execution mode nor parallelism: {@link ExecutionModesITCase}.
 */
class ReplayITCase {

    private static final int SESSIONS = 12;
    private static final int SAMPLES = 30;

    @TempDir static Path dir;
    private static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = dir.resolve("mixed.jsonl");
        ReplayInputs.writeMixed(input, SESSIONS, SAMPLES);
        InteractionInputs.append(input);
    }

    @Test
    void replayWritesRejectionsAndSessionsAndASecondReplayChangesNothing() throws Exception {
        // Empty, as the README promises: the job creates its tables.
        try (PostgresTestDatabase db = PostgresTestDatabase.empty()) {
            db.replay(input, "--parallelism", "2");

            Map<String, String> reasonBySource = new HashMap<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT source, reason, payload FROM rejected_events")) {
                while (rs.next()) {
                    String source = rs.getString(1);
                    assertThat(source).startsWith(input.toAbsolutePath().toString() + ":");
                    reasonBySource.put(rs.getString(3), rs.getString(2));
                }
            }
            Map<String, String> expected = new HashMap<>();
            for (String[] bad : ReplayInputs.BAD_LINES) {
                expected.put(bad[0], bad[1]);
            }
            assertThat(reasonBySource).isEqualTo(expected);

            Map<String, Long> samplesBySession = new HashMap<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT session_id, samples, end_reason FROM session_quality")) {
                while (rs.next()) {
                    samplesBySession.put(rs.getString(1), rs.getLong(2));
                    int index = Integer.parseInt(rs.getString(1).substring("sess-".length()));
                    assertThat(rs.getString(3))
                            .as("end reason of %s", rs.getString(1))
                            .isEqualTo(index % 3 == 2 ? "inactivity" : "terminal");
                }
            }
            assertThat(samplesBySession).hasSize(SESSIONS);
            assertThat(samplesBySession.values()).containsOnly((long) SAMPLES);

            Map<String, List<String>> first = db.snapshot(Set.of());
            db.replay(input, "--parallelism", "2");
            assertThat(db.snapshot(Set.of())).isEqualTo(first);
        }
    }
}
