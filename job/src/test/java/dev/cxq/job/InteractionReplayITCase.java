package dev.cxq.job;

import dev.cxq.job.testing.InteractionInputs;
import dev.cxq.job.testing.PostgresTestDatabase;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Interaction metrics, FCR and KPI windows replayed through the command line into PostgreSQL. */
class InteractionReplayITCase {

    @TempDir static Path dir;
    private static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = dir.resolve("interactions.jsonl");
        InteractionInputs.append(input);
    }

    private static void replay(PostgresTestDatabase db) {
        db.replay(input, "--parallelism", "2");
    }

    /** metric_value by "interaction/metric_type". */
    private static Map<String, Double> metrics(PostgresTestDatabase db) throws SQLException {
        return query(
                db,
                "SELECT interaction_id || '/' || metric_type, metric_value FROM computed_metrics");
    }

    private static Map<String, String> statuses(PostgresTestDatabase db) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT interaction_id || '/' || metric_type, metadata->>'status'"
                                        + " FROM computed_metrics")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** value by "dimension/id/size/metric" of the windows starting at 15:00Z. */
    private static Map<String, Double> windows(PostgresTestDatabase db, String start)
            throws SQLException {
        return query(
                db,
                "SELECT dimension || '/' || dimension_id || '/' || window_size || '/' || metric,"
                        + " value FROM kpi_windows WHERE window_start = '"
                        + start
                        + "'::timestamptz");
    }

    private static Map<String, Double> query(PostgresTestDatabase db, String sql)
            throws SQLException {
        Map<String, Double> out = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                double v = rs.getDouble(2);
                out.put(rs.getString(1), rs.wasNull() ? null : v);
            }
        }
        return out;
    }

    @Test
    void replayWritesInteractionMetricsAndCorrectedWindowsAndASecondReplayChangesNothing()
            throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            replay(db);

            Map<String, Double> m = metrics(db);
            Map<String, String> status = statuses(db);
            // a1: talk 30..90 + 150..240, hold 90..150, wrap 240..270, queue 0..30.
            assertThat(m.get("a1/talk_s")).isEqualTo(150.0);
            assertThat(m.get("a1/hold_s")).isEqualTo(60.0);
            assertThat(m.get("a1/wrap_s")).isEqualTo(30.0);
            assertThat(m.get("a1/queue_wait_s")).isEqualTo(30.0);
            assertThat(m.get("a1/handle_time_s")).isEqualTo(240.0);
            assertThat(m.get("a1/adjusted_aht_s")).isEqualTo(240.0);
            assertThat(m.get("a1/recording_status")).isEqualTo(1.0);
            assertThat(m.get("a1/fcr")).as("callback a3 within 24 h").isEqualTo(0.0);
            // a2: failed recording, handle time intact.
            assertThat(status.get("a2/recording_status")).isEqualTo("failed");
            assertThat(m.get("a2/handle_time_s")).isEqualTo(120.0);
            assertThat(m.get("a2/fcr")).isEqualTo(1.0);
            // a3: platform metrics win; upload 3 h late updated the row.
            assertThat(m.get("a3/handle_time_s")).isEqualTo(170.0);
            assertThat(status.get("a3/recording_status")).isEqualTo("uploaded");
            assertThat(m.get("a3/fcr")).isEqualTo(1.0);
            // a4: IVR self-service (never connected: no handle time), b4: 00:00 in Tokyo.
            assertThat(m).doesNotContainKeys("a4/adjusted_aht_s", "b4/adjusted_aht_s");
            assertThat(m.get("b4/handle_time_s")).isEqualTo(300.0);
            // b1: required, nothing uploaded within 4 h.
            assertThat(status.get("b1/recording_status")).isEqualTo("missing");
            assertThat(m.get("b1/handle_time_s")).isEqualTo(280.0);
            // b2: abandoned in queue.
            assertThat(status.get("b2/interaction_status")).isEqualTo("abandoned");
            assertThat(m.get("b2/interaction_status")).isEqualTo(0.0);
            assertThat(m.get("b2/queue_wait_s")).isEqualTo(60.0);
            // b3: started, then uploaded 3 h late.
            assertThat(status.get("b3/recording_status")).isEqualTo("uploaded");
            // b5: silent after connecting.
            assertThat(status.get("b5/interaction_status")).isEqualTo("partial");

            Map<String, Double> hour = windows(db, "2026-03-09T15:00:00Z");
            assertThat(hour.get("agent/agent-a/PT1H/interactions_completed")).isEqualTo(4.0);
            assertThat(hour.get("agent/agent-a/PT1H/avg_handle_time_s"))
                    .isEqualTo((240.0 + 120 + 170 + 0) / 4);
            assertThat(hour.get("agent/agent-a/PT1H/avg_adjusted_aht_s"))
                    .isEqualTo((240.0 + 120 + 170) / 3);
            assertThat(hour.get("agent/agent-a/PT1H/recording_required")).isEqualTo(3.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_uploaded")).isEqualTo(2.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_failed")).isEqualTo(1.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_pending")).isEqualTo(0.0);
            assertThat(hour.get("agent/agent-a/PT1H/recording_compliance_rate"))
                    .isCloseTo(2.0 / 3, within(1e-9));
            assertThat(hour.get("agent/agent-b/PT1H/interactions_completed")).isEqualTo(3.0);
            assertThat(hour.get("agent/agent-b/PT1H/avg_adjusted_aht_s"))
                    .isEqualTo((280.0 + 300) / 2);
            assertThat(hour.get("agent/agent-b/PT1H/recording_compliance_rate")).isEqualTo(0.5);
            assertThat(hour.get("queue/q-support/PT1H/interactions_completed")).isEqualTo(3.0);
            // a3 ended at 15:13 and was uploaded at 18:13: its 5-minute window was corrected.
            Map<String, Double> a3Window = windows(db, "2026-03-09T15:10:00Z");
            assertThat(a3Window.get("agent/agent-a/PT5M/recording_uploaded")).isEqualTo(1.0);
            assertThat(a3Window.get("agent/agent-a/PT5M/recording_compliance_rate")).isEqualTo(1.0);

            assertThat(query(db, "SELECT event_id, 0 FROM late_events"))
                    .containsOnlyKeys("a2-rec-uploaded-18420");

            Map<String, List<String>> first = db.snapshot(Set.of());
            replay(db);
            assertThat(db.snapshot(Set.of())).isEqualTo(first);
        }
    }
}
