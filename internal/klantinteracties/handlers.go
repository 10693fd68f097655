package klantinteracties

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// maxPageSize is Open Klant's upper bound of pageSize; PageSize its default.
const maxPageSize = 500

func (r *register) mountResource(s *resource) {
	a := r.api
	a.Handle("GET /"+s.coll, zgw.Access{}, guard(func(c *zgw.Call) error { return r.list(c, s) }))
	a.Handle("POST /"+s.coll, zgw.Access{}, guard(func(c *zgw.Call) error { return r.create(c, s) }))
	a.Handle("GET /"+s.coll+"/{uuid}", zgw.Access{}, guard(func(c *zgw.Call) error { return r.retrieve(c, s) }))
	a.Handle("PUT /"+s.coll+"/{uuid}", zgw.Access{}, guard(func(c *zgw.Call) error { return r.update(c, s, false) }))
	a.Handle("PATCH /"+s.coll+"/{uuid}", zgw.Access{}, guard(func(c *zgw.Call) error { return r.update(c, s, true) }))
	a.Handle("DELETE /"+s.coll+"/{uuid}", zgw.Access{}, guard(func(c *zgw.Call) error { return r.destroy(c, s) }))
}

func pathUUID(c *zgw.Call) string {
	id := strings.ToLower(c.R.PathValue("uuid"))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// page is the list envelope (PaginatedXList).
type page struct {
	Count    int              `json:"count"`
	Next     *string          `json:"next"`
	Previous *string          `json:"previous"`
	Results  []map[string]any `json:"results"`
}

func (r *register) list(c *zgw.Call, s *resource) error {
	allowedParams := []string{"page", "pageSize"}
	for _, f := range s.filters {
		allowedParams = append(allowedParams, f.param)
	}
	if len(s.expand) > 0 {
		allowedParams = append(allowedParams, "expand")
	}
	q := c.Query(allowedParams...)
	size := zgw.PageSize
	if n, ok := q.Int("pageSize"); ok {
		if n < 1 {
			q.Invalid("pageSize", "invalid", "Een geldig paginaformaat is vereist.")
		}
		size = min(max(n, 1), maxPageSize)
	}
	var cs []cond
	for _, f := range s.filters {
		if !q.Has(f.param) {
			continue
		}
		if c, ok := r.filterCond(q, f); ok {
			cs = append(cs, c)
		}
	}
	expand := r.expandParam(q, s)
	if err := q.Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, s.table, where(cs), "id", q.Page, size)
	if err != nil {
		return err
	}
	last := (p.Count + size - 1) / size
	if q.Page > 1 && q.Page > last {
		return zgw.Errorf(zgw.NotFound, "not_found", "Ongeldige pagina.")
	}
	var outs []map[string]any
	if len(p.IDs) > 0 {
		rows, err := r.load(ctx, r.db, s, "id IN ("+db.Placeholders(1, len(p.IDs))+")", db.Int64s(p.IDs)...)
		if err != nil {
			return err
		}
		if outs, err = r.render(ctx, r.db, s, rows); err != nil {
			return err
		}
		if err := r.expand(ctx, r.db, s, outs, expand); err != nil {
			return err
		}
	}
	out := page{Count: p.Count, Results: outs}
	if out.Results == nil {
		out.Results = []map[string]any{}
	}
	link := func(n int) *string {
		v := c.R.URL.Query()
		v.Set("page", strconv.Itoa(n))
		u := c.API.PublicURL + c.R.URL.Path + "?" + v.Encode()
		return &u
	}
	if q.Page < last {
		out.Next = link(q.Page + 1)
	}
	if q.Page > 1 {
		out.Previous = link(q.Page - 1)
	}
	return c.JSON(http.StatusOK, out)
}

// cond is the SQL condition of one filter of a request, with its arguments.
type cond struct {
	sql  string
	args []any
	sub  string
}

// filterCond turns one query parameter into a condition; a malformed value is a 400 and,
// like an empty boolean, gives no condition.
func (r *register) filterCond(q *zgw.Query, f filter) (cond, bool) {
	c := cond{sql: f.cond, sub: f.sub}
	v := q.String(f.param)
	typ, arg, _ := strings.Cut(f.typ, ":")
	switch typ {
	case "b":
		b := q.Bool(f.param)
		switch {
		case b == nil:
			return c, false
		case f.condFalse != "" && *b: // cond as it is, without argument
		case f.condFalse != "":
			c.sql = f.condFalse
		default:
			c.args = []any{*b}
		}
		return c, true
	case "uuid":
		v = strings.ToLower(v)
		if !zgw.ValidUUID(v) {
			q.Invalid(f.param, "invalid", "Voer een geldige UUID in.")
			return c, false
		}
	case "url":
		u := q.URL(f.param)
		if u == "" {
			return c, false
		}
		id, ok := r.api.ParseURL(u, arg)
		if !ok {
			c.sql = "1=0" // not an object of this API: nothing refers to it
			return c, true
		}
		v = id
	case "date":
		if q.Date(f.param) == "" {
			return c, false
		}
	case "enum":
		if q.Enum(f.param, strings.Split(arg, "|")...) == "" {
			return c, false
		}
	case "datetime":
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			q.Invalid(f.param, "invalid", "Voer een geldige datum/tijd in.")
			return c, false
		}
		v = t.UTC().Format(time.RFC3339Nano)
	case "like":
		v = "%" + strings.ToLower(v) + "%"
	}
	c.args = []any{v}
	return c, true
}

