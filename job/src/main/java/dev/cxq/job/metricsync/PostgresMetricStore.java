package dev.cxq.job.metricsync;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric store in PostgreSQL: the {@code computed_metrics} rows an endpoint has not received in
 * their current version, the versions it has received ({@code metric_sync_state}), and the audit of
 * every call ({@code metric_sync_log}).
 */
final class PostgresMetricStore implements MetricStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The selected rows (metric version, metric types) the endpoint lacks in their current version:
     * parameters 1 to 4 ({@code bindSelection}).
     */
    private static final String SELECTED_PENDING =
            " FROM computed_metrics m LEFT JOIN metric_sync_state s"
                    + " ON s.endpoint = ? AND s.interaction_id = m.interaction_id"
                    + " AND s.metric_type = m.metric_type AND s.metric_version = m.metric_version"
                    + " WHERE m.metric_version = ?"
                    + " AND (cardinality(?::text[]) = 0 OR m.metric_type = ANY(?::text[]))"
                    + " AND (s.synced_row_version IS NULL OR s.synced_row_version < m.row_version)";

    /**
     * Oldest first, so a backlog reaches the platform in event-time order; a row is pending while
     * the endpoint has no version of it or an older one. With a sync horizon, only the rows before
     * it.
     */
    private static final String PENDING =
            "SELECT m.interaction_id, m.metric_type, m.metric_version, m.timestamp_utc,"
                    + " m.agent_id, m.metric_value, m.metadata::text, m.row_version"
                    + SELECTED_PENDING
                    + " AND (?::timestamptz IS NULL OR m.timestamp_utc < ?::timestamptz)"
                    + " ORDER BY m.timestamp_utc, m.interaction_id, m.metric_type"
                    + " LIMIT ?";

    /**
     * How long a {@code pipeline_status} row counts: a job that stopped writing them (cancelled,
     * failed) must not hold the sync back for good.
     */
    static final Duration STATUS_FRESHNESS = Duration.ofMinutes(5);

    /**
     * The sync horizon: the lowest watermark of the inputs whose latest {@code pipeline_status}
     * row, written within {@link #STATUS_FRESHNESS}, says {@code syncing}; null when none is.
     */
    private static final String HORIZON =
            "SELECT min(watermark), string_agg(input, ', ' ORDER BY input)"
                    + " FROM dashboard_pipeline_status"
                    + " WHERE status = 'syncing' AND watermark IS NOT NULL"
                    + " AND minute_start > now() - make_interval(secs => ?)";

    /** The selected rows pending at or after a horizon: held back while inputs sync. */
    private static final String HELD_BACK =
            "SELECT count(*)" + SELECTED_PENDING + " AND m.timestamp_utc >= ?::timestamptz";

    private static final String SYNCED =
            "INSERT INTO metric_sync_state (endpoint, interaction_id, metric_type, metric_version,"
                    + " synced_row_version, synced_at) VALUES (?, ?, ?, ?, ?, now())"
                    + " ON CONFLICT (endpoint, interaction_id, metric_type, metric_version)"
                    + " DO UPDATE SET synced_row_version = GREATEST("
                    + "metric_sync_state.synced_row_version, EXCLUDED.synced_row_version),"
                    + " synced_at = EXCLUDED.synced_at";

    private static final String LOG =
            "INSERT INTO metric_sync_log (batch_id, endpoint, row_count, first_key, last_key,"
                    + " attempt, http_status, error, started_at, finished_at)"
                    + " VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Connection connection;
    private final String endpoint;
    private final int metricVersion;
    private final Array metricTypes;

    PostgresMetricStore(Connection connection, MetricSyncSettings settings) throws SQLException {
        this.connection = connection;
        this.endpoint = settings.endpoint();
        this.metricVersion = settings.metricVersion();
        this.metricTypes =
                connection.createArrayOf("text", settings.metricTypes().toArray(String[]::new));
        connection.setAutoCommit(true);
    }

    @Override
    public SyncHorizon horizon() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(HORIZON)) {
            select.setLong(1, STATUS_FRESHNESS.toSeconds());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                Timestamp watermark = rs.getTimestamp(1);
                return watermark == null
                        ? null
                        : new SyncHorizon(watermark.toInstant(), rs.getString(2));
            }
        }
    }

    @Override
    public long heldBack(SyncHorizon horizon) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(HELD_BACK)) {
            bindSelection(select);
            select.setTimestamp(5, Timestamp.from(horizon.watermark()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The endpoint, metric version and metric types: parameters 1 to 4 of a selection. */
    private void bindSelection(PreparedStatement select) throws SQLException {
        select.setString(1, endpoint);
        select.setInt(2, metricVersion);
        select.setArray(3, metricTypes);
        select.setArray(4, metricTypes);
    }

    @Override
    public List<MetricRow> pending(int limit, SyncHorizon horizon) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(PENDING)) {
            bindSelection(select);
            Timestamp before = horizon == null ? null : Timestamp.from(horizon.watermark());
            select.setTimestamp(5, before);
            select.setTimestamp(6, before);
            select.setInt(7, limit);
            List<MetricRow> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    double number = rs.getDouble(6);
                    Double value = rs.wasNull() ? null : number;
                    rows.add(
                            new MetricRow(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getInt(3),
                                    rs.getTimestamp(4).toInstant(),
                                    rs.getString(5),
                                    value,
                                    JSON.readTree(rs.getString(7)),
                                    rs.getLong(8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("computed_metrics holds unreadable metadata", e);
            }
            return rows;
        }
    }

    /** In one transaction. */
    @Override
    public void markSynced(List<MetricRow> rows) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement upsert = connection.prepareStatement(SYNCED)) {
            for (MetricRow row : rows) {
                upsert.setString(1, endpoint);
                upsert.setString(2, row.interactionId());
                upsert.setString(3, row.metricType());
                upsert.setInt(4, row.metricVersion());
                upsert.setLong(5, row.rowVersion());
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void log(SyncCall call) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(LOG)) {
            insert.setString(1, call.batchId());
            insert.setString(2, endpoint);
            insert.setInt(3, call.rows().size());
            insert.setString(4, call.rows().get(0).key());
            insert.setString(5, call.rows().get(call.rows().size() - 1).key());
            insert.setInt(6, call.attempt());
            if (call.httpStatus() == null) {
                insert.setNull(7, Types.INTEGER);
            } else {
                insert.setInt(7, call.httpStatus());
            }
            insert.setString(8, call.error());
            insert.setTimestamp(9, Timestamp.from(call.startedAt()));
            insert.setTimestamp(10, Timestamp.from(call.finishedAt()));
            insert.executeUpdate();
        }
    }
}
