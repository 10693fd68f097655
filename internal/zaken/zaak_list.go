package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The filters of GET /zaken and POST /zaken/_zoek (zaken.md §6). The same names come from the
// query string of the list and from the JSON body of _zoek.

// zaakDateFilters: the date columns and the comparisons the spec offers on each.
var zaakDateFilters = []struct {
	param, col string
	ops        []string
}{
	{"archiefactiedatum", "archiefactiedatum", []string{"", "__lt", "__gt"}},
	{"startdatum", "startdatum", []string{"", "__gt", "__gte", "__lt", "__lte"}},
	{"registratiedatum", "registratiedatum", []string{"", "__gt", "__lt"}},
	{"einddatum", "einddatum", []string{"", "__gt", "__lt"}},
	{"einddatumGepland", "einddatum_gepland", []string{"", "__gt", "__lt"}},
	{"uiterlijkeEinddatumAfdoening", "uiterlijke_einddatum_afdoening", []string{"", "__gt", "__lt"}},
}

var dateOps = map[string]string{"": "=", "__lt": "<", "__gt": ">", "__lte": "<=", "__gte": ">="}

// rolIdentificatieFilters maps the betrokkeneIdentificatie filters (after
// "betrokkeneIdentificatie__") to the rol columns that serve them.
var rolIdentificatieFilters = []struct{ param, col string }{
	{"natuurlijkPersoon__inpBsn", "inp_bsn"},
	{"natuurlijkPersoon__anpIdentificatie", "anp_identificatie"},
	{"natuurlijkPersoon__inpA_nummer", "inp_a_nummer"},
	{"nietNatuurlijkPersoon__innNnpId", "inn_nnp_id"},
	{"nietNatuurlijkPersoon__annIdentificatie", "ann_identificatie"},
	{"vestiging__vestigingsNummer", "vestigings_nummer"},
	{"medewerker__identificatie", "medewerker_id"},
	{"organisatorischeEenheid__identificatie", "org_eenheid_id"},
}

var (
	archiefnominaties  = []string{"blijvend_bewaren", "vernietigen"}
	archiefstatussen   = []string{"nog_te_archiveren", "gearchiveerd", "gearchiveerd_procestermijn_onbekend", "overgedragen"}
	betrokkeneTypen    = []string{"natuurlijk_persoon", "niet_natuurlijk_persoon", "vestiging", "organisatorische_eenheid", "medewerker"}
	omschrijvingenGen  = []string{"adviseur", "behandelaar", "belanghebbende", "beslisser", "initiator", "klantcontacter", "zaakcoordinator", "mede_initiator"}
	zaakOrderingFields = map[string]string{"startdatum": "startdatum", "einddatum": "einddatum", "publicatiedatum": "publicatiedatum",
		"archiefactiedatum": "archiefactiedatum", "registratiedatum": "registratiedatum", "identificatie": "identificatie"}
)

// zaakListParams are the query parameters of GET /zaken.
var zaakListParams = func() []string {
	p := []string{"identificatie", "bronorganisatie", "bronorganisatie__in", "zaaktype", "archiefnominatie", "archiefnominatie__in",
		"archiefactiedatum__isnull", "archiefstatus", "archiefstatus__in", "einddatum__isnull", "rol__betrokkeneType",
		"rol__betrokkene", "rol__omschrijvingGeneriek", "maximaleVertrouwelijkheidaanduiding", "expand", "ordering", "page"}
	for _, f := range zaakDateFilters {
		for _, op := range f.ops {
			p = append(p, f.param+op)
		}
	}
	for _, f := range rolIdentificatieFilters {
		p = append(p, "rol__betrokkeneIdentificatie__"+f.param)
	}
	return p
}()

// filterSrc is where the filter values come from: the query string or the _zoek body.
type filterSrc interface {
	str(name string) string // "" when absent
	list(name string) []string
	invalid(name, code, reason string)
}

type querySrc struct{ q *zgw.Query }

func (s querySrc) str(name string) string      { return s.q.String(name) }
func (s querySrc) list(name string) []string   { return s.q.List(name) }
func (s querySrc) invalid(name, c, why string) { s.q.Invalid(name, c, why) }

type bodySrc struct {
	keys map[string]json.RawMessage
	errs *zgw.Errs
}

