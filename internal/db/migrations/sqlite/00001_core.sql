-- +goose Up
-- The shared tables of the ZGW kit: JWT secrets, the notification outbox, the audit trail.
CREATE TABLE jwt_secret (
    client_id  TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kanaal       TEXT NOT NULL,
    hoofd_object TEXT NOT NULL,
    resource     TEXT NOT NULL,
    resource_url TEXT NOT NULL,
    actie        TEXT NOT NULL,
    aanmaakdatum TIMESTAMP NOT NULL,
    kenmerken    TEXT NOT NULL
);

CREATE TABLE audittrail (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                TEXT NOT NULL UNIQUE,
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
    aanmaakdatum        TIMESTAMP NOT NULL,
    oud                 TEXT NOT NULL,
    nieuw               TEXT NOT NULL
);
CREATE INDEX audittrail_hoofd_object ON audittrail (hoofd_object, id);

-- +goose Down
DROP TABLE audittrail;
DROP TABLE outbox;
DROP TABLE jwt_secret;
