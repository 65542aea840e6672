-- Backfills straight from a platform (--backfill): one row per run, written when it starts and
-- completed when every result is committed. The dashboard views below never show a metric_version
-- that has a backfill still running (or failed): they switch to it only once it has completed.
CREATE TABLE backfill_runs (
    metric_version  integer     NOT NULL,
    platform        text        NOT NULL,
    range_start     timestamptz NOT NULL,
    range_end       timestamptz NOT NULL,
    started_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    PRIMARY KEY (metric_version, platform, range_start, range_end)
);

-- The metric versions the dashboards may show: those without an unfinished backfill.
CREATE VIEW dashboard_metric_versions_hidden AS
SELECT DISTINCT metric_version FROM backfill_runs WHERE completed_at IS NULL;

CREATE OR REPLACE VIEW dashboard_latest_kpis AS
SELECT DISTINCT ON (k.dimension, k.dimension_id, k.window_size, k.metric)
       k.dimension, k.dimension_id, k.window_size, k.metric,
       k.window_start, k.window_end, k.value, k.count, k.metric_version
FROM kpi_windows k
WHERE k.metric_version = (SELECT max(v.metric_version) FROM kpi_windows v
                          WHERE v.metric_version NOT IN
                                (SELECT metric_version FROM dashboard_metric_versions_hidden))
ORDER BY k.dimension, k.dimension_id, k.window_size, k.metric, k.window_start DESC;

CREATE OR REPLACE VIEW dashboard_recording_compliance_daily AS
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
  AND metric_version = (SELECT max(v.metric_version) FROM computed_metrics v
                        WHERE v.metric_type = 'recording_status'
                          AND v.metric_version NOT IN
                              (SELECT metric_version FROM dashboard_metric_versions_hidden))
GROUP BY 1;
