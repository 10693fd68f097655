package objecten

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// listParams are the filters of GET /objects and POST /objects/search.
type listParams struct {
	Type             string `json:"type"`
	TypeVersion      *int   `json:"typeVersion"`
	DataAttrs        string `json:"data_attrs"`
	DataAttr         string `json:"data_attr"` // search body: one expression
	dataAttr         []string
	DataIcontains    string `json:"data_icontains"`
	Date             string `json:"date"`
	RegistrationDate string `json:"registrationDate"`
	Ordering         string `json:"ordering"`
}

// recordColumns are the record fields ordering accepts besides record__data__<key>.
var recordColumns = map[string]string{
	"record__index": "r.idx", "record__typeVersion": "r.type_version", "record__startAt": "r.start_at",
	"record__endAt": "r.end_at", "record__registrationAt": "r.registration_at",
}

// where turns the filters into SQL on object_record r, restricted to the readable
// objecttypen; it returns the ORDER BY too.
func (r *register) where(p *listParams, acc *access, today string) (*db.Where, string, error) {
	var w db.Where
	var errs zgw.Errs
	s := sqlJSON{r.db.Dialect}
	if p.Type != "" {
		if !zgw.IsURL(p.Type) {
			errs.Add("type", "invalid", "Voer een geldige URL in.")
		}
		w.And("r.type_uuid = ?", lastSegment(p.Type))
	}
	if p.TypeVersion != nil {
		w.And("r.type_version = ?", *p.TypeVersion)
	}
	for _, d := range []struct{ name, v string }{{"date", p.Date}, {"registrationDate", p.RegistrationDate}} {
		if d.v != "" && !zgw.IsDate(d.v) {
			errs.Add(d.name, "invalid", "Voer een geldige datum in (JJJJ-MM-DD).")
		}
	}
	var exprs []struct{ param, expr string }
	if p.DataAttrs != "" {
		for _, e := range strings.Split(p.DataAttrs, ",") {
			exprs = append(exprs, struct{ param, expr string }{"data_attrs", e})
		}
	}
	for _, e := range p.dataAttr {
		exprs = append(exprs, struct{ param, expr string }{"data_attr", e})
	}
	for _, e := range exprs {
		a, err := parseDataAttr(e.param, e.expr)
		if err == nil {
			err = s.where(&w, e.param, a)
		}
		if err != nil {
			errs.Params = append(errs.Params, err.(*zgw.Error).InvalidParams...)
		}
	}
	if p.DataIcontains != "" {
		s.icontainsAll(&w, p.DataIcontains)
	}
	order := []string{}
	if p.Ordering != "" {
		for _, f := range strings.Split(p.Ordering, ",") {
			f = strings.TrimSpace(f)
			desc := strings.HasPrefix(f, "-")
			name := strings.TrimPrefix(f, "-")
			var col string
			if c, ok := recordColumns[name]; ok {
				col = c
			} else if key, ok := strings.CutPrefix(name, "record__data__"); ok {
				path := strings.Split(key, "__")
				for _, seg := range path {
					if !keySegment.MatchString(seg) {
						col = ""
						path = nil
						break
					}
				}
				if path != nil {
					col = s.sortKey(path)
				}
			}
			if col == "" {
				errs.Add("ordering", "invalid", "Onbekend veld om op te sorteren: "+name+".")
				continue
			}
			// The same order of missing values on both databases (PostgreSQL's default).
			if desc {
				col += " DESC NULLS FIRST"
			} else {
				col += " NULLS LAST"
			}
			order = append(order, col)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, "", err
	}
	date := p.Date
	if date == "" {
		date = today
	}
	viewWhere(&w, "r", date, p.RegistrationDate)
	acc.where(r.db, &w, "r.type_uuid")
	return &w, strings.Join(append(order, "r.object_id", "r.id"), ", "), nil
}

func (r *register) objectList(c *zgw.Call) error {
	q := c.Query("type", "typeVersion", "data_attr", "data_attrs", "data_icontains", "date", "registrationDate",
		"fields", "ordering", "page", "pageSize")
	size := pageSize(q)
	p := &listParams{Type: q.String("type"), DataAttrs: q.String("data_attrs"), DataIcontains: q.String("data_icontains"),
		Date: q.String("date"), RegistrationDate: q.String("registrationDate"), Ordering: q.String("ordering"),
		dataAttr: c.R.URL.Query()["data_attr"]}
	if n, ok := q.Int("typeVersion"); ok {
		p.TypeVersion = &n
	}
	fields := q.List("fields")
	if err := q.Err(); err != nil {
		return err
	}
	if err := crs(c, false); err != nil {
		return err
	}
	ctx := c.Ctx()
	acc, err := r.accessOf(ctx, c.Principal)
	if err != nil {
		return err
	}
	w, order, err := r.where(p, acc, r.today(r.db.Clock()))
	if err != nil {
		return err
	}
	pg, err := r.listIDs(ctx, w, order, q.Page, size)
	if err != nil {
		return err
	}
	return r.writePage(c, acc, q.Page, size, pg, fields)
}

// listIDs is db.List for object_record r, with the count and the page's ids queried at the
// same time on two connections: a data filter makes both read the same rows, and the
// answer is ready when the slower of the two is.
func (r *register) listIDs(ctx context.Context, w *db.Where, order string, page, size int) (db.Page, error) {
	var p db.Page
	var countErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		countErr = r.db.QueryRow(ctx, "SELECT count(*) FROM object_record r"+w.SQL(), w.Args...).Scan(&p.Count)
	}()
	n := len(w.Args)
	ids, err := func() ([]int64, error) {
		rows, err := r.db.Query(ctx, fmt.Sprintf("SELECT r.id FROM object_record r%s ORDER BY %s LIMIT $%d OFFSET $%d", w.SQL(), order, n+1, n+2),
			append(w.Args[:n:n], size, (page-1)*size)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}()
	wg.Wait()
	if err != nil {
		return p, fmt.Errorf("objects: %w", err)
	}
	if countErr != nil {
		return p, fmt.Errorf("objects count: %w", countErr)
	}
	p.IDs = ids
	return p, nil
}

// loadPage loads the records of ids with their objects, in the order of ids (one query).
func (r *register) loadPage(ctx context.Context, ids []int64) ([]*objectOut, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	os, err := r.recordLoad(ctx, r.db, "r.id IN ("+db.Placeholders(1, len(ids))+")", db.Int64s(ids)...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*objectOut, len(os))
	for _, o := range os {
		byID[o.Record.id] = o
	}
	out := make([]*objectOut, 0, len(ids))
	for _, id := range ids {
		if o := byID[id]; o != nil {
			out = append(out, o)
		}
	}
	return out, nil
}

// writePage loads the records of page pg, applies field authorisation and ?fields, and
// answers the page.
func (r *register) writePage(c *zgw.Call, acc *access, page, size int, pg db.Page, fields []string) error {
	items, err := r.loadPage(c.Ctx(), pg.IDs)
	if err != nil {
		return err
	}
	removed := map[string][]string{}
	for _, o := range items {
		if rm := acc.trim(o.typeUUID, o.Record); rm != nil {
			removed[o.Type] = append(removed[o.Type], rm...)
		}
	}
	unauthorizedHeader(c, removed)
	if len(fields) > 0 {
		sel, err := selectFields(items, fields)
		if err != nil {
			return err
		}
		return paginate(c, page, size, pg.Count, sel)
	}
	return paginate(c, page, size, pg.Count, items)
}

// objectSearch is POST /objects/search: the list filters in the body, plus geometry.within
// (a Polygon or MultiPolygon). Candidates come from the bounding-box columns in SQL; each is
// then tested exactly, and the page is cut from the exact matches.
func (r *register) objectSearch(c *zgw.Call) error {
	q := c.Query("page", "pageSize")
	size := pageSize(q)
	if err := q.Err(); err != nil {
		return err
	}
	if err := crs(c, true); err != nil {
		return err
	}
	var in struct {
		listParams
		Geometry *struct {
			Within json.RawMessage `json:"within"`
		} `json:"geometry"`
	}
	if _, err := c.Body("object_search", &in); err != nil {
		return err
	}
	p := &in.listParams
	if p.DataAttr != "" {
		p.dataAttr = []string{p.DataAttr}
	}
	var ar *area
	if in.Geometry != nil && len(in.Geometry.Within) > 0 && string(in.Geometry.Within) != "null" {
		g, okGeom := parseGeometry(in.Geometry.Within)
		if okGeom {
			ar, okGeom = newArea(g)
		}
		if !okGeom {
			return zgw.FieldError("geometry.within", "invalid", "geometry.within is een geldige GeoJSON Polygon of MultiPolygon.")
		}
	}
	ctx := c.Ctx()
	acc, err := r.accessOf(ctx, c.Principal)
	if err != nil {
		return err
	}
	w, order, err := r.where(p, acc, r.today(r.db.Clock()))
	if err != nil {
		return err
	}
	if ar == nil {
		pg, err := r.listIDs(ctx, w, order, q.Page, size)
		if err != nil {
			return err
		}
		return r.writePage(c, acc, q.Page, size, pg, nil)
	}
	b := ar.bound
	w.And("r.geo_minx >= ? AND r.geo_maxx <= ? AND r.geo_miny >= ? AND r.geo_maxy <= ?", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	ids, err := r.withinIDs(ctx, w, order, ar)
	if err != nil {
		return err
	}
	from := min((q.Page-1)*size, len(ids))
	return r.writePage(c, acc, q.Page, size, db.Page{IDs: ids[from:min(from+size, len(ids))], Count: len(ids)}, nil)
}

// withinIDs returns, in order, the ids of the candidate records whose geometry lies within ar.
func (r *register) withinIDs(ctx context.Context, w *db.Where, order string, ar *area) ([]int64, error) {
	rows, err := r.db.Query(ctx, "SELECT r.id, r.geometry FROM object_record r"+w.SQL()+" ORDER BY "+order, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("object search: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var geom any
		if err := rows.Scan(&id, &geom); err != nil {
			return nil, fmt.Errorf("object search: %w", err)
		}
		if g, ok := parseGeometry(jsonText(geom)); ok && ar.within(g) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// recordFields are the fields of a record ?fields may name.
var recordFields = []string{"index", "typeVersion", "data", "geometry", "references", "startAt", "endAt",
	"registrationAt", "correctionFor", "correctedBy"}

// selectFields keeps only the named fields ("url", "record__data__naam", ...) of each object,
// and always the ones the spec requires of an Object (type, record.typeVersion,
// record.startAt), so that a response with ?fields is still a valid Object.
func selectFields(items []*objectOut, fields []string) ([]any, error) {
	type tree map[string]tree
	root := tree{}
	for _, f := range append(slices.Clone(fields), "type", "record__typeVersion", "record__startAt") {
		parts := strings.Split(strings.TrimSpace(f), "__")
		valid := zgw.OneOf(parts[0], "url", "uuid", "type", "record")
		if valid && parts[0] != "record" && len(parts) > 1 {
			valid = false
		}
		if valid && len(parts) > 1 {
			valid = zgw.OneOf(parts[1], recordFields...) && (len(parts) == 2 || parts[1] == "data")
		}
		if !valid {
			return nil, zgw.FieldError("fields", "invalid", "Onbekend veld: "+f+".")
		}
		t := root
		for i, p := range parts {
			if _, ok := t[p]; !ok || i == len(parts)-1 {
				if i == len(parts)-1 {
					t[p] = nil // the whole value
					break
				}
				t[p] = tree{}
			}
			if t[p] == nil { // already selected whole
				break
			}
			t = t[p]
		}
	}
	var prune func(v any, t tree) any
	prune = func(v any, t tree) any {
		m, ok := v.(map[string]any)
		if !ok || t == nil {
			return v
		}
		out := map[string]any{}
		for k, sub := range t {
			if x, ok := m[k]; ok {
				out[k] = prune(x, sub)
			}
		}
		return out
	}
	out := make([]any, 0, len(items))
	for _, o := range items {
		var m any
		if err := json.Unmarshal([]byte(mustJSON(o)), &m); err != nil {
			return nil, err
		}
		out = append(out, prune(m, root))
	}
	return out, nil
}
