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

    /**
     * The sync horizon now (docs/metric-sync.md, "While an input is syncing"), or null when no
     * input is syncing.
     */
    SyncHorizon horizon() throws SQLException;

    /**
     * Up to {@code limit} rows the endpoint lacks in their current version, oldest first; with a
     * {@code horizon}, only those before it.
     */
    List<MetricRow> pending(int limit, SyncHorizon horizon) throws SQLException;

    /** How many pending rows are at or after {@code horizon}. */
    long heldBack(SyncHorizon horizon) throws SQLException;

    /** Records that the endpoint accepted these rows in these versions. */
    void markSynced(List<MetricRow> rows) throws SQLException;

    /** One call to the endpoint, for reconciliation and audit. */
    void log(SyncCall call) throws SQLException;

    /**
     * While inputs are syncing, the rows before {@code watermark} are the backlog they have
     * delivered; later rows may still lack their data.
     *
     * @param watermark the lowest watermark of the syncing inputs
     * @param inputs the syncing inputs, for the log
     */
    record SyncHorizon(Instant watermark, String inputs) {}

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
