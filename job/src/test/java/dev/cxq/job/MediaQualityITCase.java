package dev.cxq.job;

import dev.cxq.job.testing.MediaQualityScenarios;
import dev.cxq.job.testing.PostgresTestDatabase;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cxq.job.testing.MediaQualityScenarios.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The media-quality scenarios through the command line into a real PostgreSQL database. */
class MediaQualityITCase {

    @TempDir static Path dir;
    private static Path input;

    @BeforeAll
    static void writeInput() throws Exception {
        input = dir.resolve("quality-scenarios.jsonl");
        MediaQualityScenarios.write(input);
    }

    private static void replay(PostgresTestDatabase db) {
        db.replay(input, "--execution-mode", "streaming", "--parallelism", "2");
    }

    /** One alert row, the columns the scenarios decide. */
    private record Alert(
            String type,
            String severity,
            String state,
            String startedAt,
            String firedAt,
            String resolvedAt,
            String reason) {}

    private static Alert alert(
            String type, String severity, long started, long fired, long resolved, String reason) {
        return new Alert(type, severity, "resolved", ts(started), ts(fired), ts(resolved), reason);
    }

    @Test
    void everyScenarioEndsInTheTablesAsTheContractSays() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            replay(db);

            Map<String, List<Alert>> alerts = new HashMap<>();
            Map<String, Double> estimatedMos = new HashMap<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT session_id, alert_type, severity, state, started_at,"
                                            + " fired_at, resolved_at, reason, mos_estimated, mos,"
                                            + " agent_id, queue_id"
                                            + " FROM quality_alerts ORDER BY session_id, started_at")) {
                while (rs.next()) {
                    alerts.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(
                                    new Alert(
                                            rs.getString(2),
                                            rs.getString(3),
                                            rs.getString(4),
                                            instant(rs, 5),
                                            instant(rs, 6),
                                            instant(rs, 7),
                                            rs.getString(8)));
                    if (rs.getBoolean(9)) {
                        estimatedMos.put(rs.getString(1), rs.getDouble(10));
                    }
                    assertThat(rs.getString(11)).isEqualTo("agent-q");
                    assertThat(rs.getString(12)).isEqualTo("queue-q");
                }
            }
            assertThat(alerts.get("q-dip")).as("transient dip").isNull();
            assertThat(alerts.get("q-flap")).as("flapping").isNull();
            assertThat(alerts.get("q-critical"))
                    .containsExactly(alert("degradation", "critical", 10, 40, 105, "mos<3.5"));
            assertThat(alerts.get("q-duplicate")).isEqualTo(alerts.get("q-critical"));
            assertThat(alerts.get("q-video"))
                    .containsExactly(
                            alert("degradation", "high", 5, 35, 95, "video_bitrate_kbps<500"));
            assertThat(alerts.get("q-loss"))
                    .containsExactly(alert("degradation", "high", 5, 35, 95, "packet_loss_pct>2"));
            assertThat(alerts.get("q-long"))
                    .containsExactly(alert("degradation", "critical", 5, 35, 640, "mos<3.5"));
            assertThat(alerts.get("q-gap"))
                    .containsExactly(
                            alert(
                                    "media_gap",
                                    "warning",
                                    30,
                                    45,
                                    60,
                                    "no media sample for more than 15 s"));
            assertThat(alerts.get("q-disconnect"))
                    .containsExactly(
                            alert(
                                    "disconnected",
                                    "warning",
                                    20,
                                    20,
                                    35,
                                    "peer_state=disconnected"));
            // Degraded until the session's end at 61 s: the incident resolves then.
            assertThat(alerts.get("q-emodel"))
                    .containsExactly(alert("degradation", "critical", 5, 35, 61, "mos<3.5"));
            assertThat(estimatedMos).containsOnlyKeys("q-emodel");
            assertThat(estimatedMos.get("q-emodel")).isCloseTo(2.95758, within(1e-4));

            Map<String, double[]> quality = new HashMap<>();
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT session_id, samples, degraded_seconds, incidents"
                                            + " FROM session_quality")) {
                while (rs.next()) {
                    quality.put(
                            rs.getString(1),
                            new double[] {rs.getLong(2), rs.getDouble(3), rs.getInt(4)});
                }
            }
            assertThat(quality).containsOnlyKeys(MediaQualityScenarios.SESSIONS);
            assertThat(quality.get("q-dip")).containsExactly(24, 10, 0);
            assertThat(quality.get("q-critical")).containsExactly(30, 65, 1);
            assertThat(quality.get("q-duplicate")).containsExactly(quality.get("q-critical"));
            assertThat(quality.get("q-long")).containsExactly(140, 605, 1);
            assertThat(quality.get("q-flap")[2]).isZero();
            // 0 s to 30 s and 60 s to 90 s.
            assertThat(quality.get("q-gap")).containsExactly(14, 0, 0);

            assertMediaKpiWindows(db);

            Map<String, List<String>> first = db.snapshot(Set.of());
            replay(db);
            assertThat(db.snapshot(Set.of())).as("second replay").isEqualTo(first);
        }
    }

    private static String instant(ResultSet rs, int column) throws Exception {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : Instant.ofEpochMilli(t.getTime()).toString();
    }

    /**
     * avg_mos and degradation_incidents of agent-q and queue-q, every scenario's session. In the
     * 5-minute window from 15:10 only q-long ends (at 701 s): 121 samples of MOS 2.0 up to 605 s,
     * then 19 of 4.3, one incident. The hour holds every session: its figures must be the
     * sample-weighted MOS and the incident sum of the session_quality rows.
     */
    private static void assertMediaKpiWindows(PostgresTestDatabase db) throws Exception {
        double weightedMos = 0;
        long mosSamples = 0;
        long incidents = 0;
        long sessions = 0;
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT avg_mos, mos_samples, incidents, queue_id"
                                        + " FROM session_quality")) {
            while (rs.next()) {
                weightedMos += rs.getDouble(1) * rs.getLong(2);
                mosSamples += rs.getLong(2);
                incidents += rs.getInt(3);
                sessions++;
                assertThat(rs.getString(4)).isEqualTo("queue-q");
            }
        }
        assertThat(sessions).isEqualTo(MediaQualityScenarios.SESSIONS.size());
        for (String dimension : List.of("agent/agent-q", "queue/queue-q")) {
            Map<String, double[]> w = mediaWindows(db, dimension);
            assertThat(w.get("15:10/PT5M/avg_mos"))
                    .as(dimension)
                    .containsExactly(new double[] {(121 * 2.0 + 19 * 4.3) / 140, 1}, within(1e-9));
            assertThat(w.get("15:10/PT5M/degradation_incidents")).containsExactly(1, 1);
            assertThat(w.get("15:00/PT1H/avg_mos"))
                    .containsExactly(
                            new double[] {weightedMos / mosSamples, sessions}, within(1e-9));
            assertThat(w.get("15:00/PT1H/degradation_incidents"))
                    .as("q-critical, q-duplicate, q-video, q-loss, q-long, q-emodel")
                    .containsExactly(6, sessions);
            assertThat(incidents).isEqualTo(6);
        }
    }

    /** {value, count} by "HH:MM/size/metric" of the media metrics of one dimension/id. */
    private static Map<String, double[]> mediaWindows(PostgresTestDatabase db, String dimension)
            throws Exception {
        String[] parts = dimension.split("/");
        Map<String, double[]> out = new HashMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI') || '/'"
                                        + " || window_size || '/' || metric, value, count"
                                        + " FROM kpi_windows WHERE metric IN"
                                        + " ('avg_mos', 'degradation_incidents')"
                                        + " AND dimension = '"
                                        + parts[0]
                                        + "' AND dimension_id = '"
                                        + parts[1]
                                        + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1), new double[] {rs.getDouble(2), rs.getLong(3)});
            }
        }
        return out;
    }
}
