-- 0002: what the station (paForNode) needs. Same conventions as 0001; one ALTER per column, the
-- form both SQLite and PostgreSQL accept.

-- Receipts: where the node sent them and how they relate to our positions (app/station.hpp
-- ReceiptKind). A receipt is kept even when no option has its notice number: it then belongs to
-- the institution it was addressed to (id_pa), and option_id stays NULL.
ALTER TABLE receipt ADD COLUMN fiscal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt ADD COLUMN id_pa TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt ADD COLUMN station_id TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt ADD COLUMN option_id BIGINT REFERENCES payment_option (id) ON DELETE SET NULL;
ALTER TABLE receipt ADD COLUMN payment_note TEXT NOT NULL DEFAULT '';
ALTER TABLE receipt ADD COLUMN metadata TEXT NOT NULL DEFAULT '[]';
CREATE INDEX receipt_option_idx ON receipt (option_id);
CREATE INDEX receipt_received_idx ON receipt (entity_id, received_at);

-- Notifications to deliver to the institutions' systems (webhooks), written in the same
-- transaction as the change they announce (transactional outbox). One row per (entity, kind,
-- reference): a receipt is announced once.
CREATE TABLE outbox (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  kind TEXT NOT NULL,
  reference TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  UNIQUE (entity_id, kind, reference)
);
CREATE INDEX outbox_pending_idx ON outbox (delivered_at, id);

-- The messages exchanged, kept for support until Store::PurgeEventBodies drops them (the row
-- stays). NULL = not kept or purged.
ALTER TABLE event_log ADD COLUMN request_body TEXT;
ALTER TABLE event_log ADD COLUMN response_body TEXT;
