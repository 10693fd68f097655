-- +goose Up
-- Notificaties 1.0.0: kanalen, abonnementen and their filter groups (one per kanaal of an
-- abonnement, filters as the JSON object sent). The deliveries live with the outbox.
CREATE TABLE kanaal (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid              TEXT NOT NULL UNIQUE,
    naam              TEXT NOT NULL UNIQUE,
    documentatie_link TEXT NOT NULL,
    filters           TEXT NOT NULL
);

CREATE TABLE abonnement (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid         TEXT NOT NULL UNIQUE,
    callback_url TEXT NOT NULL,
    auth         TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
-- Subscribe finds the abonnement of an in-process consumer by its callback.
CREATE INDEX abonnement_callback_url ON abonnement (callback_url);

CREATE TABLE abonnement_kanaal (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    abonnement_id INTEGER NOT NULL REFERENCES abonnement (id) ON DELETE CASCADE,
    kanaal_id     INTEGER NOT NULL REFERENCES kanaal (id),
    filters       TEXT NOT NULL
);
CREATE INDEX abonnement_kanaal_abonnement ON abonnement_kanaal (abonnement_id, id);
CREATE INDEX abonnement_kanaal_kanaal ON abonnement_kanaal (kanaal_id);

-- +goose Down
DROP TABLE abonnement_kanaal;
DROP TABLE abonnement;
DROP TABLE kanaal;
