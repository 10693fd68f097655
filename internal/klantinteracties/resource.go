package klantinteracties

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// ref is a reference to another resource, sent and rendered as {"uuid", "url"} and stored
// as the lower-case uuid in col.
type ref struct {
	field, col, to string
	// cascade: deleting the target deletes this row; else the reference is cleared.
	cascade bool
}

// back is a read-only list of references: the rows of resource from whose col holds this
// row's uuid, rendered as {"uuid", "url"} of the pick column (default: their own uuid) in
// collection as (default: from).
type back struct {
	field, from, col, pick, as string
}

// column copies a value of data (path into the JSON) into an indexed column for filters.
type column struct {
	col     string
	path    []string
	boolean bool
	fn      func(w *write) any // computed instead of read from path
}

// filter is one query parameter of a list. typ: "s" text, "b" boolean, "uuid", "url:<coll>"
// (an URL of this API), "date", "enum:a|b". cond has one ? for the value; a boolean filter
// with condFalse uses cond for true and condFalse for false, without argument.
// sub is a subquery with %s where cond goes: the filters of one request with the same sub
// share one subquery, so that together they hold for one row of it (see where).
type filter struct {
	param, typ, cond, condFalse, sub string
}

// row is one stored resource.
type row struct {
	id   int64
	uuid string
	data map[string]json.RawMessage
	refs map[string]string // field -> uuid ("" for none)
}

// write is one create or update of a resource being applied.
type write struct {
	c      *zgw.Call
	res    *resource
	uuid   string
	old    *row // nil on create
	body   map[string]json.RawMessage
	data   map[string]json.RawMessage
	refs   map[string]string
	errs   zgw.Errs
	prefix string // field name prefix for nested writes ("partijIdentificatoren.0.")
}

// sent reports whether the request body carried field.
func (w *write) sent(field string) bool { _, ok := w.body[field]; return ok }

func (w *write) add(field, code, reason string) { w.errs.Add(w.prefix+field, code, reason) }

// group checks the identificatie group of a polymorphic resource against the schema of
// its soort (a PATCH is validated against a schema that cannot know the soort).
func (w *write) group(field, soortField string, schemas map[string]string) {
	if !w.sent(field) && !w.sent(soortField) {
		return
	}
	schema, ok := schemas[w.str(soortField)]
	raw, sent := w.data[field]
	if !ok || !sent || w.c.API.Spec == nil {
		return
	}
	body, err := json.Marshal(map[string]json.RawMessage{field: raw})
	if err != nil {
		return
	}
	for _, v := range w.c.API.Spec.ValidateBody(schema, body, false) {
		w.add(v.Name, v.Code, v.Reason)
	}
}

// str returns a string field of the data being written ("" when absent or null).
func (w *write) str(path ...string) string { s, _ := lookup(w.data, path).(string); return s }

type resource struct {
	coll, table, op string
	name            string // resource name in notifications ("partij")
	// nummer: the resource has a nummer that the server assigns when none is sent.
	nummer  bool
	refs    []ref
	backs   []back
	cols    []column
	filters []filter
	// ignore: request fields the generic code does not store in data (read-only or
	// handled by the resource's own hooks).
	ignore   []string
	defaults map[string]any
	expand   []string
	// kanaal and kenmerken: the notification of a mutation (klantinteracties.md §5);
	// no kanaal, no notification.
	kanaal    string
	kenmerken func(w map[string]json.RawMessage) map[string]string
	// check runs inside the transaction before the row is written; after once it is.
	check func(ctx context.Context, tx *db.Tx, r *register, w *write) error
	after func(ctx context.Context, tx *db.Tx, r *register, w *write) error
	// render adds computed fields to a page of rendered rows.
	render func(ctx context.Context, q db.Querier, r *register, rows []*row, outs []map[string]any) error
	// beforeDelete runs inside the delete transaction.
	beforeDelete func(ctx context.Context, tx *db.Tx, r *register, uuid string) error
}

