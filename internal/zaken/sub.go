package zaken

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The flows shared by the sub-resources of a zaak (status, resultaat, rol, zaakobject,
// zaakinformatieobject, zaakeigenschap, zaakbesluit, klantcontact and the URL relations):
// list by a page of ids, load by the path and authorise on the zaak (zrc-006), and write
// with the reload of the new state, the notification and the audit entry on the zaak's
// trail in one transaction. Each resource file supplies what is its own: its fields,
// filters, rules and SQL, and a sub value naming its table and loader.

// subRow is the key of a stored sub-resource, embedded in its rendered form, and for an
// update the rendering it was read as (seen), before the handler applied the request to it.
type subRow struct {
	id, zaakID int64
	seen       []byte
}

func (k *subRow) keys() (id, zaakID int64) { return k.id, k.zaakID }
func (k *subRow) remember(b []byte)        { k.seen = b }
func (k *subRow) state() []byte            { return k.seen }

// subOut is the rendered form of a sub-resource.
type subOut interface {
	keys() (id, zaakID int64)
	remember([]byte)
	state() []byte
	url() string
	weergave() string // what the audit trail shows of it
}

// sub is one kind of sub-resource.
type sub[T subOut] struct {
	r        *register
	resource string // the table, and the resource of notifications and audit entries
	// nested is set for a resource under /zaken/{zaak_uuid} (zaakeigenschap, zaakbesluit).
	nested bool
	// load loads the rows (alias s, their zaak alias z) that match where; $1 onwards are args.
	load func(ctx context.Context, q db.Querier, where string, args ...any) ([]T, error)
}

// listQuery checks the query parameters of a list (zaak and params) and starts its filter
// with the one on zaak that every sub-resource list has.
func (s sub[T]) listQuery(c *zgw.Call, params ...string) (*zgw.Query, *db.Where) {
	q := c.Query(append(params, "zaak")...)
	w := &db.Where{}
	if u := q.URL("zaak"); u != "" {
		id, _ := s.r.api.ParseURL(u, "zaken")
		w.And("zaak_id IN (SELECT id FROM zaak WHERE uuid = ?)", nullUUID(id))
	}
	return q, w
}

// nullUUID makes a non-UUID match nothing instead of failing the cast on PostgreSQL.
func nullUUID(id string) any {
	if id == "" {
		return "00000000-0000-0000-0000-000000000000"
	}
	return id
}

// page answers a page of the rows that match the filters w and that the client may read,
// oldest first.
func (s sub[T]) page(c *zgw.Call, w *db.Where, page int) error {
	authSub(w, c.Principal.Grants)
	p, err := db.List(c.Ctx(), s.r.db, s.resource, w, "id", page, zgw.PageSize)
	if err != nil {
		return err
	}
	items, err := s.byIDs(c.Ctx(), p.IDs)
	if err != nil {
		return err
	}
	env, err := zgw.Paginate(c, page, p.Count, items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, env)
}

// all answers all rows that match the filters w and that the client may read, oldest first:
// the lists the spec does not paginate (a plain array).
func (s sub[T]) all(c *zgw.Call, w *db.Where) error {
	authSub(w, c.Principal.Grants)
	ctx := c.Ctx()
	rows, err := s.r.db.Query(ctx, "SELECT id FROM "+s.resource+w.SQL()+" ORDER BY id", w.Args...)
	if err != nil {
		return fmt.Errorf("%s: %w", s.resource, err)
	}
	var ids []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", s.resource, err)
		}
		ids = append(ids, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", s.resource, err)
	}
	items, err := s.byIDs(ctx, ids)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nonNil(items))
}

// byIDs loads the rows with ids in one query, in the order of ids.
func (s sub[T]) byIDs(ctx context.Context, ids []int64) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.load(ctx, s.r.db, s.r.db.AnyID("s.id", "$1"), s.r.db.IDList(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]T, len(rows))
	for _, x := range rows {
		id, _ := x.keys()
		byID[id] = x
	}
	items := make([]T, 0, len(ids))
	for _, i := range ids {
		if x, ok := byID[i]; ok {
			items = append(items, x)
		}
	}
	return items, nil
}

// zaakList answers all rows of the zaak of a nested path (a plain array in the spec).
func (s sub[T]) zaakList(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	z, err := s.r.pathZaak(c, readScopes)
	if err != nil {
		return err
	}
	out, err := s.load(c.Ctx(), s.r.db, "s.zaak_id = $1", z.id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nonNil(out))
}

// pathZaak is the zaak of a nested path ({zaak_uuid}); 404 when there is none, 403 unless the
// client holds one of scopes(zaak) on it.
func (r *register) pathZaak(c *zgw.Call, scopes func(*zaakRef) []string) (*zaakRef, error) {
	id := pathUUID(c, "zaak_uuid")
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	return r.zaakOf(c, "uuid = $1", id, scopes)
}

