package dev.cxq.job.metricsync;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One row of {@code computed_metrics} selected for sync.
 *
 * @param rowVersion the row's version among the writes of its key; a higher one is re-sent
 */
public record MetricRow(
        String interactionId,
        String metricType,
        int metricVersion,
        Instant timestamp,
        String agentId,
        Double value,
        JsonNode metadata,
        long rowVersion) {

    /** The row's key on the platform, stable across its versions. */
    String key() {
        return interactionId + "/" + metricType + "/v" + metricVersion;
    }
}
