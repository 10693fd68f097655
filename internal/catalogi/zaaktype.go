package catalogi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// zaaktypeIn is the request form of a ZaakType (create, update, and the state a PATCH is
// applied to). identificatie, catalogus and the validity are columns; the relations by name
// (besluittypen, deelzaaktypen, gerelateerdeZaaktypen) have columns of their own because
// they are rendered as URLs; everything else is zaaktypeData, stored in data as it is
// rendered.
type zaaktypeIn struct {
	Identificatie         string             `json:"identificatie"`
	Catalogus             string             `json:"catalogus"`
	BeginGeldigheid       string             `json:"beginGeldigheid"`
	EindeGeldigheid       *string            `json:"eindeGeldigheid"`
	Besluittypen          []string           `json:"besluittypen"`
	Deelzaaktypen         []string           `json:"deelzaaktypen"`
	GerelateerdeZaaktypen []zaaktypenRelatie `json:"gerelateerdeZaaktypen"`
	zaaktypeData
}

type zaaktypeData struct {
	Omschrijving                    string                   `json:"omschrijving"`
	OmschrijvingGeneriek            string                   `json:"omschrijvingGeneriek"`
	Vertrouwelijkheidaanduiding     string                   `json:"vertrouwelijkheidaanduiding"`
	Doel                            string                   `json:"doel"`
	Aanleiding                      string                   `json:"aanleiding"`
	Toelichting                     string                   `json:"toelichting"`
	IndicatieInternOfExtern         string                   `json:"indicatieInternOfExtern"`
	HandelingInitiator              string                   `json:"handelingInitiator"`
	Onderwerp                       string                   `json:"onderwerp"`
	HandelingBehandelaar            string                   `json:"handelingBehandelaar"`
	Doorlooptijd                    string                   `json:"doorlooptijd"`
	Servicenorm                     *string                  `json:"servicenorm"`
	OpschortingEnAanhoudingMogelijk bool                     `json:"opschortingEnAanhoudingMogelijk"`
	VerlengingMogelijk              bool                     `json:"verlengingMogelijk"`
	Verlengingstermijn              *string                  `json:"verlengingstermijn"`
	Trefwoorden                     []string                 `json:"trefwoorden"`
	PublicatieIndicatie             bool                     `json:"publicatieIndicatie"`
	Publicatietekst                 string                   `json:"publicatietekst"`
	Verantwoordingsrelatie          []string                 `json:"verantwoordingsrelatie"`
	ProductenOfDiensten             []string                 `json:"productenOfDiensten"`
	SelectielijstProcestype         string                   `json:"selectielijstProcestype"`
	Referentieproces                zaaktypeReferentieproces `json:"referentieproces"`
	Verantwoordelijke               string                   `json:"verantwoordelijke"`
	Broncatalogus                   zaaktypeBroncatalogus    `json:"broncatalogus"`
	Bronzaaktype                    zaaktypeBronzaaktype     `json:"bronzaaktype"`
	Versiedatum                     string                   `json:"versiedatum"`
}

type zaaktypeReferentieproces struct {
	Naam string `json:"naam"`
	Link string `json:"link"`
}

type zaaktypeBroncatalogus struct {
	URL    string `json:"url"`
	Domein string `json:"domein"`
	Rsin   string `json:"rsin"`
}

type zaaktypeBronzaaktype struct {
	URL           string `json:"url"`
	Identificatie string `json:"identificatie"`
	Omschrijving  string `json:"omschrijving"`
}

// zaaktypenRelatie is one gerelateerdeZaaktypen item; zaaktype is an identificatie.
type zaaktypenRelatie struct {
	Zaaktype    string `json:"zaaktype"`
	AardRelatie string `json:"aardRelatie"`
	Toelichting string `json:"toelichting"`
}

type zaaktypeRow struct {
	id            int64
	uuid          string
	catID         int64
	catUUID       string
	identificatie string
	concept       bool
	begin, einde  db.Date
	besluittypen  string
	deelzaaktypen string
	gerelateerde  string
	data          []byte
}

