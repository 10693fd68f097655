package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

type resultaatIn struct {
	Zaak          string `json:"zaak"`
	Resultaattype string `json:"resultaattype"`
	Toelichting   string `json:"toelichting"`
}

type resultaatOut struct {
	URL           string         `json:"url"`
	UUID          string         `json:"uuid"`
	Zaak          string         `json:"zaak"`
	Resultaattype string         `json:"resultaattype"`
	Toelichting   string         `json:"toelichting"`
	Expand        map[string]any `json:"_expand,omitempty"`

	subRow
}

// resultaat is the resultaat for the shared flows (sub.go).
func (r *register) resultaat() sub[*resultaatOut] {
	return sub[*resultaatOut]{r: r, resource: "resultaat", load: r.resultaatLoad}
}

func (o *resultaatOut) url() string      { return o.URL }
func (o *resultaatOut) weergave() string { return o.Toelichting }

func (r *register) mountResultaat() {
	a, s := r.api, r.resultaat()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /resultaten", zgw.Scopes(scopeLezen), r.resultaatList)
	a.Handle("POST /resultaten", write, r.resultaatCreate)
	a.Handle("GET /resultaten/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("PUT /resultaten/{uuid}", write, r.resultaatUpdate)
	a.Handle("PATCH /resultaten/{uuid}", write, r.resultaatUpdate)
	a.Handle("DELETE /resultaten/{uuid}", write, s.destroy((*zaakRef).writeScopes))
}

func (r *register) resultaatLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*resultaatOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.resultaattype, s.data
		FROM resultaat s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("resultaat: %w", err)
	}
	defer rows.Close()
	var out []*resultaatOut
	for rows.Next() {
		o := &resultaatOut{}
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Resultaattype, &data); err != nil {
			return nil, fmt.Errorf("resultaat: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("resultaten", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		var d struct {
			Toelichting string `json:"toelichting"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("resultaat data: %w", err)
		}
		o.Toelichting = d.Toelichting
		out = append(out, o)
	}
	return out, rows.Err()
}

func (r *register) resultaatList(c *zgw.Call) error {
	s := r.resultaat()
	q, w := s.listQuery(c, "resultaattype", "page")
	if u := q.URL("resultaattype"); u != "" {
		w.And("resultaattype = ?", u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	return s.page(c, w, q.Page)
}

func (r *register) resultaatCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in resultaatIn
	if _, err := c.Body("resultaat_create", &in); err != nil {
		return err
	}
	z, err := r.zaakFor(c, "zaak", in.Zaak, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	if err := r.zrc020Resultaattype(ctx, newTypes(r), in.Resultaattype, z); err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]string{"toelichting": in.Toelichting})
	return r.resultaat().create(c, z, func(tx *db.Tx, id string) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM resultaat WHERE zaak_id = $1`, z.id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return zgw.FieldError("zaak", "unique", "De zaak heeft al een resultaat.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO resultaat (uuid, zaak_id, resultaattype, data) VALUES ($1, $2, $3, $4)`,
			id, z.id, in.Resultaattype, string(data)); err != nil {
			return fmt.Errorf("insert resultaat: %w", err)
		}
		return nil
	})
}

// zrc-020: the resultaattype belongs to the zaaktype of the zaak.
func (r *register) zrc020Resultaattype(ctx context.Context, t *types, u string, z *zaakRef) error {
	var rt resultaattype
	if err := t.Get(ctx, "resultaattype", u, &rt, "zaaktype", "archiefnominatie", "brondatumArchiefprocedure"); err != nil {
		return err
	}
	if rt.Zaaktype != z.zaaktype {
		return zgw.FieldError("nonFieldErrors", "zaaktype-mismatch", "Het resultaattype hoort niet bij het zaaktype van de zaak.")
	}
	return nil
}

// resultaatUpdate is PUT and PATCH; only the toelichting may change (zaak and resultaattype
// are fixed, zaken.md §5).
func (r *register) resultaatUpdate(c *zgw.Call) error {
	s := r.resultaat()
	cur, z, err := s.byPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	in := resultaatIn{Zaak: cur.Zaak, Resultaattype: cur.Resultaattype, Toelichting: cur.Toelichting}
	if _, err := c.Body("resultaat_partial_update", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	wijzigenNietToegelaten(&errs, "zaak", cur.Zaak, in.Zaak, "De zaak van een resultaat kan niet gewijzigd worden.")
	wijzigenNietToegelaten(&errs, "resultaattype", cur.Resultaattype, in.Resultaattype,
		"Het resultaattype van een resultaat kan niet gewijzigd worden.")
	if err := errs.Err(); err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]string{"toelichting": in.Toelichting})
	return s.update(c, z, cur, "data = $1", string(data))
}
