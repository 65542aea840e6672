package dev.cxq.job.metricsync;

/**
 * What one metric sync run did.
 *
 * @param requests calls to the data endpoint, retries included
 * @param batches batches the platform accepted
 * @param rows rows in those batches
 * @param throttled 429 answers received
 * @param tokensObtained OAuth tokens obtained
 * @param heldBack pending rows left for a later run because inputs were syncing (at or after the
 *     sync horizon)
 */
public record MetricSyncReport(
        long requests,
        long batches,
        long rows,
        long throttled,
        long tokensObtained,
        long heldBack) {}
