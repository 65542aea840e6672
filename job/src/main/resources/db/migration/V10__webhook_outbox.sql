-- The webhook outbox (docs/delivery-guarantees.md): the job writes one row per alert transition,
-- with the results, and never calls an endpoint; a delivery worker (--deliver, or beside a local
-- run) drains it per endpoint, oldest first, and records each endpoint's outcome in
-- webhook_deliveries. First write wins: a replayed transition is the same row.
CREATE TABLE webhook_outbox (
    idempotency_key  text        PRIMARY KEY,  -- incident_key:state, the X-Idempotency-Key
    incident_key     text        NOT NULL,
    state            text        NOT NULL,
    event_time       timestamptz NOT NULL,     -- when it fired, or resolved (event time)
    body             text        NOT NULL      -- the JSON body, sent as written
);
CREATE INDEX webhook_outbox_order ON webhook_outbox (event_time, idempotency_key);

-- A message the endpoint refused for good (a status that is not retried): settled, not sent
-- again, like a delivered one.
ALTER TABLE webhook_deliveries ADD COLUMN refused_at timestamptz;

-- Per endpoint that has been called: the transitions it has not settled and the oldest of them
-- (event time). The dashboard's webhook panel and the runbook read it.
CREATE VIEW webhook_queue AS
SELECT e.endpoint,
       count(o.idempotency_key) AS queued,
       min(o.event_time)        AS oldest_queued
FROM (SELECT DISTINCT endpoint FROM webhook_deliveries) e
LEFT JOIN webhook_outbox o ON NOT EXISTS (
    SELECT 1 FROM webhook_deliveries d
    WHERE d.endpoint = e.endpoint AND d.incident_key = o.incident_key AND d.state = o.state
      AND (d.delivered_at IS NOT NULL OR d.refused_at IS NOT NULL))
GROUP BY e.endpoint;
