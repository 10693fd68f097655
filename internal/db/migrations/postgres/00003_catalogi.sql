-- +goose Up
-- Catalogi 1.3.1. Each row is one version of a type; the fields that lists filter on, and the
-- relations, are columns (with indexes); everything else of the resource is the JSON in data.
CREATE TABLE catalogus (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid   UUID NOT NULL UNIQUE,
    domein TEXT NOT NULL,
    rsin   TEXT NOT NULL,
    data   JSONB NOT NULL
);
CREATE INDEX catalogus_domein ON catalogus (domein, rsin);

CREATE TABLE zaaktype (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             UUID NOT NULL UNIQUE,
    catalogus_id     BIGINT NOT NULL REFERENCES catalogus (id),
    identificatie    TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid DATE NOT NULL,
    einde_geldigheid DATE,
    trefwoorden      TEXT NOT NULL DEFAULT '',
    data             JSONB NOT NULL
);
CREATE INDEX zaaktype_catalogus ON zaaktype (catalogus_id, identificatie, begin_geldigheid);
CREATE INDEX zaaktype_identificatie ON zaaktype (identificatie, begin_geldigheid);

CREATE TABLE informatieobjecttype (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             UUID NOT NULL UNIQUE,
    catalogus_id     BIGINT NOT NULL REFERENCES catalogus (id),
    omschrijving     TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid DATE NOT NULL,
    einde_geldigheid DATE,
    data             JSONB NOT NULL
);
CREATE INDEX informatieobjecttype_catalogus ON informatieobjecttype (catalogus_id, omschrijving, begin_geldigheid);

CREATE TABLE besluittype (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             UUID NOT NULL UNIQUE,
    catalogus_id     BIGINT NOT NULL REFERENCES catalogus (id),
    omschrijving     TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid DATE NOT NULL,
    einde_geldigheid DATE,
    data             JSONB NOT NULL
);
CREATE INDEX besluittype_catalogus ON besluittype (catalogus_id, omschrijving, begin_geldigheid);

CREATE TABLE statustype (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        UUID NOT NULL UNIQUE,
    zaaktype_id BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    volgnummer  INTEGER NOT NULL,
    data        JSONB NOT NULL,
    UNIQUE (zaaktype_id, volgnummer)
);

CREATE TABLE roltype (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                  UUID NOT NULL UNIQUE,
    zaaktype_id           BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    omschrijving_generiek TEXT NOT NULL,
    data                  JSONB NOT NULL
);
CREATE INDEX roltype_zaaktype ON roltype (zaaktype_id);

CREATE TABLE resultaattype (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        UUID NOT NULL UNIQUE,
    zaaktype_id BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    data        JSONB NOT NULL
);
CREATE INDEX resultaattype_zaaktype ON resultaattype (zaaktype_id);

CREATE TABLE eigenschap (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        UUID NOT NULL UNIQUE,
    zaaktype_id BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    naam        TEXT NOT NULL,
    data        JSONB NOT NULL
);
CREATE INDEX eigenschap_zaaktype ON eigenschap (zaaktype_id, naam);

CREATE TABLE zaakobjecttype (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                 UUID NOT NULL UNIQUE,
    zaaktype_id          BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    objecttype           TEXT NOT NULL,
    ander_objecttype     BOOLEAN NOT NULL,
    relatie_omschrijving TEXT NOT NULL,
    data                 JSONB NOT NULL
);
CREATE INDEX zaakobjecttype_zaaktype ON zaakobjecttype (zaaktype_id);

CREATE TABLE zaaktypeinformatieobjecttype (
    id                                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                              UUID NOT NULL UNIQUE,
    zaaktype_id                       BIGINT NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    informatieobjecttype_omschrijving TEXT NOT NULL,
    richting                          TEXT NOT NULL,
    volgnummer                        INTEGER NOT NULL,
    data                              JSONB NOT NULL
);
CREATE INDEX ztiot_zaaktype ON zaaktypeinformatieobjecttype (zaaktype_id, volgnummer);
CREATE INDEX ztiot_iot ON zaaktypeinformatieobjecttype (informatieobjecttype_omschrijving);

-- +goose Down
DROP TABLE zaaktypeinformatieobjecttype;
DROP TABLE zaakobjecttype;
DROP TABLE eigenschap;
DROP TABLE resultaattype;
DROP TABLE roltype;
DROP TABLE statustype;
DROP TABLE besluittype;
DROP TABLE informatieobjecttype;
DROP TABLE zaaktype;
DROP TABLE catalogus;
