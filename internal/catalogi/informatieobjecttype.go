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

// iotIn is the request form of an InformatieObjectType; catalogus, omschrijving and the
// validity are columns (typeKop), iotData is stored in data as it is rendered.
type iotIn struct {
	typeKop
	iotData
}

type iotData struct {
	Vertrouwelijkheidaanduiding string                  `json:"vertrouwelijkheidaanduiding"`
	Informatieobjectcategorie   string                  `json:"informatieobjectcategorie"`
	Trefwoord                   []string                `json:"trefwoord"`
	OmschrijvingGeneriek        iotOmschrijvingGeneriek `json:"omschrijvingGeneriek"`
}

type iotOmschrijvingGeneriek struct {
	InformatieobjecttypeOmschrijvingGeneriek           string  `json:"informatieobjecttypeOmschrijvingGeneriek"`
	DefinitieInformatieobjecttypeOmschrijvingGeneriek  string  `json:"definitieInformatieobjecttypeOmschrijvingGeneriek"`
	HerkomstInformatieobjecttypeOmschrijvingGeneriek   string  `json:"herkomstInformatieobjecttypeOmschrijvingGeneriek"`
	HierarchieInformatieobjecttypeOmschrijvingGeneriek string  `json:"hierarchieInformatieobjecttypeOmschrijvingGeneriek"`
	OpmerkingInformatieobjecttypeOmschrijvingGeneriek  *string `json:"opmerkingInformatieobjecttypeOmschrijvingGeneriek"`
}

// typeRow is a stored version of an informatieobjecttype or besluittype: naam is the
// omschrijving; rel1 and rel2 the besluittype's informatieobjecttypen and zaaktypen.
type typeRow struct {
	id           int64
	uuid         string
	catID        int64
	catUUID      string
	naam         string
	concept      bool
	begin, einde db.Date
	rel1, rel2   string
	data         []byte
}

func typeCatID(x *typeRow) int64 { return x.catID }

