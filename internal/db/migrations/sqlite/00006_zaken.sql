-- +goose Up
-- Zaken 1.5.1. Designed for a million zaken and three million statussen: every field a list
-- filters or orders on is a column with an index, the rest of a resource is the JSON in data
-- (docs/decisions/0001-resource-storage.md). References into other APIs (zaaktype, statustype,
-- roltype ...) are stored as the URLs the client gave; references between zaken resources are
-- foreign keys, rendered as URLs when read.
CREATE TABLE zaak (
    id                             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                           TEXT NOT NULL UNIQUE,
    identificatie                  TEXT NOT NULL,
    bronorganisatie                TEXT NOT NULL,
    zaaktype                       TEXT NOT NULL,
    -- vertrouwelijkheidaanduiding as its rank (0 = openbaar .. 7 = zeer_geheim): the
    -- autorisatie predicate is "zaaktype IN (...) AND vertrouwelijkheid <= max".
    vertrouwelijkheid              INTEGER NOT NULL,
    archiefnominatie               TEXT NOT NULL DEFAULT '',
    archiefstatus                  TEXT NOT NULL,
    archiefactiedatum              TEXT,
    startdatum                     TEXT NOT NULL,
    einddatum                      TEXT,
    einddatum_gepland              TEXT,
    uiterlijke_einddatum_afdoening TEXT,
    registratiedatum               TEXT NOT NULL,
    publicatiedatum                TEXT,
    hoofdzaak_id                   INTEGER REFERENCES zaak (id) ON DELETE CASCADE,
    -- The bounding box of zaakgeometrie (EPSG:4326), for the _zoek within filter; the exact
    -- test runs on the geometry in data.
    geo_minx                       REAL,
    geo_miny                       REAL,
    geo_maxx                       REAL,
    geo_maxy                       REAL,
    data                           TEXT NOT NULL
);
-- zrc-002: identificatie is unique per bronorganisatie; the index serves bronorganisatie too.
CREATE UNIQUE INDEX zaak_bron_identificatie ON zaak (bronorganisatie, identificatie);
CREATE INDEX zaak_identificatie ON zaak (identificatie);
-- The autorisatie predicate and the zaaktype filter, in the default order (newest first).
CREATE INDEX zaak_zaaktype ON zaak (zaaktype, vertrouwelijkheid, id);
CREATE INDEX zaak_startdatum ON zaak (startdatum, id);
CREATE INDEX zaak_einddatum ON zaak (einddatum, id);
CREATE INDEX zaak_registratiedatum ON zaak (registratiedatum, id);
CREATE INDEX zaak_publicatiedatum ON zaak (publicatiedatum, id);
CREATE INDEX zaak_einddatum_gepland ON zaak (einddatum_gepland);
CREATE INDEX zaak_uiterlijke_einddatum ON zaak (uiterlijke_einddatum_afdoening);
CREATE INDEX zaak_archief ON zaak (archiefstatus, archiefnominatie, archiefactiedatum);
CREATE INDEX zaak_archiefactiedatum ON zaak (archiefactiedatum, id);
CREATE INDEX zaak_hoofdzaak ON zaak (hoofdzaak_id) WHERE hoofdzaak_id IS NOT NULL;
CREATE INDEX zaak_geo ON zaak (geo_minx, geo_maxx) WHERE geo_minx IS NOT NULL;

-- zaak_nummer hands out the sequence numbers of generated identificaties, per
-- bronorganisatie and year; an upsert on the row serialises concurrent creates.
CREATE TABLE zaak_nummer (
    bronorganisatie TEXT NOT NULL,
    jaar            INTEGER NOT NULL,
    laatste         BIGINT NOT NULL,
    PRIMARY KEY (bronorganisatie, jaar)
);