// where ANDs the conditions of a request. Conditions with the same sub go into one
// subquery, so that they hold for one and the same row of it: with codeSoortObjectId=bsn
// and objectId=111222333 the partijIdentificator__ filters find the partij with that BSN,
// not one with some BSN and another identificator 111222333.
func where(cs []cond) *db.Where {
	var out []cond
	at := map[string]int{}
	for _, c := range cs {
		if i, ok := at[c.sub]; ok && c.sub != "" {
			out[i].sql += " AND " + c.sql
			out[i].args = append(out[i].args, c.args...)
			continue
		}
		at[c.sub] = len(out)
		out = append(out, c)
	}
	var w db.Where
	for _, c := range out {
		if c.sub != "" {
			c.sql = fmt.Sprintf(c.sub, c.sql)
		}
		w.And(c.sql, c.args...)
	}
	return &w
}

func (r *register) retrieve(c *zgw.Call, s *resource) error {
	allowedParams := []string{}
	if len(s.expand) > 0 {
		allowedParams = append(allowedParams, "expand")
	}
	q := c.Query(allowedParams...)
	expand := r.expandParam(q, s)
	if err := q.Err(); err != nil {
		return err
	}
	id := pathUUID(c)
	if id == "" {
		return zgw.ErrNotFound()
	}
	out, err := r.one(c.Ctx(), r.db, s, id)
	if err != nil {
		return err
	}
	if out == nil {
		return zgw.ErrNotFound()
	}
	if err := r.expand(c.Ctx(), r.db, s, []map[string]any{out}, expand); err != nil {
		return err
	}
	return c.Detail(out)
}

func (r *register) create(c *zgw.Call, s *resource) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	var body map[string]json.RawMessage
	if _, err := c.Body(s.op+"Create", &body); err != nil {
		return err
	}
	var out map[string]any
	err := r.db.Update(c.Ctx(), func(tx *db.Tx) error {
		w, err := r.apply(c.Ctx(), tx, c, s, nil, body, false, "")
		if err != nil {
			return err
		}
		if out, err = r.one(c.Ctx(), tx, s, w.uuid); err != nil {
			return err
		}
		return r.notify(c, tx, s, w.uuid, "create", w.data)
	})
	if err != nil {
		return err
	}
	return c.Created(out["url"].(string), out)
}

func (r *register) update(c *zgw.Call, s *resource, partial bool) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	id := pathUUID(c)
	if id == "" {
		return zgw.ErrNotFound()
	}
	op := s.op + "Update"
	if partial {
		op = s.op + "PartialUpdate"
	}
	ctx := c.Ctx()
	old, err := r.load(ctx, r.db, s, "uuid = $1", id)
	if err != nil {
		return err
	}
	if len(old) == 0 {
		return zgw.ErrNotFound()
	}
	var body map[string]json.RawMessage
	if _, err := c.Body(op, &body); err != nil {
		return err
	}
	var out map[string]any
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// The body is applied to the row as it is now, locked: concurrent updates each keep
		// their change.
		if err := tx.LockRow(ctx, s.table, "uuid = $1", id); err != nil {
			return err
		}
		cur, err := r.load(ctx, tx, s, "uuid = $1", id)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
		}
		w, err := r.apply(ctx, tx, c, s, cur[0], body, partial, "")
		if err != nil {
			return err
		}
		if out, err = r.one(ctx, tx, s, w.uuid); err != nil {
			return err
		}
		actie := "update"
		if partial {
			actie = "partial_update"
		}
		return r.notify(c, tx, s, w.uuid, actie, w.data)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (r *register) destroy(c *zgw.Call, s *resource) error {
	allowedParams := []string{}
	if s.coll == "onderwerpobjecten" {
		allowedParams = append(allowedParams, "cascade")
	}
	q := c.Query(allowedParams...)
	cascade := q.Bool("cascade")
	if err := q.Err(); err != nil {
		return err
	}
	id := pathUUID(c)
	if id == "" {
		return zgw.ErrNotFound()
	}
	if cascade != nil && *cascade {
		return r.onderwerpobjectCascade(c, s, id)
	}
	ctx := c.Ctx()
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := r.load(ctx, tx, s, "uuid = $1", id)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
		}
		if err := r.notify(c, tx, s, id, "destroy", cur[0].data); err != nil {
			return err
		}
		return r.remove(ctx, tx, s, id)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// notify writes the notification of a mutation of s on its kanaal (klantinteracties.md §5).
func (r *register) notify(c *zgw.Call, tx *db.Tx, s *resource, uuid, actie string, data map[string]json.RawMessage) error {
	if s.kanaal == "" {
		return nil
	}
	u := r.api.URL(s.coll, uuid)
	k := map[string]string{}
	if s.kenmerken != nil {
		k = s.kenmerken(data)
	}
	return zgw.Notify(c.Ctx(), tx, zgw.Notificatie{
		Kanaal: s.kanaal, HoofdObject: u, Resource: s.name, ResourceURL: u, Actie: actie, Kenmerken: k,
	})
}

// expandParam reads ?expand=a,b.c (closed list per endpoint).
func (r *register) expandParam(q *zgw.Query, s *resource) []string {
	var out []string
	for _, e := range q.List("expand") {
		if !slices.Contains(s.expand, e) {
			q.Invalid("expand", "invalid_choice", "Selecteer een geldige keuze. "+e+" is geen beschikbare keuze.")
			continue
		}
		out = append(out, e)
	}
	return out
}
