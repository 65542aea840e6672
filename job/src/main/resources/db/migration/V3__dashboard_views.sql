-- Views that downstream dashboards query. A migration, so that every database the job creates has
-- them. Each view reads the newest metric_version only: a backfill writes beside the current rows
-- and the dashboards switch over when its version is the highest.

-- Latest completed KPI window per agent and per queue, for each window size and metric.
CREATE VIEW dashboard_latest_kpis AS
SELECT DISTINCT ON (k.dimension, k.dimension_id, k.window_size, k.metric)
       k.dimension, k.dimension_id, k.window_size, k.metric,
       k.window_start, k.window_end, k.value, k.count, k.metric_version
FROM kpi_windows k
WHERE k.metric_version = (SELECT max(metric_version) FROM kpi_windows)
ORDER BY k.dimension, k.dimension_id, k.window_size, k.metric, k.window_start DESC;

-- Incidents and warnings still firing, oldest first.
CREATE VIEW dashboard_open_incidents AS
SELECT incident_key, session_id, agent_id, queue_id, alert_type, severity,
       started_at, fired_at, mos, packet_loss_pct, jitter_ms, rtt_ms, bitrate_kbps, reason,
       metric_version
FROM quality_alerts
WHERE state = 'firing'
ORDER BY started_at;

-- Recording compliance per UTC day of the interaction's end: only interactions that required a
-- recording count; compliance is uploaded ÷ required (null when nothing was required).
CREATE VIEW dashboard_recording_compliance_daily AS
SELECT (timestamp_utc AT TIME ZONE 'UTC')::date AS day,
       count(*) FILTER (WHERE (metadata ->> 'required')::boolean) AS required,
       count(*) FILTER (WHERE (metadata ->> 'required')::boolean
                          AND metadata ->> 'status' = 'uploaded') AS uploaded,
       count(*) FILTER (WHERE (metadata ->> 'required')::boolean
                          AND metadata ->> 'status' = 'failed') AS failed,
       count(*) FILTER (WHERE (metadata ->> 'required')::boolean
                          AND metadata ->> 'status' = 'pending') AS pending,
       count(*) FILTER (WHERE (metadata ->> 'required')::boolean
                          AND metadata ->> 'status' = 'missing') AS missing,
       (count(*) FILTER (WHERE (metadata ->> 'required')::boolean
                           AND metadata ->> 'status' = 'uploaded'))::double precision
           / NULLIF(count(*) FILTER (WHERE (metadata ->> 'required')::boolean), 0)
           AS compliance_rate
FROM computed_metrics
WHERE metric_type = 'recording_status'
  AND metric_version = (SELECT max(metric_version) FROM computed_metrics
                        WHERE metric_type = 'recording_status')
GROUP BY 1;
