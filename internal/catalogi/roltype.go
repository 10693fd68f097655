package catalogi

import (
	"context"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// roltypeOmschrijvingenGeneriek are the values of OmschrijvingGeneriekEnum (the list filter
// checks them; the body validator checks the request).
var roltypeOmschrijvingenGeneriek = []string{"adviseur", "behandelaar", "belanghebbende", "beslisser",
	"initiator", "klantcontacter", "zaakcoordinator", "mede_initiator"}

// roltypeIn is the request form of a RolType; data stores it without zaaktype, catalogus
// (always the zaaktype's) and beginGeldigheid.
type roltypeIn struct {
	Omschrijving         string  `json:"omschrijving"`
	OmschrijvingGeneriek string  `json:"omschrijvingGeneriek"`
	Catalogus            *string `json:"catalogus,omitempty"`
	subtypeKop
}

type roltypeOut struct {
	URL                   string  `json:"url"`
	Zaaktype              string  `json:"zaaktype"`
	ZaaktypeIdentificatie string  `json:"zaaktypeIdentificatie"`
	Omschrijving          string  `json:"omschrijving"`
	OmschrijvingGeneriek  string  `json:"omschrijvingGeneriek"`
	Catalogus             *string `json:"catalogus"`
	BeginGeldigheid       *string `json:"beginGeldigheid"`
	EindeGeldigheid       *string `json:"eindeGeldigheid"`
	BeginObject           *string `json:"beginObject"`
	EindeObject           *string `json:"eindeObject"`
}

func (r *register) mountRoltype() {
	s := &subtype[roltypeIn]{
		r:          r,
		table:      "roltype",
		collection: "roltypen",
		orderBy:    "id",
		params:     []string{"zaaktype", "zaaktypeIdentificatie", "omschrijvingGeneriek", "status", "datumGeldigheid"},
		filter: func(q *zgw.Query, w *db.Where) string {
			if v := q.Enum("omschrijvingGeneriek", roltypeOmschrijvingenGeneriek...); v != "" {
				w.And("omschrijving_generiek = ?", v)
			}
			return r.subtypeFilter(q, w, subtypeFilters{"zaaktype", "zaaktypeIdentificatie", "status", "datumGeldigheid"})
		},
		kop: func(in *roltypeIn) *subtypeKop { return &in.subtypeKop },
		prepare: func(ctx context.Context, in *roltypeIn, zt *subtypeZaaktype, _ *subtypeRow, errs *zgw.Errs) (*subtypeWrite, error) {
			if err := r.subtypeCatalogus(ctx, in.Catalogus, zt, errs); err != nil {
				return nil, err
			}
			stored := *in
			stored.Catalogus = nil
			return &subtypeWrite{cols: []string{"omschrijving_generiek"}, vals: []any{in.OmschrijvingGeneriek}, data: stored}, nil
		},
		render: r.renderRoltypen,
	}
	s.mount()
}

func (r *register) renderRoltypen(ctx context.Context, rows []*subtypeRow, _ string) ([]any, error) {
	zts, err := r.subtypePageZaaktypen(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rows))
	for _, row := range rows {
		var in roltypeIn
		if err := subtypeDecode(row, &in); err != nil {
			return nil, err
		}
		zt := zts[row.ZaaktypeID]
		catalogus := r.api.URL("catalogussen", zt.CatalogusUUID)
		begin, einde := in.render(zt)
		out = append(out, roltypeOut{
			URL:                   r.api.URL("roltypen", row.UUID),
			Zaaktype:              r.api.URL("zaaktypen", zt.UUID),
			ZaaktypeIdentificatie: zt.Identificatie,
			Omschrijving:          in.Omschrijving,
			OmschrijvingGeneriek:  in.OmschrijvingGeneriek,
			Catalogus:             &catalogus,
			BeginGeldigheid:       begin,
			EindeGeldigheid:       einde,
			BeginObject:           begin,
			EindeObject:           einde,
		})
	}
	return out, nil
}
