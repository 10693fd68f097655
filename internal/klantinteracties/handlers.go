package klantinteracties

import (
	"encoding/json"
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
	var w db.Where
	for _, f := range s.filters {
		if !q.Has(f.param) {
			continue
		}
		r.addFilter(q, &w, f)
	}
	expand := r.expandParam(q, s)
	if err := q.Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, s.table, &w, "id", q.Page, size)
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

// addFilter turns one query parameter into a condition; a malformed value is a 400.
func (r *register) addFilter(q *zgw.Query, w *db.Where, f filter) {
	v := q.String(f.param)
	typ, arg, _ := strings.Cut(f.typ, ":")
	switch typ {
	case "b":
		b := q.Bool(f.param)
		switch {
		case b == nil:
		case f.condFalse != "" && *b:
			w.And(f.cond)
		case f.condFalse != "":
			w.And(f.condFalse)
		default:
			w.And(f.cond, *b)
		}
	case "uuid":
		v = strings.ToLower(v)
		if !zgw.ValidUUID(v) {
			q.Invalid(f.param, "invalid", "Voer een geldige UUID in.")
			return
		}
		w.And(f.cond, v)
	case "url":
		u := q.URL(f.param)
		if u == "" {
			return
		}
		id, ok := r.api.ParseURL(u, arg)
		if !ok {
			w.And("1=0") // not an object of this API: nothing refers to it
			return
		}
		w.And(f.cond, id)
	case "date":
		if q.Date(f.param) == "" {
			return
		}
		w.And(f.cond, v)
	case "enum":
		if q.Enum(f.param, strings.Split(arg, "|")...) == "" {
			return
		}
		w.And(f.cond, v)
	case "datetime":
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			q.Invalid(f.param, "invalid", "Voer een geldige datum/tijd in.")
			return
		}
		w.And(f.cond, t.UTC().Format(time.RFC3339Nano))
	case "like":
		w.And(f.cond, "%"+strings.ToLower(v)+"%")
	default:
		w.And(f.cond, v)
	}
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
