package zaken

import (
	"context"
	"fmt"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The write flow shared by the relations of a zaak (zaakobject, zaakeigenschap,
// zaakinformatieobject, zaakbesluit): the change, the reload of the new state, the
// notification and the audit entry on the zaak's trail, in one transaction. Each resource
// file supplies what differs: its table, the column values that change, how it loads
// itself and what the audit trail shows of it.

// relation describes one kind of relation for relUpdate and relDelete.
type relation[T any] struct {
	resource string // notification/audit resource name, also the table
	// load reloads the relation with id inside the transaction (nil when it is gone).
	load     func(ctx context.Context, tx *db.Tx, id int64) (T, error)
	url      func(T) string
	weergave func(T) string
}

// relUpdate sets set (e.g. "status_id = $1, data = $2") with args on the relation with id,
// reloads it, writes the notification and audit entry (old is the state before) and
// answers the new state.
func relUpdate[T any](c *zgw.Call, r *register, rel relation[T], z *zaakRef, id int64, old any, set string, args ...any) error {
	ctx := c.Ctx()
	var out T
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		q := fmt.Sprintf("UPDATE %s SET %s WHERE id = $%d", rel.resource, set, len(args)+1)
		if _, err := tx.Exec(ctx, q, append(args, id)...); err != nil {
			return fmt.Errorf("update %s: %w", rel.resource, err)
		}
		var err error
		if out, err = rel.load(ctx, tx, id); err != nil {
			return err
		}
		return r.notify(c, tx, z, rel.resource, rel.url(out), actie(c), rel.weergave(out), http.StatusOK, old, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// relDelete deletes the relation cur with its notification and audit entry.
func relDelete[T any](c *zgw.Call, r *register, rel relation[T], z *zaakRef, id int64, cur T) error {
	ctx := c.Ctx()
	return r.db.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM "+rel.resource+" WHERE id = $1", id); err != nil {
			return fmt.Errorf("delete %s: %w", rel.resource, err)
		}
		return r.notify(c, tx, z, rel.resource, rel.url(cur), "destroy", rel.weergave(cur), http.StatusNoContent, cur, nil)
	})
}

// firstOr404 is the load result of one relation: its first row, or 404 when it is gone.
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

// subByPath loads the sub-resource whose uuid the path names with load, and checks that the
// client holds one of scopes(zaak) on its zaak (zrc-006).
func subByPath[T any](c *zgw.Call, r *register, load func(context.Context, db.Querier, string, ...any) ([]T, error),
	zaakID func(T) int64, scopes func(*zaakRef) []string) (T, *zaakRef, error) {
	var none T
	id := pathUUID(c, "uuid")
	if id == "" {
		return none, nil, zgw.ErrNotFound()
	}
	out, err := load(c.Ctx(), r.db, "s.uuid = $1", id)
	if err != nil {
		return none, nil, err
	}
	if len(out) == 0 {
		return none, nil, zgw.ErrNotFound()
	}
	z, err := r.zaakOf(c, zaakID(out[0]), scopes)
	if err != nil {
		return none, nil, err
	}
	return out[0], z, nil
}

// subRetrieve answers the detail of a sub-resource found by byPath.
func subRetrieve[T any](c *zgw.Call, byPath func(*zgw.Call, func(*zaakRef) []string) (T, *zaakRef, error)) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	out, _, err := byPath(c, readScopes)
	if err != nil {
		return err
	}
	return c.Detail(out)
}

// nestedLoad loads the relations of zaak z that match where ($2 onwards are args).
type nestedLoad[T any] func(ctx context.Context, q db.Querier, z *zaakRef, where string, args ...any) ([]T, error)

// nestedList answers all relations of the zaak of the path (zaakeigenschappen, zaakbesluiten:
// plain lists in the spec).
func nestedList[T any](c *zgw.Call, r *register, load nestedLoad[T]) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	z, err := r.pathZaak(c, readScopes)
	if err != nil {
		return err
	}
	out, err := load(c.Ctx(), r.db, z, "1=1")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// nestedByPath loads the relation whose uuid (in column uuidCol) the path names, of the zaak
// of the path, for a client holding one of scopes(zaak) on it.
func nestedByPath[T any](c *zgw.Call, r *register, load nestedLoad[T], uuidCol string, scopes func(*zaakRef) []string) (T, *zaakRef, error) {
	var none T
	z, err := r.pathZaak(c, scopes)
	if err != nil {
		return none, nil, err
	}
	id := pathUUID(c, "uuid")
	if id == "" {
		return none, nil, zgw.ErrNotFound()
	}
	out, err := load(c.Ctx(), r.db, z, uuidCol+" = $2", id)
	if err != nil {
		return none, nil, err
	}
	if len(out) == 0 {
		return none, nil, zgw.ErrNotFound()
	}
	return out[0], z, nil
}
