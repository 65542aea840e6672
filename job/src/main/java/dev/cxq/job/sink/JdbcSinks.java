package dev.cxq.job.sink;

import dev.cxq.job.secret.SecretRef;
import dev.cxq.job.sink.webhook.DeliveryLog;
import dev.cxq.job.sink.webhook.JdbcDeliveryLog;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.RejectedEvent;
import dev.cxq.udf.rows.SessionQuality;

import org.apache.flink.api.connector.sink2.Sink;

import java.time.Duration;
import java.util.Map;

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

    /**
     * PostgreSQL driver settings that bound every network wait of a writer, so a dead or restarting
     * server fails the flush (and the job restarts) instead of blocking a task for longer than
     * Flink's task cancellation timeout (180 s). A parameter in the JDBC URL takes precedence.
     */
    public static final Map<String, String> DRIVER_TIMEOUTS =
            Map.of("connectTimeout", "10", "socketTimeout", "30", "tcpKeepAlive", "true");

    private static final int BATCH_SIZE = 1000;
    private static final Duration BATCH_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_RETRIES = 3;

    /** Seconds {@code Connection.isValid} may take when a failed flush checks the connection. */
    static final int CONNECTION_CHECK_TIMEOUT_SECONDS = 5;

    private final PasswordRefConnectionOptions connection;
    private final int metricVersion;
    private final String url;
    private final String user;
    private final SecretRef password;

    /**
     * @param url the JDBC URL, without a password
     * @param user the database user, or {@code null}
     * @param password where the password is (read by each writer when it connects), or {@code null}
     *     for none
     */
    public JdbcSinks(String url, String user, SecretRef password, int metricVersion) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection =
                new PasswordRefConnectionOptions(
                        url, user, password, CONNECTION_CHECK_TIMEOUT_SECONDS, DRIVER_TIMEOUTS);
        this.metricVersion = metricVersion;
    }

    @Override
    public Sink<SessionQuality> sessionQuality() {
        return sinkFor(CxqTables.SESSION_QUALITY);
    }

    @Override
    public Sink<RejectedEvent> rejectedEvents() {
        return sinkFor(CxqTables.REJECTED_EVENTS);
    }

    private <T> Sink<T> sinkFor(Table<T> table) {
        return new DeadLetteringJdbcSink<>(
                table, metricVersion, connection, BATCH_SIZE, BATCH_INTERVAL, MAX_RETRIES);
    }

    @Override
    public Sink<LateEvent> lateEvents() {
        return sinkFor(CxqTables.LATE_EVENTS);
    }

    @Override
    public Sink<QualityAlert> qualityAlerts() {
        return sinkFor(CxqTables.QUALITY_ALERTS);
    }

    @Override
    public Sink<ComputedMetric> computedMetrics() {
        return sinkFor(CxqTables.COMPUTED_METRICS);
    }

    @Override
    public Sink<KpiWindow> kpiWindows() {
        return sinkFor(CxqTables.KPI_WINDOWS);
    }

    @Override
    public DeliveryLog webhookDeliveries() {
        return new JdbcDeliveryLog(url, user, password);
    }
}
