package dev.cxq.job.sink;

import dev.cxq.job.db.PostgresConnection;

import org.apache.flink.api.connector.sink2.Sink;

import java.time.Duration;

/**
 * PostgreSQL output: one {@link DeadLetteringJdbcSink} per table.
 *
 * <p>Guarantee: effectively exactly-once. The sink is at-least-once (it flushes its batch on every
 * checkpoint and at the end of input, and rows after the last checkpoint are written again after a
 * failure), and every statement is an upsert on the table's contract key whose values are a
 * deterministic function of the input: a row written twice ends exactly as a row written once. A
 * row the database refuses as data goes to {@code refused_rows} instead of failing the job.
 */
public final class JdbcSinks implements CxqSinks {

    private static final int BATCH_SIZE = 1000;
    private static final Duration BATCH_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_RETRIES = 3;

    private final PostgresConnection database;
    private final int metricVersion;

    public JdbcSinks(PostgresConnection database, int metricVersion) {
        this.database = database;
        this.metricVersion = metricVersion;
    }

    @Override
    public <T> Sink<T> sink(Table<T> table) {
        return new DeadLetteringJdbcSink<>(
                table, metricVersion, database, BATCH_SIZE, BATCH_INTERVAL, MAX_RETRIES);
    }
}
