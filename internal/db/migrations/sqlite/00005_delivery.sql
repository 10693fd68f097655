-- +goose Up
-- Notification delivery (internal/outbox). The outbox rows that business transactions write
-- are routed once into one delivery per subscriber; the deliveries carry their own state.

-- routed: the row has been turned into deliveries. Rows written before delivery existed are
-- marked routed: sending them now would deliver stale messages to abonnementen made later.
-- created_at: when the writing transaction ran (the start of the delivery latency).
ALTER TABLE outbox ADD COLUMN routed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outbox ADD COLUMN created_at TIMESTAMP;
UPDATE outbox SET routed = TRUE;
CREATE INDEX outbox_unrouted ON outbox (id) WHERE NOT routed;

-- One row per abonnement that deliveries go to: where and with what Authorization value (as
-- the router last said), whether beheer paused it, and a tombstone once it was deleted, so a
-- routing that raced with the deletion cannot revive it.
CREATE TABLE delivery_subscriber (
    abonnement   TEXT PRIMARY KEY,
    callback_url TEXT NOT NULL,
    auth         TEXT NOT NULL,
    paused       BOOLEAN NOT NULL DEFAULT FALSE,
    deleted      BOOLEAN NOT NULL DEFAULT FALSE
);

-- One notification on its way to one subscriber. The message itself stays in the outbox row
-- (outbox_id), once for all its subscribers, so outbox rows must outlive their deliveries.
-- id is a UUIDv7, so it orders by creation; the primary key (abonnement, id) serves the delivery
-- log of an abonnement, newest first, and retention by id range.
-- next_attempt: when it is due (pending only). lease_until: while a node holds the claim, no
-- other node takes the delivery. retry_from: start of the current retry period (routing or
-- the last replay); the age for dead-lettering counts from it. log: the JSON array of the
-- attempts, TEXT on either database because SQL never looks inside it.
CREATE TABLE delivery (
    id           TEXT NOT NULL,
    abonnement   TEXT NOT NULL,
    outbox_id    BIGINT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    retry_from   TIMESTAMP NOT NULL,
    next_attempt TIMESTAMP,
    lease_until  TIMESTAMP,
    delivered_at TIMESTAMP,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    log          TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (abonnement, id)
) WITHOUT ROWID;
CREATE INDEX delivery_due ON delivery (abonnement, next_attempt) WHERE state = 'pending';
CREATE INDEX delivery_dead ON delivery (abonnement, id) WHERE state = 'dead';

-- +goose Down
DROP TABLE delivery;
DROP TABLE delivery_subscriber;
DROP INDEX outbox_unrouted;
ALTER TABLE outbox DROP COLUMN created_at;
ALTER TABLE outbox DROP COLUMN routed;
