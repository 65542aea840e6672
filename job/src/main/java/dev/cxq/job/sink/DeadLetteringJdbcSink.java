package dev.cxq.job.sink;

import dev.cxq.job.db.PostgresConnection;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The at-least-once JDBC sink of one output table, where one row the database refuses as data does
 * not fail the job: that row goes to {@code refused_rows} with its SQLSTATE and the server's
 * message, and the rest of its batch is written.
 *
 * <p>Guarantee: at-least-once with idempotent upserts, as before. Rows are buffered and written as
 * one batch when {@code batchSize} rows are pending, {@code batchInterval} after the first pending
 * row, at every checkpoint (before the barrier passes: {@link #flush}) and at the end of input.
 * Rows still pending when the task fails were written after the last checkpoint and come again
 * after the restart.
 *
 * <p>Errors: a batch refused with a data error (SQLSTATE class 22, or class 23 other than a unique
 * or exclusion conflict) is written again row by row, each row in its own transaction, and each
 * refused row is dead-lettered ({@code cxq.rowsRefused}, a warning with table and SQLSTATE, not the
 * values). Any other error (connection lost, server restarting, a timeout) is retried {@code
 * maxRetries} times on a new connection, then fails the task so that the job restarts, as the
 * connector did. {@code close()} never throws: Flink 2.2 takes a TaskManager down for an exception
 * while a failed task cleans up.
 */
final class DeadLetteringJdbcSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringJdbcSink.class);

    static final String REFUSED_ROWS_SQL =
            "INSERT INTO refused_rows (table_name, row_key, sqlstate, reason, row_json)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, row_key) DO NOTHING";

    private final Table<T> table;
    private final int metricVersion;
    private final PostgresConnection database;
    private final int batchSize;
    private final long batchIntervalMs;
    private final int maxRetries;

    DeadLetteringJdbcSink(
            Table<T> table,
            int metricVersion,
            PostgresConnection database,
            int batchSize,
            Duration batchInterval,
            int maxRetries) {
        this.table = table;
        this.metricVersion = metricVersion;
        this.database = database;
        this.batchSize = batchSize;
        this.batchIntervalMs = batchInterval.toMillis();
        this.maxRetries = maxRetries;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer(
                context.getProcessingTimeService(),
                context.metricGroup().addGroup("cxq").counter("rowsRefused"));
    }

    /**
     * Whether the database refused the statement for its values, so that the same row would be
     * refused again: data exceptions (class 22) and integrity violations (class 23) other than
     * unique and exclusion conflicts.
     */
    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return false;
        }
        return state.startsWith("22")
                || (state.startsWith("23") && !state.equals("23505") && !state.equals("23P01"));
    }

    private final class Writer implements SinkWriter<T> {

        private final ProcessingTimeService time;
        private final Counter rowsRefused;
        private final ObjectMapper mapper = new ObjectMapper();
        private final List<T> pending = new ArrayList<>();
        private final String upsertSql = table.upsertSql();
        private Connection connection;
        private boolean flushScheduled;

        Writer(ProcessingTimeService time, Counter rowsRefused) {
            this.time = time;
            this.rowsRefused = rowsRefused;
        }

        @Override
        public void write(T row, Context context) throws IOException {
            pending.add(row);
            if (pending.size() >= batchSize) {
                writePending();
            } else if (!flushScheduled) {
                flushScheduled = true;
                time.registerTimer(
                        time.getCurrentProcessingTime() + batchIntervalMs,
                        timestamp -> {
                            flushScheduled = false;
                            writePending();
                        });
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            writePending();
        }

        private void writePending() throws IOException {
            if (pending.isEmpty()) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    writeBatch();
                    pending.clear();
                    return;
                } catch (SQLException e) {
                    if (isDataError(e)) {
                        writeRowByRow();
                        pending.clear();
                        return;
                    }
                    closeConnection();
                    if (attempt >= maxRetries) {
                        throw new IOException(
                                "Writing "
                                        + pending.size()
                                        + " rows to "
                                        + table.name()
                                        + " failed",
                                e);
                    }
                    LOG.warn(
                            "Writing to {} failed (SQLSTATE {}), retrying on a new connection: {}",
                            table.name(),
                            e.getSQLState(),
                            e.getMessage());
                    sleep(1000L * (attempt + 1));
                }
            }
        }

        private void writeBatch() throws SQLException {
            try (PreparedStatement statement = connection().prepareStatement(upsertSql)) {
                for (T row : pending) {
                    table.bind(statement, row, metricVersion);
                    statement.addBatch();
                }
                statement.executeBatch();
            } catch (BatchUpdateException e) {
                // pgjdbc reports the refused statement's own error as the next exception.
                SQLException cause = e.getNextException();
                throw cause != null && isDataError(cause) ? cause : e;
            }
        }

        /** Each row in its own transaction; a refused one is dead-lettered. */
        private void writeRowByRow() throws IOException {
            try (PreparedStatement statement = connection().prepareStatement(upsertSql)) {
                for (T row : pending) {
                    try {
                        table.bind(statement, row, metricVersion);
                        statement.executeUpdate();
                    } catch (SQLException e) {
                        if (!isDataError(e)) {
                            throw e;
                        }
                        refuse(row, e);
                    }
                }
            } catch (SQLException e) {
                // Not a data error: the whole batch comes again after the restart (idempotent).
                closeConnection();
                throw new IOException("Writing rows to " + table.name() + " failed", e);
            }
        }

        private void refuse(T row, SQLException e) throws SQLException {
            String rowJson;
            String key;
            try {
                ObjectNode json = table.toJson(mapper, row, metricVersion);
                ObjectNode keyJson = mapper.createObjectNode();
                for (String column : table.keyColumns()) {
                    keyJson.set(column, json.get(column));
                }
                rowJson = json.toString();
                key = keyJson.toString();
            } catch (IllegalStateException invalidJsonColumn) {
                rowJson = String.valueOf(row);
                key = rowJson;
            }
            try (PreparedStatement statement = connection().prepareStatement(REFUSED_ROWS_SQL)) {
                statement.setString(1, table.name());
                statement.setString(2, key.replace('\u0000', '\uFFFD'));
                statement.setString(3, e.getSQLState());
                statement.setString(4, String.valueOf(e.getMessage()).replace('\u0000', '\uFFFD'));
                statement.setString(5, rowJson.replace('\u0000', '\uFFFD'));
                statement.executeUpdate();
            }
            rowsRefused.inc();
            LOG.warn(
                    "{} refused a row (SQLSTATE {}); written to refused_rows with key {}",
                    table.name(),
                    e.getSQLState(),
                    key);
        }

        private Connection connection() throws SQLException {
            if (connection == null || connection.isClosed()) {
                // The password is read here, on the task manager, at every connect.
                connection = database.open();
            }
            return connection;
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("Closing a failed JDBC connection", e);
                }
                connection = null;
            }
        }

        private void sleep(long millis) throws IOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while retrying a JDBC write", e);
            }
        }

        @Override
        public void close() {
            // Pending rows were written after the last checkpoint: they come again after a
            // restart, so nothing is lost by not writing them here.
            closeConnection();
        }
    }
}
