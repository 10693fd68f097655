-- +goose Up
-- Catalogi 1.3.1. Each row is one version of a type; the fields that lists filter on, and the
-- relations, are columns (with indexes); everything else of the resource is the JSON in data.
CREATE TABLE catalogus (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid   TEXT NOT NULL UNIQUE,
    domein TEXT NOT NULL,
    rsin   TEXT NOT NULL,
    data   TEXT NOT NULL
);
-- Open Zaak keeps (domein, rsin) unique; the index also serves the domein/rsin filters.
CREATE UNIQUE INDEX catalogus_domein ON catalogus (domein, rsin);
CREATE INDEX catalogus_rsin ON catalogus (rsin);

CREATE TABLE zaaktype (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT NOT NULL UNIQUE,
    catalogus_id     INTEGER NOT NULL REFERENCES catalogus (id),
    identificatie    TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid TEXT NOT NULL,
    einde_geldigheid TEXT,
    -- trefwoorden, besluittypen (omschrijvingen) and deelzaaktypen (identificaties) are lists
    -- written as '\n'-separated text with a leading and trailing separator ("\na\nb\n"), so
    -- that "contains" is one LIKE on both dialects; gerelateerde is the JSON list of
    -- {zaaktype: identificatie, aardRelatie, toelichting} as written. Relations by name are
    -- resolved to URLs when read (catalogi 1.3 history model).
    trefwoorden      TEXT NOT NULL DEFAULT '',
    besluittypen     TEXT NOT NULL DEFAULT '',
    deelzaaktypen    TEXT NOT NULL DEFAULT '',
    gerelateerde     TEXT NOT NULL DEFAULT '[]',
    data             TEXT NOT NULL
);
CREATE INDEX zaaktype_catalogus ON zaaktype (catalogus_id, identificatie, begin_geldigheid);
CREATE INDEX zaaktype_identificatie ON zaaktype (identificatie, begin_geldigheid);

CREATE TABLE informatieobjecttype (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT NOT NULL UNIQUE,
    catalogus_id     INTEGER NOT NULL REFERENCES catalogus (id),
    omschrijving     TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid TEXT NOT NULL,
    einde_geldigheid TEXT,
    data             TEXT NOT NULL
);
CREATE INDEX informatieobjecttype_catalogus ON informatieobjecttype (catalogus_id, omschrijving, begin_geldigheid);

CREATE TABLE besluittype (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT NOT NULL UNIQUE,
    catalogus_id     INTEGER NOT NULL REFERENCES catalogus (id),
    omschrijving     TEXT NOT NULL,
    concept          BOOLEAN NOT NULL,
    begin_geldigheid TEXT NOT NULL,
    einde_geldigheid TEXT,
    -- informatieobjecttypen (omschrijvingen) and zaaktypen (identificaties, ztc-issue-001)
    -- as '\n'-separated lists, like zaaktype.besluittypen.
    informatieobjecttypen TEXT NOT NULL DEFAULT '',
    zaaktypen        TEXT NOT NULL DEFAULT '',
    data             TEXT NOT NULL
);
CREATE INDEX besluittype_catalogus ON besluittype (catalogus_id, omschrijving, begin_geldigheid);

CREATE TABLE statustype (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    zaaktype_id INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    volgnummer  INTEGER NOT NULL,
    data        TEXT NOT NULL,
    UNIQUE (zaaktype_id, volgnummer)
);

CREATE TABLE roltype (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                  TEXT NOT NULL UNIQUE,
    zaaktype_id           INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    omschrijving_generiek TEXT NOT NULL,
    data                  TEXT NOT NULL
);
CREATE INDEX roltype_zaaktype ON roltype (zaaktype_id);

CREATE TABLE resultaattype (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    zaaktype_id INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    data        TEXT NOT NULL
);
CREATE INDEX resultaattype_zaaktype ON resultaattype (zaaktype_id);

