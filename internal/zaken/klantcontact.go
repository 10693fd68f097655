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

// klantcontactData is a KlantContact as stored (deprecated in favour of Klantinteracties,
// still in the OAS): list, create and read only.
type klantcontactData struct {
	Identificatie string `json:"identificatie"`
	Datumtijd     string `json:"datumtijd"`
	Kanaal        string `json:"kanaal"`
	Onderwerp     string `json:"onderwerp"`
	Toelichting   string `json:"toelichting"`
}

type klantcontactIn struct {
	Zaak string `json:"zaak"`
	klantcontactData
}

type klantcontactOut struct {
	URL  string `json:"url"`
	UUID string `json:"uuid"`
	Zaak string `json:"zaak"`
	klantcontactData

	id int64
}

func (r *register) mountKlantcontact() {
	a := r.api
	a.Handle("GET /klantcontacten", zgw.Scopes(scopeLezen), r.klantcontactList)
	a.Handle("POST /klantcontacten", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.klantcontactCreate)
	a.Handle("GET /klantcontacten/{uuid}", zgw.Scopes(scopeLezen), r.klantcontactRetrieve)
}

func (r *register) klantcontactLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*klantcontactOut, []int64, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.data
		FROM klantcontact s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("klantcontact: %w", err)
	}
	defer rows.Close()
	var out []*klantcontactOut
	var zaakIDs []int64
	for rows.Next() {
		o := &klantcontactOut{}
		var zaakID int64
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &zaakID, &zaakUUID, &data); err != nil {
			return nil, nil, fmt.Errorf("klantcontact: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("klantcontacten", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		if err := json.Unmarshal(data, &o.klantcontactData); err != nil {
			return nil, nil, fmt.Errorf("klantcontact data: %w", err)
		}
		out = append(out, o)
		zaakIDs = append(zaakIDs, zaakID)
	}
	return out, zaakIDs, rows.Err()
}

func (r *register) klantcontactList(c *zgw.Call) error {
	q := c.Query("zaak", "page")
	var w db.Where
	if u := q.URL("zaak"); u != "" {
		r.zaakUUIDWhere(&w, u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	authSub(&w, c.Principal.Grants)
	return subPage(c, r, "klantcontact", &w, q.Page, func(ctx context.Context, ids any) ([]*klantcontactOut, error) {
		out, _, err := r.klantcontactLoad(ctx, r.db, r.db.AnyID("s.id", "$1"), ids)
		return out, err
	}, func(o *klantcontactOut) int64 { return o.id })
}

func (r *register) klantcontactRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	id := pathUUID(c, "uuid")
	if id == "" {
		return zgw.ErrNotFound()
	}
	out, zaakIDs, err := r.klantcontactLoad(c.Ctx(), r.db, "s.uuid = $1", id)
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return zgw.ErrNotFound()
	}
	if _, err := r.zaakOf(c, zaakIDs[0], readScopes); err != nil {
		return err
	}
	return c.Detail(out[0])
}

func (r *register) klantcontactCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in klantcontactIn
	if _, err := c.Body("klantcontact_create", &in); err != nil {
		return err
	}
	z, err := r.zaakFor(c, "zaak", in.Zaak, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in.klantcontactData)
	var out *klantcontactOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO klantcontact (uuid, zaak_id, data) VALUES ($1, $2, $3)`, id, z.id, string(data)); err != nil {
			return fmt.Errorf("insert klantcontact: %w", err)
		}
		outs, _, err := r.klantcontactLoad(ctx, tx, "s.uuid = $1", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.notify(c, tx, z, "klantcontact", out.URL, "create", out.Onderwerp, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}
