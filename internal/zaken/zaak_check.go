package zaken

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/meent/meent/internal/zgw"
)

// The rules of a zaak that the schema cannot express (zrc-001, 010, 011, 013, 014, 015, 022),
// run on create and update by zaakCheck.

// zaakCheck runs the rules the schema cannot express on the fields sent. cur is the stored
// zaak on update (nil on create).
func (r *register) zaakCheck(ctx context.Context, c *zgw.Call, t *types, in *zaakIn, sent func(string) bool, cur *zaakRow) error {
	var errs zgw.Errs
	var zt *zaaktype
	if sent("zaaktype") || (sent("productenOfDiensten") && len(in.ProductenOfDiensten) > 0) || in.Vertrouwelijkheidaanduiding == "" {
		var err error
		zt, err = r.zrc001Zaaktype(ctx, t, in.Zaaktype)
		if err := mergeInvalid(&errs, err); err != nil {
			return err
		}
	}
	// zrc-009: the vertrouwelijkheidaanduiding defaults to the zaaktype's.
	if in.Vertrouwelijkheidaanduiding == "" && zt != nil {
		in.Vertrouwelijkheidaanduiding = zt.Vertrouwelijkheidaanduiding
	}
	if in.Archiefstatus == "" {
		in.Archiefstatus = "nog_te_archiveren"
	}
	if sent("communicatiekanaal") && in.Communicatiekanaal != "" {
		if err := mergeInvalid(&errs, zrc010Communicatiekanaal(ctx, t, in.Communicatiekanaal)); err != nil {
			return err
		}
	}
	if sent("selectielijstklasse") && in.Selectielijstklasse != "" {
		if err := mergeInvalid(&errs, t.Get(ctx, "selectielijstklasse", in.Selectielijstklasse, nil, "procesType", "volledigNummer")); err != nil {
			return err
		}
	}
	if sent("relevanteAndereZaken") {
		if err := r.zrc011RelevanteAndereZaken(ctx, t, in.RelevanteAndereZaken, &errs); err != nil {
			return err
		}
	}
	if sent("hoofdzaak") {
		var self int64
		if cur != nil {
			self = cur.id
		}
		if err := r.zrc013Hoofdzaak(ctx, in.Hoofdzaak, self, &errs); err != nil {
			return err
		}
	}
	zrc014Betaling(in, sent, &errs)
	if zt != nil && sent("productenOfDiensten") {
		zrc015ProductenOfDiensten(in.ProductenOfDiensten, zt.ProductenOfDiensten, &errs)
	}
	if sent("zaakgeometrie") && len(in.Zaakgeometrie) > 0 && string(in.Zaakgeometrie) != "null" {
		if _, ok := geoBBox(in.Zaakgeometrie); !ok {
			errs.Add("zaakgeometrie", "invalid", "Ongeldige GeoJSON-geometrie.")
		}
	}
	zrc022Archiefstatus(in, &errs)
	if cur != nil && in.Archiefstatus != "nog_te_archiveren" {
		if err := r.zrc022Documenten(ctx, cur.id, &errs); err != nil {
			return err
		}
	}
	if in.LaatsteBetaaldatum != nil {
		if ts, err := time.Parse(time.RFC3339, *in.LaatsteBetaaldatum); err == nil && ts.After(time.Now().Add(time.Minute)) && sent("laatsteBetaaldatum") {
			errs.Add("laatsteBetaaldatum", "date-in-future", "De laatste betaaldatum mag niet in de toekomst liggen.")
		}
	}
	return errs.Err()
}

// zrc-001: the zaaktype must be a published zaaktype of a Catalogi API.
func (r *register) zrc001Zaaktype(ctx context.Context, t *types, u string) (*zaaktype, error) {
	zt, err := t.zaaktype(ctx, "zaaktype", u)
	if err != nil {
		return nil, err
	}
	if zt.Concept {
		return nil, zgw.FieldError("zaaktype", "not-published", "Het zaaktype is nog niet gepubliceerd.")
	}
	return zt, nil
}

// zrc-010: communicatiekanaal must be a communicatiekanaal of the Referentielijsten API.
func zrc010Communicatiekanaal(ctx context.Context, t *types, u string) error {
	return t.Get(ctx, "communicatiekanaal", u, nil, "url", "naam", "omschrijving")
}

