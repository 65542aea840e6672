-- cxq output tables, as the design contract defines them. Keys are the contract's keys: every
-- write is an idempotent upsert on them.

CREATE TABLE quality_alerts (
    incident_key     text PRIMARY KEY,
    session_id       text NOT NULL,
    agent_id         text,
    queue_id         text,
    alert_type       text NOT NULL CHECK (alert_type IN ('degradation', 'media_gap', 'disconnected')),
    severity         text NOT NULL CHECK (severity IN ('warning', 'high', 'critical')),
    state            text NOT NULL CHECK (state IN ('firing', 'resolved')),
    started_at       timestamptz NOT NULL,
    fired_at         timestamptz,
    resolved_at      timestamptz,
    mos              double precision,
    mos_estimated    boolean NOT NULL DEFAULT false,
    jitter_ms        double precision,
    packet_loss_pct  double precision,
    rtt_ms           double precision,
    bitrate_kbps     double precision,
    reason           text,
    metric_version   integer NOT NULL
);
CREATE INDEX quality_alerts_session ON quality_alerts (session_id);
CREATE INDEX quality_alerts_open ON quality_alerts (state) WHERE state = 'firing';

CREATE TABLE session_quality (
    session_id           text NOT NULL,
    agent_id             text,
    ended_at             timestamptz NOT NULL,
    end_reason           text NOT NULL CHECK (end_reason IN ('terminal', 'inactivity')),
    samples              bigint NOT NULL,
    avg_mos              double precision,
    min_mos              double precision,
    max_packet_loss_pct  double precision,
    degraded_seconds     double precision NOT NULL,
    incidents            integer NOT NULL,
    metric_version       integer NOT NULL,
    PRIMARY KEY (session_id, metric_version)
);

CREATE TABLE computed_metrics (
    interaction_id  text NOT NULL,
    metric_type     text NOT NULL,
    timestamp_utc   timestamptz NOT NULL,
    agent_id        text,
    metric_value    double precision,
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
    metric_version  integer NOT NULL,
    PRIMARY KEY (interaction_id, metric_type, metric_version)
);
CREATE INDEX computed_metrics_agent_time ON computed_metrics (agent_id, timestamp_utc);

CREATE TABLE kpi_windows (
    dimension       text NOT NULL CHECK (dimension IN ('agent', 'queue')),
    dimension_id    text NOT NULL,
    window_start    timestamptz NOT NULL,
    window_size     text NOT NULL,
    metric          text NOT NULL,
    window_end      timestamptz NOT NULL,
    value           double precision,
    count           bigint NOT NULL,
    metric_version  integer NOT NULL,
    PRIMARY KEY (dimension, dimension_id, window_start, window_size, metric, metric_version)
);

CREATE TABLE rejected_events (
    event_key    text PRIMARY KEY,
    reason       text NOT NULL,
    source       text NOT NULL,
    payload      text NOT NULL,
    received_at  timestamptz NOT NULL
);
CREATE INDEX rejected_events_reason ON rejected_events (reason);

CREATE TABLE late_events (
    event_id    text PRIMARY KEY,
    session_id  text NOT NULL,
    ts          timestamptz NOT NULL,
    kind        text NOT NULL,
    payload     text NOT NULL
);

CREATE TABLE webhook_deliveries (
    incident_key  text NOT NULL,
    state         text NOT NULL,
    endpoint      text NOT NULL,
    attempts      integer NOT NULL,
    last_status   integer,
    delivered_at  timestamptz,
    PRIMARY KEY (incident_key, state, endpoint)
);
