package catalogi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// besluittypeIn is the request form of a BesluitType. informatieobjecttypen (omschrijvingen,
// ztc-011b) and zaaktypen (written as URLs, ztc-issue-001; stored as identificaties) are
// columns, rendered as URLs; besluittypeData is stored in data as it is rendered.
type besluittypeIn struct {
	typeKop
	Informatieobjecttypen []string `json:"informatieobjecttypen"`
	Zaaktypen             []string `json:"zaaktypen"`
	besluittypeData
}

type besluittypeData struct {
	OmschrijvingGeneriek string  `json:"omschrijvingGeneriek"`
	Besluitcategorie     string  `json:"besluitcategorie"`
	Reactietermijn       *string `json:"reactietermijn"`
	PublicatieIndicatie  bool    `json:"publicatieIndicatie"`
	Publicatietekst      string  `json:"publicatietekst"`
	Publicatietermijn    *string `json:"publicatietermijn"`
	Toelichting          string  `json:"toelichting"`
}

func (r *register) mountBesluittype() {
	mountType(r, r.besluittypeSoort(), []string{"zaaktypen", "informatieobjecttypen"}, r.besluittypeFilter)
}

// besluittypeFilter adds the zaaktypen and informatieobjecttypen filters: the besluittypen a
// zaaktype (URL) names or that name it, and those that name an informatieobjecttype (URL,
// or its omschrijving).
func (r *register) besluittypeFilter(ctx context.Context, q *zgw.Query, w *db.Where) error {
	if v := q.String("zaaktypen"); v != "" {
		var rows []*zaaktypeRow
		if id, ok := r.api.ParseURL(v, "zaaktypen"); ok {
			var err error
			if rows, err = r.zaaktypeLoad(ctx, r.db, "z.uuid = $1", id); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			w.And("1=0")
		} else {
			z := rows[0]
			cond := "zaaktypen LIKE ? ESCAPE '\\'"
			args := []any{z.catID, naamlijstLike(z.identificatie)}
			if names := naamlijstLees(z.besluittypen); len(names) > 0 {
				cond = "(" + r.db.AnyText("omschrijving", "?") + " OR " + cond + ")"
				args = []any{z.catID, r.db.TextList(names), naamlijstLike(z.identificatie)}
			}
			w.And("catalogus_id = ? AND "+cond, args...)
		}
	}
	if v := q.String("informatieobjecttypen"); v != "" {
		return r.iotFilter(ctx, w, v, "informatieobjecttypen LIKE ? ESCAPE '\\'", naamlijstLike, "catalogus_id = ?")
	}
	return nil
}

// besluittypeSoort is the write of a besluittype. The PATCH body is unspecified in the OAS;
// it is checked against BesluitTypeUpdate.
func (r *register) besluittypeSoort() *typeSoort[besluittypeIn] {
	return &typeSoort[besluittypeIn]{t: htBesluittype, createOp: "besluittype_create", updateOp: "besluittype_update",
		kop: func(in *besluittypeIn) *typeKop { return &in.typeKop },
		base: func(in *besluittypeIn, x *typeRow) {
			in.Informatieobjecttypen, in.Zaaktypen = naamlijstLees(x.rel1), naamlijstLees(x.rel2)
		},
		cols:    []string{"informatieobjecttypen", "zaaktypen", "data"},
		prepare: r.besluittypePrepare,
		render:  r.besluittypeRender,
	}
}

// besluittypePrepare checks the relations of a besluittype: ztc-011b, ztc-013:
// informatieobjecttypen by omschrijving, in the same catalogus; so are the zaaktypen the
// request names (ztc-issue-001).
func (r *register) besluittypePrepare(ctx context.Context, in *besluittypeIn, catID int64, sent func(string) bool, errs *zgw.Errs) ([]any, error) {
	if catID != 0 {
		var err error
		if sent("informatieobjecttypen") {
			if in.Informatieobjecttypen, err = r.relatieNamen(ctx, r.db, htIOT, "informatieobjecttypen", "nonFieldErrors", catID, in.Informatieobjecttypen, errs); err != nil {
				return nil, err
			}
		}
		if sent("zaaktypen") {
			if in.Zaaktypen, err = r.relatieNamen(ctx, r.db, htZaaktype, "zaaktypen", "nonFieldErrors", catID, in.Zaaktypen, errs); err != nil {
				return nil, err
			}
		}
	}
	data, err := jsonData(in.besluittypeData)
	return []any{naamlijst(in.Informatieobjecttypen), naamlijst(in.Zaaktypen), data}, err
}

