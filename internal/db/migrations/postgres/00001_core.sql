-- +goose Up
-- The shared tables of the ZGW kit: JWT secrets, the notification outbox, the audit trail.
CREATE TABLE jwt_secret (
    client_id  TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kanaal       TEXT NOT NULL,
    hoofd_object TEXT NOT NULL,
    resource     TEXT NOT NULL,
    resource_url TEXT NOT NULL,
    actie        TEXT NOT NULL,
    aanmaakdatum TIMESTAMPTZ NOT NULL,
    kenmerken    JSONB NOT NULL
);

CREATE TABLE audittrail (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                UUID NOT NULL UNIQUE,
    bron                TEXT NOT NULL,
    applicatie_id       TEXT NOT NULL,
    applicatie_weergave TEXT NOT NULL,
    gebruikers_id       TEXT NOT NULL,
    gebruikers_weergave TEXT NOT NULL,
    actie               TEXT NOT NULL,
    resultaat           INTEGER NOT NULL,
    hoofd_object        TEXT NOT NULL,
    resource            TEXT NOT NULL,
    resource_url        TEXT NOT NULL,
    resource_weergave   TEXT NOT NULL,
    toelichting         TEXT NOT NULL,
    aanmaakdatum        TIMESTAMPTZ NOT NULL,
    oud                 JSONB NOT NULL,
    nieuw               JSONB NOT NULL
);
CREATE INDEX audittrail_hoofd_object ON audittrail (hoofd_object, id);

-- +goose Down
DROP TABLE audittrail;
DROP TABLE outbox;
DROP TABLE jwt_secret;
