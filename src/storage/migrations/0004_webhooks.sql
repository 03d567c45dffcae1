-- 0004: webhooks (app/webhooks.hpp). Same conventions as 0001.
-- An institution's endpoints. `secret` is the per-endpoint shared secret both sides use to sign
-- and verify deliveries (HMAC-SHA256), not a password: it must be usable as an HMAC key, so it is
-- stored as given and never shown again after creation. event_types is a comma list
-- ("receipt.created"). start_outbox_id: the entity's last outbox row when the endpoint was added;
-- only later rows are delivered to it.
CREATE TABLE webhook_endpoint (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  event_types TEXT NOT NULL,
  active BIGINT NOT NULL,
  start_outbox_id BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoint_entity_idx ON webhook_endpoint (entity_id);

-- One row per (outbox message, endpoint): its delivery state. status pending|delivered|failed;
-- next_attempt_at is when a pending row is due; last_status is the last HTTP status (NULL when
-- no response arrived), last_error what went wrong ('' when nothing did).
CREATE TABLE webhook_delivery (
  id {{ID}},
  outbox_id BIGINT NOT NULL REFERENCES outbox (id),
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoint (id),
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_status BIGINT,
  last_error TEXT NOT NULL,
  delivered_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (outbox_id, endpoint_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_entity_idx ON webhook_delivery (entity_id, id);
