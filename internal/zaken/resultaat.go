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

	id, zaakID int64
}

func (r *register) mountResultaat() {
	a := r.api
	a.Handle("GET /resultaten", zgw.Scopes(scopeLezen), r.resultaatList)
	a.Handle("POST /resultaten", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.resultaatCreate)
	a.Handle("GET /resultaten/{uuid}", zgw.Scopes(scopeLezen), r.resultaatRetrieve)
	a.Handle("PUT /resultaten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.resultaatUpdate)
	a.Handle("PATCH /resultaten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.resultaatUpdate)
	a.Handle("DELETE /resultaten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.resultaatDestroy)
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
	q := c.Query("zaak", "resultaattype", "page")
	var w db.Where
	if u := q.URL("zaak"); u != "" {
		id, _ := r.api.ParseURL(u, "zaken")
		w.And("zaak_id IN (SELECT id FROM zaak WHERE uuid = ?)", nullUUID(id))
	}
	if u := q.URL("resultaattype"); u != "" {
		w.And("resultaattype = ?", u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	authSub(&w, c.Principal.Grants)
	return subPage(c, r, "resultaat", &w, q.Page, func(ctx context.Context, ids any) ([]*resultaatOut, error) {
		return r.resultaatLoad(ctx, r.db, r.db.AnyID("s.id", "$1"), ids)
	}, func(o *resultaatOut) int64 { return o.id })
}

// resultaatByPath loads the resultaat of the path and checks the client holds one of
// scopes(zaak) on its zaak.
func (r *register) resultaatByPath(c *zgw.Call, scopes func(*zaakRef) []string) (*resultaatOut, *zaakRef, error) {
	return subByPath(c, r, r.resultaatLoad, func(o *resultaatOut) int64 { return o.zaakID }, scopes)
}

func (r *register) resultaatRetrieve(c *zgw.Call) error { return subRetrieve(c, r.resultaatByPath) }

func (r *register) resultaatCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in resultaatIn
	if _, err := c.Body("resultaat_create", &in); err != nil {
		return err
	}
	z, err := r.zaakByURL(ctx, r.db, "zaak", in.Zaak)
	if err != nil {
		return err
	}
	if !z.allows(c, z.writeScopes()...) {
		return zgw.ErrForbidden()
	}
	if err := r.zrc020Resultaattype(ctx, newTypes(r), in.Resultaattype, z); err != nil {
		return err
	}
	var out *resultaatOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM resultaat WHERE zaak_id = $1`, z.id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return zgw.FieldError("zaak", "unique", "De zaak heeft al een resultaat.")
		}
		id := zgw.NewUUID()
		data, _ := json.Marshal(map[string]string{"toelichting": in.Toelichting})
		if _, err := tx.Exec(ctx, `INSERT INTO resultaat (uuid, zaak_id, resultaattype, data) VALUES ($1, $2, $3, $4)`,
			id, z.id, in.Resultaattype, string(data)); err != nil {
			return fmt.Errorf("insert resultaat: %w", err)
		}
		outs, err := r.resultaatLoad(ctx, tx, "s.uuid = $1", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.notify(c, tx, z, "resultaat", out.URL, "create", out.Toelichting, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
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
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := r.resultaatByPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	in := resultaatIn{Zaak: cur.Zaak, Resultaattype: cur.Resultaattype, Toelichting: cur.Toelichting}
	if _, err := c.Body("resultaat_partial_update", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	if in.Zaak != cur.Zaak {
		errs.Add("zaak", "wijzigen-niet-toegelaten", "De zaak van een resultaat kan niet gewijzigd worden.")
	}
	if in.Resultaattype != cur.Resultaattype {
		errs.Add("resultaattype", "wijzigen-niet-toegelaten", "Het resultaattype van een resultaat kan niet gewijzigd worden.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	var out *resultaatOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		data, _ := json.Marshal(map[string]string{"toelichting": in.Toelichting})
		if _, err := tx.Exec(ctx, `UPDATE resultaat SET data = $1 WHERE id = $2`, string(data), cur.id); err != nil {
			return fmt.Errorf("update resultaat: %w", err)
		}
		outs, err := r.resultaatLoad(ctx, tx, "s.id = $1", cur.id)
		if err != nil {
			return err
		}
		if len(outs) == 0 {
			return zgw.ErrNotFound()
		}
		out = outs[0]
		return r.notify(c, tx, z, "resultaat", out.URL, actie(c), out.Toelichting, http.StatusOK, cur, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (r *register) resultaatDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := r.resultaatByPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM resultaat WHERE id = $1`, cur.id); err != nil {
			return fmt.Errorf("delete resultaat: %w", err)
		}
		return r.notify(c, tx, z, "resultaat", cur.URL, "destroy", cur.Toelichting, http.StatusNoContent, cur, nil)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
