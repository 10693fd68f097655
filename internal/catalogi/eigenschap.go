package catalogi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// eigenschapIn is the request form of an Eigenschap. What data stores is the same without
// zaaktype and beginGeldigheid, and with statustype as the statustype's uuid rather than
// its URL, so that stored data does not depend on the host name the API is served under.
type eigenschapIn struct {
	Naam         string                 `json:"naam"`
	Definitie    string                 `json:"definitie"`
	Specificatie eigenschapSpecificatie `json:"specificatie"`
	Toelichting  string                 `json:"toelichting"`
	Statustype   *string                `json:"statustype"`
	subtypeKop
}

type eigenschapSpecificatie struct {
	Groep              string   `json:"groep"`
	Formaat            string   `json:"formaat"`
	Lengte             string   `json:"lengte"`
	Kardinaliteit      string   `json:"kardinaliteit"`
	Waardenverzameling []string `json:"waardenverzameling"`
}

type eigenschapOut struct {
	URL                   string                 `json:"url"`
	Naam                  string                 `json:"naam"`
	Catalogus             string                 `json:"catalogus"`
	Definitie             string                 `json:"definitie"`
	Specificatie          eigenschapSpecificatie `json:"specificatie"`
	Toelichting           string                 `json:"toelichting"`
	Zaaktype              string                 `json:"zaaktype"`
	ZaaktypeIdentificatie string                 `json:"zaaktypeIdentificatie"`
	Statustype            *string                `json:"statustype"`
	BeginGeldigheid       *string                `json:"beginGeldigheid"`
	EindeGeldigheid       *string                `json:"eindeGeldigheid"`
	BeginObject           *string                `json:"beginObject"`
	EindeObject           *string                `json:"eindeObject"`
}

func (r *register) mountEigenschap() {
	s := &subtype[eigenschapIn]{
		r:          r,
		table:      "eigenschap",
		collection: "eigenschappen",
		orderBy:    "id",
		params:     []string{"zaaktype", "zaaktypeIdentificatie", "status", "datumGeldigheid"},
		filter: func(q *zgw.Query, w *db.Where) string {
			return r.subtypeFilter(q, w, subtypeFilters{"zaaktype", "zaaktypeIdentificatie", "status", "datumGeldigheid"})
		},
		kop: func(in *eigenschapIn) *subtypeKop { return &in.subtypeKop },
		urls: func(in *eigenschapIn) {
			if in.Statustype != nil {
				u := r.api.URL("statustypen", *in.Statustype)
				in.Statustype = &u
			}
		},
		prepare: r.prepareEigenschap,
		check:   eigenschapNaamUnique,
		render:  r.renderEigenschappen,
	}
	s.mount()
}

func (r *register) prepareEigenschap(ctx context.Context, in *eigenschapIn, zt *subtypeZaaktype, _ *subtypeRow, errs *zgw.Errs) (*subtypeWrite, error) {
	ztc015Lengte(&in.Specificatie, errs)
	stored := *in
	stored.Specificatie.Waardenverzameling = nonNil(in.Specificatie.Waardenverzameling)
	if in.Statustype != nil && *in.Statustype != "" {
		id, err := r.eigenschapStatustype(ctx, *in.Statustype, zt, errs)
		if err != nil {
			return nil, err
		}
		stored.Statustype = &id
	} else {
		stored.Statustype = nil
	}
	return &subtypeWrite{cols: []string{"naam"}, vals: []any{in.Naam}, data: stored}, nil
}

// eigenschapStatustype resolves the statustype an eigenschap is required for: a statustype
// of this API (bad-url), of the same catalogus (ztc-013) and of the same zaaktype, since a
// zaak only reaches statussen of its own zaaktype.
func (r *register) eigenschapStatustype(ctx context.Context, u string, zt *subtypeZaaktype, errs *zgw.Errs) (string, error) {
	id, ok := r.api.ParseURL(u, "statustypen")
	if !ok {
		errs.Add("statustype", "bad-url", "De URL "+u+" wijst niet naar een statustype van deze catalogi-API.")
		return "", nil
	}
	var zaaktypeID, catalogusID int64
	err := r.db.QueryRow(ctx, `SELECT s.zaaktype_id, z.catalogus_id FROM statustype s JOIN zaaktype z ON z.id = s.zaaktype_id
		WHERE s.uuid = $1`, id).Scan(&zaaktypeID, &catalogusID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("statustype", "bad-url", "De URL "+u+" wijst niet naar een statustype van deze catalogi-API.")
	case err != nil:
		return "", fmt.Errorf("statustype %s: %w", id, err)
	case catalogusID != zt.CatalogusID:
		errs.Add("nonFieldErrors", "relations-incorrect-catalogus", "Het statustype hoort bij een andere catalogus dan het zaaktype.")
	case zaaktypeID != zt.ID:
		errs.Add("statustype", "zaaktype-mismatch", "Het statustype hoort bij een ander zaaktype.")
	}
	return id, nil
}

