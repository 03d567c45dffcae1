-- 0003: API keys of the institutions' software (app/api_keys.hpp). Same conventions as 0001.
-- Only a hash of each key is stored (hex BLAKE2b-256 of the whole key), looked up by equality;
-- prefix is the key's first characters, for operators to tell keys apart. NULL revoked_at =
-- active; last_used_at is refreshed at most about once a minute.
CREATE TABLE api_key (
  id {{ID}},
  entity_id BIGINT NOT NULL REFERENCES entity (id),
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE INDEX api_key_entity_idx ON api_key (entity_id);