CREATE TABLE rol (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                  TEXT NOT NULL UNIQUE,
    zaak_id               INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    betrokkene            TEXT NOT NULL DEFAULT '',
    betrokkene_type       TEXT NOT NULL,
    roltype               TEXT NOT NULL,
    omschrijving          TEXT NOT NULL,
    omschrijving_generiek TEXT NOT NULL,
    registratiedatum      TIMESTAMP NOT NULL,
    -- The identifying fields of betrokkeneIdentificatie that the lists filter on; NULL when
    -- absent, so the partial indexes hold only the roles that have them.
    inp_bsn               TEXT,
    anp_identificatie     TEXT,
    inp_a_nummer          TEXT,
    inn_nnp_id            TEXT,
    ann_identificatie     TEXT,
    vestigings_nummer     TEXT,
    medewerker_id         TEXT,
    org_eenheid_id        TEXT,
    data                  TEXT NOT NULL
);
CREATE INDEX rol_zaak ON rol (zaak_id, id);
-- The citizen portal's question: the zaken of a BSN.
CREATE INDEX rol_inp_bsn ON rol (inp_bsn, zaak_id) WHERE inp_bsn IS NOT NULL;
CREATE INDEX rol_anp_identificatie ON rol (anp_identificatie, zaak_id) WHERE anp_identificatie IS NOT NULL;
CREATE INDEX rol_inp_a_nummer ON rol (inp_a_nummer, zaak_id) WHERE inp_a_nummer IS NOT NULL;
CREATE INDEX rol_inn_nnp_id ON rol (inn_nnp_id, zaak_id) WHERE inn_nnp_id IS NOT NULL;
CREATE INDEX rol_ann_identificatie ON rol (ann_identificatie, zaak_id) WHERE ann_identificatie IS NOT NULL;
CREATE INDEX rol_vestigings_nummer ON rol (vestigings_nummer, zaak_id) WHERE vestigings_nummer IS NOT NULL;
CREATE INDEX rol_medewerker ON rol (medewerker_id, zaak_id) WHERE medewerker_id IS NOT NULL;
CREATE INDEX rol_org_eenheid ON rol (org_eenheid_id, zaak_id) WHERE org_eenheid_id IS NOT NULL;
CREATE INDEX rol_betrokkene ON rol (betrokkene, zaak_id) WHERE betrokkene <> '';
CREATE INDEX rol_type ON rol (betrokkene_type, zaak_id);
CREATE INDEX rol_generiek ON rol (omschrijving_generiek, zaak_id);
CREATE INDEX rol_roltype ON rol (roltype);

CREATE TABLE status (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid               TEXT NOT NULL UNIQUE,
    zaak_id            INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    statustype         TEXT NOT NULL,
    datum_status_gezet TIMESTAMP NOT NULL,
    gezetdoor_id       INTEGER REFERENCES rol (id) ON DELETE SET NULL,
    data               TEXT NOT NULL
);
-- The current status of a zaak is its latest datumStatusGezet (ties: the latest written).
CREATE INDEX status_zaak ON status (zaak_id, datum_status_gezet, id);
CREATE INDEX status_statustype ON status (statustype);
CREATE INDEX status_gezetdoor ON status (gezetdoor_id) WHERE gezetdoor_id IS NOT NULL;

CREATE TABLE resultaat (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid          TEXT NOT NULL UNIQUE,
    -- A zaak has at most one resultaat.
    zaak_id       INTEGER NOT NULL UNIQUE REFERENCES zaak (id) ON DELETE CASCADE,
    resultaattype TEXT NOT NULL,
    data          TEXT NOT NULL
);
CREATE INDEX resultaat_resultaattype ON resultaat (resultaattype);

CREATE TABLE zaakobject (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    zaak_id     INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    object      TEXT NOT NULL DEFAULT '',
    object_type TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX zaakobject_zaak ON zaakobject (zaak_id, id);
CREATE INDEX zaakobject_object ON zaakobject (object) WHERE object <> '';
CREATE INDEX zaakobject_type ON zaakobject (object_type);

CREATE TABLE zaakeigenschap (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid       TEXT NOT NULL UNIQUE,
    zaak_id    INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    eigenschap TEXT NOT NULL,
    naam       TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX zaakeigenschap_zaak ON zaakeigenschap (zaak_id, id);

CREATE TABLE zaakinformatieobject (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT NOT NULL UNIQUE,
    zaak_id          INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    informatieobject TEXT NOT NULL,
    status_id        INTEGER REFERENCES status (id) ON DELETE SET NULL,
    registratiedatum TIMESTAMP NOT NULL,
    data             TEXT NOT NULL,
    UNIQUE (zaak_id, informatieobject)
);
CREATE INDEX zaakinformatieobject_io ON zaakinformatieobject (informatieobject);
CREATE INDEX zaakinformatieobject_status ON zaakinformatieobject (status_id) WHERE status_id IS NOT NULL;

-- +goose Down
DROP TABLE zaakinformatieobject;
DROP TABLE zaakeigenschap;
DROP TABLE zaakobject;
DROP TABLE resultaat;
DROP TABLE status;
DROP TABLE rol;
DROP TABLE zaak_nummer;
DROP TABLE zaak;
