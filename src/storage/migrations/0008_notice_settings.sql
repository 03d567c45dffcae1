-- 0008: how an institution's payment notices are printed (app/documents.hpp).
-- notice_language: the second language of its notices ('it' = Italian only, 'de', 'en', 'fr',
-- 'sl'); postal_authorization: Poste Italiane's authorization line printed on the postal slip
-- ("AUT. DB/SSIC/E ..."). The logo printed on notices is a PNG kept apart from the entity row
-- (which every authenticated request reads), hex text so one column type serves both databases.
ALTER TABLE entity ADD COLUMN notice_language TEXT NOT NULL DEFAULT 'it';
ALTER TABLE entity ADD COLUMN postal_authorization TEXT NOT NULL DEFAULT '';

CREATE TABLE entity_notice_logo (
  entity_id BIGINT PRIMARY KEY REFERENCES entity (id),
  png_hex TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
