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
    vertrouwelijkheid INTEGER NOT NULL,
    aantal            INTEGER NOT NULL,
    PRIMARY KEY (zaaktype, vertrouwelijkheid)
);
INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal)
    SELECT zaaktype, vertrouwelijkheid, count(*) FROM zaak GROUP BY zaaktype, vertrouwelijkheid;

-- +goose StatementBegin
CREATE TRIGGER zaak_telling_in AFTER INSERT ON zaak BEGIN
    INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal) VALUES (NEW.zaaktype, NEW.vertrouwelijkheid, 1)
        ON CONFLICT (zaaktype, vertrouwelijkheid) DO UPDATE SET aantal = aantal + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaak_telling_uit AFTER DELETE ON zaak BEGIN
    UPDATE zaak_telling SET aantal = aantal - 1 WHERE zaaktype = OLD.zaaktype AND vertrouwelijkheid = OLD.vertrouwelijkheid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zaak_telling_wijzig AFTER UPDATE OF zaaktype, vertrouwelijkheid ON zaak
    WHEN OLD.zaaktype IS NOT NEW.zaaktype OR OLD.vertrouwelijkheid IS NOT NEW.vertrouwelijkheid BEGIN
    UPDATE zaak_telling SET aantal = aantal - 1 WHERE zaaktype = OLD.zaaktype AND vertrouwelijkheid = OLD.vertrouwelijkheid;
    INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal) VALUES (NEW.zaaktype, NEW.vertrouwelijkheid, 1)
        ON CONFLICT (zaaktype, vertrouwelijkheid) DO UPDATE SET aantal = aantal + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER zaak_telling_wijzig;
DROP TRIGGER zaak_telling_uit;
DROP TRIGGER zaak_telling_in;
DROP TABLE zaak_telling;
DROP INDEX zaak_zaaktype_id;
