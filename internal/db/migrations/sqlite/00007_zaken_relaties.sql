-- +goose Up
-- Zaken 1.5.1: the relations of a zaak to the (obsolete) Klantcontacten, Contactmomenten and
-- Verzoeken APIs and to the Besluiten register. Each list filters on zaak (the index) and
-- on the URL of the other side.
CREATE TABLE klantcontact (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid    TEXT NOT NULL UNIQUE,
    zaak_id INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    data    TEXT NOT NULL
);
CREATE INDEX klantcontact_zaak ON klantcontact (zaak_id, id);

CREATE TABLE zaakcontactmoment (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid          TEXT NOT NULL UNIQUE,
    zaak_id       INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    contactmoment TEXT NOT NULL
);
CREATE INDEX zaakcontactmoment_zaak ON zaakcontactmoment (zaak_id, id);
CREATE INDEX zaakcontactmoment_contactmoment ON zaakcontactmoment (contactmoment);

CREATE TABLE zaakverzoek (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid    TEXT NOT NULL UNIQUE,
    zaak_id INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    verzoek TEXT NOT NULL
);
CREATE INDEX zaakverzoek_zaak ON zaakverzoek (zaak_id, id);
CREATE INDEX zaakverzoek_verzoek ON zaakverzoek (verzoek);

-- The mirror of Besluit.zaak (brc-006): one row per besluit of the zaak.
CREATE TABLE zaakbesluit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid    TEXT NOT NULL UNIQUE,
    zaak_id INTEGER NOT NULL REFERENCES zaak (id) ON DELETE CASCADE,
    besluit TEXT NOT NULL,
    UNIQUE (zaak_id, besluit)
);

-- +goose Down
DROP TABLE zaakbesluit;
DROP TABLE zaakverzoek;
DROP TABLE zaakcontactmoment;
DROP TABLE klantcontact;
