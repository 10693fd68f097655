package zaken

import (
	"context"
	"fmt"
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

	subRow
}

// zaakbesluit is the zaakbesluit for the shared flows (sub.go).
func (r *register) zaakbesluit() sub[*zaakbesluitOut] {
	return sub[*zaakbesluitOut]{r: r, resource: "zaakbesluit", nested: true, load: r.zaakbesluitLoad}
}

func (o *zaakbesluitOut) url() string      { return o.URL }
func (o *zaakbesluitOut) weergave() string { return o.Besluit }

func (r *register) mountZaakbesluit() {
	a, s := r.api, r.zaakbesluit()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaken/{zaak_uuid}/besluiten", zgw.Scopes(scopeLezen), s.zaakList)
	a.Handle("POST /zaken/{zaak_uuid}/besluiten", write, r.zaakbesluitCreate)
	a.Handle("GET /zaken/{zaak_uuid}/besluiten/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("DELETE /zaken/{zaak_uuid}/besluiten/{uuid}", write, s.destroy((*zaakRef).writeScopes))
}

// zaakbesluitLoad loads zaakbesluiten (alias s, their zaak z) in stored order.
func (r *register) zaakbesluitLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakbesluitOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.besluit
		FROM zaakbesluit s JOIN zaak z ON z.id = s.zaak_id WHERE `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("zaakbesluit: %w", err)
	}
	defer rows.Close()
	var out []*zaakbesluitOut
	for rows.Next() {
		o := &zaakbesluitOut{}
		var zaakUUID string
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Besluit); err != nil {
			return nil, fmt.Errorf("zaakbesluit: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("zaken", strings.ToLower(zaakUUID)) + "/besluiten/" + o.UUID
		out = append(out, o)
	}
	return out, rows.Err()
}

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
	return r.zaakbesluit().create(c, z, func(tx *db.Tx, id string) error {
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM zaakbesluit WHERE zaak_id = $1 AND besluit = $2)`, z.id, in.Besluit).Scan(&dup); err != nil {
			return fmt.Errorf("zaakbesluit: %w", err)
		}
		if dup {
			return zgw.FieldError("nonFieldErrors", "unique", "Dit besluit hoort al bij deze zaak.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO zaakbesluit (uuid, zaak_id, besluit) VALUES ($1, $2, $3)`, id, z.id, in.Besluit); err != nil {
			return fmt.Errorf("insert zaakbesluit: %w", err)
		}
		return nil
	})
}