CREATE TABLE eigenschap (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    zaaktype_id INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    naam        TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX eigenschap_zaaktype ON eigenschap (zaaktype_id, naam);

CREATE TABLE zaakobjecttype (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                 TEXT NOT NULL UNIQUE,
    zaaktype_id          INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    objecttype           TEXT NOT NULL,
    ander_objecttype     BOOLEAN NOT NULL,
    relatie_omschrijving TEXT NOT NULL,
    data                 TEXT NOT NULL
);
CREATE INDEX zaakobjecttype_zaaktype ON zaakobjecttype (zaaktype_id);

CREATE TABLE zaaktypeinformatieobjecttype (
    id                                INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                              TEXT NOT NULL UNIQUE,
    zaaktype_id                       INTEGER NOT NULL REFERENCES zaaktype (id) ON DELETE CASCADE,
    informatieobjecttype_omschrijving TEXT NOT NULL,
    richting                          TEXT NOT NULL,
    volgnummer                        INTEGER NOT NULL,
    data                              TEXT NOT NULL
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
CREATE TRIGGER catalogus_wijziging_insert AFTER INSERT ON catalogus BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'catalogus';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER catalogus_wijziging_update AFTER UPDATE ON catalogus BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'catalogus';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER catalogus_wijziging_delete AFTER DELETE ON catalogus BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'catalogus';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktype_wijziging_insert AFTER INSERT ON zaaktype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktype_wijziging_update AFTER UPDATE ON zaaktype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktype_wijziging_delete AFTER DELETE ON zaaktype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER informatieobjecttype_wijziging_insert AFTER INSERT ON informatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'informatieobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER informatieobjecttype_wijziging_update AFTER UPDATE ON informatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'informatieobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER informatieobjecttype_wijziging_delete AFTER DELETE ON informatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'informatieobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER besluittype_wijziging_insert AFTER INSERT ON besluittype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'besluittype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER besluittype_wijziging_update AFTER UPDATE ON besluittype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'besluittype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER besluittype_wijziging_delete AFTER DELETE ON besluittype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'besluittype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER statustype_wijziging_insert AFTER INSERT ON statustype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'statustype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER statustype_wijziging_update AFTER UPDATE ON statustype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'statustype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER statustype_wijziging_delete AFTER DELETE ON statustype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'statustype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roltype_wijziging_insert AFTER INSERT ON roltype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'roltype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roltype_wijziging_update AFTER UPDATE ON roltype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'roltype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roltype_wijziging_delete AFTER DELETE ON roltype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'roltype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER resultaattype_wijziging_insert AFTER INSERT ON resultaattype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'resultaattype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER resultaattype_wijziging_update AFTER UPDATE ON resultaattype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'resultaattype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER resultaattype_wijziging_delete AFTER DELETE ON resultaattype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'resultaattype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER eigenschap_wijziging_insert AFTER INSERT ON eigenschap BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'eigenschap';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER eigenschap_wijziging_update AFTER UPDATE ON eigenschap BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'eigenschap';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER eigenschap_wijziging_delete AFTER DELETE ON eigenschap BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'eigenschap';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaakobjecttype_wijziging_insert AFTER INSERT ON zaakobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaakobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaakobjecttype_wijziging_update AFTER UPDATE ON zaakobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaakobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaakobjecttype_wijziging_delete AFTER DELETE ON zaakobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaakobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktypeinformatieobjecttype_wijziging_insert AFTER INSERT ON zaaktypeinformatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktypeinformatieobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktypeinformatieobjecttype_wijziging_update AFTER UPDATE ON zaaktypeinformatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktypeinformatieobjecttype';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaaktypeinformatieobjecttype_wijziging_delete AFTER DELETE ON zaaktypeinformatieobjecttype BEGIN
    UPDATE catalogi_wijziging SET versie = versie + 1 WHERE tabel = 'zaaktypeinformatieobjecttype';
END;
-- +goose StatementEnd

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