// zrc-011: every relevanteAndereZaken url leads to a zaak.
func (r *register) zrc011RelevanteAndereZaken(ctx context.Context, t *types, rel []relevanteZaak, errs *zgw.Errs) error {
	for i, z := range rel {
		name := fmt.Sprintf("relevanteAndereZaken.%d", i)
		if id, ok := r.api.ParseURL(z.URL, "zaken"); ok {
			ref, err := zaakRefBy(ctx, r.db, "uuid = $1", id)
			if err != nil {
				return err
			}
			if ref == nil {
				errs.Add(name, "bad-url", "De URL "+z.URL+" resulteert niet in een 200-antwoord.")
			}
			continue
		}
		err := t.Get(ctx, name, z.URL, nil, "bronorganisatie", "zaaktype", "startdatum")
		if err := mergeInvalid(errs, err); err != nil {
			return err
		}
	}
	return nil
}

// zrc-013: the hoofdzaak is a zaak of this API, not the zaak itself and not a deelzaak.
func (r *register) zrc013Hoofdzaak(ctx context.Context, u *string, self int64, errs *zgw.Errs) error {
	if u == nil || *u == "" {
		return nil
	}
	id, ok := r.api.ParseURL(*u, "zaken")
	if !ok {
		errs.Add("hoofdzaak", "no_match", "De URL "+*u+" is geen zaak van deze Zaken API.")
		return nil
	}
	var hid int64
	var hoofd sql.NullInt64
	err := r.db.QueryRow(ctx, `SELECT id, hoofdzaak_id FROM zaak WHERE uuid = $1`, id).Scan(&hid, &hoofd)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("hoofdzaak", "no_match", "Er is geen zaak "+*u+".")
	case err != nil:
		return fmt.Errorf("hoofdzaak: %w", err)
	case hid == self:
		errs.Add("hoofdzaak", "self-forbidden", "Een zaak kan niet haar eigen hoofdzaak zijn.")
	case hoofd.Valid:
		errs.Add("hoofdzaak", "deelzaak-als-hoofdzaak", "Een deelzaak kan niet de hoofdzaak van een andere zaak zijn.")
	}
	if self != 0 && hid != self {
		var n int
		if err := r.db.QueryRow(ctx, `SELECT count(*) FROM zaak WHERE hoofdzaak_id = $1`, self).Scan(&n); err != nil {
			return fmt.Errorf("deelzaken: %w", err)
		}
		if n > 0 {
			errs.Add("hoofdzaak", "deelzaak-als-hoofdzaak", "Een hoofdzaak kan niet zelf een deelzaak worden.")
		}
	}
	return nil
}

// zrc-014: laatsteBetaaldatum does not go with betalingsindicatie nvt; setting nvt clears it.
func zrc014Betaling(in *zaakIn, sent func(string) bool, errs *zgw.Errs) {
	if in.Betalingsindicatie != "nvt" {
		return
	}
	if in.LaatsteBetaaldatum != nil && sent("laatsteBetaaldatum") {
		errs.Add("laatsteBetaaldatum", "betaling-nvt", "Een laatste betaaldatum kan niet bij betalingsindicatie nvt.")
		return
	}
	in.LaatsteBetaaldatum = nil
}

// zrc-015: the producten of diensten are among the zaaktype's.
func zrc015ProductenOfDiensten(got, allowed []string, errs *zgw.Errs) {
	ok := map[string]bool{}
	for _, p := range allowed {
		ok[p] = true
	}
	for _, p := range got {
		if !ok[p] {
			errs.Add("productenOfDiensten", "invalid-products-services", "Niet alle producten/diensten horen bij het zaaktype.")
			return
		}
	}
}

// zrc-022: an archiefstatus other than nog_te_archiveren needs archiefnominatie and
// archiefactiedatum; the linked documents are checked by zrc022Documenten.
func zrc022Archiefstatus(in *zaakIn, errs *zgw.Errs) {
	if in.Archiefstatus == "nog_te_archiveren" {
		return
	}
	if in.Archiefnominatie == nil || *in.Archiefnominatie == "" {
		errs.Add("archiefnominatie", "archiefnominatie-not-set", "Moet van een waarde voorzien zijn als de archiefstatus een waarde heeft anders dan nog_te_archiveren.")
	}
	if in.Archiefactiedatum == nil || *in.Archiefactiedatum == "" {
		errs.Add("archiefactiedatum", "archiefactiedatum-not-set", "Moet van een waarde voorzien zijn als de archiefstatus een waarde heeft anders dan nog_te_archiveren.")
	}
}
