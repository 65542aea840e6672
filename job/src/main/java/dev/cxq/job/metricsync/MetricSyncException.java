package dev.cxq.job.metricsync;

/** A metric sync run stopped: its rows not yet accepted stay pending for the next run. */
public final class MetricSyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MetricSyncException(String message) {
        super(message);
    }
}
