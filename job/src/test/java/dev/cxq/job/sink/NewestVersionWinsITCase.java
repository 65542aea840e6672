package dev.cxq.job.sink;

import dev.cxq.job.testing.PostgresTestDatabase;
import dev.cxq.udf.rows.ComputedMetric;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Set;

import static dev.cxq.job.sink.VersionedRows.sessionEndingAt;
import static dev.cxq.job.sink.VersionedRows.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upserts of the tables written more than once per key, against PostgreSQL, with the statement
 * and binding the JDBC sink uses: whatever order the versions of one key arrive in, and however
 * often, the newest is the row left.
 */
class NewestVersionWinsITCase {

    private static ComputedMetric recordingStatus(String status, long version) {
        return new ComputedMetric(
                "i1",
                "recording_status",
                1_000L,
                "agent-1",
                "uploaded".equals(status) ? 1.0 : 0.0,
                "{\"status\":\"" + status + "\",\"required\":true}",
                version);
    }

    /** Writes {@code rows} in order, each in its own statement (as separate sink batches do). */
    private static <T> void write(Connection c, Table<T> table, List<T> rows) throws Exception {
        try (PreparedStatement st = c.prepareStatement(table.upsertSql())) {
            for (T row : rows) {
                table.bind(st, row, 1);
                st.executeUpdate();
            }
        }
    }

    @Test
    void theNewestVersionOfEachKeySurvivesAnyOrderAndRepetition() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            try (Connection c = db.connect()) {
                // pending at the end (v2), uploaded later (v3): delivered newest first, then the
                // older again, then the newest again.
                write(
                        c,
                        CxqTables.COMPUTED_METRICS,
                        List.of(
                                recordingStatus("uploaded", 3),
                                recordingStatus("pending", 2),
                                recordingStatus("pending", 2),
                                recordingStatus("uploaded", 3)));
                write(
                        c,
                        CxqTables.KPI_WINDOWS,
                        List.of(uploaded(2, 5), uploaded(1, 4), uploaded(2, 5), uploaded(1, 4)));
                // A session id that ended twice (events resumed after the first end).
                write(
                        c,
                        CxqTables.SESSION_QUALITY,
                        List.of(
                                sessionEndingAt(9_000L, 40),
                                sessionEndingAt(2_000L, 10),
                                sessionEndingAt(2_000L, 10)));
            }
            assertThat(db.rows("computed_metrics", Set.of("timestamp_utc", "agent_id", "metadata")))
                    .containsExactly(
                            "{interaction_id=i1, metric_type=recording_status, metric_value=1.0,"
                                    + " metric_version=1, row_version=3}");
            assertThat(db.queryLong("SELECT count(*) FROM kpi_windows")).isEqualTo(1);
            assertThat(db.queryLong("SELECT value FROM kpi_windows")).isEqualTo(2);
            assertThat(db.queryLong("SELECT row_version FROM kpi_windows")).isEqualTo(5);
            assertThat(db.queryLong("SELECT count(*) FROM session_quality")).isEqualTo(1);
            assertThat(db.queryLong("SELECT samples FROM session_quality")).isEqualTo(40);
        }
    }

    @Test
    void aNewerVersionReplacesAnOlderOne() throws Exception {
        try (PostgresTestDatabase db = new PostgresTestDatabase()) {
            db.migrate();
            try (Connection c = db.connect()) {
                write(
                        c,
                        CxqTables.COMPUTED_METRICS,
                        List.of(recordingStatus("pending", 2), recordingStatus("failed", 3)));
                write(c, CxqTables.KPI_WINDOWS, List.of(uploaded(1, 4), uploaded(2, 5)));
                write(
                        c,
                        CxqTables.SESSION_QUALITY,
                        List.of(sessionEndingAt(2_000L, 10), sessionEndingAt(9_000L, 40)));
            }
            assertThat(
                            db.queryLong(
                                    "SELECT row_version FROM computed_metrics"
                                            + " WHERE metadata->>'status' = 'failed'"))
                    .isEqualTo(3);
            assertThat(db.queryLong("SELECT value FROM kpi_windows")).isEqualTo(2);
            assertThat(db.queryLong("SELECT samples FROM session_quality")).isEqualTo(40);
        }
    }
}
