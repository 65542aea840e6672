package dev.cxq.udf.rows;

/**
 * A row of {@code kpi_windows}: one metric of one agent or queue over one tumbling event-time
 * window. A window fired again with late data (a late recording upload) writes the same key.
 *
 * @param dimension {@code agent} or {@code queue}
 * @param dimensionId the agent or queue id
 * @param windowStartMillis window start (inclusive)
 * @param windowSize ISO-8601 duration, {@code PT5M} or {@code PT1H}
 * @param metric the contract's metric name, e.g. {@code recording_compliance_rate}
 * @param windowEndMillis window end (exclusive)
 * @param value the figure; null for an average or rate over nothing
 * @param count how many interactions the figure is computed over
 * @param rowVersion inputs the window had absorbed when it fired: a later firing of the same window
 *     (late data) has absorbed more, so a writer keeps the row with the highest whatever order the
 *     rows arrive in
 */
public record KpiWindow(
        String dimension,
        String dimensionId,
        long windowStartMillis,
        String windowSize,
        String metric,
        long windowEndMillis,
        Double value,
        long count,
        long rowVersion) {}
