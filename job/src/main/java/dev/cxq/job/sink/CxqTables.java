package dev.cxq.job.sink;

import dev.cxq.job.sink.webhook.WebhookDeliveries;
import dev.cxq.job.sink.webhook.WebhookMessage;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.PipelineStatus;
import dev.cxq.udf.rows.QualityAlert;
import dev.cxq.udf.rows.RejectedEvent;
import dev.cxq.udf.rows.SessionQuality;

import java.util.List;

import static dev.cxq.job.sink.ColumnType.BIGINT;
import static dev.cxq.job.sink.ColumnType.BOOLEAN;
import static dev.cxq.job.sink.ColumnType.DOUBLE;
import static dev.cxq.job.sink.ColumnType.INTEGER;
import static dev.cxq.job.sink.ColumnType.JSONB;
import static dev.cxq.job.sink.ColumnType.TEXT;
import static dev.cxq.job.sink.ColumnType.TIMESTAMPTZ;

/** The output tables of the contract, mapped from the row types of {@code udf}. */
public final class CxqTables {

    private CxqTables() {}

    /**
     * Version of a row among the rows written under its key: strictly increasing along one key's
     * emissions and the same in every mode, parallelism and restart (not {@code metric_version},
     * which is the backfill's version and part of the key).
     */
    public static final String ROW_VERSION = "row_version";

    /** The update condition that keeps the row of the highest {@link #ROW_VERSION}. */
    private static String newestVersionWins(String table) {
        return table + "." + ROW_VERSION + " <= EXCLUDED." + ROW_VERSION;
    }

    /**
     * A session id ends more than once only when events resume after it ended (a new session state
     * under the same id): the later end is the session's final row, whatever order the writes
     * arrive in.
     */
    public static final Table<SessionQuality> SESSION_QUALITY =
            new Table<>(
                    "session_quality",
                    List.of(
                            Column.of("session_id", TEXT, SessionQuality::sessionId),
                            Column.of("agent_id", TEXT, SessionQuality::agentId),
                            Column.of("queue_id", TEXT, SessionQuality::queueId),
                            Column.of("ended_at", TIMESTAMPTZ, SessionQuality::endedAtMillis),
                            Column.of("end_reason", TEXT, SessionQuality::endReason),
                            Column.of("samples", BIGINT, SessionQuality::samples),
                            Column.of("mos_samples", BIGINT, SessionQuality::mosSamples),
                            Column.of("avg_mos", DOUBLE, SessionQuality::avgMos),
                            Column.of("min_mos", DOUBLE, SessionQuality::minMos),
                            Column.of(
                                    "max_packet_loss_pct",
                                    DOUBLE,
                                    SessionQuality::maxPacketLossPct),
                            Column.of("degraded_seconds", DOUBLE, SessionQuality::degradedSeconds),
                            Column.of("incidents", INTEGER, SessionQuality::incidents)),
                    List.of("session_id", Table.METRIC_VERSION),
                    true,
                    false,
                    "session_quality.ended_at <= EXCLUDED.ended_at");

    public static final Table<RejectedEvent> REJECTED_EVENTS =
            new Table<>(
                    "rejected_events",
                    List.of(
                            Column.of("event_key", TEXT, RejectedEvent::eventKey),
                            Column.of("reason", TEXT, RejectedEvent::reason),
                            Column.of("source", TEXT, RejectedEvent::source),
                            Column.of("payload", TEXT, RejectedEvent::payload),
                            Column.of("received_at", TIMESTAMPTZ, RejectedEvent::receivedAtMillis)),
                    List.of("event_key"),
                    false,
                    true);

    public static final Table<LateEvent> LATE_EVENTS =
            new Table<>(
                    "late_events",
                    List.of(
                            Column.of("event_id", TEXT, LateEvent::eventId),
                            Column.of("session_id", TEXT, LateEvent::sessionId),
                            Column.of("ts", TIMESTAMPTZ, LateEvent::tsMillis),
                            Column.of("kind", TEXT, LateEvent::kind),
                            Column.of("payload", TEXT, LateEvent::payload)),
                    List.of("event_id"),
                    false,
                    true);

    /**
     * Alert rows move from {@code firing} to {@code resolved} only: a {@code firing} row written
     * again (a retried batch, a replay, a row arriving after the resolution) never reopens a
     * resolved alert. The state is the row's version: an incident is written once per state, and
     * its resolved row repeats every other column of its firing row.
     */
    public static final Table<QualityAlert> QUALITY_ALERTS =
            new Table<>(
                    "quality_alerts",
                    List.of(
                            Column.of("incident_key", TEXT, QualityAlert::incidentKey),
                            Column.of("session_id", TEXT, QualityAlert::sessionId),
                            Column.of("agent_id", TEXT, QualityAlert::agentId),
                            Column.of("queue_id", TEXT, QualityAlert::queueId),
                            Column.of("alert_type", TEXT, QualityAlert::alertType),
                            Column.of("severity", TEXT, QualityAlert::severity),
                            Column.of("state", TEXT, QualityAlert::state),
                            Column.of("started_at", TIMESTAMPTZ, QualityAlert::startedAtMillis),
                            Column.of("fired_at", TIMESTAMPTZ, QualityAlert::firedAtMillis),
                            Column.of("resolved_at", TIMESTAMPTZ, QualityAlert::resolvedAtMillis),
                            Column.of("mos", DOUBLE, QualityAlert::mos),
                            Column.of("mos_estimated", BOOLEAN, QualityAlert::mosEstimated),
                            Column.of("jitter_ms", DOUBLE, QualityAlert::jitterMs),
                            Column.of("packet_loss_pct", DOUBLE, QualityAlert::packetLossPct),
                            Column.of("rtt_ms", DOUBLE, QualityAlert::rttMs),
                            Column.of("bitrate_kbps", DOUBLE, QualityAlert::bitrateKbps),
                            Column.of("reason", TEXT, QualityAlert::reason)),
                    List.of("incident_key"),
                    true,
                    false,
                    "quality_alerts.state <> 'resolved' OR EXCLUDED.state = 'resolved'");

