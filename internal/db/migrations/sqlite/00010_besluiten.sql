-- +goose Up
-- Besluiten 1.1.0. Every list filter (identificatie, verantwoordelijkeOrganisatie, besluittype,
-- zaak; besluit, informatieobject) has an index. References into other APIs (besluittype, zaak,
-- informatieobject) are the URLs the client gave; a besluitinformatieobject points at its
-- besluit by foreign key, so deleting a besluit removes its relations (brc-009).
CREATE TABLE besluit (
    id                            INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                          TEXT NOT NULL UNIQUE,
    identificatie                 TEXT NOT NULL,
    verantwoordelijke_organisatie TEXT NOT NULL,
    besluittype                   TEXT NOT NULL,
    zaak                          TEXT NOT NULL DEFAULT '',
    datum                         TEXT NOT NULL,
    ingangsdatum                  TEXT NOT NULL,
    vervaldatum                   TEXT,
    vervalreden                   TEXT NOT NULL DEFAULT '',
    publicatiedatum               TEXT,
    verzenddatum                  TEXT,
    uiterlijke_reactiedatum       TEXT,
    toelichting                   TEXT NOT NULL DEFAULT '',
    bestuursorgaan                TEXT NOT NULL DEFAULT '',
    -- brc-002: identificatie is unique within the verantwoordelijke organisatie.
    UNIQUE (verantwoordelijke_organisatie, identificatie)
);
CREATE INDEX besluit_identificatie ON besluit (identificatie, id);
CREATE INDEX besluit_besluittype ON besluit (besluittype, id);
CREATE INDEX besluit_zaak ON besluit (zaak, id);

-- besluit_nummer hands out the sequence numbers of generated identificaties (brc-002), per
-- verantwoordelijke organisatie and year; an upsert on the row serialises concurrent creates.
CREATE TABLE besluit_nummer (
    verantwoordelijke_organisatie TEXT NOT NULL,
    jaar                          INTEGER NOT NULL,
    laatste                       BIGINT NOT NULL,
    PRIMARY KEY (verantwoordelijke_organisatie, jaar)
);

CREATE TABLE besluitinformatieobject (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT NOT NULL UNIQUE,
    besluit_id       INTEGER NOT NULL REFERENCES besluit (id) ON DELETE CASCADE,
    informatieobject TEXT NOT NULL,
    -- brc-004: always legt_vast, registered now; kept although 1.0.x does not render them.
    aard_relatie     TEXT NOT NULL,
    registratiedatum TIMESTAMP NOT NULL,
    UNIQUE (besluit_id, informatieobject)
);
CREATE INDEX besluitinformatieobject_informatieobject ON besluitinformatieobject (informatieobject, id);

-- +goose Down
DROP TABLE besluitinformatieobject;
DROP TABLE besluit_nummer;
DROP TABLE besluit;
