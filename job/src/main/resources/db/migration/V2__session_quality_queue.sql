-- The session's queue and the number of samples its avg_mos is over, so that the KPI windows can
-- attribute media quality to queues and weight averages by samples. Nullable: rows written
-- before this migration have neither.
ALTER TABLE session_quality ADD COLUMN queue_id text;
ALTER TABLE session_quality ADD COLUMN mos_samples bigint;
