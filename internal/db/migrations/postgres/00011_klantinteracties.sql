-- +goose Up
-- Klantinteracties API 0.9.0 (docs/klantinteracties.md). Every resource is one row: the
-- writable fields as JSON text in data, the references to other resources as uuid columns
-- (lower-case text) and the fields the list filters use copied into indexed columns.
CREATE TABLE ki_partij (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                     TEXT NOT NULL UNIQUE,
    data                     TEXT NOT NULL,
    voorkeurs_digitaal_adres TEXT,
    voorkeurs_rekeningnummer TEXT,
    soort_partij             TEXT NOT NULL DEFAULT '',
    nummer                   TEXT NOT NULL DEFAULT '',
    indicatie_actief         BOOLEAN,
    indicatie_geheimhouding  BOOLEAN,
    ba_nummeraanduiding      TEXT NOT NULL DEFAULT '',
    ba_regel1                TEXT NOT NULL DEFAULT '',
    ba_regel2                TEXT NOT NULL DEFAULT '',
    ba_regel3                TEXT NOT NULL DEFAULT '',
    ba_land                  TEXT NOT NULL DEFAULT '',
    ca_nummeraanduiding      TEXT NOT NULL DEFAULT '',
    ca_regel1                TEXT NOT NULL DEFAULT '',
    ca_regel2                TEXT NOT NULL DEFAULT '',
    ca_regel3                TEXT NOT NULL DEFAULT '',
    ca_land                  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_partij_soort ON ki_partij (soort_partij, id);
CREATE INDEX ki_partij_nummer ON ki_partij (nummer);
CREATE INDEX ki_partij_actief ON ki_partij (indicatie_actief, id);
CREATE INDEX ki_partij_geheim ON ki_partij (indicatie_geheimhouding, id);
CREATE INDEX ki_partij_ba_nummeraanduiding ON ki_partij (ba_nummeraanduiding);
CREATE INDEX ki_partij_ba_regel1 ON ki_partij (ba_regel1);
CREATE INDEX ki_partij_ba_regel2 ON ki_partij (ba_regel2);
CREATE INDEX ki_partij_ba_regel3 ON ki_partij (ba_regel3);
CREATE INDEX ki_partij_ba_land ON ki_partij (ba_land);
CREATE INDEX ki_partij_ca_nummeraanduiding ON ki_partij (ca_nummeraanduiding);
CREATE INDEX ki_partij_ca_regel1 ON ki_partij (ca_regel1);
CREATE INDEX ki_partij_ca_regel2 ON ki_partij (ca_regel2);
CREATE INDEX ki_partij_ca_regel3 ON ki_partij (ca_regel3);
CREATE INDEX ki_partij_ca_land ON ki_partij (ca_land);

-- kpi-uniek: one value per (register, objecttype, soort, objectId) within its parent
-- identificator (sub_key: the parent's uuid, '' for none).
CREATE TABLE ki_partij_identificator (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    data             TEXT NOT NULL,
    partij           TEXT,
    sub_van          TEXT,
    code_objecttype  TEXT NOT NULL DEFAULT '',
    code_soort       TEXT NOT NULL DEFAULT '',
    object_id        TEXT NOT NULL DEFAULT '',
    code_register    TEXT NOT NULL DEFAULT '',
    andere           TEXT NOT NULL DEFAULT '',
    sub_key          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_pi_partij ON ki_partij_identificator (partij);
CREATE INDEX ki_pi_sub ON ki_partij_identificator (sub_van);
CREATE INDEX ki_pi_object ON ki_partij_identificator (object_id, code_soort);
CREATE INDEX ki_pi_objecttype ON ki_partij_identificator (code_objecttype);
CREATE INDEX ki_pi_register ON ki_partij_identificator (code_register);
CREATE INDEX ki_pi_soort ON ki_partij_identificator (code_soort);
CREATE INDEX ki_pi_andere ON ki_partij_identificator (andere);
CREATE UNIQUE INDEX ki_pi_uniek ON ki_partij_identificator (code_register, code_objecttype, code_soort, object_id, sub_key)
    WHERE object_id <> '';

CREATE TABLE ki_digitaal_adres (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    data              TEXT NOT NULL,
    partij            TEXT,
    betrokkene        TEXT,
    adres             TEXT NOT NULL DEFAULT '',
    soort             TEXT NOT NULL DEFAULT '',
    is_standaard      BOOLEAN,
    omschrijving      TEXT NOT NULL DEFAULT '',
    referentie        TEXT NOT NULL DEFAULT '',
    verificatie_datum TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_da_partij ON ki_digitaal_adres (partij, soort);
CREATE INDEX ki_da_betrokkene ON ki_digitaal_adres (betrokkene);
CREATE INDEX ki_da_adres ON ki_digitaal_adres (adres);
CREATE INDEX ki_da_soort ON ki_digitaal_adres (soort, id);
CREATE INDEX ki_da_standaard ON ki_digitaal_adres (is_standaard, id);
CREATE INDEX ki_da_omschrijving ON ki_digitaal_adres (omschrijving);
CREATE INDEX ki_da_referentie ON ki_digitaal_adres (referentie);
CREATE INDEX ki_da_verificatie ON ki_digitaal_adres (verificatie_datum);

CREATE TABLE ki_klantcontact (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                     TEXT NOT NULL UNIQUE,
    data                     TEXT NOT NULL,
    nummer                   TEXT NOT NULL DEFAULT '',
    referentienummer         TEXT NOT NULL DEFAULT '',
    kanaal                   TEXT NOT NULL DEFAULT '',
    onderwerp                TEXT NOT NULL DEFAULT '',
    inhoud                   TEXT NOT NULL DEFAULT '',
    reactie                  TEXT NOT NULL DEFAULT '',
    indicatie_contact_gelukt BOOLEAN,
    vertrouwelijk            BOOLEAN,
    plaatsgevonden_op        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_kc_nummer ON ki_klantcontact (nummer);
CREATE INDEX ki_kc_referentienummer ON ki_klantcontact (referentienummer);
CREATE INDEX ki_kc_kanaal ON ki_klantcontact (kanaal, id);
CREATE INDEX ki_kc_onderwerp ON ki_klantcontact (onderwerp);
CREATE INDEX ki_kc_gelukt ON ki_klantcontact (indicatie_contact_gelukt, id);
CREATE INDEX ki_kc_vertrouwelijk ON ki_klantcontact (vertrouwelijk, id);
CREATE INDEX ki_kc_plaatsgevonden ON ki_klantcontact (plaatsgevonden_op);

CREATE TABLE ki_betrokkene (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    data            TEXT NOT NULL,
    klantcontact    TEXT,
    partij          TEXT,
    rol             TEXT NOT NULL DEFAULT '',
    organisatienaam TEXT NOT NULL DEFAULT '',
    cn_voorletters  TEXT NOT NULL DEFAULT '',
    cn_voornaam     TEXT NOT NULL DEFAULT '',
    cn_voorvoegsel  TEXT NOT NULL DEFAULT '',
    cn_achternaam   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_b_klantcontact ON ki_betrokkene (klantcontact);
CREATE INDEX ki_b_partij ON ki_betrokkene (partij, klantcontact);
CREATE INDEX ki_b_organisatienaam ON ki_betrokkene (organisatienaam);
CREATE INDEX ki_b_voorletters ON ki_betrokkene (cn_voorletters);
CREATE INDEX ki_b_voornaam ON ki_betrokkene (cn_voornaam);
CREATE INDEX ki_b_voorvoegsel ON ki_betrokkene (cn_voorvoegsel);
CREATE INDEX ki_b_achternaam ON ki_betrokkene (cn_achternaam);

CREATE TABLE ki_onderwerpobject (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    data             TEXT NOT NULL,
    klantcontact     TEXT,
    was_klantcontact TEXT,
    code_objecttype  TEXT NOT NULL DEFAULT '',
    code_soort       TEXT NOT NULL DEFAULT '',
    object_id        TEXT NOT NULL DEFAULT '',
    code_register    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_o_klantcontact ON ki_onderwerpobject (klantcontact);
CREATE INDEX ki_o_was ON ki_onderwerpobject (was_klantcontact);
CREATE INDEX ki_o_object ON ki_onderwerpobject (object_id);
CREATE INDEX ki_o_objecttype ON ki_onderwerpobject (code_objecttype);
CREATE INDEX ki_o_soort ON ki_onderwerpobject (code_soort);
CREATE INDEX ki_o_register ON ki_onderwerpobject (code_register);

CREATE TABLE ki_bijlage (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    data            TEXT NOT NULL,
    klantcontact    TEXT,
    code_objecttype TEXT NOT NULL DEFAULT '',
    code_soort      TEXT NOT NULL DEFAULT '',
    object_id       TEXT NOT NULL DEFAULT '',
    code_register   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_bl_klantcontact ON ki_bijlage (klantcontact);
CREATE INDEX ki_bl_object ON ki_bijlage (object_id);
CREATE INDEX ki_bl_objecttype ON ki_bijlage (code_objecttype);
CREATE INDEX ki_bl_soort ON ki_bijlage (code_soort);
CREATE INDEX ki_bl_register ON ki_bijlage (code_register);

CREATE TABLE ki_actor (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    data             TEXT NOT NULL,
    soort_actor      TEXT NOT NULL DEFAULT '',
    naam             TEXT NOT NULL DEFAULT '',
    indicatie_actief BOOLEAN,
    code_objecttype  TEXT NOT NULL DEFAULT '',
    code_soort       TEXT NOT NULL DEFAULT '',
    object_id        TEXT NOT NULL DEFAULT '',
    code_register    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_a_soort ON ki_actor (soort_actor, id);
CREATE INDEX ki_a_naam ON ki_actor (naam);
CREATE INDEX ki_a_actief ON ki_actor (indicatie_actief, id);
CREATE INDEX ki_a_object ON ki_actor (object_id);
CREATE INDEX ki_a_objecttype ON ki_actor (code_objecttype);
CREATE INDEX ki_a_soort_id ON ki_actor (code_soort);
CREATE INDEX ki_a_register ON ki_actor (code_register);

CREATE TABLE ki_actorklantcontact (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    data         TEXT NOT NULL,
    actor        TEXT,
    klantcontact TEXT
);
CREATE INDEX ki_akc_actor ON ki_actorklantcontact (actor);
CREATE INDEX ki_akc_klantcontact ON ki_actorklantcontact (klantcontact);

CREATE TABLE ki_internetaak (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    data             TEXT NOT NULL,
    klantcontact     TEXT,
    nummer           TEXT NOT NULL DEFAULT '',
    referentienummer TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '',
    toegewezen_op    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_it_klantcontact ON ki_internetaak (klantcontact);
CREATE INDEX ki_it_nummer ON ki_internetaak (nummer);
CREATE INDEX ki_it_referentienummer ON ki_internetaak (referentienummer);
CREATE INDEX ki_it_status ON ki_internetaak (status, id);
CREATE INDEX ki_it_toegewezen ON ki_internetaak (toegewezen_op);

-- toegewezenAanActoren, in order (pos).
CREATE TABLE ki_internetaak_actor (
    internetaak TEXT NOT NULL,
    actor       TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    PRIMARY KEY (internetaak, actor)
);
CREATE INDEX ki_ita_actor ON ki_internetaak_actor (actor);

CREATE TABLE ki_rekeningnummer (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid   TEXT NOT NULL UNIQUE,
    data   TEXT NOT NULL,
    partij TEXT,
    iban   TEXT NOT NULL DEFAULT '',
    bic    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_r_partij ON ki_rekeningnummer (partij);
CREATE INDEX ki_r_iban ON ki_rekeningnummer (iban);
CREATE INDEX ki_r_bic ON ki_rekeningnummer (bic);

CREATE TABLE ki_vertegenwoordiging (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid               TEXT NOT NULL UNIQUE,
    data               TEXT NOT NULL,
    vertegenwoordigende TEXT,
    vertegenwoordigde  TEXT
);
CREATE INDEX ki_v_vertegenwoordigende ON ki_vertegenwoordiging (vertegenwoordigende);
CREATE INDEX ki_v_vertegenwoordigde ON ki_vertegenwoordiging (vertegenwoordigde);

CREATE TABLE ki_categorie (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    naam TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_c_naam ON ki_categorie (naam);

CREATE TABLE ki_categorie_relatie (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    data        TEXT NOT NULL,
    partij      TEXT,
    categorie   TEXT,
    begin_datum TEXT NOT NULL DEFAULT '',
    eind_datum  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ki_cr_partij ON ki_categorie_relatie (partij);
CREATE INDEX ki_cr_categorie ON ki_categorie_relatie (categorie);
CREATE INDEX ki_cr_begin ON ki_categorie_relatie (begin_datum);
CREATE INDEX ki_cr_eind ON ki_categorie_relatie (eind_datum);

-- +goose Down
DROP TABLE ki_categorie_relatie;
DROP TABLE ki_categorie;
DROP TABLE ki_vertegenwoordiging;
DROP TABLE ki_rekeningnummer;
DROP TABLE ki_internetaak_actor;
DROP TABLE ki_internetaak;
DROP TABLE ki_actorklantcontact;
DROP TABLE ki_actor;
DROP TABLE ki_bijlage;
DROP TABLE ki_onderwerpobject;
DROP TABLE ki_betrokkene;
DROP TABLE ki_klantcontact;
DROP TABLE ki_digitaal_adres;
DROP TABLE ki_partij_identificator;
DROP TABLE ki_partij;
