-- 0007: the position lifecycle sweep (app/lifecycle.hpp) and webhook delivery leases.
-- The sweep looks, across entities, for PUBLISHED positions whose validity date has come and for
-- VALID positions that expire (switchToExpired) once every option is past due. Partial indexes
-- keep each sweep proportional to those candidates, not to all positions.
CREATE INDEX debt_position_publish_sweep_idx ON debt_position (validity_date)
  WHERE status = 'PUBLISHED';
CREATE INDEX debt_position_expiry_sweep_idx ON debt_position (id)
  WHERE status = 'VALID' AND switch_to_expired = 1;

-- A delivery being sent is leased to one dispatcher until lease_until, so two incasso
-- processes sharing one database never send it twice at the same time; an expired lease (its
-- process died) makes the delivery available again.
ALTER TABLE webhook_delivery ADD COLUMN lease_until TEXT;
