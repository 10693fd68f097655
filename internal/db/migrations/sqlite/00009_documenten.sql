-- +goose Up
-- Documenten 1.5.0. A document (enkelvoudiginformatieobject) has one row with what lists,
-- autorisaties and locking need of its latest version, and one row per version with the
-- version's fields (data) and the key of its content in the blob store.
CREATE TABLE document (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                 TEXT NOT NULL UNIQUE,
    identificatie        TEXT NOT NULL,
    bronorganisatie      TEXT NOT NULL,
    informatieobjecttype TEXT NOT NULL,
    vertrouwelijkheid    SMALLINT NOT NULL,
    versie               INTEGER NOT NULL,
    lock                 TEXT NOT NULL DEFAULT '',
    UNIQUE (bronorganisatie, identificatie)
);
CREATE INDEX document_identificatie ON document (identificatie);
CREATE INDEX document_type ON document (informatieobjecttype, vertrouwelijkheid);

CREATE TABLE document_versie (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id       INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    versie            INTEGER NOT NULL,
    begin_registratie TIMESTAMP NOT NULL,
    data              TEXT NOT NULL,
    inhoud            TEXT NOT NULL DEFAULT '',
    omvang            BIGINT,
    sha256            TEXT NOT NULL DEFAULT '',
    UNIQUE (document_id, versie)
);
CREATE INDEX document_versie_registratie ON document_versie (document_id, begin_registratie);

-- trefwoorden of the latest version, for the list filter
CREATE TABLE document_trefwoord (
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    trefwoord   TEXT NOT NULL,
    PRIMARY KEY (trefwoord, document_id)
);
CREATE INDEX document_trefwoord_document ON document_trefwoord (document_id);

CREATE TABLE bestandsdeel (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    volgnummer  INTEGER NOT NULL,
    omvang      BIGINT NOT NULL,
    inhoud      TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    UNIQUE (document_id, volgnummer)
);

CREATE TABLE gebruiksrechten (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    startdatum  TIMESTAMP NOT NULL,
    einddatum   TIMESTAMP,
    data        TEXT NOT NULL
);
CREATE INDEX gebruiksrechten_document ON gebruiksrechten (document_id, id);
CREATE INDEX gebruiksrechten_startdatum ON gebruiksrechten (startdatum);
CREATE INDEX gebruiksrechten_einddatum ON gebruiksrechten (einddatum);

CREATE TABLE objectinformatieobject (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id),
    object      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    UNIQUE (object, document_id)
);
CREATE INDEX objectinformatieobject_document ON objectinformatieobject (document_id, id);

CREATE TABLE verzending (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid         TEXT NOT NULL UNIQUE,
    document_id  INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    aard_relatie TEXT NOT NULL,
    betrokkene   TEXT NOT NULL,
    data         TEXT NOT NULL
);
CREATE INDEX verzending_document ON verzending (document_id, id);
CREATE INDEX verzending_betrokkene ON verzending (betrokkene);
CREATE INDEX verzending_aard ON verzending (aard_relatie, id);

-- +goose Down
DROP TABLE verzending;
DROP TABLE objectinformatieobject;
DROP TABLE gebruiksrechten;
DROP TABLE bestandsdeel;
DROP TABLE document_trefwoord;
DROP TABLE document_versie;
DROP TABLE document;
