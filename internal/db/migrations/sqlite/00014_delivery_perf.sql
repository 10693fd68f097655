-- +goose Up
-- Retention of the outbox (internal/outbox prune, docs/notificaties-delivery.md).
-- routed_at: when the row was routed; a routed row is removed once Retention has passed since
-- then (its delivered log went at the same moment) and no undelivered delivery refers to it.
-- delivery_open finds those references; delivered rows, the bulk, are left out of it, so the
-- update that records a 2xx adds no entry to it.
ALTER TABLE outbox ADD COLUMN routed_at TIMESTAMP;
CREATE INDEX delivery_open ON delivery (outbox_id) WHERE state <> 'delivered';

-- +goose Down
DROP INDEX delivery_open;
ALTER TABLE outbox DROP COLUMN routed_at;
