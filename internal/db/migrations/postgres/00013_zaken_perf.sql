-- +goose Up
-- Zaken at a million (docs/zaken.md "Performance").

-- The zaaktype filter with the autorisatie predicate in the default order (newest first):
-- the page is read in index order and stops after it, instead of sorting all zaken of the
-- zaaktype; vertrouwelijkheid is in the index so the predicate needs no table access.
CREATE INDEX IF NOT EXISTS zaak_zaaktype_id ON zaak (zaaktype, id, vertrouwelijkheid);

-- The exact count of GET /zaken (the spec requires one) when only the zaaktype, the
-- maximaleVertrouwelijkheidaanduiding and the autorisatie predicate filter: these are
-- conditions on (zaaktype, vertrouwelijkheid) only, so the count is a sum over this table,
-- kept exact by triggers in the transaction that changes the zaak.
CREATE TABLE zaak_telling (
    zaaktype          TEXT NOT NULL,
    vertrouwelijkheid SMALLINT NOT NULL,
    aantal            BIGINT NOT NULL,
    PRIMARY KEY (zaaktype, vertrouwelijkheid)
);
INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal)
    SELECT zaaktype, vertrouwelijkheid, count(*) FROM zaak GROUP BY zaaktype, vertrouwelijkheid;

-- +goose StatementBegin
CREATE FUNCTION zaak_telling_bij() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A zaak that changes type or vertrouwelijkheid touches two rows; they are locked in
    -- key order, so two such changes in opposite directions cannot deadlock.
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.zaaktype, OLD.vertrouwelijkheid) < (NEW.zaaktype, NEW.vertrouwelijkheid)) THEN
        UPDATE zaak_telling SET aantal = aantal - 1
            WHERE zaaktype = OLD.zaaktype AND vertrouwelijkheid = OLD.vertrouwelijkheid;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal) VALUES (NEW.zaaktype, NEW.vertrouwelijkheid, 1)
            ON CONFLICT (zaaktype, vertrouwelijkheid) DO UPDATE SET aantal = zaak_telling.aantal + 1;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.zaaktype, OLD.vertrouwelijkheid) > (NEW.zaaktype, NEW.vertrouwelijkheid) THEN
        UPDATE zaak_telling SET aantal = aantal - 1
            WHERE zaaktype = OLD.zaaktype AND vertrouwelijkheid = OLD.vertrouwelijkheid;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER zaak_telling AFTER INSERT OR DELETE ON zaak FOR EACH ROW EXECUTE FUNCTION zaak_telling_bij();
CREATE TRIGGER zaak_telling_wijzig AFTER UPDATE OF zaaktype, vertrouwelijkheid ON zaak FOR EACH ROW
    WHEN (OLD.zaaktype IS DISTINCT FROM NEW.zaaktype OR OLD.vertrouwelijkheid IS DISTINCT FROM NEW.vertrouwelijkheid)
    EXECUTE FUNCTION zaak_telling_bij();

-- +goose Down
DROP TRIGGER zaak_telling_wijzig ON zaak;
DROP TRIGGER zaak_telling ON zaak;
DROP FUNCTION zaak_telling_bij();
DROP TABLE zaak_telling;
DROP INDEX zaak_zaaktype_id;
