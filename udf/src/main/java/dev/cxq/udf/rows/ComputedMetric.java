package dev.cxq.udf.rows;

/**
 * A row of {@code computed_metrics}: one metric of one interaction. Rows of the same interaction
 * and type are upserts: a later version (a late recording upload) replaces the earlier one.
 *
 * @param interactionId the interaction (its session id)
 * @param metricType e.g. {@code handle_time_s}, {@code recording_status}, {@code fcr}
 * @param timestampUtcMillis the interaction's end time
 * @param agentId the agent who handled it, or null
 * @param metricValue the value (seconds, or 0/1 for status metrics)
 * @param metadata a JSON object with the details, e.g. {@code {"status":"missing"}}
 * @param rowVersion increases with every emission of the same interaction and metric type (the
 *     interaction summary's version): a writer keeps the row with the highest, whatever order the
 *     rows arrive in
 */
public record ComputedMetric(
        String interactionId,
        String metricType,
        long timestampUtcMillis,
        String agentId,
        Double metricValue,
        String metadata,
        long rowVersion) {}
