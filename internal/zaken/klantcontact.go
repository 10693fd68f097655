package zaken

import (
	"context"
	"encoding/json"
	"fmt"
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

	subRow
}

// klantcontact is the klantcontact for the shared flows (sub.go).
func (r *register) klantcontact() sub[*klantcontactOut] {
	return sub[*klantcontactOut]{r: r, resource: "klantcontact", load: r.klantcontactLoad}
}

func (o *klantcontactOut) url() string      { return o.URL }
func (o *klantcontactOut) weergave() string { return o.Onderwerp }

func (r *register) mountKlantcontact() {
	a := r.api
	a.Handle("GET /klantcontacten", zgw.Scopes(scopeLezen), r.klantcontactList)
	a.Handle("POST /klantcontacten", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.klantcontactCreate)
	a.Handle("GET /klantcontacten/{uuid}", zgw.Scopes(scopeLezen), r.klantcontact().retrieve)
}

func (r *register) klantcontactLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*klantcontactOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.data
		FROM klantcontact s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("klantcontact: %w", err)
	}
	defer rows.Close()
	var out []*klantcontactOut
	for rows.Next() {
		o := &klantcontactOut{}
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &data); err != nil {
			return nil, fmt.Errorf("klantcontact: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("klantcontacten", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		if err := json.Unmarshal(data, &o.klantcontactData); err != nil {
			return nil, fmt.Errorf("klantcontact data: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (r *register) klantcontactList(c *zgw.Call) error {
	s := r.klantcontact()
	q, w := s.listQuery(c, "page")
	if err := q.Err(); err != nil {
		return err
	}
	return s.page(c, w, q.Page)
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
	return r.klantcontact().create(c, z, func(tx *db.Tx, id string) error {
		if _, err := tx.Exec(ctx, `INSERT INTO klantcontact (uuid, zaak_id, data) VALUES ($1, $2, $3)`, id, z.id, string(data)); err != nil {
			return fmt.Errorf("insert klantcontact: %w", err)
		}
		return nil
	})
}
