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

type zaakeigenschapIn struct {
	Zaak       string `json:"zaak"`
	Eigenschap string `json:"eigenschap"`
	Waarde     string `json:"waarde"`
}

// zaakeigenschapData is what is stored in data; archief.go reads waarde from it
// (afleidingswijze eigenschap, zrc-021) and naam from its column.
type zaakeigenschapData struct {
	Waarde string `json:"waarde"`
}

type zaakeigenschapOut struct {
	URL        string `json:"url"`
	UUID       string `json:"uuid"`
	Zaak       string `json:"zaak"`
	Eigenschap string `json:"eigenschap"`
	Naam       string `json:"naam"`
	Waarde     string `json:"waarde"`

	id int64
}

// eigenschap is what the register reads of a Catalogi eigenschap.
type eigenschap struct {
	Zaaktype string `json:"zaaktype"`
	Naam     string `json:"naam"`
}

func (r *register) mountZaakeigenschap() {
	a := r.api
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaken/{zaak_uuid}/zaakeigenschappen", zgw.Scopes(scopeLezen), r.zaakeigenschapList)
	a.Handle("POST /zaken/{zaak_uuid}/zaakeigenschappen", write, r.zaakeigenschapCreate)
	// GET also answers HEAD.
	a.Handle("GET /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", zgw.Scopes(scopeLezen), r.zaakeigenschapRetrieve)
	a.Handle("PUT /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, r.zaakeigenschapUpdate)
	a.Handle("PATCH /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, r.zaakeigenschapUpdate)
	a.Handle("DELETE /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, r.zaakeigenschapDestroy)
}

func (r *register) zaakeigenschapLoad(ctx context.Context, q db.Querier, z *zaakRef, where string, args ...any) ([]*zaakeigenschapOut, error) {
	return r.zaakeigenschapQuery(ctx, q, "e.zaak_id = $1 AND "+where, append([]any{z.id}, args...)...)
}

// zaakeigenschapQuery loads zaakeigenschappen (alias e, their zaak z) in stored order; expand
// uses it to load those of a whole page at once.
func (r *register) zaakeigenschapQuery(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakeigenschapOut, error) {
	rows, err := q.Query(ctx, `SELECT e.id, CAST(e.uuid AS TEXT), CAST(z.uuid AS TEXT), e.eigenschap, e.naam, e.data
		FROM zaakeigenschap e JOIN zaak z ON z.id = e.zaak_id WHERE `+where+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("zaakeigenschap: %w", err)
	}
	defer rows.Close()
	out := []*zaakeigenschapOut{}
	for rows.Next() {
		o := &zaakeigenschapOut{}
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &zaakUUID, &o.Eigenschap, &o.Naam, &data); err != nil {
			return nil, fmt.Errorf("zaakeigenschap: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		o.URL = o.Zaak + "/zaakeigenschappen/" + o.UUID
		var d zaakeigenschapData
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("zaakeigenschap data: %w", err)
		}
		o.Waarde = d.Waarde
		out = append(out, o)
	}
	return out, rows.Err()
}

// pathZaak is the zaak of a nested path ({zaak_uuid}); 404 when there is none, 403 unless the
// client holds one of scopes(zaak) on it.
func (r *register) pathZaak(c *zgw.Call, scopes func(*zaakRef) []string) (*zaakRef, error) {
	id := pathUUID(c, "zaak_uuid")
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	z, err := zaakRefBy(c.Ctx(), r.db, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if z == nil {
		return nil, zgw.ErrNotFound()
	}
	if !z.allows(c, scopes(z)...) {
		return nil, zgw.ErrForbidden()
	}
	return z, nil
}

// zaakeigenschapList answers all eigenschappen of the zaak (a plain list in the spec).
func (r *register) zaakeigenschapList(c *zgw.Call) error {
	return nestedList(c, r, r.zaakeigenschapLoad)
}

// zaakeigenschapByPath loads the zaakeigenschap of the path, of the zaak of the path.
func (r *register) zaakeigenschapByPath(c *zgw.Call, scopes func(*zaakRef) []string) (*zaakeigenschapOut, *zaakRef, error) {
	return nestedByPath(c, r, r.zaakeigenschapLoad, "e.uuid", scopes)
}

func (r *register) zaakeigenschapRetrieve(c *zgw.Call) error {
	return subRetrieve(c, r.zaakeigenschapByPath)
}

// zrc-018: the eigenschap belongs to the zaaktype of the zaak.
func (r *register) zrc018Eigenschap(ctx context.Context, u string, z *zaakRef) (*eigenschap, error) {
	var e eigenschap
	if err := newTypes(r).Get(ctx, "eigenschap", u, &e, "zaaktype", "naam", "specificatie"); err != nil {
		return nil, err
	}
	if e.Zaaktype != z.zaaktype {
		return nil, zgw.FieldError("nonFieldErrors", "zaaktype-mismatch", "De eigenschap hoort niet bij het zaaktype van de zaak.")
	}
	return &e, nil
}

func (r *register) zaakeigenschapCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	z, err := r.pathZaak(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	var in zaakeigenschapIn
	if _, err := c.Body("zaakeigenschap_create", &in); err != nil {
		return err
	}
	if in.Zaak != r.api.URL("zaken", z.uuid) {
		return zgw.FieldError("zaak", "invalid", "De zaak moet de zaak van het pad zijn.")
	}
	e, err := r.zrc018Eigenschap(ctx, in.Eigenschap, z)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(zaakeigenschapData{Waarde: in.Waarde})
	var out *zaakeigenschapOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO zaakeigenschap (uuid, zaak_id, eigenschap, naam, data) VALUES ($1, $2, $3, $4, $5)`,
			id, z.id, in.Eigenschap, e.Naam, string(data)); err != nil {
			return fmt.Errorf("insert zaakeigenschap: %w", err)
		}
		outs, err := r.zaakeigenschapLoad(ctx, tx, z, "e.uuid = $2", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.notify(c, tx, z, "zaakeigenschap", out.URL, "create", out.Naam, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

// zaakeigenschapUpdate is PUT and PATCH; only waarde may change (zaken.md §5).
func (r *register) zaakeigenschapUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := r.zaakeigenschapByPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	in := zaakeigenschapIn{}
	if c.R.Method == http.MethodPatch {
		in = zaakeigenschapIn{Zaak: cur.Zaak, Eigenschap: cur.Eigenschap, Waarde: cur.Waarde}
	}
	if _, err := c.Body("zaakeigenschap_partial_update", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	if in.Zaak != cur.Zaak {
		errs.Add("zaak", "wijzigen-niet-toegelaten", "De zaak van een zaakeigenschap kan niet gewijzigd worden.")
	}
	if in.Eigenschap != cur.Eigenschap {
		errs.Add("eigenschap", "wijzigen-niet-toegelaten", "De eigenschap van een zaakeigenschap kan niet gewijzigd worden.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	data, _ := json.Marshal(zaakeigenschapData{Waarde: in.Waarde})
	return relUpdate(c, r, r.zaakeigenschapRel(z), z, cur.id, cur, "data = $1", string(data))
}

// zaakeigenschapRel is the zaakeigenschap of zaak z for the shared write flow (relwrite.go).
func (r *register) zaakeigenschapRel(z *zaakRef) relation[*zaakeigenschapOut] {
	return relation[*zaakeigenschapOut]{resource: "zaakeigenschap",
		load: func(ctx context.Context, tx *db.Tx, id int64) (*zaakeigenschapOut, error) {
			return firstOr404(r.zaakeigenschapLoad(ctx, tx, z, "e.id = $2", id))
		},
		url: func(o *zaakeigenschapOut) string { return o.URL }, weergave: func(o *zaakeigenschapOut) string { return o.Naam }}
}

func (r *register) zaakeigenschapDestroy(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, z, err := r.zaakeigenschapByPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	if err := relDelete(c, r, r.zaakeigenschapRel(z), z, cur.id, cur); err != nil {
		return err
	}
	return c.NoContent()
}
