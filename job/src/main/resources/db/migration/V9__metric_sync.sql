-- Metric sync to Genesys Cloud and NICE CXone (--metric-sync, docs/metric-sync.md).

-- Every call of the delivery worker to a platform's data endpoint, for reconciliation and audit:
-- a batch retried three times has three rows, the same batch_id and attempts 1 to 3.
CREATE TABLE metric_sync_log (
    call_id      bigserial   PRIMARY KEY,
    batch_id     uuid        NOT NULL,
    endpoint     text        NOT NULL,
    row_count    integer     NOT NULL,
    first_key    text        NOT NULL,
    last_key     text        NOT NULL,
    attempt      integer     NOT NULL,
    http_status  integer,    -- null when no answer came (connection refused, timeout)
    error        text,       -- null when the platform accepted the batch
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL
);
CREATE INDEX metric_sync_log_batch ON metric_sync_log (batch_id);
CREATE INDEX metric_sync_log_endpoint_time ON metric_sync_log (endpoint, started_at);

-- The row_version of each computed_metrics row that an endpoint has accepted: a row is sent again
-- when its row_version grows (a newer value overwrites the platform's).
CREATE TABLE metric_sync_state (
    endpoint            text        NOT NULL,
    interaction_id      text        NOT NULL,
    metric_type         text        NOT NULL,
    metric_version      integer     NOT NULL,
    synced_row_version  bigint      NOT NULL,
    synced_at           timestamptz NOT NULL,
    PRIMARY KEY (endpoint, interaction_id, metric_type, metric_version)
);