// ztc-015: specificatie.lengte must fit the formaat: datum values are YYYYMMDD (lengte 8),
// datum_tijd values YYYYMMDDhhmmss (lengte 14). Open Zaak checks tekst (0..255) and getal
// (a number) too, in EigenschapSpecificatie.clean, and answers code "invalid"; we use the
// same code, on the field specificatie.lengte so a client sees where the problem is.
func ztc015Lengte(s *eigenschapSpecificatie, errs *zgw.Errs) {
	const name = "specificatie.lengte"
	switch s.Formaat {
	case "datum":
		if s.Lengte != "8" {
			errs.Add(name, "invalid", "Als formaat datum is, moet de lengte 8 zijn.")
		}
	case "datum_tijd":
		if s.Lengte != "14" {
			errs.Add(name, "invalid", "Als formaat datum_tijd is, moet de lengte 14 zijn.")
		}
	case "tekst":
		if n, err := strconv.Atoi(s.Lengte); err != nil || n < 0 || n > 255 {
			errs.Add(name, "invalid", "Als formaat tekst is, moet de lengte een getal tussen 0 en 255 zijn.")
		}
	case "getal":
		// The standard writes n,m (digits, decimals); a decimal point is accepted too.
		if _, err := strconv.ParseFloat(strings.Replace(s.Lengte, ",", ".", 1), 64); err != nil {
			errs.Add(name, "invalid", "Als formaat getal is, moet de lengte een getal zijn.")
		}
	}
}

// eigenschapNaamUnique: the naam identifies an eigenschap within its zaaktype (zaken refer
// to it by naam in zaakeigenschappen); Open Zaak refuses a duplicate with code unique.
func eigenschapNaamUnique(ctx context.Context, tx *db.Tx, w *subtypeWrite, zaaktypeID, selfID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM eigenschap WHERE zaaktype_id = $1 AND naam = $2 AND id <> $3`,
		zaaktypeID, w.vals[0], selfID).Scan(&n); err != nil {
		return fmt.Errorf("eigenschap naam: %w", err)
	}
	if n > 0 {
		return zgw.FieldError("nonFieldErrors", "unique", "Het zaaktype heeft al een eigenschap met deze naam.")
	}
	return nil
}

// eigenschapStored is an eigenschap row with its decoded data.
type eigenschapStored struct {
	row    *subtypeRow
	stored eigenschapIn
}

// eigenschapRows loads the eigenschappen of some zaaktypen (statustype rendering and
// unlinking need them per zaaktype).
func eigenschapRows(ctx context.Context, q db.Querier, zaaktypeIDs []int64) ([]eigenschapStored, error) {
	if len(zaaktypeIDs) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT id, uuid, zaaktype_id, data FROM eigenschap WHERE zaaktype_id IN (`+
		db.Placeholders(1, len(zaaktypeIDs))+`) ORDER BY id`, db.Int64s(zaaktypeIDs)...)
	if err != nil {
		return nil, fmt.Errorf("eigenschappen: %w", err)
	}
	defer rows.Close()
	var out []eigenschapStored
	for rows.Next() {
		e := eigenschapStored{row: &subtypeRow{}}
		if err := rows.Scan(&e.row.ID, &e.row.UUID, &e.row.ZaaktypeID, &e.row.Data); err != nil {
			return nil, err
		}
		if err := subtypeDecode(e.row, &e.stored); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func eigenschapSave(ctx context.Context, tx *db.Tx, id int64, stored *eigenschapIn) error {
	data, err := jsonData(stored)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE eigenschap SET data = $1 WHERE id = $2`, data, id)
	return err
}

func (r *register) renderEigenschappen(ctx context.Context, rows []*subtypeRow, _ string) ([]any, error) {
	zts, err := r.subtypePageZaaktypen(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rows))
	for _, row := range rows {
		var in eigenschapIn
		if err := subtypeDecode(row, &in); err != nil {
			return nil, err
		}
		zt := zts[row.ZaaktypeID]
		var statustype *string
		if in.Statustype != nil {
			u := r.api.URL("statustypen", *in.Statustype)
			statustype = &u
		}
		spec := in.Specificatie
		spec.Waardenverzameling = nonNil(spec.Waardenverzameling)
		begin, einde := in.render(zt)
		out = append(out, eigenschapOut{
			URL:                   r.api.URL("eigenschappen", row.UUID),
			Naam:                  in.Naam,
			Catalogus:             r.api.URL("catalogussen", zt.CatalogusUUID),
			Definitie:             in.Definitie,
			Specificatie:          spec,
			Toelichting:           in.Toelichting,
			Zaaktype:              r.api.URL("zaaktypen", zt.UUID),
			ZaaktypeIdentificatie: zt.Identificatie,
			Statustype:            statustype,
			BeginGeldigheid:       begin,
			EindeGeldigheid:       einde,
			BeginObject:           begin,
			EindeObject:           einde,
		})
	}
	return out, nil
}
