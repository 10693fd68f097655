package besluiten

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// validate checks a besluit body against the rules of the standard, all problems at once.
// cur is the stored besluit on update, nil on create.
func (r *register) validate(c *zgw.Call, in *besluitIn, cur *besluitOut) error {
	ctx := c.Ctx()
	var errs zgw.Errs
	if cur != nil {
		// brc-001, brc-002: besluittype, identificatie and verantwoordelijkeOrganisatie are fixed.
		for _, f := range []struct{ name, oud, nieuw string }{
			{"besluittype", cur.Besluittype, in.Besluittype},
			{"identificatie", cur.Identificatie, in.Identificatie},
			{"verantwoordelijkeOrganisatie", cur.VerantwoordelijkeOrganisatie, in.VerantwoordelijkeOrganisatie},
		} {
			if f.oud != f.nieuw {
				errs.Add(f.name, "wijzigen-niet-toegelaten", "Dit veld mag niet gewijzigd worden.")
			}
		}
	}
	if p, ok := brc002RSIN(in.VerantwoordelijkeOrganisatie); !ok {
		errs.Params = append(errs.Params, p)
	}
	for _, d := range []struct {
		name string
		v    *string
	}{{"datum", &in.Datum}, {"ingangsdatum", &in.Ingangsdatum}, {"vervaldatum", in.Vervaldatum},
		{"publicatiedatum", in.Publicatiedatum}, {"verzenddatum", in.Verzenddatum}, {"uiterlijkeReactiedatum", in.UiterlijkeReactiedatum}} {
		if d.v != nil && !zgw.IsDate(*d.v) {
			errs.Add(d.name, "invalid", "Voer een geldige datum in (JJJJ-MM-DD).")
		}
	}
	// OAS: datum is in the past or today.
	if zgw.IsDate(in.Datum) && in.Datum > r.today(r.db.Clock()) {
		errs.Add("datum", "future_not_allowed", "De datum mag niet in de toekomst liggen.")
	}
	if in.Vervalreden != "" && vervalredenWeergave[in.Vervalreden] == "" {
		errs.Add("vervalreden", "invalid_choice", "Selecteer een geldige keuze.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	t := newTypes(r)
	if cur == nil {
		bt, err := t.besluittype(ctx, "besluittype", in.Besluittype)
		if err != nil {
			return err
		}
		if err := brc001Gepubliceerd(bt); err != nil {
			return err
		}
	}
	if in.Zaak != "" && (cur == nil || in.Zaak != cur.Zaak) {
		if err := r.brc007Zaak(ctx, t, in.Zaak, in.Besluittype); err != nil {
			return err
		}
	}
	return nil
}

// brc-001: a besluit gets only a published besluittype.
func brc001Gepubliceerd(bt *besluittype) error {
	if bt.Concept {
		return zgw.FieldError("besluittype", "not-published", "Het besluittype is nog niet gepubliceerd.")
	}
	return nil
}

// brc002RSIN checks that verantwoordelijkeOrganisatie is an RSIN: nine digits passing the
// 11-proef (brc-002).
func brc002RSIN(v string) (zgw.InvalidParam, bool) {
	const name = "verantwoordelijkeOrganisatie"
	if len(v) != 9 {
		return zgw.InvalidParam{Name: name, Code: "invalid-length", Reason: "Een RSIN heeft 9 cijfers."}, false
	}
	sum := 0
	for i, ch := range v {
		if ch < '0' || ch > '9' {
			return zgw.InvalidParam{Name: name, Code: "only-digits", Reason: "Een RSIN bestaat alleen uit cijfers."}, false
		}
		weight := 9 - i
		if i == 8 {
			weight = -1
		}
		sum += weight * int(ch-'0')
	}
	if sum%11 != 0 {
		return zgw.InvalidParam{Name: name, Code: "invalid", Reason: "Dit is geen geldig RSIN (11-proef)."}, false
	}
	return zgw.InvalidParam{}, true
}

// zaak is what the register reads of a Zaken zaak.
type zaak struct {
	URL                         string `json:"url"`
	Zaaktype                    string `json:"zaaktype"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
}

// zaaktype is what the register reads of a Catalogi zaaktype.
type zaaktype struct {
	Besluittypen []string `json:"besluittypen"`
}

// brc-007: the zaak (OAS: a Zaken zaak) has a zaaktype whose besluittypen include the
// besluittype of the besluit.
func (r *register) brc007Zaak(ctx context.Context, t *types, zaakURL, besluittypeURL string) error {
	var z zaak
	if err := t.Get(ctx, "zaak", zaakURL, &z, "zaaktype", "bronorganisatie", "startdatum"); err != nil {
		return err
	}
	var zt zaaktype
	if err := t.Get(ctx, "zaak", z.Zaaktype, &zt, "besluittypen", "catalogus"); err != nil {
		return zgw.FieldError("zaak", "invalid-resource", "Het zaaktype van de zaak kon niet gelezen worden.")
	}
	if !slices.Contains(zt.Besluittypen, besluittypeURL) {
		return zgw.FieldError("nonFieldErrors", "zaaktype-mismatch", "Het besluittype hoort niet bij het zaaktype van de zaak.")
	}
	return nil
}

// brc-002: a generated identificatie is PREFIX-YYYY-NNNNNNNNNN, the sequence counted per
// verantwoordelijke organisatie and year in besluit_nummer. The upsert takes the row lock
// (PostgreSQL) or runs under the single writer (SQLite), so concurrent creates never get the
// same number; a number a client already used by hand is skipped.
func (r *register) brc002Genereer(ctx context.Context, tx *db.Tx, organisatie string, jaar int) (string, error) {
	for range 1000 {
		var n int64
		err := tx.QueryRow(ctx, `INSERT INTO besluit_nummer (verantwoordelijke_organisatie, jaar, laatste) VALUES ($1, $2, 1)
			ON CONFLICT (verantwoordelijke_organisatie, jaar) DO UPDATE SET laatste = besluit_nummer.laatste + 1 RETURNING laatste`,
			organisatie, jaar).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("besluitnummer: %w", err)
		}
		id := fmt.Sprintf("%s-%d-%010d", r.prefix, jaar, n)
		taken, err := identificatieBestaat(ctx, tx, organisatie, id, 0)
		if err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", errors.New("besluitnummer: no free identificatie")
}

// brc-002: a supplied identificatie is unique within the verantwoordelijke organisatie.
func brc002Uniek(ctx context.Context, q db.Querier, organisatie, identificatie string, self int64) error {
	taken, err := identificatieBestaat(ctx, q, organisatie, identificatie, self)
	if err != nil {
		return err
	}
	if taken {
		return zgw.FieldError("identificatie", "identificatie-niet-uniek", "Deze identificatie ("+identificatie+") bestaat al voor deze verantwoordelijke organisatie.")
	}
	return nil
}

func identificatieBestaat(ctx context.Context, q db.Querier, organisatie, identificatie string, self int64) (bool, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM besluit WHERE verantwoordelijke_organisatie = $1 AND identificatie = $2 AND id <> $3`,
		organisatie, identificatie, self).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("identificatie: %w", err)
	}
	return true, nil
}
