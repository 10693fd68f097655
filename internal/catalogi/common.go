package catalogi

// What catalogus, zaaktype, informatieobjecttype, besluittype and zaaktype-
// informatieobjecttype share: access, list filters, lists of names stored as text, the
// one-query loading of everything a page refers to, and writing JSON without reflection
// (a page of 100 zaaktypen must render in well under a millisecond).

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// ztc-014: a client that reads zaken or documenten (a ZRC or DRC resolving its types) may
// read the catalogue too; the rule is applied to every read.
var ztcRead = zgw.Access{Scopes: []string{"catalogi.lezen", "zaken.lezen", "documenten.lezen"}, AnyComponent: true}

const (
	ztcSchrijven             = "catalogi.schrijven"
	ztcGeforceerdSchrijven   = "catalogi.geforceerd-schrijven"
	ztcGeforceerdVerwijderen = "catalogi.geforceerd-verwijderen"
)

// Lists of names (trefwoorden, besluittype omschrijvingen, zaaktype identificaties) are
// stored as text with a newline before and after every name, so "contains" is one LIKE
// that both dialects run the same way.

func naamlijst(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "\n" + strings.Join(names, "\n") + "\n"
}

func naamlijstLees(s string) []string {
	s = strings.Trim(s, "\n")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func naamlijstBevat(s, name string) bool { return strings.Contains(s, "\n"+name+"\n") }

// naamlijstLike is the LIKE pattern (with ESCAPE '\') matching a list that contains name.
func naamlijstLike(name string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%\n" + r.Replace(name) + "\n%"
}

// likeAll is the condition that col matches every naamlijstLike pattern bound at p as
// db.TextList, in one parameter however many there are.
func (r *register) likeAll(col, p string) string {
	if r.db.Dialect == db.Postgres {
		return `NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(` + p + ` AS JSONB)) AS t(v) WHERE ` + col + ` NOT LIKE t.v ESCAPE '\')`
	}
	return `NOT EXISTS (SELECT 1 FROM json_each(` + p + `) WHERE ` + col + ` NOT LIKE value ESCAPE '\')`
}

// distinctNames drops empty and repeated names, keeping the first occurrence.
func distinctNames(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// distinct drops repeated values, keeping the first occurrence.
func distinct[T comparable](in []T) []T {
	seen := make(map[T]bool, len(in))
	out := make([]T, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// paginaCatalogi are the distinct catalogus ids of a page of rows, for relq.in.
func paginaCatalogi[T any](rows []T, catID func(T) int64) []any {
	ids := make([]int64, len(rows))
	for i, x := range rows {
		ids[i] = catID(x)
	}
	return anys(distinct(ids))
}

func anys[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// pathUUID is the {uuid} of the path, or "" when it is not a UUID (a 404).
func pathUUID(c *zgw.Call) string {
	id := strings.ToLower(c.R.PathValue("uuid"))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// ztcCatalogus resolves the catalogus URL of a request: it must be a catalogus of this API
// (a zaaktype of another catalogue API cannot live here). A URL that leads nowhere is
// bad-url; one that leads to anything else, invalid-resource.
func (r *register) ztcCatalogus(ctx context.Context, q db.Querier, field, u string) (int64, string, error) {
	if id, ok := r.api.ParseURL(u, "catalogussen"); ok {
		var pk int64
		err := q.QueryRow(ctx, `SELECT id FROM catalogus WHERE uuid = $1`, id).Scan(&pk)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", zgw.FieldError(field, "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
		}
		if err != nil {
			return 0, "", fmt.Errorf("catalogus %s: %w", id, err)
		}
		return pk, id, nil
	}
	if err := r.api.Refs.Resource(ctx, field, u, nil, "domein", "rsin"); err != nil {
		return 0, "", err
	}
	return 0, "", zgw.FieldError(field, "invalid-resource", "De URL "+u+" is geen catalogus van deze Catalogi API.")
}

// relatieNamen checks the names of a relation by name (catalogi §4) before they are stored:
// each must name a version of t in catalogus catID (ztc-013). A URL of such a version is
// accepted too and stored as its name, so clients written for 1.2 keep working. It returns
// the distinct names. wrong is the invalidParams name of relations-incorrect-catalogus.
func (r *register) relatieNamen(ctx context.Context, q db.Querier, t *hoofdtype, field, wrong string, catID int64, items []string, errs *zgw.Errs) ([]string, error) {
	names := make([]string, 0, len(items))
	for i, item := range items {
		if !zgw.IsURL(item) {
			names = append(names, item)
			continue
		}
		id, ok := r.api.ParseURL(item, t.collection)
		var cat int64
		var name string
		err := sql.ErrNoRows
		if ok {
			err = q.QueryRow(ctx, `SELECT catalogus_id, `+t.naamCol+` FROM `+t.table+` WHERE uuid = $1`, id).Scan(&cat, &name)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			errs.Add(fmt.Sprintf("%s.%d", field, i), "bad-url", "De URL "+item+" wijst niet naar een "+t.resource+" van deze Catalogi API.")
		case err != nil:
			return nil, fmt.Errorf("%s %s: %w", t.table, id, err)
		case cat != catID:
			errs.Add(wrong, "relations-incorrect-catalogus", "Het "+t.resource+" "+item+" hoort bij een andere catalogus.")
		default:
			names = append(names, name)
		}
	}
	names = distinctNames(names)
	if len(names) == 0 {
		return names, nil
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT catalogus_id, `+t.naamCol+` FROM `+t.table+` WHERE `+r.db.AnyText(t.naamCol, "$1"), r.db.TextList(names))
	if err != nil {
		return nil, fmt.Errorf("%s names: %w", t.table, err)
	}
	defer rows.Close()
	here, elsewhere := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var cat int64
		var name string
		if err := rows.Scan(&cat, &name); err != nil {
			return nil, err
		}
		if cat == catID {
			here[name] = true
		} else {
			elsewhere[name] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		switch {
		case here[name] && !strings.Contains(name, "\n"):
		case elsewhere[name]:
			errs.Add(wrong, "relations-incorrect-catalogus", "Het "+t.resource+" "+strconv.Quote(name)+" hoort bij een andere catalogus.")
		default:
			errs.Add(field, "does_not_exist", "Er is geen "+t.resource+" "+strconv.Quote(name)+" in deze catalogus.")
		}
	}
	return names, nil
}

// relq is one UNION ALL query that fetches everything a page of resources refers to, so a
// page costs one round trip to the database whatever its size. Every branch selects the same
// columns: kind, owner (the id the row belongs to), sort, uuid, naam, extra and geldig
// (1 when the row is a published version valid on the peildatum).
type relq struct {
	dialect  db.Dialect
	args     []any
	branches []string
}

func (r *register) relq() *relq { return &relq{dialect: r.db.Dialect} }

// relrow is one row of a relq.
type relrow struct {
	kind        int
	owner, sort int64
	uuid, naam  string
	extra       string
	geldig      bool
}

func (q *relq) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// in returns a subquery of the values (ids or names) for "x IN (...)"; it can be used in
// several branches. The values travel as one JSON array parameter, so the statement text
// does not grow with the page (SQLite parses it faster, PostgreSQL can keep it prepared).
func (q *relq) in(vals []any) string {
	if len(vals) == 0 {
		return "SELECT NULL WHERE 1=0"
	}
	b, _ := json.Marshal(vals)
	p := q.arg(string(b))
	_, ids := vals[0].(int64)
	switch {
	case q.dialect == db.Postgres && ids:
		return "SELECT (jsonb_array_elements_text(" + p + "::jsonb))::bigint"
	case q.dialect == db.Postgres:
		return "SELECT jsonb_array_elements_text(" + p + "::jsonb)"
	default:
		return "SELECT value FROM json_each(" + p + ")"
	}
}

// agg is the aggregate that joins expr over a group with commas, in the order of orderBy.
func (q *relq) agg(expr, orderBy string) string {
	if q.dialect == db.Postgres {
		return "string_agg(" + expr + ", ',' ORDER BY " + orderBy + ")"
	}
	return "group_concat(" + expr + ", ',' ORDER BY " + orderBy + ")"
}

// add adds a branch: a SELECT of kind, owner, sort, uuid, naam, extra, geldig (in that order).
func (q *relq) add(format string, args ...any) {
	q.branches = append(q.branches, fmt.Sprintf(format, args...))
}

// geldig is the condition "published and valid on date" for alias.
func (q *relq) geldig(alias, date string) string {
	d := q.arg(date)
	return fmt.Sprintf("%[1]s.concept = %[2]s AND %[1]s.begin_geldigheid <= %[3]s AND (%[1]s.einde_geldigheid IS NULL OR %[1]s.einde_geldigheid >= %[3]s)", alias, q.arg(false), d)
}

// geldigFlag is geldig as a 0/1 column.
func (q *relq) geldigFlag(alias, date string) string {
	return "CASE WHEN " + q.geldig(alias, date) + " THEN 1 ELSE 0 END"
}

// bereik adds the first begin and last einde over all versions of the named types (the
// beginObject and eindeObject of a version); kind k, owner catalogus_id, naam the name,
// uuid the first begin and extra the last einde ("" while a version is open-ended).
func (q *relq) bereik(k int, t *hoofdtype, catIn, namesIn string) {
	q.add(`SELECT %d, catalogus_id, 0, CAST(MIN(begin_geldigheid) AS TEXT), %[2]s,
		CASE WHEN COUNT(*) > COUNT(einde_geldigheid) THEN '' ELSE CAST(MAX(einde_geldigheid) AS TEXT) END, 1
		FROM %[3]s WHERE catalogus_id IN (%[4]s) AND %[2]s IN (%[5]s) GROUP BY catalogus_id, %[2]s`, k, t.naamCol, t.table, catIn, namesIn)
}

func (q *relq) run(ctx context.Context, d db.Querier) ([]relrow, error) {
	if len(q.branches) == 0 {
		return nil, nil
	}
	rows, err := d.Query(ctx, strings.Join(q.branches, "\nUNION ALL\n"), q.args...)
	if err != nil {
		return nil, fmt.Errorf("relations: %w", err)
	}
	defer rows.Close()
	var out []relrow
	for rows.Next() {
		var x relrow
		var geldig int
		if err := rows.Scan(&x.kind, &x.owner, &x.sort, &x.uuid, &x.naam, &x.extra, &geldig); err != nil {
			return nil, fmt.Errorf("relations: %w", err)
		}
		x.geldig = geldig == 1
		x.uuid = strings.ToLower(x.uuid)
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("relations: %w", err)
	}
	// Sorted here rather than by the query: an ORDER BY over the whole union made the
	// database sort every row with its strings, a large part of a cold page.
	slices.SortStableFunc(out, func(a, b relrow) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.owner, b.owner), cmp.Compare(a.sort, b.sort))
	})
	return out, nil
}

// catNaam identifies the versions of one type: its catalogus and name.
type catNaam struct {
	cat  int64
	naam string
}

// bereikVan is the beginObject/eindeObject of a type.
type bereikVan struct{ begin, einde string }

// versies indexes relrows of one kind by catalogus and name.
type versies map[catNaam][]relrow

func (v versies) add(x relrow) { k := catNaam{x.owner, x.naam}; v[k] = append(v[k], x) }

// geldige returns the uuids of the published versions valid on the peildatum.
func (v versies) geldige(cat int64, naam string) []string {
	var out []string
	for _, x := range v[catNaam{cat, naam}] {
		if x.geldig {
			out = append(out, x.uuid)
		}
	}
	return out
}

// een returns the version a single-valued relation renders: the one valid on the
// peildatum, else the newest version there is (a concept being prepared), else "".
func (v versies) een(cat int64, naam string) string {
	xs := v[catNaam{cat, naam}]
	for _, x := range xs {
		if x.geldig {
			return x.uuid
		}
	}
	if len(xs) > 0 {
		return xs[len(xs)-1].uuid
	}
	return ""
}

// jw writes JSON by hand: the stored data of a resource is spliced in as it is, and only
// the computed fields are written here.
type jw struct{ b []byte }

func (w *jw) sep() {
	if n := len(w.b); n > 0 && w.b[n-1] != '{' && w.b[n-1] != '[' && w.b[n-1] != ':' {
		w.b = append(w.b, ',')
	}
}

func (w *jw) open()  { w.sep(); w.b = append(w.b, '{') }
func (w *jw) close() { w.b = append(w.b, '}') }

func (w *jw) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jw) str(k, v string) { w.key(k); w.b = appendJSONString(w.b, v) }

func (w *jw) boolean(k string, v bool) { w.key(k); w.b = strconv.AppendBool(w.b, v) }

func (w *jw) int(k string, v int64) { w.key(k); w.b = strconv.AppendInt(w.b, v, 10) }

// date writes a nullable date: "" is null.
func (w *jw) date(k string, v string) {
	if v == "" {
		w.key(k)
		w.b = append(w.b, "null"...)
		return
	}
	w.str(k, v)
}

func (w *jw) strs(k string, vs []string) {
	w.key(k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendJSONString(w.b, v)
	}
	w.b = append(w.b, ']')
}

// urls writes the URLs of uuids in collection, each once. A page writes some 1,500 of
// them, so the common case builds no strings: the uuids (as the database gives them) and a
// plain prefix are copied in place, and short lists find repeats without a map.
func (w *jw) urls(k string, api *zgw.API, collection string, uuids []string) {
	w.key(k)
	w.b = append(w.b, '[')
	prefix := api.URL(collection, "")
	plain := jsonPlain(prefix)
	var seen map[string]bool
	if len(uuids) > 32 {
		seen = make(map[string]bool, len(uuids))
	}
	for i, u := range uuids {
		if seen != nil && seen[u] || seen == nil && slices.Contains(uuids[:i], u) {
			continue
		}
		if seen != nil {
			seen[u] = true
		}
		if w.b[len(w.b)-1] != '[' {
			w.b = append(w.b, ',')
		}
		if plain && jsonPlain(u) {
			w.b = append(w.b, '"')
			w.b = append(w.b, prefix...)
			w.b = append(w.b, u...)
			w.b = append(w.b, '"')
		} else {
			w.b = appendJSONString(w.b, prefix+u)
		}
	}
	w.b = append(w.b, ']')
}

// splice appends the members of the stored JSON object data and closes the object.
func (w *jw) splice(data []byte) {
	s := strings.TrimSpace(string(data))
	s = strings.TrimPrefix(s, "{")
	if strings.TrimSpace(s) == "}" || s == "" {
		w.close()
		return
	}
	w.sep()
	w.b = append(w.b, s...)
}

// appendJSONString appends s as a JSON string; plain ASCII (URLs, dates, most names) is
// copied as is.
func appendJSONString(b []byte, s string) []byte {
	if !jsonPlain(s) {
		q, _ := json.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain reports whether s is written in JSON as it is, between quotes.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ztcList answers a list request from the cache, key being the request and peildatum;
// render renders the page.
func (r *register) ztcList(c *zgw.Call, date string, render func() ([]byte, error)) error {
	b, err := r.cached(c.Ctx(), "list "+c.R.URL.Path+"?"+c.R.URL.RawQuery+" "+r.peildatum(date), render)
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "application/json")
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(b)
	return err
}

// ztcDetail answers a detail request from the cache, with ETag, If-None-Match and HEAD.
func (r *register) ztcDetail(c *zgw.Call, date string, render func() ([]byte, error)) error {
	b, err := r.cached(c.Ctx(), "detail "+c.R.URL.Path+" "+r.peildatum(date), render)
	if err != nil {
		return err
	}
	return c.Detail(json.RawMessage(b))
}

// written answers a write: 201 with the location for a create, else 200, with the resource
// that one renders.
func (r *register) written(c *zgw.Call, created bool, collection, id string, one func(ctx context.Context, id string) ([]byte, error)) error {
	b, err := one(c.Ctx(), id)
	if err != nil {
		return err
	}
	if created {
		return c.Created(r.api.URL(collection, id), jsonRaw(b))
	}
	return c.JSON(http.StatusOK, jsonRaw(b))
}

// ztcPage renders a page of rendered resources in the pagination envelope.
func ztcPage(c *zgw.Call, page, count int, items [][]byte) ([]byte, error) {
	p, err := zgw.Paginate[json.RawMessage](c, page, count, nil)
	if err != nil {
		return nil, err
	}
	n := 64
	for _, it := range items {
		n += len(it) + 1
	}
	w := jw{b: make([]byte, 0, n)}
	w.open()
	w.int("count", int64(p.Count))
	for _, l := range []struct {
		k string
		v *string
	}{{"next", p.Next}, {"previous", p.Previous}} {
		if l.v == nil {
			w.key(l.k)
			w.b = append(w.b, "null"...)
		} else {
			w.str(l.k, *l.v)
		}
	}
	w.key("results")
	w.b = append(w.b, '[')
	for i, it := range items {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, it...)
	}
	w.b = append(w.b, ']', '}')
	return w.b, nil
}

// inOrder returns the rows in the order of ids (a page's order), dropping rows not found.
func inOrder[T any](ids []int64, rows []T, id func(T) int64) []T {
	byID := make(map[int64]T, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	out := make([]T, 0, len(ids))
	for _, i := range ids {
		if r, ok := byID[i]; ok {
			out = append(out, r)
		}
	}
	return out
}

// jsonData marshals the stored fields of a resource for its data column.
func jsonData(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode data: %w", err)
	}
	return string(b), nil
}

// nonNil makes an absent list an empty one: lists are rendered as [], never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func jsonRaw(b []byte) json.RawMessage { return json.RawMessage(b) }

// jsonUnmarshal decodes stored data.
func jsonUnmarshal(data []byte, dst any) error {
	if err := json.Unmarshal(data, dst); err != nil {
		return fmt.Errorf("decode stored data: %w", err)
	}
	return nil
}

// wrapErr wraps a database error with what was being done; nil stays nil.
func wrapErr(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
