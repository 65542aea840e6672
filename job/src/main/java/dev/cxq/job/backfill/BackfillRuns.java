package dev.cxq.job.backfill;

import dev.cxq.job.db.PostgresConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The {@code backfill_runs} table: a run is recorded before its job starts and completed once the
 * job has committed every result. The dashboard views hide a metric version while any of its runs
 * is not completed, so they switch to a backfilled version only when it is whole.
 */
public final class BackfillRuns {

    private final PostgresConnection database;

    public BackfillRuns(PostgresConnection database) {
        this.database = database;
    }

    /** Records the run as started (again, for a rerun or a restore: not completed). */
    public void started(BackfillSettings settings, int metricVersion) throws SQLException {
        execute(
                "INSERT INTO backfill_runs (metric_version, platform, range_start, range_end,"
                        + " started_at) VALUES (?, ?, ?, ?, now())"
                        + " ON CONFLICT (metric_version, platform, range_start, range_end)"
                        + " DO UPDATE SET started_at = now(), completed_at = NULL",
                settings,
                metricVersion);
    }

    /** Records the run as completed: every result of it is committed. */
    public void completed(BackfillSettings settings, int metricVersion) throws SQLException {
        execute(
                "UPDATE backfill_runs SET completed_at = now() WHERE metric_version = ?"
                        + " AND platform = ? AND range_start = ? AND range_end = ?",
                settings,
                metricVersion);
    }

    private void execute(String sql, BackfillSettings settings, int metricVersion)
            throws SQLException {
        try (Connection connection = database.open();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, metricVersion);
            statement.setString(2, settings.platform().wireName());
            statement.setTimestamp(3, timestamp(settings.from()));
            statement.setTimestamp(4, timestamp(settings.to()));
            statement.executeUpdate();
        }
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }
}
