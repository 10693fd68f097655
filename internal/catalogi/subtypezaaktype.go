package catalogi

// What a sub-type shares with the zaaktype it belongs to: the zaaktype itself, read once per
// page, the publish rule ztc-010, the validity that follows the zaaktype, the catalogus
// field and the list filters on the zaaktype.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// subtypeZaaktype is what a sub-type needs of its zaaktype.
type subtypeZaaktype struct {
	ID            int64
	UUID          string
	CatalogusID   int64
	CatalogusUUID string
	Identificatie string
	Concept       bool
	Begin         db.Date
	Einde         db.Date
	// Procestype is the zaaktype's selectielijstProcestype; only set by subtypeZaaktypeByURL.
	Procestype string
}

const subtypeZaaktypeCols = `z.id, z.uuid, z.catalogus_id, c.uuid, z.identificatie, z.concept, z.begin_geldigheid, z.einde_geldigheid`

func scanSubtypeZaaktype(sc interface{ Scan(...any) error }, extra ...any) (*subtypeZaaktype, error) {
	z := &subtypeZaaktype{}
	dst := append([]any{&z.ID, &z.UUID, &z.CatalogusID, &z.CatalogusUUID, &z.Identificatie, &z.Concept, &z.Begin, &z.Einde}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	return z, nil
}

// subtypeZaaktypeByURL resolves the zaaktype URL of a request body. Catalogi relations stay
// within this API (ztc-013), so a URL elsewhere is as bad as one that leads nowhere.
func (r *register) subtypeZaaktypeByURL(ctx context.Context, q db.Querier, field, u string) (*subtypeZaaktype, error) {
	bad := zgw.FieldError(field, "bad-url", "De URL "+u+" wijst niet naar een zaaktype van deze catalogi-API.")
	id, ok := r.api.ParseURL(u, "zaaktypen")
	if !ok {
		return nil, bad
	}
	var data []byte
	z, err := scanSubtypeZaaktype(q.QueryRow(ctx, `SELECT `+subtypeZaaktypeCols+`, z.data FROM zaaktype z
		JOIN catalogus c ON c.id = z.catalogus_id WHERE z.uuid = $1`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("zaaktype %s: %w", id, err)
	}
	var fields struct {
		Procestype string `json:"selectielijstProcestype"`
	}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, fmt.Errorf("zaaktype %s data: %w", id, err)
		}
	}
	z.Procestype = fields.Procestype
	return z, nil
}

