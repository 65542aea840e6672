-- The version of each upserted row among the writes of its key (issue 13): an upsert only replaces
-- a row with a version at least as high, so the result no longer depends on the order in which
-- the writers' batches commit. Rows written before this migration get 0: any new write wins.
-- session_quality needs no column: its later ended_at is its newer row.
ALTER TABLE computed_metrics ADD COLUMN row_version bigint NOT NULL DEFAULT 0;
ALTER TABLE kpi_windows ADD COLUMN row_version bigint NOT NULL DEFAULT 0;
