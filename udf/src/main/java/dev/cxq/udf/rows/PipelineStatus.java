package dev.cxq.udf.rows;

/**
 * A row of {@code pipeline_status}: how one input (a Kafka partition, a replayed file) did during
 * one minute of wall-clock time. Wall-clock based, so not part of the deterministic outputs
 * (docs/design.md, "pipeline_status").
 *
 * @param input the input's id: {@code topic/partition} or the file's path
 * @param minuteStartMillis start of the minute (processing time), the key with {@code input}
 * @param watermarkMillis the input's watermark when the row was written, or null before any event
 * @param eventTimeLagMillis wall clock minus that watermark, or null before any event
 * @param events records read from the input during the minute
 * @param status {@code live}, {@code syncing} or {@code stalled}
 * @param reason why the status is not {@code live}: {@code no_events}, {@code lag_over_threshold}
 *     or {@code backlog_burst}; null when live
 * @param statusSinceMillis start of the first minute of the current run of this status
 */
public record PipelineStatus(
        String input,
        long minuteStartMillis,
        Long watermarkMillis,
        Long eventTimeLagMillis,
        long events,
        String status,
        String reason,
        long statusSinceMillis) {}
