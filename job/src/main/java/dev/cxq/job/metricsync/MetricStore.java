package dev.cxq.job.metricsync;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the sync reads and records: the {@code computed_metrics} rows an endpoint lacks in their
 * current version, the versions it accepted, and an audit of every call. In PostgreSQL ({@link
 * PostgresMetricStore}) for a scheduled run, or over the JSON Lines output ({@link
 * JsonLinesMetricStore}) for the demo.
 */
public interface MetricStore {

    /** Up to {@code limit} rows the endpoint lacks in their current version, oldest first. */
    List<MetricRow> pending(int limit) throws SQLException;

    /** Records that the endpoint accepted these rows in these versions. */
    void markSynced(List<MetricRow> rows) throws SQLException;

    /** One call to the endpoint, for reconciliation and audit. */
    void log(SyncCall call) throws SQLException;

    /**
     * One call of one batch.
     *
     * @param httpStatus the answer's status, or null when none came (I/O error)
     * @param error why the call failed, or null
     */
    record SyncCall(
            String batchId,
            List<MetricRow> rows,
            int attempt,
            Integer httpStatus,
            String error,
            Instant startedAt,
            Instant finishedAt) {}
}