// Kinds of relrow of besluittypeRender.
const (
	bkZaaktype = iota
	bkIOT
	bkResultaattype
	bkBereik
)

// besluittypeRender renders a page of besluittypen with, as published and valid on date,
// the zaaktypen that name them or that they name, their informatieobjecttypen and the
// resultaattypen (of such zaaktypen) that name them; one query for the page.
func (r *register) besluittypeRender(ctx context.Context, rows []*typeRow, date string) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	cats := paginaCatalogi(rows, typeCatID)
	var names, iots []any
	for _, x := range rows {
		names = append(names, x.naam)
		for _, n := range naamlijstLees(x.rel1) {
			iots = append(iots, n)
		}
	}
	q := r.relq()
	catIn := q.in(cats)
	q.add(`SELECT %d, z.catalogus_id, z.id, CAST(z.uuid AS TEXT), z.identificatie, z.besluittypen, 1 FROM zaaktype z
		WHERE z.catalogus_id IN (%s) AND %s`, bkZaaktype, catIn, q.geldig("z", date))
	if len(iots) > 0 {
		q.add(`SELECT %d, i.catalogus_id, i.id, CAST(i.uuid AS TEXT), i.omschrijving, '', 1 FROM informatieobjecttype i
			WHERE i.catalogus_id IN (%s) AND i.omschrijving IN (%s) AND %s`, bkIOT, catIn, q.in(iots), q.geldig("i", date))
	}
	q.add(`SELECT %d, z.catalogus_id, t.id, CAST(t.uuid AS TEXT), '', CAST(t.data AS TEXT), 1
		FROM resultaattype t JOIN zaaktype z ON z.id = t.zaaktype_id WHERE z.catalogus_id IN (%s) AND %s`, bkResultaattype, catIn, q.geldig("z", date))
	q.bereik(bkBereik, htBesluittype, catIn, q.in(names))
	found, err := q.run(ctx, r.db)
	if err != nil {
		return nil, err
	}
	zaaktypen := map[int64][]relrow{}
	iotVersies := versies{}
	type resultaattype struct {
		uuid         string
		Omschrijving string   `json:"omschrijving"`
		Besluittypen []string `json:"besluittypen"`
	}
	resultaattypen := map[int64][]resultaattype{}
	bereik := map[catNaam]bereikVan{}
	for _, x := range found {
		switch x.kind {
		case bkZaaktype:
			zaaktypen[x.owner] = append(zaaktypen[x.owner], x)
		case bkIOT:
			iotVersies.add(x)
		case bkResultaattype:
			rt := resultaattype{uuid: x.uuid}
			if err := json.Unmarshal([]byte(x.extra), &rt); err != nil {
				return nil, fmt.Errorf("resultaattype %s data: %w", x.uuid, err)
			}
			if len(rt.Besluittypen) > 0 {
				resultaattypen[x.owner] = append(resultaattypen[x.owner], rt)
			}
		case bkBereik:
			bereik[catNaam{x.owner, x.naam}] = bereikVan{begin: x.uuid, einde: x.extra}
		}
	}
	out := make([][]byte, len(rows))
	for i, x := range rows {
		w := jw{b: make([]byte, 0, 1024+len(x.data))}
		r.typeHead(&w, htBesluittype, x, bereik[catNaam{x.catID, x.naam}])
		var zs []string
		for _, z := range zaaktypen[x.catID] {
			if naamlijstBevat(z.extra, x.naam) || naamlijstBevat(x.rel2, z.naam) {
				zs = append(zs, z.uuid)
			}
		}
		w.urls("zaaktypen", r.api, htZaaktype.collection, zs)
		names := naamlijstLees(x.rel1)
		var is []string
		for _, n := range names {
			is = append(is, iotVersies.geldige(x.catID, n)...)
		}
		w.urls("informatieobjecttypen", r.api, htIOT.collection, is)
		w.strs("vastgelegdIn", names)
		var rts, rtNames []string
		seenName := map[string]bool{}
		for _, rt := range resultaattypen[x.catID] {
			for _, b := range rt.Besluittypen {
				if b == x.naam {
					rts = append(rts, rt.uuid)
					if !seenName[rt.Omschrijving] {
						seenName[rt.Omschrijving] = true
						rtNames = append(rtNames, rt.Omschrijving)
					}
					break
				}
			}
		}
		w.urls("resultaattypen", r.api, "resultaattypen", rts)
		w.strs("resultaattypenOmschrijving", nonNil(rtNames))
		w.splice(x.data)
		out[i] = w.b
	}
	return out, nil
}