// subtypeZaaktypen loads the zaaktypen of a page of sub-types in one query.
func (r *register) subtypeZaaktypen(ctx context.Context, q db.Querier, ids []int64) (map[int64]*subtypeZaaktype, error) {
	out := map[int64]*subtypeZaaktype{}
	ids = distinct(ids)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT `+subtypeZaaktypeCols+` FROM zaaktype z JOIN catalogus c ON c.id = z.catalogus_id
		WHERE z.id IN (`+db.Placeholders(1, len(ids))+`)`, db.Int64s(ids)...)
	if err != nil {
		return nil, fmt.Errorf("zaaktypen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		z, err := scanSubtypeZaaktype(rows)
		if err != nil {
			return nil, err
		}
		out[z.ID] = z
	}
	return out, rows.Err()
}

// subtypePageZaaktypen loads the zaaktypen of a page of rows; every row has one (the
// foreign key cascades deletes).
func (r *register) subtypePageZaaktypen(ctx context.Context, rows []*subtypeRow) (map[int64]*subtypeZaaktype, error) {
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ZaaktypeID
	}
	zts, err := r.subtypeZaaktypen(ctx, r.db, ids)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if zts[row.ZaaktypeID] == nil {
			return nil, fmt.Errorf("%s: zaaktype %d is gone", row.UUID, row.ZaaktypeID)
		}
	}
	return zts, nil
}

// subtypeConcept enforces ztc-010: the sub-types of a published zaaktype are frozen; only a
// client with the forcing scope (catalogi.geforceerd-schrijven for create, replace and patch,
// catalogi.geforceerd-verwijderen for delete) may still correct them.
func subtypeConcept(c *zgw.Call, zt *subtypeZaaktype, force string) error {
	if zt.Concept || c.Principal.Grants.HasScope(c.API.Component, force) {
		return nil
	}
	return zgw.FieldError("nonFieldErrors", "non-concept-zaaktype",
		"Het zaaktype is gepubliceerd; zijn deeltypen kunnen niet meer worden aangemaakt, gewijzigd of verwijderd.")
}

// subtypeKop is what every sub-type request carries besides its own fields: its zaaktype
// (a URL, stored as zaaktype_id and not in data) and the validity, which follows the
// zaaktype.
type subtypeKop struct {
	Zaaktype string `json:"zaaktype,omitempty"`
	subtypeGeldigheid
}

// subtypeGeldigheid is the validity every sub-type carries. It follows the zaaktype: an
// omitted beginGeldigheid or eindeGeldigheid is the zaaktype's (rendered from the zaaktype,
// so a later eindeGeldigheid on the zaaktype shows on its sub-types too); a supplied
// beginGeldigheid must equal the zaaktype's. Only a supplied eindeGeldigheid is stored.
type subtypeGeldigheid struct {
	BeginGeldigheid *string `json:"beginGeldigheid,omitempty"`
	EindeGeldigheid *string `json:"eindeGeldigheid,omitempty"`
}

func (g *subtypeGeldigheid) check(zt *subtypeZaaktype, errs *zgw.Errs) {
	if g.BeginGeldigheid != nil && *g.BeginGeldigheid != string(zt.Begin) {
		errs.Add("beginGeldigheid", "invalid", fmt.Sprintf("beginGeldigheid moet gelijk zijn aan die van het zaaktype (%s).", zt.Begin))
	}
	geldigheidCheck(string(zt.Begin), g.EindeGeldigheid, errs)
	g.BeginGeldigheid = nil // never stored: it is the zaaktype's
}

// render returns beginGeldigheid, eindeGeldigheid, beginObject and eindeObject. A version of
// a sub-type lives exactly as long as its zaaktype version, so the object dates are the
// version's own, as in Open Zaak.
func (g *subtypeGeldigheid) render(zt *subtypeZaaktype) (begin, einde *string) {
	begin = zt.Begin.Ptr()
	einde = zt.Einde.Ptr()
	if g.EindeGeldigheid != nil {
		einde = g.EindeGeldigheid
	}
	return begin, einde
}

// subtypeCatalogus checks a writable catalogus field (roltype, resultaattype,
// zaakobjecttype): when given it must be a catalogus of this API, the zaaktype's (ztc-013).
func (r *register) subtypeCatalogus(ctx context.Context, u *string, zt *subtypeZaaktype, errs *zgw.Errs) error {
	if u == nil || *u == "" {
		return nil
	}
	id, _, err := r.ztcCatalogus(ctx, r.db, "catalogus", *u)
	if err != nil {
		return mergeInvalid(errs, err)
	}
	if id != zt.CatalogusID {
		errs.Add("nonFieldErrors", "relations-incorrect-catalogus", "De catalogus moet die van het zaaktype zijn.")
	}
	return nil
}

// subtypeFilters adds the list filters on the zaaktype that the sub-types share; the names
// are the spec's, which differ per resource (resultaattypen uses snake_case). An empty name
// leaves the filter out. It returns the datumGeldigheid asked for, or "".
type subtypeFilters struct {
	zaaktype, identificatie, status, datumGeldigheid string
}

func (r *register) subtypeFilter(q *zgw.Query, w *db.Where, f subtypeFilters) string {
	if f.zaaktype != "" {
		if u := q.URL(f.zaaktype); u != "" {
			if id, ok := r.api.ParseURL(u, "zaaktypen"); ok {
				w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE uuid = ?)", id)
			} else {
				w.And("1=0") // not a zaaktype of this API: nothing can belong to it
			}
		}
	}
	if f.identificatie != "" {
		if v := q.String(f.identificatie); v != "" { // an empty value filters nothing, as in DRF
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE identificatie = ?)", v)
		}
	}
	if f.status != "" {
		// Concept versions are hidden unless asked for (catalogi §4).
		switch q.Enum(f.status, "alles", "concept", "definitief") {
		case "alles":
		case "concept":
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", true)
		default:
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", false)
		}
	}
	var date string
	if f.datumGeldigheid != "" {
		// The version valid on that date: the validity is the zaaktype's, inclusive.
		if date = q.Date(f.datumGeldigheid); date != "" {
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE begin_geldigheid <= ? AND (einde_geldigheid IS NULL OR einde_geldigheid >= ?))", date, date)
		}
	}
	return date
}
