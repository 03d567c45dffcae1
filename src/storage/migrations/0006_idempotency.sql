-- 0006: Idempotency-Key on the API's POSTs (app/idempotency.hpp). Same conventions as 0001.
-- One row per (entity, key): the hash of the request that claimed the key and, once it is
-- answered, the response to replay. status 0 = the first request is still being served. Rows
-- older than the retention window (24 h) are replaced by the next request with the same key.
CREATE TABLE idempotency_key (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  response_body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (entity_id, idem_key)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
