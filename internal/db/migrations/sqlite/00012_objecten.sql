-- +goose Up
-- Objecttypen API 2.2.2 and Objecten API 2.7.0 (docs/objecten.md). Objecttypen and their
-- versions are small; objects are designed for millions: every object is a row, every
-- change a new record row (append-only, material and formal history). Record data is SQLite
-- JSONB, filtered with json_extract; expression indexes serve the keys the portal asks for
-- on every page view (other keys are scanned per type, see docs/objecten.md).
CREATE TABLE objecttype (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    data_classification TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    modified_at         TEXT NOT NULL,
    data                TEXT NOT NULL
);
CREATE INDEX objecttype_classification ON objecttype (data_classification, id);

CREATE TABLE objecttype_versie (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    objecttype_id INTEGER NOT NULL REFERENCES objecttype (id) ON DELETE CASCADE,
    versie        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    json_schema   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    modified_at   TEXT NOT NULL,
    published_at  TEXT,
    UNIQUE (objecttype_id, versie)
);

-- object holds what never changes; everything else is in its records.
CREATE TABLE object (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid            TEXT NOT NULL UNIQUE,
    -- type is the objecttype URL as the client gave it; type_uuid its last path segment,
    -- by which types are matched (filters, permissions), as Open Object 4 does.
    type            TEXT NOT NULL,
    type_uuid       TEXT NOT NULL
);
CREATE INDEX object_type ON object (type_uuid, id);

CREATE TABLE object_record (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    object_id       INTEGER NOT NULL REFERENCES object (id) ON DELETE CASCADE,
    -- copied from object (immutable), so that lists filter and page on this table alone
    type_uuid       TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    type_version    INTEGER NOT NULL,
    -- SQLite's binary JSON (jsonb()): json_extract reads it without parsing text, four
    -- times faster on filters that scan; rendered with json().
    data            BLOB NOT NULL,
    geometry        TEXT,
    geo_minx        REAL,
    geo_miny        REAL,
    geo_maxx        REAL,
    geo_maxy        REAL,
    refs            TEXT NOT NULL,
    start_at        TEXT NOT NULL,
    end_at          TEXT,
    registration_at TEXT NOT NULL,
    correction_for  INTEGER,
    corrected_by    INTEGER,
    UNIQUE (object_id, idx)
);
-- The material view: records whose period holds a date, per type, in object order.
CREATE INDEX object_record_type ON object_record (type_uuid, object_id, start_at, end_at);
-- The citizen's tasks (identificatie.value + status) and other identificatie lookups.
CREATE INDEX object_record_identificatie ON object_record (json_extract(data, '$."identificatie"."value"'));
CREATE INDEX object_record_geo ON object_record (geo_minx, geo_maxx) WHERE geo_minx IS NOT NULL;

-- Permissions per client id and objecttype, as Open Object's token permissions.
CREATE TABLE objecten_permissie (
    client_id  TEXT NOT NULL,
    type_uuid  TEXT NOT NULL,
    type       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    use_fields INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    PRIMARY KEY (client_id, type_uuid)
);

-- +goose Down
DROP TABLE objecten_permissie;
DROP TABLE object_record;
DROP TABLE object;
DROP TABLE objecttype_versie;
DROP TABLE objecttype;
