-- +goose Up
-- Autorisaties 1.0.0: applicaties, their client ids (ac-001: a client id belongs to one
-- applicatie, enforced by the primary key) and their autorisaties.
CREATE TABLE applicatie (
    id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                    UUID NOT NULL UNIQUE,
    label                   TEXT NOT NULL,
    heeft_alle_autorisaties BOOLEAN NOT NULL
);

CREATE TABLE applicatie_client (
    client_id     TEXT PRIMARY KEY,
    applicatie_id BIGINT NOT NULL REFERENCES applicatie (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL
);
CREATE INDEX applicatie_client_applicatie ON applicatie_client (applicatie_id);

CREATE TABLE autorisatie (
    id                              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicatie_id                   BIGINT NOT NULL REFERENCES applicatie (id) ON DELETE CASCADE,
    component                       TEXT NOT NULL,
    scopes                          JSONB NOT NULL,
    type_url                        TEXT NOT NULL,
    max_vertrouwelijkheidaanduiding TEXT NOT NULL
);
CREATE INDEX autorisatie_applicatie ON autorisatie (applicatie_id);

-- +goose Down
DROP TABLE autorisatie;
DROP TABLE applicatie_client;
DROP TABLE applicatie;