const zaaktypeCols = `z.id, CAST(z.uuid AS TEXT), z.catalogus_id, CAST(c.uuid AS TEXT), z.identificatie, z.concept,
	z.begin_geldigheid, z.einde_geldigheid, z.besluittypen, z.deelzaaktypen, z.gerelateerde, z.data`

func (r *register) mountZaaktype() {
	a := r.api
	a.Handle("GET /zaaktypen", ztcRead, r.zaaktypeList)
	a.Handle("POST /zaaktypen", zgw.Scopes(ztcSchrijven), r.zaaktypeCreate)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET /zaaktypen/{uuid}", ztcRead, r.zaaktypeRetrieve)
	a.Handle("PUT /zaaktypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.zaaktypeUpdate)
	a.Handle("PATCH /zaaktypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.zaaktypeUpdate)
	a.Handle("DELETE /zaaktypen/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdVerwijderen), func(c *zgw.Call) error {
		return r.hoofdDestroy(c, htZaaktype)
	})
	a.Handle("POST /zaaktypen/{uuid}/publish", zgw.Scopes(ztcSchrijven), func(c *zgw.Call) error {
		return r.hoofdPublish(c, htZaaktype, r.ztc012, func(ctx context.Context, id string) ([]byte, error) {
			return r.zaaktypeOne(ctx, id, "")
		})
	})
}

func (r *register) zaaktypeList(c *zgw.Call) error {
	q := c.Query("catalogus", "identificatie", "trefwoorden", "status", "datumGeldigheid", "page")
	var w db.Where
	if u := q.URL("catalogus"); u != "" {
		r.filterCatalogus(&w, u)
	}
	if v := q.String("identificatie"); v != "" {
		w.And("identificatie = ?", v)
	}
	// Every trefwoord asked for must be among the zaaktype's; one parameter for all of them.
	if ts := q.List("trefwoorden"); len(ts) > 0 {
		likes := make([]string, len(ts))
		for i, t := range ts {
			likes[i] = naamlijstLike(t)
		}
		w.And(r.likeAll("trefwoorden", "?"), r.db.TextList(likes))
	}
	ztcStatus(q, &w, "concept")
	date := ztcGeldig(q, &w, "")
	if err := q.Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	return r.ztcList(c, date, func() ([]byte, error) {
		p, err := db.List(ctx, r.db, "zaaktype", &w, "catalogus_id, identificatie, begin_geldigheid, id", q.Page, zgw.PageSize)
		if err != nil {
			return nil, err
		}
		rows, err := r.zaaktypeLoad(ctx, r.db, r.db.AnyID("z.id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return nil, err
		}
		items, err := r.zaaktypeRender(ctx, inOrder(p.IDs, rows, func(x *zaaktypeRow) int64 { return x.id }), r.peildatum(date))
		if err != nil {
			return nil, err
		}
		return ztcPage(c, q.Page, p.Count, items)
	})
}

func (r *register) zaaktypeRetrieve(c *zgw.Call) error {
	q := c.Query("datumGeldigheid")
	date := q.Date("datumGeldigheid")
	if err := q.Err(); err != nil {
		return err
	}
	return r.ztcDetail(c, date, func() ([]byte, error) { return r.zaaktypeOne(c.Ctx(), pathUUID(c), date) })
}

// zaaktypeOne renders the zaaktype with uuid id, or answers 404.
func (r *register) zaaktypeOne(ctx context.Context, id, date string) ([]byte, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	rows, err := r.zaaktypeLoad(ctx, r.db, "z.uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	out, err := r.zaaktypeRender(ctx, rows, r.peildatum(date))
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (r *register) zaaktypeCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in zaaktypeIn
	if _, err := c.Body("zaaktype_create", &in); err != nil {
		return err
	}
	catID, catUUID, err := r.zaaktypeCheck(ctx, &in, func(string) bool { return true }, nil)
	if err != nil {
		return err
	}
	id := zgw.NewUUID()
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		vals, err := zaaktypeValues(&in)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO zaaktype (uuid, catalogus_id, concept, identificatie, begin_geldigheid, einde_geldigheid,
			trefwoorden, besluittypen, deelzaaktypen, gerelateerde, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			append([]any{id, catID, true}, vals...)...)
		if err != nil {
			return fmt.Errorf("insert zaaktype: %w", err)
		}
		return r.hoofdNotify(ctx, tx, htZaaktype, id, catUUID, "create")
	})
	if err != nil {
		return err
	}
	b, err := r.zaaktypeOne(ctx, id, "")
	if err != nil {
		return err
	}
	return c.Created(r.api.URL("zaaktypen", id), json.RawMessage(b))
}

// zaaktypeValues are the column values after catalogus_id and concept, in the order of
// zaaktypeCreate's INSERT and zaaktypeUpdate's UPDATE.
func zaaktypeValues(in *zaaktypeIn) ([]any, error) {
	in.Trefwoorden = nonNil(in.Trefwoorden)
	in.Verantwoordingsrelatie = nonNil(in.Verantwoordingsrelatie)
	in.ProductenOfDiensten = nonNil(in.ProductenOfDiensten)
	data, err := jsonData(in.zaaktypeData)
	if err != nil {
		return nil, err
	}
	rel, err := jsonData(nonNil(in.GerelateerdeZaaktypen))
	if err != nil {
		return nil, err
	}
	return []any{in.Identificatie, in.BeginGeldigheid, dateArg(in.EindeGeldigheid), naamlijst(in.Trefwoorden),
		naamlijst(in.Besluittypen), naamlijst(in.Deelzaaktypen), rel, data}, nil
}

// zaaktypeUpdate is PUT and PATCH. A PATCH is applied to the stored state and the result
// checked like a PUT, but only the rules of the fields sent are run again.
func (r *register) zaaktypeUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	partial := c.R.Method == http.MethodPatch
	cur, err := r.hoofdByPath(c, r.db, htZaaktype)
	if err != nil {
		return err
	}
	in := &zaaktypeIn{}
	if partial {
		if in, err = r.zaaktypeCurrent(ctx, cur); err != nil {
			return err
		}
	}
	// The PATCH body is unspecified in the OAS; it is checked against ZaakTypeUpdate.
	keys, err := c.Body("zaaktype_update", in)
	if err != nil {
		return err
	}
	if err := ztc009Wijzigen(c, cur, keys); err != nil {
		return err
	}
	sent := func(k string) bool { return !partial || zgw.Sent(keys, k) }
	if _, _, err := r.zaaktypeCheck(ctx, in, sent, cur); err != nil {
		return err
	}
	actie := "update"
	if partial {
		actie = "partial_update"
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		v, err := r.ztc009InTx(c, tx, htZaaktype, cur, keys)
		if err != nil {
			return err
		}
		vals, err := zaaktypeValues(in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE zaaktype SET identificatie = $1, begin_geldigheid = $2, einde_geldigheid = $3,
			trefwoorden = $4, besluittypen = $5, deelzaaktypen = $6, gerelateerde = $7, data = $8 WHERE id = $9`,
			append(vals, v.ID)...); err != nil {
			return fmt.Errorf("update zaaktype: %w", err)
		}
		v.Naam, v.Begin, v.Einde = in.Identificatie, db.Date(in.BeginGeldigheid), db.Date(derefDate(in.EindeGeldigheid))
		if err := r.ztc016Overlap(ctx, tx, htZaaktype, v); err != nil {
			return err
		}
		return r.hoofdNotify(ctx, tx, htZaaktype, v.UUID, v.CatalogusUUID, actie)
	})
	if err != nil {
		return err
	}
	b, err := r.zaaktypeOne(ctx, cur.UUID, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, json.RawMessage(b))
}

// zaaktypeCurrent is the stored state of a zaaktype in request form.
func (r *register) zaaktypeCurrent(ctx context.Context, v *versie) (*zaaktypeIn, error) {
	rows, err := r.zaaktypeLoad(ctx, r.db, "z.id = $1", v.ID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	x := rows[0]
	in := &zaaktypeIn{
		Identificatie:   x.identificatie,
		Catalogus:       r.api.URL("catalogussen", x.catUUID),
		BeginGeldigheid: string(x.begin),
		EindeGeldigheid: x.einde.Ptr(),
		Besluittypen:    naamlijstLees(x.besluittypen),
		Deelzaaktypen:   naamlijstLees(x.deelzaaktypen),
	}
	if err := json.Unmarshal([]byte(x.gerelateerde), &in.GerelateerdeZaaktypen); err != nil {
		return nil, fmt.Errorf("zaaktype %s gerelateerde: %w", x.uuid, err)
	}
	if err := json.Unmarshal(x.data, &in.zaaktypeData); err != nil {
		return nil, fmt.Errorf("zaaktype %s data: %w", x.uuid, err)
	}
	return in, nil
}

// zaaktypeCheck runs the rules the schema cannot express on the fields sent, and returns the
// catalogus. self is the version being changed (nil on create).
func (r *register) zaaktypeCheck(ctx context.Context, in *zaaktypeIn, sent func(string) bool, self *versie) (int64, string, error) {
	var errs zgw.Errs
	var catID int64
	var catUUID string
	if self != nil {
		catID, catUUID = self.CatalogusID, self.CatalogusUUID
	}
	if sent("catalogus") {
		id, u, err := r.ztcCatalogus(ctx, r.db, "catalogus", in.Catalogus)
		if err := mergeInvalid(&errs, err); err != nil {
			return 0, "", err
		}
		switch {
		case err != nil:
		case self != nil && id != self.CatalogusID:
			errs.Add("catalogus", "wijzigen-niet-toegelaten", "De catalogus van een zaaktype kan niet worden gewijzigd.")
		default:
			catID, catUUID = id, u
		}
	}
	if sent("selectielijstProcestype") && in.SelectielijstProcestype != "" {
		if err := mergeInvalid(&errs, r.ztc001(ctx, in.SelectielijstProcestype)); err != nil {
			return 0, "", err
		}
	}
	if sent("beginGeldigheid") || sent("eindeGeldigheid") {
		geldigheidCheck(in.BeginGeldigheid, in.EindeGeldigheid, &errs)
	}
	if catID != 0 {
		var err error
		// ztc-013: the related types are in the zaaktype's catalogus; by name (ztc-011a).
		if sent("besluittypen") {
			if in.Besluittypen, err = r.relatieNamen(ctx, r.db, htBesluittype, "besluittypen", "nonFieldErrors", catID, in.Besluittypen, &errs); err != nil {
				return 0, "", err
			}
		}
		if sent("deelzaaktypen") {
			if in.Deelzaaktypen, err = r.relatieNamen(ctx, r.db, htZaaktype, "deelzaaktypen", "deelzaaktypen", catID, in.Deelzaaktypen, &errs); err != nil {
				return 0, "", err
			}
		}
		if sent("gerelateerdeZaaktypen") {
			for i := range in.GerelateerdeZaaktypen {
				g := &in.GerelateerdeZaaktypen[i]
				names, err := r.relatieNamen(ctx, r.db, htZaaktype, fmt.Sprintf("gerelateerdeZaaktypen.%d.zaaktype", i), "gerelateerdeZaaktypen", catID, []string{g.Zaaktype}, &errs)
				if err != nil {
					return 0, "", err
				}
				if len(names) == 1 {
					g.Zaaktype = names[0]
				}
			}
		}
	}
	return catID, catUUID, errs.Err()
}

// ztc-001: selectielijstProcestype must be a procestype of the Referentielijsten API.
func (r *register) ztc001(ctx context.Context, u string) error {
	var pt struct {
		URL string `json:"url"`
	}
	if err := r.api.Refs.Resource(ctx, "selectielijstProcestype", u, &pt, "nummer", "jaar", "naam"); err != nil {
		return err
	}
	if !strings.HasPrefix(u, r.selectielijst+"/procestypen/") {
		return zgw.FieldError("selectielijstProcestype", "invalid-resource", "De URL "+u+" is geen procestype van de Referentielijsten API.")
	}
	return nil
}

// ztc-012: a zaaktype may only be published when every besluittype and informatieobjecttype
// it refers to (by omschrijving; informatieobjecttypen through its
// zaaktype-informatieobjecttypen) has a published version.
func (r *register) ztc012(ctx context.Context, tx *db.Tx, v *versie) error {
	var besluittypen string
	if err := tx.QueryRow(ctx, `SELECT besluittypen FROM zaaktype WHERE id = $1`, v.ID).Scan(&besluittypen); err != nil {
		return fmt.Errorf("ztc-012: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT informatieobjecttype_omschrijving FROM zaaktypeinformatieobjecttype WHERE zaaktype_id = $1`, v.ID)
	if err != nil {
		return fmt.Errorf("ztc-012: %w", err)
	}
	var iots []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		iots = append(iots, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, rel := range []struct {
		t     *hoofdtype
		names []string
	}{{htBesluittype, naamlijstLees(besluittypen)}, {htIOT, distinctNames(iots)}} {
		if len(rel.names) == 0 {
			continue
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(DISTINCT omschrijving) FROM `+rel.t.table+` WHERE catalogus_id = $1 AND concept = $2
			AND `+r.db.AnyText("omschrijving", "$3"), v.CatalogusID, false, r.db.TextList(rel.names)).Scan(&n)
		if err != nil {
			return fmt.Errorf("ztc-012: %w", err)
		}
		if n < len(rel.names) {
			return zgw.FieldError("nonFieldErrors", "concept-relation", "Alle gerelateerde "+rel.t.collection+" moeten gepubliceerd zijn voordat het zaaktype gepubliceerd kan worden.")
		}
	}
	return nil
}

func (r *register) zaaktypeLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaaktypeRow, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT `+zaaktypeCols+` FROM zaaktype z JOIN catalogus c ON c.id = z.catalogus_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaaktype: %w", err)
	}
	defer rows.Close()
	var out []*zaaktypeRow
	for rows.Next() {
		x := &zaaktypeRow{}
		if err := rows.Scan(&x.id, &x.uuid, &x.catID, &x.catUUID, &x.identificatie, &x.concept, &x.begin, &x.einde,
			&x.besluittypen, &x.deelzaaktypen, &x.gerelateerde, &x.data); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// The kinds of relrow a page of zaaktypen loads (zaaktypeRender).
const (
	zkStatustype = iota
	zkRoltype
	zkResultaattype
	zkEigenschap
	zkZaakobjecttype
	zkIOT
	zkBesluittype
	zkZaaktype
	zkBereik
)

// zaaktypeRender renders a page of zaaktypen. Their sub-types and informatieobjecttypen
// (through the zaaktype-informatieobjecttypen) not kept in deelCache, the besluittypen and
// zaaktypen they name and the first and last dates of their identificaties come from one
// query for the whole page.
// Relations by name render the versions published and valid on date (catalogi §4).
func (r *register) zaaktypeRender(ctx context.Context, rows []*zaaktypeRow, date string) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	cats := paginaCatalogi(rows, func(x *zaaktypeRow) int64 { return x.catID })
	ids := make([]int64, len(rows))
	var besluitNames, zaakNames, idents []string
	rels := make([][]zaaktypenRelatie, len(rows))
	for i, x := range rows {
		ids[i] = x.id
		idents = append(idents, x.identificatie)
		besluitNames = append(besluitNames, naamlijstLees(x.besluittypen)...)
		zaakNames = append(zaakNames, naamlijstLees(x.deelzaaktypen)...)
		if x.gerelateerde != "[]" && x.gerelateerde != "" {
			if err := json.Unmarshal([]byte(x.gerelateerde), &rels[i]); err != nil {
				return nil, fmt.Errorf("zaaktype %s gerelateerde: %w", x.uuid, err)
			}
			for _, g := range rels[i] {
				zaakNames = append(zaakNames, g.Zaaktype)
			}
		}
	}
	subs, sleutels, err := r.deelLijsten(ctx, ids, date)
	if err != nil {
		return nil, err
	}
	q := r.relq()
	lees := deelQuery(q, &subs, ids, date)
	catIn := q.in(cats)
	// Besluittypen named by the zaaktype, and those that name it (ztc-issue-001).
	cond := "b.zaaktypen <> ''"
	if names := distinctNames(besluitNames); len(names) > 0 {
		cond = "(b.omschrijving IN (" + q.in(anys(names)) + ") OR " + cond + ")"
	}
	q.add(`SELECT %d, b.catalogus_id, b.id, CAST(b.uuid AS TEXT), b.omschrijving, b.zaaktypen, 1 FROM besluittype b
		WHERE b.catalogus_id IN (%s) AND %s AND %s`, zkBesluittype, catIn, cond, q.geldig("b", date))
	if names := distinctNames(zaakNames); len(names) > 0 {
		q.add(`SELECT %d, z.catalogus_id, z.id, CAST(z.uuid AS TEXT), z.identificatie, '', %s FROM zaaktype z
			WHERE z.catalogus_id IN (%s) AND z.identificatie IN (%s)`, zkZaaktype, q.geldigFlag("z", date), catIn, q.in(anys(names)))
	}
	q.bereik(zkBereik, htZaaktype, catIn, q.in(anys(distinctNames(idents))))
	found, err := q.run(ctx, r.db)
	if err != nil {
		return nil, err
	}
	besluit := map[int64][]relrow{}
	zaaktypen := versies{}
	bereik := map[catNaam]bereikVan{}
	for _, x := range found {
		switch {
		case x.kind <= zkIOT:
			subs[x.kind][x.owner] = strings.Split(x.uuid, ",")
		case x.kind == zkBesluittype:
			besluit[x.owner] = append(besluit[x.owner], x)
		case x.kind == zkZaaktype:
			zaaktypen.add(x)
		case x.kind == zkBereik:
			bereik[catNaam{x.owner, x.naam}] = bereikVan{begin: x.uuid, einde: x.extra}
		}
	}
	for _, k := range lees {
		r.deelBewaar(k, sleutels[k], ids, subs[k])
	}
	out := make([][]byte, len(rows))
	for i, x := range rows {
		w := jw{b: make([]byte, 0, 2048+len(x.data))}
		w.open()
		w.str("url", r.api.URL("zaaktypen", x.uuid))
		w.str("identificatie", x.identificatie)
		w.str("catalogus", r.api.URL("catalogussen", x.catUUID))
		w.urls("statustypen", r.api, "statustypen", subs[zkStatustype][x.id])
		w.urls("resultaattypen", r.api, "resultaattypen", subs[zkResultaattype][x.id])
		w.urls("eigenschappen", r.api, "eigenschappen", subs[zkEigenschap][x.id])
		w.urls("roltypen", r.api, "roltypen", subs[zkRoltype][x.id])
		w.urls("zaakobjecttypen", r.api, "zaakobjecttypen", subs[zkZaakobjecttype][x.id])
		w.urls("informatieobjecttypen", r.api, htIOT.collection, subs[zkIOT][x.id])
		var bs []string
		for _, b := range besluit[x.catID] {
			if naamlijstBevat(x.besluittypen, b.naam) || naamlijstBevat(b.extra, x.identificatie) {
				bs = append(bs, b.uuid)
			}
		}
		w.urls("besluittypen", r.api, htBesluittype.collection, bs)
		var deel []string
		for _, name := range naamlijstLees(x.deelzaaktypen) {
			deel = append(deel, zaaktypen.geldige(x.catID, name)...)
		}
		w.urls("deelzaaktypen", r.api, htZaaktype.collection, deel)
		w.key("gerelateerdeZaaktypen")
		w.b = append(w.b, '[')
		for _, g := range rels[i] {
			// A relation is one item; it renders the valid version, else the newest one.
			if id := zaaktypen.een(x.catID, g.Zaaktype); id != "" {
				w.open()
				w.str("zaaktype", r.api.URL(htZaaktype.collection, id))
				w.str("aardRelatie", g.AardRelatie)
				w.str("toelichting", g.Toelichting)
				w.close()
			}
		}
		w.b = append(w.b, ']')
		w.str("beginGeldigheid", string(x.begin))
		w.date("eindeGeldigheid", string(x.einde))
		b := bereik[catNaam{x.catID, x.identificatie}]
		w.date("beginObject", b.begin)
		w.date("eindeObject", b.einde)
		w.boolean("concept", x.concept)
		w.splice(x.data)
		out[i] = w.b
	}
	return out, nil
}
