package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// urlRelatie is a relation of a zaak to a resource of another API that the Zaken register
// holds as nothing but its URL (zaakcontactmoment, zaakverzoek): a plain list filtered on
// zaak and the URL, create, read and delete. The table has the columns id, uuid, zaak_id and
// one named after field.
type urlRelatie struct {
	r          *register
	resource   string // notification and audit resource: "zaakcontactmoment"
	collection string // "zaakcontactmomenten"
	table      string
	field      string // "contactmoment": the request field and the column
}

type urlRelatieOut struct {
	id, zaakID int64
	m          map[string]string
}

func (o *urlRelatieOut) url() string { return o.m["url"] }

// MarshalJSON renders the relation: url, uuid, zaak and the field.
func (o *urlRelatieOut) MarshalJSON() ([]byte, error) { return json.Marshal(o.m) }

func (x *urlRelatie) mount() {
	a := x.r.api
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /"+x.collection, zgw.Scopes(scopeLezen), x.list)
	a.Handle("POST /"+x.collection, write, x.create)
	a.Handle("GET /"+x.collection+"/{uuid}", zgw.Scopes(scopeLezen), x.retrieve)
	a.Handle("DELETE /"+x.collection+"/{uuid}", write, x.destroy)
}

func (x *urlRelatie) load(ctx context.Context, q db.Querier, where string, args ...any) ([]*urlRelatieOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.`+x.field+`
		FROM `+x.table+` s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x.table, err)
	}
	defer rows.Close()
	var out []*urlRelatieOut
	for rows.Next() {
		o := &urlRelatieOut{}
		var id, zaakUUID, ref string
		if err := rows.Scan(&o.id, &id, &o.zaakID, &zaakUUID, &ref); err != nil {
			return nil, fmt.Errorf("%s: %w", x.table, err)
		}
		id = strings.ToLower(id)
		o.m = map[string]string{"url": x.r.api.URL(x.collection, id), "uuid": id,
			"zaak": x.r.api.URL("zaken", strings.ToLower(zaakUUID)), x.field: ref}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (x *urlRelatie) list(c *zgw.Call) error {
	q := c.Query("zaak", x.field)
	var w db.Where
	if u := q.URL("zaak"); u != "" {
		x.r.zaakUUIDWhere(&w, u)
	}
	if u := q.URL(x.field); u != "" {
		w.And(x.field+" = ?", u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	authSub(&w, c.Principal.Grants)
	return plainList(c, x.r, x.table, &w, func(ctx context.Context, ids any) ([]*urlRelatieOut, error) {
		return x.load(ctx, x.r.db, x.r.db.AnyID("s.id", "$1"), ids)
	}, func(o *urlRelatieOut) int64 { return o.id })
}

func (x *urlRelatie) byPath(c *zgw.Call, scopes func(*zaakRef) []string) (*urlRelatieOut, *zaakRef, error) {
	id := pathUUID(c, "uuid")
	if id == "" {
		return nil, nil, zgw.ErrNotFound()
	}
	out, err := x.load(c.Ctx(), x.r.db, "s.uuid = $1", id)
	if err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, nil, zgw.ErrNotFound()
	}
	z, err := x.r.zaakOf(c, out[0].zaakID, scopes)
	if err != nil {
		return nil, nil, err
	}
	return out[0], z, nil
}

func (x *urlRelatie) retrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	out, _, err := x.byPath(c, readScopes)
	if err != nil {
		return err
	}
	return c.Detail(out)
}

// create stores the relation after checking its URL resolves (zaken.md §5). The obsolete
// API on the other side is not written to (zrc-024, zrc-025): no target is configured.
func (x *urlRelatie) create(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in map[string]string
	if _, err := c.Body(x.resource+"_create", &in); err != nil {
		return err
	}
	z, err := x.r.zaakFor(c, "zaak", in["zaak"], (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	if err := x.r.api.Refs.Resource(ctx, x.field, in[x.field], nil); err != nil {
		return err
	}
	var out *urlRelatieOut
	err = x.r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO `+x.table+` (uuid, zaak_id, `+x.field+`) VALUES ($1, $2, $3)`, id, z.id, in[x.field]); err != nil {
			return fmt.Errorf("insert %s: %w", x.table, err)
		}
		outs, err := x.load(ctx, tx, "s.uuid = $1", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return x.r.notify(c, tx, z, x.resource, out.url(), "create", in[x.field], http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.url(), out)
}

func (x *urlRelatie) destroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := x.byPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	err = x.r.db.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM `+x.table+` WHERE id = $1`, cur.id); err != nil {
			return fmt.Errorf("delete %s: %w", x.table, err)
		}
		return x.r.notify(c, tx, z, x.resource, cur.url(), "destroy", cur.m[x.field], http.StatusNoContent, cur, nil)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