func (r *register) typeLoad(ctx context.Context, t *hoofdtype, where string, args ...any) ([]*typeRow, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rels := "'', ''"
	if t == htBesluittype {
		rels = "t.informatieobjecttypen, t.zaaktypen"
	}
	rows, err := r.db.Query(ctx, `SELECT t.id, CAST(t.uuid AS TEXT), t.catalogus_id, CAST(c.uuid AS TEXT), t.omschrijving, t.concept,
		t.begin_geldigheid, t.einde_geldigheid, `+rels+`, t.data
		FROM `+t.table+` t JOIN catalogus c ON c.id = t.catalogus_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.table, err)
	}
	defer rows.Close()
	var out []*typeRow
	for rows.Next() {
		x := &typeRow{}
		if err := rows.Scan(&x.id, &x.uuid, &x.catID, &x.catUUID, &x.naam, &x.concept, &x.begin, &x.einde, &x.rel1, &x.rel2, &x.data); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// typeList is the list of informatieobjecttypen or besluittypen: the filters they share,
// plus extra's own.
func (r *register) typeList(c *zgw.Call, t *hoofdtype, extra []string, filter func(ctx context.Context, q *zgw.Query, w *db.Where) error,
	render func(ctx context.Context, rows []*typeRow, date string) ([][]byte, error)) error {
	q := c.Query(append([]string{"catalogus", "status", "datumGeldigheid", "omschrijving", "page"}, extra...)...)
	var w db.Where
	if u := q.URL("catalogus"); u != "" {
		r.filterCatalogus(&w, u)
	}
	if v := q.String("omschrijving"); v != "" {
		w.And("omschrijving = ?", v)
	}
	ztcStatus(q, &w, "concept")
	date := ztcGeldig(q, &w, "")
	ctx := c.Ctx()
	if filter != nil {
		if err := filter(ctx, q, &w); err != nil {
			return err
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	return r.ztcList(c, date, func() ([]byte, error) {
		p, err := db.List(ctx, r.db, t.table, &w, "catalogus_id, omschrijving, begin_geldigheid, id", q.Page, zgw.PageSize)
		if err != nil {
			return nil, err
		}
		rows, err := r.typeLoad(ctx, t, r.db.AnyID("t.id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return nil, err
		}
		items, err := render(ctx, inOrder(p.IDs, rows, func(x *typeRow) int64 { return x.id }), r.peildatum(date))
		if err != nil {
			return nil, err
		}
		return ztcPage(c, q.Page, p.Count, items)
	})
}

// typeRetrieve is the detail of an informatieobjecttype or besluittype.
func (r *register) typeRetrieve(c *zgw.Call, t *hoofdtype, render func(ctx context.Context, rows []*typeRow, date string) ([][]byte, error)) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	return r.ztcDetail(c, "", func() ([]byte, error) { return r.typeOne(c.Ctx(), t, pathUUID(c), render) })
}

// typeOne renders the version with uuid id, or answers 404.
func (r *register) typeOne(ctx context.Context, t *hoofdtype, id string, render func(ctx context.Context, rows []*typeRow, date string) ([][]byte, error)) ([]byte, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	rows, err := r.typeLoad(ctx, t, "t.uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	out, err := render(ctx, rows, r.peildatum(""))
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// typeHead writes what informatieobjecttype and besluittype render alike.
func (r *register) typeHead(w *jw, t *hoofdtype, x *typeRow, b bereikVan) {
	w.open()
	w.str("url", r.api.URL(t.collection, x.uuid))
	w.str("catalogus", r.api.URL("catalogussen", x.catUUID))
	w.str("omschrijving", x.naam)
	w.str("beginGeldigheid", string(x.begin))
	w.date("eindeGeldigheid", string(x.einde))
	w.date("beginObject", b.begin)
	w.date("eindeObject", b.einde)
	w.boolean("concept", x.concept)
}

func (r *register) mountInformatieobjecttype() { mountType(r, r.iotSoort(), nil, nil) }

// mountType mounts the operations of informatieobjecttype or besluittype s; extra and
// filter are the list parameters and filters of its own.
func mountType[In any](r *register, s *typeSoort[In], extra []string, filter func(ctx context.Context, q *zgw.Query, w *db.Where) error) {
	a, t := r.api, s.t
	base := "/" + t.collection
	write := func(c *zgw.Call) error { return typeWrite(c, r, s) }
	one := func(ctx context.Context, id string) ([]byte, error) { return r.typeOne(ctx, t, id, s.render) }
	a.Handle("GET "+base, ztcRead, func(c *zgw.Call) error { return r.typeList(c, t, extra, filter, s.render) })
	a.Handle("POST "+base, zgw.Scopes(ztcSchrijven), write)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET "+base+"/{uuid}", ztcRead, func(c *zgw.Call) error { return r.typeRetrieve(c, t, s.render) })
	a.Handle("PUT "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), write)
	a.Handle("PATCH "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), write)
	a.Handle("DELETE "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdVerwijderen), func(c *zgw.Call) error {
		return r.hoofdDestroy(c, t)
	})
	a.Handle("POST "+base+"/{uuid}/publish", zgw.Scopes(ztcSchrijven), func(c *zgw.Call) error {
		return r.hoofdPublish(c, t, nil, one)
	})
}

// iotFilter adds a list filter on an informatieobjecttype v: an omschrijving, or the URL of
// a version, which means its omschrijving in its catalogus. naamCond is the condition on
// naamArg(omschrijving), catCond the one on the catalogus id.
func (r *register) iotFilter(ctx context.Context, w *db.Where, v, naamCond string, naamArg func(string) string, catCond string) error {
	if !zgw.IsURL(v) {
		w.And(naamCond, naamArg(v))
		return nil
	}
	iot, err := r.versieByURL(ctx, htIOT, v)
	if err != nil {
		return err
	}
	if iot == nil {
		w.And("1=0")
		return nil
	}
	w.And(naamCond, naamArg(iot.Naam))
	w.And(catCond, iot.CatalogusID)
	return nil
}

// iotSoort is the write of an informatieobjecttype. The OAS of 1.3.1 leaves the PUT and
// PATCH bodies unspecified; they are checked against the create schema
// (InformatieObjectType). Create answers 201 as Open Zaak does (the OAS says 200).
func (r *register) iotSoort() *typeSoort[iotIn] {
	return &typeSoort[iotIn]{t: htIOT, createOp: "informatieobjecttype_create", updateOp: "informatieobjecttype_create",
		kop:  func(in *iotIn) *typeKop { return &in.typeKop },
		cols: []string{"data"},
		prepare: func(_ context.Context, in *iotIn, _ int64, _ func(string) bool, _ *zgw.Errs) ([]any, error) {
			in.Trefwoord = nonNil(in.Trefwoord)
			data, err := jsonData(in.iotData)
			return []any{data}, err
		},
		render: r.iotRender,
	}
}

// typeKop is what the requests of an informatieobjecttype and a besluittype share: the
// columns typeWrite stores itself.
type typeKop struct {
	Catalogus       string  `json:"catalogus"`
	Omschrijving    string  `json:"omschrijving"`
	BeginGeldigheid string  `json:"beginGeldigheid"`
	EindeGeldigheid *string `json:"eindeGeldigheid"`
}

// typeSoort is what typeWrite needs of informatieobjecttype or besluittype.
type typeSoort[In any] struct {
	t                  *hoofdtype
	createOp, updateOp string // the operations whose schema checks a POST, and a PUT or PATCH
	kop                func(in *In) *typeKop
	// base sets the resource's own columns of stored version x on in, the start of a PATCH;
	// may be nil (the data column is decoded into in by typeWrite).
	base func(in *In, x *typeRow)
	// prepare checks the resource's own fields (catID is 0 when the catalogus is not valid)
	// and returns the values of cols.
	prepare func(ctx context.Context, in *In, catID int64, sent func(string) bool, errs *zgw.Errs) ([]any, error)
	cols    []string // the resource's own columns
	render  func(ctx context.Context, rows []*typeRow, date string) ([][]byte, error)
}

// typeWrite is create, update and partial update of an informatieobjecttype or besluittype.
// A PATCH is applied to the stored version and the result is checked as a whole.
func typeWrite[In any](c *zgw.Call, r *register, s *typeSoort[In]) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	t := s.t
	var cur *versie
	in := new(In)
	op := s.createOp
	if c.R.Method != http.MethodPost {
		op = s.updateOp
		var err error
		if cur, err = r.hoofdByPath(c, r.db, t); err != nil {
			return err
		}
		if c.R.Method == http.MethodPatch {
			if in, err = typeBase(ctx, r, s, cur); err != nil {
				return err
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
	k := s.kop(in)
	var errs zgw.Errs
	catID, catUUID, err := r.typeCatalogus(ctx, k.Catalogus, sent, cur, &errs)
	if err != nil {
		return err
	}
	geldigheidCheck(k.BeginGeldigheid, k.EindeGeldigheid, &errs)
	vals, err := s.prepare(ctx, in, catID, sent, &errs)
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	id := zgw.NewUUID()
	if cur != nil {
		id = cur.UUID
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if cur != nil {
			return r.typeUpdate(c, tx, t, cur, keys, k, s.cols, vals)
		}
		cols := append([]string{"uuid", "catalogus_id", "omschrijving", "concept", "begin_geldigheid", "einde_geldigheid"}, s.cols...)
		args := append([]any{id, catID, k.Omschrijving, true, k.BeginGeldigheid, dateArg(k.EindeGeldigheid)}, vals...)
		if _, err := tx.Exec(ctx, `INSERT INTO `+t.table+` (`+strings.Join(cols, ", ")+`) VALUES (`+db.Placeholders(1, len(cols))+`)`,
			args...); err != nil {
			return fmt.Errorf("insert %s: %w", t.table, err)
		}
		return r.hoofdNotify(ctx, tx, t, id, catUUID, "create")
	})
	if err != nil {
		return err
	}
	return r.written(c, cur == nil, t.collection, id, func(ctx context.Context, id string) ([]byte, error) {
		return r.typeOne(ctx, t, id, s.render)
	})
}

// typeBase is stored version cur in the request form, the start of a PATCH.
func typeBase[In any](ctx context.Context, r *register, s *typeSoort[In], cur *versie) (*In, error) {
	rows, err := r.typeLoad(ctx, s.t, "t.id = $1", cur.ID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	x := rows[0]
	in := new(In)
	// data holds the resource's own fields, as they are rendered.
	if err := json.Unmarshal(x.data, in); err != nil {
		return nil, fmt.Errorf("%s %s data: %w", s.t.table, x.uuid, err)
	}
	*s.kop(in) = typeKop{Catalogus: r.api.URL("catalogussen", x.catUUID), Omschrijving: x.naam, BeginGeldigheid: string(x.begin),
		EindeGeldigheid: x.einde.Ptr()}
	if s.base != nil {
		s.base(in, x)
	}
	return in, nil
}

// typeCatalogus checks the catalogus of an informatieobjecttype or besluittype request:
// one of this API, and on update the one it has.
func (r *register) typeCatalogus(ctx context.Context, u string, sent func(string) bool, cur *versie, errs *zgw.Errs) (int64, string, error) {
	if cur != nil && !sent("catalogus") {
		return cur.CatalogusID, cur.CatalogusUUID, nil
	}
	id, catUUID, err := r.ztcCatalogus(ctx, r.db, "catalogus", u)
	if err := mergeInvalid(errs, err); err != nil {
		return 0, "", err
	}
	if err == nil && cur != nil && id != cur.CatalogusID {
		errs.Add("catalogus", "wijzigen-niet-toegelaten", "De catalogus van een type kan niet worden gewijzigd.")
	}
	return id, catUUID, nil
}

// typeUpdate stores a replaced or patched informatieobjecttype or besluittype inside tx,
// after checking the version is still what the request was judged against (ztc-009) and
// that a published version does not come to overlap another (ztc-016). cols are the
// resource's own columns, with vals.
func (r *register) typeUpdate(c *zgw.Call, tx *db.Tx, t *hoofdtype, cur *versie, keys map[string]json.RawMessage,
	k *typeKop, cols []string, vals []any) error {
	ctx := c.Ctx()
	v, err := r.ztc009InTx(c, tx, t, cur, keys)
	if err != nil {
		return err
	}
	set := "omschrijving = $1, begin_geldigheid = $2, einde_geldigheid = $3"
	for i, col := range cols {
		set += fmt.Sprintf(", %s = $%d", col, i+4)
	}
	args := append([]any{k.Omschrijving, k.BeginGeldigheid, dateArg(k.EindeGeldigheid)}, vals...)
	args = append(args, v.ID)
	if _, err := tx.Exec(ctx, `UPDATE `+t.table+` SET `+set+` WHERE id = $`+fmt.Sprint(len(args)), args...); err != nil {
		return fmt.Errorf("update %s: %w", t.table, err)
	}
	v.Naam, v.Begin, v.Einde = k.Omschrijving, db.Date(k.BeginGeldigheid), db.Date(derefDate(k.EindeGeldigheid))
	if err := r.ztc016Overlap(ctx, tx, t, v); err != nil {
		return err
	}
	actie := "update"
	if c.R.Method == http.MethodPatch {
		actie = "partial_update"
	}
	return r.hoofdNotify(ctx, tx, t, v.UUID, v.CatalogusUUID, actie)
}

// Kinds of relrow of iotRender.
const (
	ikZaaktype = iota
	ikBesluittype
	ikBereik
)

// iotRender renders a page of informatieobjecttypen with the zaaktypen that use them
// (through their zaaktype-informatieobjecttypen) and the besluittypen that name them, as
// published and valid on date, in one query for the page.
func (r *register) iotRender(ctx context.Context, rows []*typeRow, date string) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	cats := paginaCatalogi(rows, typeCatID)
	names := make([]any, len(rows))
	for i, x := range rows {
		names[i] = x.naam
	}
	q := r.relq()
	catIn, namesIn := q.in(cats), q.in(names)
	q.add(`SELECT %d, z.catalogus_id, z.id, CAST(z.uuid AS TEXT), t.informatieobjecttype_omschrijving, '', 1
		FROM zaaktypeinformatieobjecttype t JOIN zaaktype z ON z.id = t.zaaktype_id
		WHERE z.catalogus_id IN (%s) AND t.informatieobjecttype_omschrijving IN (%s) AND %s`, ikZaaktype, catIn, namesIn, q.geldig("z", date))
	q.add(`SELECT %d, b.catalogus_id, b.id, CAST(b.uuid AS TEXT), '', b.informatieobjecttypen, 1 FROM besluittype b
		WHERE b.catalogus_id IN (%s) AND b.informatieobjecttypen <> '' AND %s`, ikBesluittype, catIn, q.geldig("b", date))
	q.bereik(ikBereik, htIOT, catIn, namesIn)
	found, err := q.run(ctx, r.db)
	if err != nil {
		return nil, err
	}
	zaaktypen := versies{}
	besluit := map[int64][]relrow{}
	bereik := map[catNaam]bereikVan{}
	for _, x := range found {
		switch x.kind {
		case ikZaaktype:
			zaaktypen.add(x)
		case ikBesluittype:
			besluit[x.owner] = append(besluit[x.owner], x)
		case ikBereik:
			bereik[catNaam{x.owner, x.naam}] = bereikVan{begin: x.uuid, einde: x.extra}
		}
	}
	out := make([][]byte, len(rows))
	for i, x := range rows {
		w := jw{b: make([]byte, 0, 1024+len(x.data))}
		r.typeHead(&w, htIOT, x, bereik[catNaam{x.catID, x.naam}])
		w.urls("zaaktypen", r.api, htZaaktype.collection, zaaktypen.geldige(x.catID, x.naam))
		var bs []string
		for _, b := range besluit[x.catID] {
			if naamlijstBevat(b.extra, x.naam) {
				bs = append(bs, b.uuid)
			}
		}
		w.urls("besluittypen", r.api, htBesluittype.collection, bs)
		w.splice(x.data)
		out[i] = w.b
	}
	return out, nil
}