func (s *resource) refByField(f string) *ref {
	for i := range s.refs {
		if s.refs[i].field == f {
			return &s.refs[i]
		}
	}
	return nil
}

func (s *resource) readOnly(f string) bool {
	if f == "url" || f == "uuid" || f == "_expand" {
		return true
	}
	for _, b := range s.backs {
		if b.field == f {
			return true
		}
	}
	for _, i := range s.ignore {
		if i == f {
			return true
		}
	}
	return false
}

// lookup walks path through a JSON object.
func lookup(data map[string]json.RawMessage, path []string) any {
	raw, ok := data[path[0]]
	if !ok {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	for _, p := range path[1:] {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func (r *register) selectSQL(s *resource) string {
	cols := []string{"id", "uuid", "data"}
	for _, f := range s.refs {
		cols = append(cols, "COALESCE("+f.col+", '')")
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + s.table
}

// load reads the rows of s matching where, in id order.
func (r *register) load(ctx context.Context, q db.Querier, s *resource, where string, args ...any) ([]*row, error) {
	rows, err := q.Query(ctx, r.selectSQL(s)+" WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", s.table, err)
	}
	defer rows.Close()
	var out []*row
	for rows.Next() {
		w := &row{refs: map[string]string{}}
		var data string
		dst := []any{&w.id, &w.uuid, &data}
		vals := make([]string, len(s.refs))
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("load %s: %w", s.table, err)
		}
		if err := json.Unmarshal([]byte(data), &w.data); err != nil {
			return nil, fmt.Errorf("load %s data: %w", s.table, err)
		}
		for i, f := range s.refs {
			w.refs[f.field] = vals[i]
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// byUUIDs loads the rows of s with the given uuids.
func (r *register) byUUIDs(ctx context.Context, q db.Querier, s *resource, uuids []string) ([]*row, error) {
	if len(uuids) == 0 {
		return nil, nil
	}
	args := make([]any, len(uuids))
	for i, u := range uuids {
		args[i] = u
	}
	return r.load(ctx, q, s, "uuid IN ("+db.Placeholders(1, len(args))+")", args...)
}

// fk renders a reference {"uuid", "url"}.
func (r *register) fk(coll, uuid string) map[string]any {
	return map[string]any{"uuid": uuid, "url": r.api.URL(coll, uuid)}
}

// rowUUIDs are the uuids of a page of rows, as query arguments.
func rowUUIDs(rows []*row) []any {
	uuids := make([]any, len(rows))
	for i, w := range rows {
		uuids[i] = w.uuid
	}
	return uuids
}

// setLists puts in field of each output the list of its row in lists (by the row's uuid),
// an empty list for a row that has none.
func setLists(rows []*row, outs []map[string]any, field string, lists map[string][]any) {
	for i, w := range rows {
		l := lists[w.uuid]
		if l == nil {
			l = []any{}
		}
		outs[i][field] = l
	}
}

// render turns a page of rows into response objects, batching the back lists per page.
func (r *register) render(ctx context.Context, q db.Querier, s *resource, rows []*row) ([]map[string]any, error) {
	outs := make([]map[string]any, len(rows))
	uuids := rowUUIDs(rows)
	for i, w := range rows {
		o := map[string]any{}
		for k, v := range s.defaults {
			o[k] = v
		}
		for k, v := range w.data {
			o[k] = v
		}
		o["uuid"] = w.uuid
		o["url"] = r.api.URL(s.coll, w.uuid)
		for _, f := range s.refs {
			if u := w.refs[f.field]; u != "" {
				o[f.field] = r.fk(f.to, u)
			} else {
				o[f.field] = nil
			}
		}
		outs[i] = o
	}
	for _, b := range s.backs {
		from := r.res[b.from]
		pick, as := b.pick, b.as
		if pick == "" {
			pick = "uuid"
		}
		if as == "" {
			as = b.from
		}
		lists := map[string][]any{}
		if len(uuids) > 0 {
			res, err := q.Query(ctx, "SELECT "+b.col+", "+pick+" FROM "+from.table+" WHERE "+b.col+" IN ("+db.Placeholders(1, len(uuids))+") ORDER BY id", uuids...)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", s.coll, b.field, err)
			}
			for res.Next() {
				var owner, u string
				if err := res.Scan(&owner, &u); err != nil {
					res.Close()
					return nil, err
				}
				lists[owner] = append(lists[owner], r.fk(as, u))
			}
			res.Close()
			if err := res.Err(); err != nil {
				return nil, err
			}
		}
		setLists(rows, outs, b.field, lists)
	}
	if s.render != nil {
		if err := s.render(ctx, q, r, rows, outs); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// one loads and renders one row by uuid (nil when absent).
func (r *register) one(ctx context.Context, q db.Querier, s *resource, uuid string) (map[string]any, error) {
	rows, err := r.load(ctx, q, s, "uuid = $1", uuid)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	outs, err := r.render(ctx, q, s, rows)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// parseFK reads a {"uuid": ...} reference (nil/null: none).
func parseFK(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	var v struct {
		UUID string `json:"uuid"`
	}
	if json.Unmarshal(raw, &v) != nil || !zgw.ValidUUID(strings.ToLower(v.UUID)) {
		return "", false
	}
	return strings.ToLower(v.UUID), true
}

// exists reports whether a row of coll with uuid exists.
func (r *register) exists(ctx context.Context, q db.Querier, coll, uuid string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM "+r.res[coll].table+" WHERE uuid = $1", uuid).Scan(&n)
	return n > 0, err
}

// apply validates and stores one create (old == nil) or update of s inside tx. body is the
// request object; partial: a PATCH (unsent fields keep their value). It returns the uuid.
func (r *register) apply(ctx context.Context, tx *db.Tx, c *zgw.Call, s *resource, old *row, body map[string]json.RawMessage, partial bool, prefix string) (*write, error) {
	w := &write{c: c, res: s, old: old, body: body, data: map[string]json.RawMessage{}, refs: map[string]string{}, prefix: prefix}
	if old != nil {
		w.uuid = old.uuid
		if partial {
			for k, v := range old.data {
				w.data[k] = v
			}
			for k, v := range old.refs {
				w.refs[k] = v
			}
		}
	} else {
		w.uuid = zgw.NewUUID()
	}
	for k, v := range body {
		if f := s.refByField(k); f != nil {
			u, ok := parseFK(v)
			if !ok {
				w.add(k, "invalid", "Geef een object met een geldige uuid op.")
				continue
			}
			w.refs[k] = u
			if u != "" {
				ok, err := r.exists(ctx, tx, f.to, u)
				if err != nil {
					return nil, err
				}
				if !ok {
					w.add(k+".uuid", "does_not_exist", fmt.Sprintf("Ongeldige uuid %q - object bestaat niet.", u))
				}
			}
			continue
		}
		if s.readOnly(k) {
			continue
		}
		w.data[k] = v
	}
	if s.nummer && w.str("nummer") == "" {
		if err := r.assignNummer(ctx, tx, s, w); err != nil {
			return nil, err
		}
	}
	if s.check != nil {
		if err := s.check(ctx, tx, r, w); err != nil {
			return nil, err
		}
	}
	if err := w.errs.Err(); err != nil {
		return nil, err
	}
	data, err := json.Marshal(w.data)
	if err != nil {
		return nil, err
	}
	cols := []string{"data"}
	args := []any{string(data)}
	for _, f := range s.refs {
		cols = append(cols, f.col)
		if u := w.refs[f.field]; u != "" {
			args = append(args, u)
		} else {
			args = append(args, nil)
		}
	}
	for _, cl := range s.cols {
		cols = append(cols, cl.col)
		if cl.fn != nil {
			args = append(args, cl.fn(w))
			continue
		}
		v := lookup(w.data, cl.path)
		if cl.boolean {
			b, ok := v.(bool)
			if ok {
				args = append(args, b)
			} else {
				args = append(args, nil)
			}
			continue
		}
		switch x := v.(type) {
		case string:
			args = append(args, x)
		case nil:
			args = append(args, "")
		default:
			args = append(args, fmt.Sprint(x))
		}
	}
	if old == nil {
		cols = append(cols, "uuid")
		args = append(args, w.uuid)
		_, err = tx.Exec(ctx, "INSERT INTO "+s.table+" ("+strings.Join(cols, ", ")+") VALUES ("+db.Placeholders(1, len(args))+")", args...)
	} else {
		set := make([]string, len(cols))
		for i, cl := range cols {
			set[i] = fmt.Sprintf("%s = $%d", cl, i+1)
		}
		args = append(args, old.id)
		_, err = tx.Exec(ctx, "UPDATE "+s.table+" SET "+strings.Join(set, ", ")+fmt.Sprintf(" WHERE id = $%d", len(args)), args...)
	}
	if err != nil {
		if db.IsUniqueViolation(err) {
			return nil, zgw.FieldError(prefix+"nonFieldErrors", "unique", "Deze combinatie van waarden bestaat al.")
		}
		return nil, fmt.Errorf("write %s: %w", s.table, err)
	}
	if s.after != nil {
		if err := s.after(ctx, tx, r, w); err != nil {
			return nil, err
		}
		if err := w.errs.Err(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// remove deletes the row of s with uuid and what depends on it: references to it are
// cleared, rows that cannot exist without it (cascade) are deleted too. A row another
// request deleted meanwhile is a 404, so its destroy is announced once.
func (r *register) remove(ctx context.Context, tx *db.Tx, s *resource, uuid string) error {
	if s.beforeDelete != nil {
		if err := s.beforeDelete(ctx, tx, r, uuid); err != nil {
			return err
		}
	}
	n, err := db.Affected(tx.Exec(ctx, "DELETE FROM "+s.table+" WHERE uuid = $1", uuid))
	if err != nil {
		return fmt.Errorf("delete %s: %w", s.table, err)
	}
	if n == 0 {
		return zgw.ErrNotFound()
	}
	for _, o := range r.all {
		for _, f := range o.refs {
			if f.to != s.coll {
				continue
			}
			if !f.cascade {
				if _, err := tx.Exec(ctx, "UPDATE "+o.table+" SET "+f.col+" = NULL WHERE "+f.col+" = $1", uuid); err != nil {
					return fmt.Errorf("clear %s.%s: %w", o.table, f.col, err)
				}
				continue
			}
			rows, err := tx.Query(ctx, "SELECT uuid FROM "+o.table+" WHERE "+f.col+" = $1", uuid)
			if err != nil {
				return err
			}
			var deps []string
			for rows.Next() {
				var u string
				if err := rows.Scan(&u); err != nil {
					rows.Close()
					return err
				}
				deps = append(deps, u)
			}
			rows.Close()
			for _, d := range deps {
				if err := r.remove(ctx, tx, o, d); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// assignNummer gives an object without nummer its old one (an update) or the next free
// number, 10 digits with leading zeros, as Open Klant numbers partijen, klantcontacten and
// interne taken.
func (r *register) assignNummer(ctx context.Context, tx *db.Tx, s *resource, w *write) error {
	if w.old != nil {
		if n, _ := lookup(w.old.data, []string{"nummer"}).(string); n != "" {
			w.data["nummer"], _ = json.Marshal(n)
			return nil
		}
	}
	// Two creates at once must not both take MAX+1.
	if err := tx.Lock(ctx, s.table+".nummer"); err != nil {
		return err
	}
	var last string
	err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(nummer), '') FROM "+s.table+" WHERE nummer >= '0000000000' AND nummer <= '9999999999' AND length(nummer) = 10").Scan(&last)
	if err != nil {
		return fmt.Errorf("nummer %s: %w", s.table, err)
	}
	n, _ := strconv.ParseInt(last, 10, 64)
	w.data["nummer"], _ = json.Marshal(fmt.Sprintf("%010d", n+1))
	return nil
}
