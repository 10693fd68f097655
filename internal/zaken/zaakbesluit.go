package zaken

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// zaakbesluitOut is a ZaakBesluit: the mirror of Besluit.zaak, written by the Besluiten
// register (algemeen §14, brc-006), nested under its zaak.
type zaakbesluitOut struct {
	URL     string `json:"url"`
	UUID    string `json:"uuid"`
	Besluit string `json:"besluit"`

	id int64
}

func (r *register) mountZaakbesluit() {
	a := r.api
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaken/{zaak_uuid}/besluiten", zgw.Scopes(scopeLezen), r.zaakbesluitList)
	a.Handle("POST /zaken/{zaak_uuid}/besluiten", write, r.zaakbesluitCreate)
	a.Handle("GET /zaken/{zaak_uuid}/besluiten/{uuid}", zgw.Scopes(scopeLezen), r.zaakbesluitRetrieve)
	a.Handle("DELETE /zaken/{zaak_uuid}/besluiten/{uuid}", write, r.zaakbesluitDestroy)
}

func (r *register) zaakbesluitLoad(ctx context.Context, q db.Querier, z *zaakRef, where string, args ...any) ([]*zaakbesluitOut, error) {
	rows, err := q.Query(ctx, `SELECT id, CAST(uuid AS TEXT), besluit FROM zaakbesluit WHERE zaak_id = $1 AND `+where+` ORDER BY id`,
		append([]any{z.id}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("zaakbesluit: %w", err)
	}
	defer rows.Close()
	out := []*zaakbesluitOut{}
	for rows.Next() {
		o := &zaakbesluitOut{}
		if err := rows.Scan(&o.id, &o.UUID, &o.Besluit); err != nil {
			return nil, fmt.Errorf("zaakbesluit: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("zaken", z.uuid) + "/besluiten/" + o.UUID
		out = append(out, o)
	}
	return out, rows.Err()
}

func (r *register) zaakbesluitList(c *zgw.Call) error { return nestedList(c, r, r.zaakbesluitLoad) }

func (r *register) zaakbesluitByPath(c *zgw.Call, scopes func(*zaakRef) []string) (*zaakbesluitOut, *zaakRef, error) {
	return nestedByPath(c, r, r.zaakbesluitLoad, "uuid", scopes)
}

func (r *register) zaakbesluitRetrieve(c *zgw.Call) error { return subRetrieve(c, r.zaakbesluitByPath) }

// zaakbesluitCreate records that a besluit refers to the zaak. The besluit URL must resolve
// (zaken.md §5); a besluit is recorded once per zaak.
func (r *register) zaakbesluitCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	z, err := r.pathZaak(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	var in struct {
		Besluit string `json:"besluit"`
	}
	if _, err := c.Body("zaakbesluit_create", &in); err != nil {
		return err
	}
	if err := r.api.Refs.Resource(ctx, "besluit", in.Besluit, nil, "verantwoordelijkeOrganisatie", "besluittype"); err != nil {
		return err
	}
	var out *zaakbesluitOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM zaakbesluit WHERE zaak_id = $1 AND besluit = $2)`, z.id, in.Besluit).Scan(&dup); err != nil {
			return fmt.Errorf("zaakbesluit: %w", err)
		}
		if dup {
			return zgw.FieldError("nonFieldErrors", "unique", "Dit besluit hoort al bij deze zaak.")
		}
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO zaakbesluit (uuid, zaak_id, besluit) VALUES ($1, $2, $3)`, id, z.id, in.Besluit); err != nil {
			return fmt.Errorf("insert zaakbesluit: %w", err)
		}
		outs, err := r.zaakbesluitLoad(ctx, tx, z, "uuid = $2", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.notify(c, tx, z, "zaakbesluit", out.URL, "create", out.Besluit, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

func (r *register) zaakbesluitDestroy(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := r.zaakbesluitByPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	if err := relDelete(c, r, r.zaakbesluitRel(z), z, cur.id, cur); err != nil {
		return err
	}
	return c.NoContent()
}

// zaakbesluitRel is the zaakbesluit of zaak z for the shared write flow (relwrite.go).
func (r *register) zaakbesluitRel(z *zaakRef) relation[*zaakbesluitOut] {
	return relation[*zaakbesluitOut]{resource: "zaakbesluit",
		load: func(ctx context.Context, tx *db.Tx, id int64) (*zaakbesluitOut, error) {
			return firstOr404(r.zaakbesluitLoad(ctx, tx, z, "id = $2", id))
		},
		url: func(o *zaakbesluitOut) string { return o.URL }, weergave: func(o *zaakbesluitOut) string { return o.Besluit }}
}
