package dev.cxq.job.sink.webhook;

import dev.cxq.job.db.PostgresConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox in PostgreSQL: {@code webhook_outbox} rows without a settled {@code
 * webhook_deliveries} row of the endpoint. A session advisory lock per endpoint makes one worker
 * the endpoint's only sender, whichever processes run workers.
 */
final class JdbcOutbox implements Outbox {

    private static final String PENDING =
            "SELECT o.incident_key, o.state, o.event_time, o.body FROM webhook_outbox o"
                    + " WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
                    + " WHERE d.incident_key = o.incident_key AND d.state = o.state"
                    + " AND d.endpoint = ?"
                    + " AND (d.delivered_at IS NOT NULL OR d.refused_at IS NOT NULL))"
                    + " ORDER BY o.event_time, o.idempotency_key LIMIT ?";

    private static final String BACKLOG =
            "SELECT count(*), min(o.event_time) FROM webhook_outbox o"
                    + " WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
                    + " WHERE d.incident_key = o.incident_key AND d.state = o.state"
                    + " AND d.endpoint = ?"
                    + " AND (d.delivered_at IS NOT NULL OR d.refused_at IS NOT NULL))";

    /** Counts the attempts; a settled row stays as it was settled. */
    static final String RECORD =
            "INSERT INTO webhook_deliveries"
                    + " (incident_key, state, endpoint, attempts, last_status, delivered_at,"
                    + " refused_at)"
                    + " VALUES (?, ?, ?, 1, ?, ?, ?)"
                    + " ON CONFLICT (incident_key, state, endpoint) DO UPDATE SET"
                    + " attempts = webhook_deliveries.attempts + 1,"
                    + " last_status = EXCLUDED.last_status, delivered_at = EXCLUDED.delivered_at,"
                    + " refused_at = EXCLUDED.refused_at"
                    + " WHERE webhook_deliveries.delivered_at IS NULL"
                    + " AND webhook_deliveries.refused_at IS NULL";

    private static final String CLAIM = "SELECT pg_try_advisory_lock(hashtext(?), hashtext(?))";

    private final PostgresConnection database;
    private final String endpoint;

    private Connection connection;
    private boolean claimed;

    JdbcOutbox(PostgresConnection database, String endpoint) {
        this.database = database;
        this.endpoint = endpoint;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            // A new session holds no lock: claim again.
            claimed = false;
            connection = database.open();
        }
        return connection;
    }

    @Override
    public boolean claim() throws SQLException {
        if (!claimed) {
            try (PreparedStatement st = connection().prepareStatement(CLAIM)) {
                st.setString(1, WebhookDeliveries.OUTBOX_TABLE);
                st.setString(2, endpoint);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    claimed = rs.getBoolean(1);
                }
            } catch (SQLException e) {
                close();
                throw e;
            }
        }
        return claimed;
    }

    @Override
    public List<WebhookMessage> pending(int limit) throws SQLException {
        List<WebhookMessage> messages = new ArrayList<>();
        try (PreparedStatement st = connection().prepareStatement(PENDING)) {
            st.setString(1, endpoint);
            st.setInt(2, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    messages.add(
                            new WebhookMessage(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getTimestamp(3).getTime(),
                                    rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
        return messages;
    }

    @Override
    public Backlog backlog() throws SQLException {
        try (PreparedStatement st = connection().prepareStatement(BACKLOG)) {
            st.setString(1, endpoint);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(2);
                return new Backlog(rs.getLong(1), oldest == null ? null : oldest.getTime());
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void record(WebhookMessage message, int status, Outcome outcome) throws SQLException {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        try (PreparedStatement st = connection().prepareStatement(RECORD)) {
            st.setString(1, message.incidentKey());
            st.setString(2, message.state());
            st.setString(3, endpoint);
            if (status < 0) {
                st.setNull(4, Types.INTEGER);
            } else {
                st.setInt(4, status);
            }
            st.setTimestamp(5, outcome == Outcome.DELIVERED ? now : null);
            st.setTimestamp(6, outcome == Outcome.REFUSED ? now : null);
            st.executeUpdate();
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                // Ends the session and with it the endpoint's lock.
                connection.close();
            } catch (SQLException e) {
                // Nothing to keep: the next use opens a new connection.
            }
            connection = null;
        }
        claimed = false;
    }
}
