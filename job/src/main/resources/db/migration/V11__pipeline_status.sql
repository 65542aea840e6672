-- The data-syncing signal (docs/design.md, "pipeline_status"): per input and wall-clock minute, the
-- input's watermark, its event-time lag, the records read and a status. Wall-clock based, so not a
-- deterministic output: a replay writes other rows. Written by streaming runs only.
CREATE TABLE pipeline_status (
    input              text        NOT NULL,  -- topic/partition, or the replayed file's path
    minute_start       timestamptz NOT NULL,
    watermark          timestamptz,           -- null until the input's first event
    event_time_lag_ms  bigint,                -- wall clock minus watermark when the row was written
    events             bigint      NOT NULL,
    status             text        NOT NULL CHECK (status IN ('live', 'syncing', 'stalled')),
    reason             text,                  -- no_events | lag_over_threshold | backlog_burst
    status_since       timestamptz NOT NULL,
    PRIMARY KEY (input, minute_start)
);
CREATE INDEX pipeline_status_minute ON pipeline_status (minute_start);

-- The latest row per input: a dashboard shows "data syncing" while any input is syncing, instead
-- of reading the low counts of its KPI windows as a productivity collapse. minute_start tells how
-- fresh the row is (an input forgotten after --pipeline-status-forget-after keeps its last row).
CREATE VIEW dashboard_pipeline_status AS
SELECT DISTINCT ON (p.input)
       p.input, p.minute_start, p.status, p.reason, p.status_since, p.watermark,
       p.event_time_lag_ms, p.events,
       p.status = 'syncing' AS data_syncing
FROM pipeline_status p
ORDER BY p.input, p.minute_start DESC;
