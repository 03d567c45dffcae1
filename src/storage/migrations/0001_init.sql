-- 0001: the initial schema. Written once for SQLite and PostgreSQL: {{ID}} becomes each dialect's
-- auto-increment primary key. Money is BIGINT euro cents, booleans are BIGINT 0/1, instants are
-- TEXT ISO-8601 UTC ('2026-11-26T09:30:00Z', sortable as text), dates TEXT 'YYYY-MM-DD', so both
-- databases hold identical values. JSON columns hold small documents written by storage/.

-- The technological intermediary of this deployment (one row, id 1).
CREATE TABLE intermediary (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  fiscal_code TEXT NOT NULL,
  name TEXT NOT NULL,
  aux_digit BIGINT NOT NULL
);

CREATE TABLE station (
  id TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  active BIGINT NOT NULL
);

CREATE TABLE entity (
  id {{ID}},
  fiscal_code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  department TEXT NOT NULL,
  address TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  city TEXT NOT NULL,
  province TEXT NOT NULL,
  email TEXT NOT NULL,
  pec TEXT NOT NULL,
  phone TEXT NOT NULL,
  website TEXT NOT NULL,
  logo TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  segregation_code TEXT NOT NULL UNIQUE,
  application_code TEXT NOT NULL,
  cbill_code TEXT NOT NULL,
  postal_account TEXT NOT NULL,
  station_id TEXT NOT NULL,
  status TEXT NOT NULL,
  onboarding_date TEXT NOT NULL
);

CREATE TABLE iban_account (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  iban TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  active BIGINT NOT NULL,
  UNIQUE (entity_id, iban)
);

CREATE TABLE service (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  taxonomy_code TEXT NOT NULL,
  iban TEXT NOT NULL,
  amount_rule TEXT NOT NULL,
  amount_cents BIGINT NOT NULL,
  min_cents BIGINT NOT NULL,
  max_cents BIGINT NOT NULL,
  spontaneous BIGINT NOT NULL,
  form_json TEXT NOT NULL,
  active BIGINT NOT NULL,
  UNIQUE (entity_id, code)
);

-- The next IUV base number to hand out, per entity (see Store::ReserveIuvBases).
CREATE TABLE iuv_sequence (
  entity_id BIGINT PRIMARY KEY REFERENCES entity (id),
  next_value BIGINT NOT NULL
);

CREATE TABLE debt_position (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  iupd TEXT NOT NULL,
  debtor_type TEXT NOT NULL,
  debtor_fiscal_code TEXT NOT NULL,
  debtor_full_name TEXT NOT NULL,
  debtor_street_name TEXT NOT NULL,
  debtor_civic_number TEXT NOT NULL,
  debtor_postal_code TEXT NOT NULL,
  debtor_city TEXT NOT NULL,
  debtor_province TEXT NOT NULL,
  debtor_region TEXT NOT NULL,
  debtor_country TEXT NOT NULL,
  debtor_email TEXT NOT NULL,
  debtor_phone TEXT NOT NULL,
  company_name TEXT NOT NULL,
  office_name TEXT NOT NULL,
  validity_date TEXT,
  switch_to_expired BIGINT NOT NULL,
  pay_stand_in BIGINT NOT NULL,
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  publish_date TEXT,
  payment_date TEXT,
  UNIQUE (entity_id, iupd)
);
CREATE INDEX debt_position_status_idx ON debt_position (entity_id, status, created_at);
CREATE INDEX debt_position_debtor_idx ON debt_position (entity_id, debtor_fiscal_code);
CREATE INDEX debt_position_created_idx ON debt_position (entity_id, created_at);

-- entity_id is denormalized from the position so every lookup by iuv/nav is scoped by tenant.
CREATE TABLE payment_option (
  id {{ID}},
  position_id BIGINT NOT NULL REFERENCES debt_position (id) ON DELETE CASCADE,
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  iuv TEXT NOT NULL,
  nav TEXT NOT NULL,
  amount BIGINT NOT NULL,
  description TEXT NOT NULL,
  is_partial_payment BIGINT NOT NULL,
  due_date TEXT NOT NULL,
  retention_date TEXT,
  fee BIGINT NOT NULL,
  status TEXT NOT NULL,
  payment_date TEXT,
  metadata TEXT NOT NULL,
  UNIQUE (entity_id, iuv),
  UNIQUE (entity_id, nav)
);
CREATE INDEX payment_option_position_idx ON payment_option (position_id, entity_id);
CREATE INDEX payment_option_due_idx ON payment_option (entity_id, due_date);

CREATE TABLE transfer (
  id {{ID}},
  option_id BIGINT NOT NULL REFERENCES payment_option (id) ON DELETE CASCADE,
  id_transfer BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  entity_fiscal_code TEXT NOT NULL,
  remittance_information TEXT NOT NULL,
  category TEXT NOT NULL,
  iban TEXT NOT NULL,
  postal_iban TEXT NOT NULL,
  stamp_hash_document TEXT,
  stamp_type TEXT,
  stamp_provincial_residence TEXT,
  company_name TEXT NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (option_id, id_transfer)
);

-- Receipts (RT) as delivered by the node; debtor, payer and transfers as JSON, the XML verbatim.
CREATE TABLE receipt (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  receipt_id TEXT NOT NULL,
  notice_number TEXT NOT NULL,
  iuv TEXT NOT NULL,
  outcome TEXT NOT NULL,
  amount BIGINT NOT NULL,
  fee BIGINT,
  psp_id TEXT NOT NULL,
  psp_fiscal_code TEXT NOT NULL,
  psp_company_name TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  channel_description TEXT NOT NULL,
  payment_method TEXT NOT NULL,
  payment_date_time TEXT,
  application_date TEXT NOT NULL,
  transfer_date TEXT NOT NULL,
  debtor_fiscal_code TEXT NOT NULL,
  debtor TEXT NOT NULL,
  payer TEXT,
  transfers TEXT NOT NULL,
  original_xml TEXT NOT NULL,
  source TEXT NOT NULL,
  stand_in BIGINT NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (entity_id, receipt_id)
);
CREATE INDEX receipt_notice_idx ON receipt (entity_id, notice_number);
CREATE INDEX receipt_iuv_idx ON receipt (entity_id, iuv);

-- Audit log; entity_id is not a foreign key so events about unknown entities are kept too.
CREATE TABLE event_log (
  id {{ID}},
  at TEXT NOT NULL,
  direction TEXT NOT NULL,
  channel TEXT NOT NULL,
  operation TEXT NOT NULL,
  entity_id BIGINT,
  entity_fiscal_code TEXT NOT NULL,
  notice_number TEXT NOT NULL,
  outcome TEXT NOT NULL,
  fault_code TEXT NOT NULL,
  duration_ms BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX event_log_at_idx ON event_log (at);
CREATE INDEX event_log_entity_idx ON event_log (entity_id, at);
CREATE INDEX event_log_notice_idx ON event_log (notice_number);
