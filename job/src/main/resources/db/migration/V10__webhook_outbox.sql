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
