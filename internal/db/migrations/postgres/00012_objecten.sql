-- +goose Up
-- Objecttypen API 2.2.2 and Objecten API 2.7.0 (docs/objecten.md). Objecttypen and their
-- versions are small; objects are designed for millions: every object is a row, every
-- change a new record row (append-only, material and formal history). Record data is JSONB:
-- a GIN index (jsonb_path_ops) serves exact data_attr filters on any key through @>, and
-- expression indexes serve the keys the portal asks for on every page view.
CREATE TABLE objecttype (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                UUID NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    data_classification TEXT NOT NULL,
    created_at          DATE NOT NULL,
    modified_at         DATE NOT NULL,
    data                JSONB NOT NULL
);
CREATE INDEX objecttype_classification ON objecttype (data_classification, id);

CREATE TABLE objecttype_versie (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    objecttype_id BIGINT NOT NULL REFERENCES objecttype (id) ON DELETE CASCADE,
    versie        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    json_schema   JSONB NOT NULL,
    created_at    DATE NOT NULL,
    modified_at   DATE NOT NULL,
    published_at  DATE,
    UNIQUE (objecttype_id, versie)
);

-- object holds what never changes; everything else is in its records.
CREATE TABLE object (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid            UUID NOT NULL UNIQUE,
    -- type is the objecttype URL as the client gave it; type_uuid its last path segment,
    -- by which types are matched (filters, permissions), as Open Object 4 does.
    type            TEXT NOT NULL,
    type_uuid       TEXT NOT NULL
);
CREATE INDEX object_type ON object (type_uuid, id);

CREATE TABLE object_record (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_id       BIGINT NOT NULL REFERENCES object (id) ON DELETE CASCADE,
    -- copied from object (immutable), so that lists filter and page on this table alone
    type_uuid       TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    type_version    INTEGER NOT NULL,
    data            JSONB NOT NULL,
    geometry        JSONB,
    geo_minx        DOUBLE PRECISION,
    geo_miny        DOUBLE PRECISION,
    geo_maxx        DOUBLE PRECISION,
    geo_maxy        DOUBLE PRECISION,
    refs            JSONB NOT NULL,
    start_at        DATE NOT NULL,
    end_at          DATE,
    registration_at DATE NOT NULL,
    correction_for  INTEGER,
    corrected_by    INTEGER,
    UNIQUE (object_id, idx)
);
-- The material view: records whose period holds a date, per type, in object order.
CREATE INDEX object_record_type ON object_record (type_uuid, object_id, start_at, end_at);
CREATE INDEX object_record_data ON object_record USING GIN (data jsonb_path_ops);
-- The citizen's tasks (identificatie.value + status) and other identificatie lookups.
CREATE INDEX object_record_identificatie ON object_record ((data #>> '{identificatie,value}'));
CREATE INDEX object_record_geo ON object_record (geo_minx, geo_maxx) WHERE geo_minx IS NOT NULL;

-- Permissions per client id and objecttype, as Open Object's token permissions.
CREATE TABLE objecten_permissie (
    client_id  TEXT NOT NULL,
    type_uuid  TEXT NOT NULL,
    type       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    use_fields BOOLEAN NOT NULL,
    fields     TEXT NOT NULL,
    PRIMARY KEY (client_id, type_uuid)
);

-- +goose Down
DROP TABLE objecten_permissie;
DROP TABLE object_record;
DROP TABLE object;
DROP TABLE objecttype_versie;
DROP TABLE objecttype;
