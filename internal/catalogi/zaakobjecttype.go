package catalogi

import (
	"context"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// zaakobjecttypeIn is the request form of a ZaakObjectType; data stores it without
// zaaktype, catalogus (always the zaaktype's) and beginGeldigheid.
type zaakobjecttypeIn struct {
	AnderObjecttype     bool    `json:"anderObjecttype"`
	Objecttype          string  `json:"objecttype"`
	RelatieOmschrijving string  `json:"relatieOmschrijving"`
	Catalogus           *string `json:"catalogus,omitempty"`
	subtypeKop
}

// zaakobjecttypeOut: statustypen and resultaattypen are read-only in Catalogi 1.3.1 and no
// request of this version can relate them to a zaakobjecttype, so they are always empty.
type zaakobjecttypeOut struct {
	URL                   string   `json:"url"`
	AnderObjecttype       bool     `json:"anderObjecttype"`
	BeginGeldigheid       string   `json:"beginGeldigheid"`
	EindeGeldigheid       *string  `json:"eindeGeldigheid"`
	BeginObject           *string  `json:"beginObject"`
	EindeObject           *string  `json:"eindeObject"`
	Objecttype            string   `json:"objecttype"`
	RelatieOmschrijving   string   `json:"relatieOmschrijving"`
	Zaaktype              string   `json:"zaaktype"`
	ZaaktypeIdentificatie string   `json:"zaaktypeIdentificatie"`
	Resultaattypen        []string `json:"resultaattypen"`
	Statustypen           []string `json:"statustypen"`
	Catalogus             string   `json:"catalogus"`
}

func (r *register) mountZaakobjecttype() {
	s := &subtype[zaakobjecttypeIn]{
		r:          r,
		table:      "zaakobjecttype",
		collection: "zaakobjecttypen",
		orderBy:    "id",
		params: []string{"anderObjecttype", "catalogus", "datumBeginGeldigheid", "datumEindeGeldigheid",
			"datumGeldigheid", "objecttype", "relatieOmschrijving", "zaaktype", "zaaktypeIdentificatie"},
		filter: r.filterZaakobjecttypen,
		kop:    func(in *zaakobjecttypeIn) *subtypeKop { return &in.subtypeKop },
		prepare: func(ctx context.Context, in *zaakobjecttypeIn, zt *subtypeZaaktype, _ *subtypeRow, errs *zgw.Errs) (*subtypeWrite, error) {
			if err := r.subtypeCatalogus(ctx, in.Catalogus, zt, errs); err != nil {
				return nil, err
			}
			stored := *in
			stored.Catalogus = nil
			return &subtypeWrite{
				cols: []string{"objecttype", "ander_objecttype", "relatie_omschrijving"},
				vals: []any{in.Objecttype, in.AnderObjecttype, in.RelatieOmschrijving},
				data: stored,
			}, nil
		},
		render: r.renderZaakobjecttypen,
	}
	s.mount()
}

// filterZaakobjecttypen: this list has no status filter in the spec, so concept versions
// show too. The geldigheid filters compare with the zaaktype's validity, which a
// zaakobjecttype shares.
func (r *register) filterZaakobjecttypen(q *zgw.Query, w *db.Where) string {
	if b := q.Bool("anderObjecttype"); b != nil {
		w.And("ander_objecttype = ?", *b)
	}
	if u := q.URL("catalogus"); u != "" {
		if id, ok := r.api.ParseURL(u, "catalogussen"); ok {
			w.And("zaaktype_id IN (SELECT z.id FROM zaaktype z JOIN catalogus c ON c.id = z.catalogus_id WHERE c.uuid = ?)", id)
		} else {
			w.And("1=0")
		}
	}
	if d := q.Date("datumBeginGeldigheid"); d != "" {
		w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE begin_geldigheid = ?)", d)
	}
	if d := q.Date("datumEindeGeldigheid"); d != "" {
		w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE einde_geldigheid = ?)", d)
	}
	if u := q.URL("objecttype"); u != "" {
		w.And("objecttype = ?", u)
	}
	if v := q.String("relatieOmschrijving"); v != "" {
		w.And("relatie_omschrijving = ?", v)
	}
	return r.subtypeFilter(q, w, subtypeFilters{zaaktype: "zaaktype", identificatie: "zaaktypeIdentificatie", datumGeldigheid: "datumGeldigheid"})
}

func (r *register) renderZaakobjecttypen(ctx context.Context, rows []*subtypeRow, _ string) ([]any, error) {
	zts, err := r.subtypePageZaaktypen(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(rows))
	for _, row := range rows {
		var in zaakobjecttypeIn
		if err := subtypeDecode(row, &in); err != nil {
			return nil, err
		}
		zt := zts[row.ZaaktypeID]
		begin, einde := in.render(zt)
		out = append(out, zaakobjecttypeOut{
			URL:                   r.api.URL("zaakobjecttypen", row.UUID),
			AnderObjecttype:       in.AnderObjecttype,
			BeginGeldigheid:       string(zt.Begin),
			EindeGeldigheid:       einde,
			BeginObject:           begin,
			EindeObject:           einde,
			Objecttype:            in.Objecttype,
			RelatieOmschrijving:   in.RelatieOmschrijving,
			Zaaktype:              r.api.URL("zaaktypen", zt.UUID),
			ZaaktypeIdentificatie: zt.Identificatie,
			Resultaattypen:        []string{},
			Statustypen:           []string{},
			Catalogus:             r.api.URL("catalogussen", zt.CatalogusUUID),
		})
	}
	return out, nil
}
