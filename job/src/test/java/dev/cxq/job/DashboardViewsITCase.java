package dev.cxq.job;

import dev.cxq.job.testing.PostgresTestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The dashboard views of {@code V3__dashboard_views.sql}, on a migrated real PostgreSQL. */
class DashboardViewsITCase {

    private PostgresTestDatabase db;

    @BeforeEach
    void migrate() throws SQLException {
        db = new PostgresTestDatabase();
        db.migrate();
    }

    @AfterEach
    void drop() throws SQLException {
        db.close();
    }

    @Test
    void latestKpisAreTheNewestWindowOfTheNewestMetricVersion() throws SQLException {
        execute(
                kpi("agent", "a1", "10:00", "avg_handle_time_s", 100, 1),
                kpi("agent", "a1", "10:05", "avg_handle_time_s", 200, 1),
                kpi("queue", "q1", "10:00", "avg_handle_time_s", 300, 1),
                // a backfill with version 2 replaces version 1 everywhere, even where it is older
                kpi("agent", "a1", "10:00", "avg_handle_time_s", 110, 2),
                kpi("queue", "q1", "09:55", "avg_handle_time_s", 310, 2));

        assertEquals(
                List.of(
                        "agent|a1|PT5M|avg_handle_time_s|10:00|110.0|2",
                        "queue|q1|PT5M|avg_handle_time_s|09:55|310.0|2"),
                query(
                        "SELECT dimension, dimension_id, window_size, metric,"
                                + " to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI'), value,"
                                + " metric_version FROM dashboard_latest_kpis"
                                + " ORDER BY dimension, dimension_id"));
    }

    @Test
    void openIncidentsAreTheFiringAlertsOldestFirst() throws SQLException {
        execute(
                alert("i1", "firing", "10:02"),
                alert("i2", "resolved", "10:00"),
                alert("i3", "firing", "10:01"));

        assertEquals(
                List.of("i3", "i1"), query("SELECT incident_key FROM dashboard_open_incidents"));
    }

    @Test
    void recordingComplianceCountsOnlyRequiredRecordingsPerUtcDay() throws SQLException {
        execute(
                recording("r1", "2026-03-01 23:30+00", "uploaded", true, 1),
                recording("r2", "2026-03-01 10:00+00", "failed", true, 1),
                recording("r3", "2026-03-01 11:00+00", "uploaded", false, 1),
                recording("r4", "2026-03-01 12:00+00", "missing", true, 1),
                recording("r5", "2026-03-01 13:00+00", "uploaded", true, 1),
                // 00:30 the next day in UTC, although still 1 March west of UTC
                recording("r6", "2026-03-01 19:30-05", "pending", true, 1),
                // an older metric_version is ignored
                recording("r1", "2026-03-01 23:30+00", "failed", true, 0));

        assertEquals(
                List.of("2026-03-01|4|2|1|0|1|0.5", "2026-03-02|1|0|0|1|0|0.0"),
                query(
                        "SELECT day, required, uploaded, failed, pending, missing,"
                                + " compliance_rate FROM dashboard_recording_compliance_daily"
                                + " ORDER BY day"));
    }

    private static String kpi(
            String dimension, String id, String start, String metric, double value, int version) {
        return String.format(
                "INSERT INTO kpi_windows VALUES ('%s', '%s', '2026-03-01 %s+00', 'PT5M', '%s',"
                        + " '2026-03-01 %s+00'::timestamptz + interval '5 minutes', %s, 1, %d)",
                dimension, id, start, metric, start, value, version);
    }

    private static String alert(String key, String state, String startedAt) {
        return String.format(
                "INSERT INTO quality_alerts (incident_key, session_id, alert_type, severity, state,"
                        + " started_at, metric_version) VALUES ('%s', 's-%s', 'degradation',"
                        + " 'high', '%s', '2026-03-01 %s+00', 1)",
                key, key, state, startedAt);
    }

    private static String recording(
            String interaction, String endedAt, String status, boolean required, int version) {
        return String.format(
                "INSERT INTO computed_metrics VALUES ('%s', 'recording_status', '%s', 'a1', %s,"
                        + " '{\"status\": \"%s\", \"required\": %s}', %d)",
                interaction,
                endedAt,
                "uploaded".equals(status) ? "1" : "0",
                status,
                required,
                version);
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.executeUpdate(sql);
            }
        }
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    columns.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", columns));
            }
            return rows;
        }
    }
}
