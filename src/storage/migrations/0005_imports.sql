-- 0005: bulk import jobs started through the API (app/imports.hpp). Same conventions as 0001.
-- status queued|running|done|failed; the counts and bytes_done move while it runs; report_path
-- is the job's report CSV (row;field;message) on the server's disk; error is why a job failed
-- as a whole ('' otherwise).
CREATE TABLE import_job (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  status TEXT NOT NULL,
  format TEXT NOT NULL,
  mode TEXT NOT NULL,
  dry_run BIGINT NOT NULL,
  bytes_total BIGINT NOT NULL,
  bytes_done BIGINT NOT NULL,
  rows_read BIGINT NOT NULL,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  committed BIGINT NOT NULL,
  error TEXT NOT NULL,
  report_path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX import_job_entity_idx ON import_job (entity_id, id);