    public static final Table<ComputedMetric> COMPUTED_METRICS =
            new Table<>(
                    "computed_metrics",
                    List.of(
                            Column.of("interaction_id", TEXT, ComputedMetric::interactionId),
                            Column.of("metric_type", TEXT, ComputedMetric::metricType),
                            Column.of(
                                    "timestamp_utc",
                                    TIMESTAMPTZ,
                                    ComputedMetric::timestampUtcMillis),
                            Column.of("agent_id", TEXT, ComputedMetric::agentId),
                            Column.of("metric_value", DOUBLE, ComputedMetric::metricValue),
                            Column.of("metadata", JSONB, ComputedMetric::metadata),
                            Column.of(ROW_VERSION, BIGINT, ComputedMetric::rowVersion)),
                    List.of("interaction_id", "metric_type", Table.METRIC_VERSION),
                    true,
                    false,
                    newestVersionWins("computed_metrics"));

    public static final Table<KpiWindow> KPI_WINDOWS =
            new Table<>(
                    "kpi_windows",
                    List.of(
                            Column.of("dimension", TEXT, KpiWindow::dimension),
                            Column.of("dimension_id", TEXT, KpiWindow::dimensionId),
                            Column.of("window_start", TIMESTAMPTZ, KpiWindow::windowStartMillis),
                            Column.of("window_size", TEXT, KpiWindow::windowSize),
                            Column.of("metric", TEXT, KpiWindow::metric),
                            Column.of("window_end", TIMESTAMPTZ, KpiWindow::windowEndMillis),
                            Column.of("value", DOUBLE, KpiWindow::value),
                            Column.of("count", BIGINT, KpiWindow::count),
                            Column.of(ROW_VERSION, BIGINT, KpiWindow::rowVersion)),
                    List.of(
                            "dimension",
                            "dimension_id",
                            "window_start",
                            "window_size",
                            "metric",
                            Table.METRIC_VERSION),
                    true,
                    false,
                    newestVersionWins("kpi_windows"));

    /**
     * The webhook outbox: one row per alert transition, written with the results and drained by the
     * delivery workers (docs/delivery-guarantees.md). First write wins: a transition is one fact.
     */
    public static final Table<WebhookMessage> WEBHOOK_OUTBOX =
            new Table<>(
                    WebhookDeliveries.OUTBOX_TABLE,
                    List.of(
                            Column.of("idempotency_key", TEXT, WebhookMessage::idempotencyKey),
                            Column.of("incident_key", TEXT, WebhookMessage::incidentKey),
                            Column.of("state", TEXT, WebhookMessage::state),
                            Column.of("event_time", TIMESTAMPTZ, WebhookMessage::eventTimeMillis),
                            Column.of("body", TEXT, WebhookMessage::body)),
                    List.of("idempotency_key"),
                    false,
                    true);

    /**
     * Wall-clock status of each input per minute (docs/design.md, "pipeline_status"): not a
     * deterministic output. A row rewritten (after a restore) is the latest observation of its
     * minute, so every write replaces it.
     */
    public static final Table<PipelineStatus> PIPELINE_STATUS =
            new Table<>(
                    "pipeline_status",
                    List.of(
                            Column.of("input", TEXT, PipelineStatus::input),
                            Column.of(
                                    "minute_start", TIMESTAMPTZ, PipelineStatus::minuteStartMillis),
                            Column.of("watermark", TIMESTAMPTZ, PipelineStatus::watermarkMillis),
                            Column.of(
                                    "event_time_lag_ms",
                                    BIGINT,
                                    PipelineStatus::eventTimeLagMillis),
                            Column.of("events", BIGINT, PipelineStatus::events),
                            Column.of("status", TEXT, PipelineStatus::status),
                            Column.of("reason", TEXT, PipelineStatus::reason),
                            Column.of(
                                    "status_since",
                                    TIMESTAMPTZ,
                                    PipelineStatus::statusSinceMillis)),
                    List.of("input", "minute_start"),
                    false,
                    false);

    /** Every table the job writes, for the file output's clean-up. */
    public static final List<Table<?>> ALL =
            List.of(
                    SESSION_QUALITY,
                    REJECTED_EVENTS,
                    LATE_EVENTS,
                    QUALITY_ALERTS,
                    COMPUTED_METRICS,
                    KPI_WINDOWS,
                    PIPELINE_STATUS);
}
