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
-- Open Zaak keeps (domein, rsin) unique; the index also serves the domein/rsin filters.
CREATE UNIQUE INDEX catalogus_domein ON catalogus (domein, rsin);
CREATE INDEX catalogus_rsin ON catalogus (rsin);

CREATE TABLE zaaktype (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             UUID NOT NULL UNIQUE,
    catalogus_id     BIGINT NOT NULL REFERENCES catalogus (id),
    identificatie    TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid DATE NOT NULL,
    einde_geldigheid DATE,
    -- trefwoorden, besluittypen (omschrijvingen) and deelzaaktypen (identificaties) are lists
    -- written as '\n'-separated text with a leading and trailing separator ("\na\nb\n"), so
    -- that "contains" is one LIKE on both dialects; gerelateerde is the JSON list of
    -- {zaaktype: identificatie, aardRelatie, toelichting} as written. Relations by name are
    -- resolved to URLs when read (catalogi 1.3 history model).
    trefwoorden      TEXT NOT NULL DEFAULT '',
    besluittypen     TEXT NOT NULL DEFAULT '',
    deelzaaktypen    TEXT NOT NULL DEFAULT '',
    gerelateerde     TEXT NOT NULL DEFAULT '[]',
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
    -- informatieobjecttypen (omschrijvingen) and zaaktypen (identificaties, ztc-issue-001)
    -- as '\n'-separated lists, like zaaktype.besluittypen.
    informatieobjecttypen TEXT NOT NULL DEFAULT '',
    zaaktypen        TEXT NOT NULL DEFAULT '',
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
CREATE UNIQUE INDEX ztiot_zaaktype ON zaaktypeinformatieobjecttype (zaaktype_id, volgnummer);
CREATE INDEX ztiot_iot ON zaaktypeinformatieobjecttype (informatieobjecttype_omschrijving);

-- catalogi_wijziging counts the writes to each catalogi table; triggers keep it, so every
-- writer (any register code, any node, even SQL by hand) is counted. The sum over the
-- tables only ever grows, so it names the state of the catalogue: the in-process cache of
-- rendered types is keyed on it and never serves what another node has since changed. One
-- row per table, so that concurrent writers of different tables never wait on each other.
CREATE TABLE catalogi_wijziging (
    tabel  TEXT PRIMARY KEY,
    versie BIGINT NOT NULL
);
INSERT INTO catalogi_wijziging (tabel, versie) VALUES
    ('catalogus', 0),
    ('zaaktype', 0),
    ('informatieobjecttype', 0),
    ('besluittype', 0),
    ('statustype', 0),
    ('roltype', 0),
    ('resultaattype', 0),
    ('eigenschap', 0),
    ('zaakobjecttype', 0),
    ('zaaktypeinformatieobjecttype', 0);
-- +goose StatementBegin
CREATE FUNCTION catalogi_wijziging() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = TG_TABLE_NAME;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER catalogus_wijziging AFTER INSERT OR UPDATE OR DELETE ON catalogus FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER zaaktype_wijziging AFTER INSERT OR UPDATE OR DELETE ON zaaktype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER informatieobjecttype_wijziging AFTER INSERT OR UPDATE OR DELETE ON informatieobjecttype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER besluittype_wijziging AFTER INSERT OR UPDATE OR DELETE ON besluittype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER statustype_wijziging AFTER INSERT OR UPDATE OR DELETE ON statustype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER roltype_wijziging AFTER INSERT OR UPDATE OR DELETE ON roltype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER resultaattype_wijziging AFTER INSERT OR UPDATE OR DELETE ON resultaattype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER eigenschap_wijziging AFTER INSERT OR UPDATE OR DELETE ON eigenschap FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER zaakobjecttype_wijziging AFTER INSERT OR UPDATE OR DELETE ON zaakobjecttype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();
CREATE TRIGGER zaaktypeinformatieobjecttype_wijziging AFTER INSERT OR UPDATE OR DELETE ON zaaktypeinformatieobjecttype FOR EACH STATEMENT EXECUTE FUNCTION catalogi_wijziging();

-- +goose Down
DROP TABLE catalogi_wijziging;
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
DROP FUNCTION catalogi_wijziging();