// byPath loads the row whose uuid the path names and checks that the client holds one of
// scopes(zaak) on its zaak (zrc-006); for a nested resource the zaak of the path is checked
// first and the row must be one of it.
func (s sub[T]) byPath(c *zgw.Call, scopes func(*zaakRef) []string) (T, *zaakRef, error) {
	var none T
	if err := c.Query().Err(); err != nil {
		return none, nil, err
	}
	if s.nested {
		z, err := s.r.pathZaak(c, scopes)
		if err != nil {
			return none, nil, err
		}
		id := pathUUID(c, "uuid")
		if id == "" {
			return none, nil, zgw.ErrNotFound()
		}
		out, err := firstOr404(s.load(c.Ctx(), s.r.db, "s.zaak_id = $1 AND s.uuid = $2", z.id, id))
		if err != nil {
			return none, nil, err
		}
		return rememberForUpdate(c, out), z, nil
	}
	id := pathUUID(c, "uuid")
	if id == "" {
		return none, nil, zgw.ErrNotFound()
	}
	out, err := firstOr404(s.load(c.Ctx(), s.r.db, "s.uuid = $1", id))
	if err != nil {
		return none, nil, err
	}
	_, zaakID := out.keys()
	z, err := s.r.zaakOf(c, "id = $1", zaakID, scopes)
	if err != nil {
		return none, nil, err
	}
	return rememberForUpdate(c, out), z, nil
}

// rememberForUpdate keeps, for a PUT or PATCH, the rendering of out as read: update compares
// it with the row in its transaction (the handler applies the request to out itself).
func rememberForUpdate[T subOut](c *zgw.Call, out T) T {
	if c.R.Method == http.MethodPut || c.R.Method == http.MethodPatch {
		b, _ := json.Marshal(out)
		out.remember(b)
	}
	return out
}

// firstOr404 is the load result of one row: its first, or 404 when it is gone.
func firstOr404[T any](outs []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(outs) == 0 {
		return zero, zgw.ErrNotFound()
	}
	return outs[0], nil
}

// retrieve answers the detail of the row of the path.
func (s sub[T]) retrieve(c *zgw.Call) error {
	out, _, err := s.byPath(c, readScopes)
	if err != nil {
		return err
	}
	return c.Detail(out)
}

// add stores a new row of zaak z: insert writes it with the new uuid id (after any check
// that needs the transaction); the new state is reloaded and notified with its audit
// entry in the same transaction.
func (s sub[T]) add(c *zgw.Call, z *zaakRef, insert func(tx *db.Tx, id string) error) (T, error) {
	ctx := c.Ctx()
	var out T
	err := s.r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if err := insert(tx, id); err != nil {
			return err
		}
		var err error
		if out, err = firstOr404(s.load(ctx, tx, "s.uuid = $1", id)); err != nil {
			return err
		}
		return s.r.notify(c, tx, z, s.resource, out.url(), "create", out.weergave(), http.StatusCreated, nil, out)
	})
	return out, err
}

// create is add answering 201 with the new row.
func (s sub[T]) create(c *zgw.Call, z *zaakRef, insert func(tx *db.Tx, id string) error) error {
	out, err := s.add(c, z, insert)
	if err != nil {
		return err
	}
	return c.Created(out.url(), out)
}

// update sets set (e.g. "status_id = $1, data = $2") with args on the row cur of zaak z,
// reloads it, writes the notification and audit entry and answers the new state. The row is
// locked first; when another request changed it since cur was read, the update runs again
// on the new state (zgw.ErrChanged), so concurrent updates each keep their change.
func (s sub[T]) update(c *zgw.Call, z *zaakRef, cur T, set string, args ...any) error {
	ctx := c.Ctx()
	id, _ := cur.keys()
	var out T
	err := s.r.db.Update(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, s.resource, "id = $1", id); err != nil {
			return err
		}
		now, err := firstOr404(s.load(ctx, tx, "s.id = $1", id))
		if err != nil {
			return err
		}
		if b, err := json.Marshal(now); err != nil || !bytes.Equal(b, cur.state()) {
			return zgw.ErrChanged
		}
		q := fmt.Sprintf("UPDATE %s SET %s WHERE id = $%d", s.resource, set, len(args)+1)
		if _, err := tx.Exec(ctx, q, append(args, id)...); err != nil {
			return fmt.Errorf("update %s: %w", s.resource, err)
		}
		if out, err = firstOr404(s.load(ctx, tx, "s.id = $1", id)); err != nil {
			return err
		}
		return s.r.notify(c, tx, z, s.resource, out.url(), actie(c), out.weergave(), http.StatusOK, cur, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// remove deletes the row cur of zaak z with its notification and audit entry.
func (s sub[T]) remove(c *zgw.Call, z *zaakRef, cur T) error {
	ctx := c.Ctx()
	id, _ := cur.keys()
	return s.r.db.Update(ctx, func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(ctx, "DELETE FROM "+s.resource+" WHERE id = $1", id))
		if err != nil {
			return fmt.Errorf("delete %s: %w", s.resource, err)
		}
		if n == 0 {
			return zgw.ErrNotFound() // deleted meanwhile: its destroy is announced once
		}
		return s.r.notify(c, tx, z, s.resource, cur.url(), "destroy", cur.weergave(), http.StatusNoContent, cur, nil)
	})
}

// destroy is the DELETE handler of a resource: the row of the path is deleted for a client
// holding one of scopes(zaak) on its zaak.
func (s sub[T]) destroy(scopes func(*zaakRef) []string) zgw.HandlerFunc {
	return func(c *zgw.Call) error {
		cur, z, err := s.byPath(c, scopes)
		if err != nil {
			return err
		}
		if err := s.remove(c, z, cur); err != nil {
			return err
		}
		return c.NoContent()
	}
}

// wijzigenNietToegelaten adds that code for field to errs when an update changes what the
// field holds (what ties a relation to its zaak and its object, zaken.md §5).
func wijzigenNietToegelaten(errs *zgw.Errs, field, was, now, msg string) {
	if was != now {
		errs.Add(field, "wijzigen-niet-toegelaten", msg)
	}
}
