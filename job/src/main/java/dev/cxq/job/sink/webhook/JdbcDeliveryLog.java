package dev.cxq.job.sink.webhook;

import dev.cxq.job.db.PostgresConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * Writes {@code webhook_deliveries} over JDBC. A delivered row is final: a later outcome for the
 * same message, endpoint and state (a retry after a restart, a replay) does not overwrite it, so a
 * second replay leaves the table as the first left it.
 */
public final class JdbcDeliveryLog implements DeliveryLog {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDeliveryLog.class);

    static final String UPSERT =
            "INSERT INTO webhook_deliveries"
                    + " (incident_key, state, endpoint, attempts, last_status, delivered_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (incident_key, state, endpoint) DO UPDATE SET"
                    + " attempts = EXCLUDED.attempts, last_status = EXCLUDED.last_status,"
                    + " delivered_at = EXCLUDED.delivered_at"
                    + " WHERE webhook_deliveries.delivered_at IS NULL";

    private final PostgresConnection database;

    private transient Connection connection;

    public JdbcDeliveryLog(PostgresConnection database) {
        this.database = database;
    }

    @Override
    public synchronized void open(String writerId) {
        try {
            connect();
        } catch (SQLException e) {
            // Deliveries go on; the log reconnects on its next write.
            LOG.warn("Webhook delivery log unavailable at start: {}", e.getMessage());
        }
    }

    private void connect() throws SQLException {
        // The password is read here, on the task manager, at every connect.
        connection = database.open();
    }

    @Override
    public synchronized void record(WebhookMessage message, String endpoint, Long deliveredAt) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                if (connection == null || connection.isClosed()) {
                    connect();
                }
                try (PreparedStatement st = connection.prepareStatement(UPSERT)) {
                    st.setString(1, message.incidentKey());
                    st.setString(2, message.state());
                    st.setString(3, endpoint);
                    st.setInt(4, message.attempts());
                    if (message.lastStatus() < 0) {
                        st.setNull(5, Types.INTEGER);
                    } else {
                        st.setInt(5, message.lastStatus());
                    }
                    if (deliveredAt == null) {
                        st.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        st.setTimestamp(6, new Timestamp(deliveredAt));
                    }
                    st.executeUpdate();
                    return;
                }
            } catch (SQLException e) {
                LOG.warn(
                        "Cannot record webhook delivery of {} (attempt {}): {}",
                        message.idempotencyKey(),
                        attempt,
                        e.getMessage());
                close();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the delivery log connection failed", e);
            }
            connection = null;
        }
    }
}
