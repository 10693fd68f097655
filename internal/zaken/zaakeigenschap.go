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

	subRow
}

// eigenschap is what the register reads of a Catalogi eigenschap.
type eigenschap struct {
	Zaaktype string `json:"zaaktype"`
	Naam     string `json:"naam"`
}

// zaakeigenschap is the zaakeigenschap for the shared flows (sub.go).
func (r *register) zaakeigenschap() sub[*zaakeigenschapOut] {
	return sub[*zaakeigenschapOut]{r: r, resource: "zaakeigenschap", nested: true, load: r.zaakeigenschapLoad}
}

func (o *zaakeigenschapOut) url() string      { return o.URL }
func (o *zaakeigenschapOut) weergave() string { return o.Naam }

func (r *register) mountZaakeigenschap() {
	a, s := r.api, r.zaakeigenschap()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaken/{zaak_uuid}/zaakeigenschappen", zgw.Scopes(scopeLezen), s.zaakList)
	a.Handle("POST /zaken/{zaak_uuid}/zaakeigenschappen", write, r.zaakeigenschapCreate)
	// GET also answers HEAD.
	a.Handle("GET /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("PUT /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, r.zaakeigenschapUpdate)
	a.Handle("PATCH /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, r.zaakeigenschapUpdate)
	a.Handle("DELETE /zaken/{zaak_uuid}/zaakeigenschappen/{uuid}", write, s.destroy((*zaakRef).writeScopes))
}

// zaakeigenschapLoad loads zaakeigenschappen (alias s, their zaak z) in stored order; expand
// uses it to load those of a whole page at once.
func (r *register) zaakeigenschapLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakeigenschapOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.eigenschap, s.naam, s.data
		FROM zaakeigenschap s JOIN zaak z ON z.id = s.zaak_id WHERE `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("zaakeigenschap: %w", err)
	}
	defer rows.Close()
	var out []*zaakeigenschapOut
	for rows.Next() {
		o := &zaakeigenschapOut{}
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Eigenschap, &o.Naam, &data); err != nil {
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
	return r.zaakeigenschap().create(c, z, func(tx *db.Tx, id string) error {
		if _, err := tx.Exec(ctx, `INSERT INTO zaakeigenschap (uuid, zaak_id, eigenschap, naam, data) VALUES ($1, $2, $3, $4, $5)`,
			id, z.id, in.Eigenschap, e.Naam, string(data)); err != nil {
			return fmt.Errorf("insert zaakeigenschap: %w", err)
		}
		return nil
	})
}

// zaakeigenschapUpdate is PUT and PATCH; only waarde may change (zaken.md §5).
func (r *register) zaakeigenschapUpdate(c *zgw.Call) error {
	s := r.zaakeigenschap()
	cur, z, err := s.byPath(c, (*zaakRef).writeScopes)
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
	wijzigenNietToegelaten(&errs, "zaak", cur.Zaak, in.Zaak, "De zaak van een zaakeigenschap kan niet gewijzigd worden.")
	wijzigenNietToegelaten(&errs, "eigenschap", cur.Eigenschap, in.Eigenschap, "De eigenschap van een zaakeigenschap kan niet gewijzigd worden.")
	if err := errs.Err(); err != nil {
		return err
	}
	data, _ := json.Marshal(zaakeigenschapData{Waarde: in.Waarde})
	return s.update(c, z, cur, "data = $1", string(data))
}