func (s bodySrc) str(name string) string {
	raw, ok := s.keys[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	var v string
	if json.Unmarshal(raw, &v) == nil {
		return v
	}
	return strings.TrimSpace(string(raw)) // booleans: true/false
}

func (s bodySrc) list(name string) []string {
	var v []string
	if raw, ok := s.keys[name]; ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

func (s bodySrc) invalid(name, c, why string) { s.errs.Add(name, c, why) }

// zaakFilter turns the filters into conditions on table zaak.
func zaakFilter(d *db.DB, src filterSrc, w *db.Where) {
	for _, f := range []struct{ param, col string }{{"identificatie", "identificatie"}, {"bronorganisatie", "bronorganisatie"}} {
		if v := src.str(f.param); v != "" {
			w.And(f.col+" = ?", v)
		}
	}
	if v := src.list("bronorganisatie__in"); len(v) > 0 {
		w.And(d.AnyText("bronorganisatie", "?"), d.TextList(v))
	}
	if v := src.str("zaaktype"); v != "" {
		if !zgw.IsURL(v) {
			src.invalid("zaaktype", "invalid", "Voer een geldige URL in.")
		}
		w.And("zaaktype = ?", v)
	}
	enum := func(param, col string, allowed []string) {
		if v := src.str(param); v != "" {
			if !slices.Contains(allowed, v) {
				src.invalid(param, "invalid_choice", "Selecteer een geldige keuze. "+v+" is geen beschikbare keuze.")
				return
			}
			w.And(col+" = ?", v)
		}
		if vs := src.list(param + "__in"); len(vs) > 0 {
			for _, v := range vs {
				if !slices.Contains(allowed, v) {
					src.invalid(param+"__in", "invalid_choice", "Selecteer een geldige keuze. "+v+" is geen beschikbare keuze.")
					return
				}
			}
			w.And(d.AnyText(col, "?"), d.TextList(vs))
		}
	}
	enum("archiefnominatie", "archiefnominatie", archiefnominaties)
	enum("archiefstatus", "archiefstatus", archiefstatussen)
	for _, f := range zaakDateFilters {
		for _, op := range f.ops {
			v := src.str(f.param + op)
			if v == "" {
				continue
			}
			if !zgw.IsDate(v) {
				src.invalid(f.param+op, "invalid", "Voer een geldige datum in (JJJJ-MM-DD).")
				continue
			}
			w.And(f.col+" "+dateOps[op]+" ?", v)
		}
	}
	for _, f := range []struct{ param, col string }{{"archiefactiedatum__isnull", "archiefactiedatum"}, {"einddatum__isnull", "einddatum"}} {
		switch v := strings.ToLower(src.str(f.param)); v {
		case "":
		case "true", "1":
			w.And(f.col + " IS NULL")
		case "false", "0":
			w.And(f.col + " IS NOT NULL")
		default:
			src.invalid(f.param, "invalid", "Voer true of false in.")
		}
	}
	rol := func(param, cond string, v string) {
		w.And("id IN (SELECT zaak_id FROM rol WHERE "+cond+")", v)
	}
	if v := src.str("rol__betrokkeneType"); v != "" {
		if !slices.Contains(betrokkeneTypen, v) {
			src.invalid("rol__betrokkeneType", "invalid_choice", "Selecteer een geldige keuze.")
		} else {
			rol("rol__betrokkeneType", "betrokkene_type = ?", v)
		}
	}
	if v := src.str("rol__betrokkene"); v != "" {
		if !zgw.IsURL(v) {
			src.invalid("rol__betrokkene", "invalid", "Voer een geldige URL in.")
		} else {
			rol("rol__betrokkene", "betrokkene = ?", v)
		}
	}
	if v := src.str("rol__omschrijvingGeneriek"); v != "" {
		if !slices.Contains(omschrijvingenGen, v) {
			src.invalid("rol__omschrijvingGeneriek", "invalid_choice", "Selecteer een geldige keuze.")
		} else {
			rol("rol__omschrijvingGeneriek", "omschrijving_generiek = ?", v)
		}
	}
	for _, f := range rolIdentificatieFilters {
		if v := src.str("rol__betrokkeneIdentificatie__" + f.param); v != "" {
			rol(f.param, f.col+" = ?", v)
		}
	}
	if v := src.str("maximaleVertrouwelijkheidaanduiding"); v != "" {
		if rank := zgw.VertrouwelijkheidLevel(v); rank < 0 {
			src.invalid("maximaleVertrouwelijkheidaanduiding", "invalid_choice", "Selecteer een geldige keuze.")
		} else {
			w.And("vertrouwelijkheid <= ?", rank)
		}
	}
}

// zaakOrdering is the ORDER BY of the ordering parameter; newest first by default. NULLs
// sort as on PostgreSQL (last ascending, first descending) on both dialects.
func zaakOrdering(src filterSrc, values []string) string {
	var parts []string
	for _, v := range values {
		field, desc := strings.CutPrefix(strings.TrimSpace(v), "-")
		col, ok := zaakOrderingFields[field]
		if !ok {
			src.invalid("ordering", "invalid_choice", "Selecteer een geldige keuze. "+v+" is geen beschikbare keuze.")
			continue
		}
		if desc {
			parts = append(parts, col+" DESC NULLS FIRST")
		} else {
			parts = append(parts, col+" ASC NULLS LAST")
		}
	}
	return strings.Join(append(parts, "id DESC"), ", ")
}

func (r *register) zaakList(c *zgw.Call) error {
	if err := crs(c, false); err != nil {
		return err
	}
	q := c.Query(zaakListParams...)
	src := querySrc{q}
	var w db.Where
	zaakFilter(r.db, src, &w)
	order := zaakOrdering(src, q.List("ordering"))
	exp, err := zgw.ParseExpand(q.String("expand"), zaakExpandPaths)
	if err != nil {
		return err
	}
	if err := q.Err(); err != nil {
		return err
	}
	return r.zaakPage(c, &w, order, q.Page, exp, nil, tellable(c.R.URL.Query()))
}

// zaakTellingParams are the list parameters whose conditions are on zaaktype and
// vertrouwelijkheid only (or none), like the autorisatie predicate.
var zaakTellingParams = map[string]bool{"zaaktype": true, "maximaleVertrouwelijkheidaanduiding": true, "expand": true,
	"ordering": true, "page": true}

// tellable reports whether the count of a list with query q can be summed from
// zaak_telling (00013): every condition is on (zaaktype, vertrouwelijkheid).
func tellable(q url.Values) bool {
	for k := range q {
		if !zaakTellingParams[k] {
			return false
		}
	}
	return true
}

// zoekIn is the part of the _zoek body that is not a list filter.
type zoekIn struct {
	Zaakgeometrie *struct {
		Within json.RawMessage `json:"within"`
	} `json:"zaakgeometrie"`
	UUIDIn     []string `json:"uuid__in"`
	ZaaktypeIn []string `json:"zaaktype__in"`
	Expand     string   `json:"expand"`
	Ordering   string   `json:"ordering"`
}

// zaakZoek is POST /zaken/_zoek: the list filters in a body, plus uuid__in, zaaktype__in and
// zaakgeometrie within a polygon.
func (r *register) zaakZoek(c *zgw.Call) error {
	if err := crs(c, true); err != nil {
		return err
	}
	q := c.Query("page")
	if err := q.Err(); err != nil {
		return err
	}
	var in zoekIn
	keys, err := c.Body("zaak__zoek", &in)
	if err != nil {
		return err
	}
	var errs zgw.Errs
	src := bodySrc{keys: keys, errs: &errs}
	var w db.Where
	zaakFilter(r.db, src, &w)
	// uuid__in and zaaktype__in are one parameter each, however long (db.AnyText).
	if len(in.UUIDIn) > 0 {
		ids := make([]string, len(in.UUIDIn))
		for i, u := range in.UUIDIn {
			if ids[i] = strings.ToLower(u); !zgw.ValidUUID(ids[i]) {
				errs.Add("uuid__in."+strconv.Itoa(i), "invalid", "Voer een geldige UUID in.")
			}
		}
		w.And(r.db.AnyUUID("uuid", "?"), r.db.TextList(ids))
	}
	if len(in.ZaaktypeIn) > 0 {
		w.And(r.db.AnyText("zaaktype", "?"), r.db.TextList(in.ZaaktypeIn))
	}
	var within *geom
	if in.Zaakgeometrie != nil && len(in.Zaakgeometrie.Within) > 0 && string(in.Zaakgeometrie.Within) != "null" {
		g, ok := geoParse(in.Zaakgeometrie.Within)
		if !ok || (g.Type != "Polygon" && g.Type != "MultiPolygon") {
			errs.Add("zaakgeometrie.within", "invalid", "Geef een geldige GeoJSON Polygon of MultiPolygon.")
		} else {
			within = g
			b, _ := geoBBox(in.Zaakgeometrie.Within)
			w.And("geo_minx >= ? AND geo_maxx <= ? AND geo_miny >= ? AND geo_maxy <= ?", b[0], b[2], b[1], b[3])
		}
	}
	var ordering []string
	if in.Ordering != "" {
		ordering = strings.Split(in.Ordering, ",")
	}
	order := zaakOrdering(src, ordering)
	exp, err := zgw.ParseExpand(in.Expand, zaakExpandPaths)
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return r.zaakPage(c, &w, order, q.Page, exp, within, false)
}

// zaakPage answers one page of the zaken matching w that the client may read (zrc-006),
// expanded as asked. within, when set, is tested exactly on the candidates that the bounding
// box in w selected.
func (r *register) zaakPage(c *zgw.Call, w *db.Where, order string, page int, exp zgw.Expand, within *geom, telling bool) error {
	ctx := c.Ctx()
	if zt := c.R.URL.Query().Get("zaaktype"); c.R.Method == http.MethodGet && zt != "" {
		authWhereZaaktype(w, c.Principal.Grants, zt)
	} else {
		authWhere(w, c.Principal.Grants, "", scopeLezen)
	}
	var p db.Page
	var err error
	switch {
	case within == nil && telling:
		p, err = r.zaakPageTelling(ctx, w, order, page)
	case within == nil:
		p, err = db.List(ctx, r.db, "zaak", w, order, page, zgw.PageSize)
	default:
		p, err = r.zaakWithin(ctx, w, order, page, within)
	}
	if err != nil {
		return err
	}
	var items []*zaakOut
	if len(p.IDs) > 0 {
		rows, err := zaakLoad(ctx, r.db, r.db.AnyID("z.id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return err
		}
		byID := map[int64]*zaakRow{}
		for _, x := range rows {
			byID[x.id] = x
		}
		ordered := make([]*zaakRow, 0, len(rows))
		for _, id := range p.IDs {
			if x, ok := byID[id]; ok {
				ordered = append(ordered, x)
			}
		}
		if items, err = r.zaakRender(ctx, r.db, ordered); err != nil {
			return err
		}
		if err := r.expandZaken(c, items, exp); err != nil {
			return err
		}
	}
	env, err := zgw.Paginate(c, page, p.Count, items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, env)
}

// authWhereZaaktype is authWhere for a list filtered on one zaaktype: the predicate over all
// the client's zaaktypen reduces to the maximum vertrouwelijkheid of that one, which the
// index (zaaktype, id, vertrouwelijkheid) checks without comparing the zaaktype against the
// whole list of the client's zaaktypen for every entry of a deep page (zrc-006).
func authWhereZaaktype(w *db.Where, g *zgw.Grants, zaaktype string) {
	all, limits := g.TypeLimits(component, scopeLezen)
	if all {
		return
	}
	rank, ok := limits[zaaktype]
	if !ok {
		w.And("1=0")
		return
	}
	w.And("vertrouwelijkheid <= ?", rank)
}

// zaakPageTelling is db.List for a w on (zaaktype, vertrouwelijkheid) only: the exact count
// is a sum over the few rows of zaak_telling that match instead of a scan of every matching
// zaak, which is what makes the first page of a zaaktype or of everything a client may see
// cheap at a million zaken.
func (r *register) zaakPageTelling(ctx context.Context, w *db.Where, order string, page int) (db.Page, error) {
	var p db.Page
	var n int64
	if err := r.db.QueryRow(ctx, "SELECT CAST(COALESCE(SUM(aantal), 0) AS BIGINT) FROM zaak_telling"+w.SQL(), w.Args...).Scan(&n); err != nil {
		return p, fmt.Errorf("count zaak: %w", err)
	}
	p.Count = int(n)
	offset := (page - 1) * zgw.PageSize
	if p.Count == 0 || offset >= p.Count {
		return p, nil
	}
	k := len(w.Args)
	rows, err := r.db.Query(ctx, fmt.Sprintf("SELECT id FROM zaak%s ORDER BY %s LIMIT $%d OFFSET $%d", w.SQL(), order, k+1, k+2),
		append(w.Args[:k:k], zgw.PageSize, offset)...)
	if err != nil {
		return p, fmt.Errorf("list zaak: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return p, err
		}
		p.IDs = append(p.IDs, id)
	}
	return p, rows.Err()
}

// zaakWithin pages the candidates of w whose geometry lies within the polygon.
func (r *register) zaakWithin(ctx context.Context, w *db.Where, order string, page int, within *geom) (db.Page, error) {
	var p db.Page
	rows, err := r.db.Query(ctx, "SELECT id, data FROM zaak"+w.SQL()+" ORDER BY "+order, w.Args...)
	if err != nil {
		return p, fmt.Errorf("zaak within: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return p, err
		}
		var d struct {
			Zaakgeometrie json.RawMessage `json:"zaakgeometrie"`
		}
		if json.Unmarshal(data, &d) == nil && geoWithin(d.Zaakgeometrie, within) {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	p.Count = len(ids)
	from := (page - 1) * zgw.PageSize
	if from < len(ids) {
		p.IDs = ids[from:min(from+zgw.PageSize, len(ids))]
	}
	return p, nil
}
