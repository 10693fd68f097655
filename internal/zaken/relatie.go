package zaken

import (
	"context"
	"encoding/json"
	"fmt"
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
	resource   string // the table, and the notification and audit resource: "zaakcontactmoment"
	collection string // "zaakcontactmomenten"
	field      string // "contactmoment": the request field and the column
}

type urlRelatieOut struct {
	subRow
	m   map[string]string
	ref string // the URL the relation holds
}

func (o *urlRelatieOut) url() string      { return o.m["url"] }
func (o *urlRelatieOut) weergave() string { return o.ref }

// MarshalJSON renders the relation: url, uuid, zaak and the field.
func (o *urlRelatieOut) MarshalJSON() ([]byte, error) { return json.Marshal(o.m) }

// sub is the relation for the shared flows (sub.go).
func (x *urlRelatie) sub() sub[*urlRelatieOut] {
	return sub[*urlRelatieOut]{r: x.r, resource: x.resource, load: x.load}
}

func (x *urlRelatie) mount() {
	a, s := x.r.api, x.sub()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /"+x.collection, zgw.Scopes(scopeLezen), x.list)
	a.Handle("POST /"+x.collection, write, x.create)
	a.Handle("GET /"+x.collection+"/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("DELETE /"+x.collection+"/{uuid}", write, s.destroy((*zaakRef).writeScopes))
}

func (x *urlRelatie) load(ctx context.Context, q db.Querier, where string, args ...any) ([]*urlRelatieOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.`+x.field+`
		FROM `+x.resource+` s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x.resource, err)
	}
	defer rows.Close()
	var out []*urlRelatieOut
	for rows.Next() {
		o := &urlRelatieOut{}
		var id, zaakUUID string
		if err := rows.Scan(&o.id, &id, &o.zaakID, &zaakUUID, &o.ref); err != nil {
			return nil, fmt.Errorf("%s: %w", x.resource, err)
		}
		id = strings.ToLower(id)
		o.m = map[string]string{"url": x.r.api.URL(x.collection, id), "uuid": id,
			"zaak": x.r.api.URL("zaken", strings.ToLower(zaakUUID)), x.field: o.ref}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (x *urlRelatie) list(c *zgw.Call) error {
	s := x.sub()
	q, w := s.listQuery(c, x.field)
	if u := q.URL(x.field); u != "" {
		w.And(x.field+" = ?", u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	return s.all(c, w)
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
	return x.sub().create(c, z, func(tx *db.Tx, id string) error {
		if _, err := tx.Exec(ctx, `INSERT INTO `+x.resource+` (uuid, zaak_id, `+x.field+`) VALUES ($1, $2, $3)`, id, z.id, in[x.field]); err != nil {
			return fmt.Errorf("insert %s: %w", x.resource, err)
		}
		return nil
	})
}
