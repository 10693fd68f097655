package catalogi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// besluittypeIn is the request form of a BesluitType. informatieobjecttypen (omschrijvingen,
// ztc-011b) and zaaktypen (written as URLs, ztc-issue-001; stored as identificaties) are
// columns, rendered as URLs; besluittypeData is stored in data as it is rendered.
type besluittypeIn struct {
	Catalogus             string   `json:"catalogus"`
	Omschrijving          string   `json:"omschrijving"`
	BeginGeldigheid       string   `json:"beginGeldigheid"`
	EindeGeldigheid       *string  `json:"eindeGeldigheid"`
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
	a := r.api
	a.Handle("GET /besluittypen", ztcRead, func(c *zgw.Call) error {
		return r.typeList(c, htBesluittype, []string{"zaaktypen", "informatieobjecttypen"}, r.besluittypeFilter, r.besluittypeRender)
	})
	a.Handle("POST /besluittypen", zgw.Scopes(ztcSchrijven), r.besluittypeWrite)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET /besluittypen/{uuid}", ztcRead, func(c *zgw.Call) error { return r.typeRetrieve(c, htBesluittype, r.besluittypeRender) })
	a.Handle("PUT /besluittypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.besluittypeWrite)
	a.Handle("PATCH /besluittypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.besluittypeWrite)
	a.Handle("DELETE /besluittypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdVerwijderen), func(c *zgw.Call) error {
		return r.hoofdDestroy(c, htBesluittype)
	})
	a.Handle("POST /besluittypen/{uuid}/publish", zgw.Scopes(ztcSchrijven), func(c *zgw.Call) error {
		return r.hoofdPublish(c, htBesluittype, nil, func(ctx context.Context, id string) ([]byte, error) {
			return r.typeOne(ctx, htBesluittype, id, r.besluittypeRender)
		})
	})
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
				cond = "(omschrijving IN (" + placeholders(len(names)) + ") OR " + cond + ")"
				args = append([]any{z.catID}, append(anys(names), naamlijstLike(z.identificatie))...)
			}
			w.And("catalogus_id = ? AND "+cond, args...)
		}
	}
	if v := q.String("informatieobjecttypen"); v != "" {
		if zgw.IsURL(v) {
			var iot *versie
			if id, ok := r.api.ParseURL(v, htIOT.collection); ok {
				var err error
				if iot, err = r.hoofdVersie(ctx, r.db, htIOT, id); err != nil {
					return err
				}
			}
			if iot == nil {
				w.And("1=0")
			} else {
				w.And("catalogus_id = ? AND informatieobjecttypen LIKE ? ESCAPE '\\'", iot.CatalogusID, naamlijstLike(iot.Naam))
			}
		} else {
			w.And("informatieobjecttypen LIKE ? ESCAPE '\\'", naamlijstLike(v))
		}
	}
	return nil
}

// placeholders is "?,?,..." for db.Where.
func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// besluittypeWrite is create, update and partial update. The PATCH body is unspecified in
// the OAS; it is checked against BesluitTypeUpdate.
func (r *register) besluittypeWrite(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var cur *versie
	in := &besluittypeIn{}
	op := "besluittype_create"
	if c.R.Method != http.MethodPost {
		op = "besluittype_update"
		var err error
		if cur, err = r.hoofdByPath(c, r.db, htBesluittype); err != nil {
			return err
		}
		if c.R.Method == http.MethodPatch {
			rows, err := r.typeLoad(ctx, htBesluittype, "t.id = $1", cur.ID)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return zgw.ErrNotFound()
			}
			x := rows[0]
			in = &besluittypeIn{Catalogus: r.api.URL("catalogussen", x.catUUID), Omschrijving: x.naam, BeginGeldigheid: string(x.begin),
				EindeGeldigheid: x.einde.Ptr(), Informatieobjecttypen: naamlijstLees(x.rel1), Zaaktypen: naamlijstLees(x.rel2)}
			if err := json.Unmarshal(x.data, &in.besluittypeData); err != nil {
				return fmt.Errorf("besluittype %s data: %w", x.uuid, err)
			}
		}
	}
	keys, err := c.Body(op, in)
	if err != nil {
		return err
	}
	if cur != nil {
		if err := ztc009Wijzigen(c, cur, keys); err != nil {
			return err
		}
	}
	sent := func(k string) bool { return c.R.Method != http.MethodPatch || zgw.Sent(keys, k) }
	var errs zgw.Errs
	catID, catUUID, err := r.typeCatalogus(ctx, in.Catalogus, sent, cur, &errs)
	if err != nil {
		return err
	}
	geldigheidCheck(in.BeginGeldigheid, in.EindeGeldigheid, &errs)
	if catID != 0 {
		// ztc-011b, ztc-013: informatieobjecttypen by omschrijving, in the same catalogus; so
		// are the zaaktypen the request names (ztc-issue-001).
		if sent("informatieobjecttypen") {
			if in.Informatieobjecttypen, err = r.relatieNamen(ctx, r.db, htIOT, "informatieobjecttypen", "nonFieldErrors", catID, in.Informatieobjecttypen, &errs); err != nil {
				return err
			}
		}
		if sent("zaaktypen") {
			if in.Zaaktypen, err = r.relatieNamen(ctx, r.db, htZaaktype, "zaaktypen", "nonFieldErrors", catID, in.Zaaktypen, &errs); err != nil {
				return err
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	data, err := jsonData(in.besluittypeData)
	if err != nil {
		return err
	}
	id := zgw.NewUUID()
	if cur != nil {
		id = cur.UUID
	}
	iots, zts := naamlijst(in.Informatieobjecttypen), naamlijst(in.Zaaktypen)
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if cur == nil {
			if _, err := tx.Exec(ctx, `INSERT INTO besluittype (uuid, catalogus_id, omschrijving, concept, begin_geldigheid, einde_geldigheid,
				informatieobjecttypen, zaaktypen, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				id, catID, in.Omschrijving, true, in.BeginGeldigheid, dateArg(in.EindeGeldigheid), iots, zts, data); err != nil {
				return fmt.Errorf("insert besluittype: %w", err)
			}
			return r.hoofdNotify(ctx, tx, htBesluittype, id, catUUID, "create")
		}
		return r.typeUpdate(c, tx, htBesluittype, cur, keys, in.Omschrijving, in.BeginGeldigheid, in.EindeGeldigheid,
			`informatieobjecttypen = $4, zaaktypen = $5, data = $6`, iots, zts, data)
	})
	if err != nil {
		return err
	}
	b, err := r.typeOne(ctx, htBesluittype, id, r.besluittypeRender)
	if err != nil {
		return err
	}
	if cur == nil {
		return c.Created(r.api.URL(htBesluittype.collection, id), jsonRaw(b))
	}
	return c.JSON(http.StatusOK, jsonRaw(b))
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
	var cats, names, iots []any
	seen := map[int64]bool{}
	for _, x := range rows {
		if !seen[x.catID] {
			seen[x.catID] = true
			cats = append(cats, x.catID)
		}
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
