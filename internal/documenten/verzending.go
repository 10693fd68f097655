package documenten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// verzendingData are the fields of a verzending as stored; the address groups stay raw.
type verzendingData struct {
	Betrokkene                      string          `json:"betrokkene"`
	Informatieobject                string          `json:"informatieobject"`
	AardRelatie                     string          `json:"aardRelatie"`
	Toelichting                     string          `json:"toelichting"`
	Ontvangstdatum                  *string         `json:"ontvangstdatum"`
	Verzenddatum                    *string         `json:"verzenddatum"`
	ContactPersoon                  string          `json:"contactPersoon"`
	Contactpersoonnaam              string          `json:"contactpersoonnaam"`
	BinnenlandsCorrespondentieadres json.RawMessage `json:"binnenlandsCorrespondentieadres"`
	BuitenlandsCorrespondentieadres json.RawMessage `json:"buitenlandsCorrespondentieadres"`
	CorrespondentiePostadres        json.RawMessage `json:"correspondentiePostadres"`
	Faxnummer                       *string         `json:"faxnummer"`
	Emailadres                      *string         `json:"emailadres"`
	MijnOverheid                    bool            `json:"mijnOverheid"`
	Telefoonnummer                  *string         `json:"telefoonnummer"`
}

type verzendingOut struct {
	URL string `json:"url"`
	verzendingData
	Expand map[string]any `json:"_expand,omitempty"`

	id, docID int64
}

func (r *register) mountVerzending() {
	a := r.api
	// The OAS has no security block for verzendingen; the documenten scopes apply.
	a.Handle("GET /verzendingen", zgw.Scopes(scopeLezen), r.verzendingList)
	a.Handle("POST /verzendingen", zgw.Scopes(scopeAanmaken), r.verzendingCreate)
	a.Handle("GET /verzendingen/{uuid}", zgw.Scopes(scopeLezen), r.verzendingRetrieve)
	a.Handle("PUT /verzendingen/{uuid}", zgw.Scopes(scopeBijwerken), r.verzendingUpdate)
	a.Handle("PATCH /verzendingen/{uuid}", zgw.Scopes(scopeBijwerken), r.verzendingUpdate)
	a.Handle("DELETE /verzendingen/{uuid}", zgw.Scopes(scopeVerwijderen), r.verzendingDestroy)
}

func (r *register) verzendingLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*verzendingOut, error) {
	rows, err := q.Query(ctx, `SELECT v.id, v.document_id, CAST(v.uuid AS TEXT), CAST(d.uuid AS TEXT), v.data
		FROM verzending v JOIN document d ON d.id = v.document_id WHERE `+where+` ORDER BY v.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("verzending: %w", err)
	}
	defer rows.Close()
	var out []*verzendingOut
	for rows.Next() {
		o := &verzendingOut{}
		var uuid, doc, data string
		if err := rows.Scan(&o.id, &o.docID, &uuid, &doc, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &o.verzendingData); err != nil {
			return nil, err
		}
		o.URL = r.api.URL(collectionVerzend, strings.ToLower(uuid))
		o.Informatieobject = r.api.URL(collectionEIO, strings.ToLower(doc))
		for _, g := range []*json.RawMessage{&o.BinnenlandsCorrespondentieadres, &o.BuitenlandsCorrespondentieadres, &o.CorrespondentiePostadres} {
			if len(*g) == 0 {
				*g = json.RawMessage("null")
			}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// verzendingChannels checks that exactly one address channel is given (documenten.md §6).
func verzendingChannels(in *verzendingData) error {
	n := 0
	for _, g := range []json.RawMessage{in.BinnenlandsCorrespondentieadres, in.BuitenlandsCorrespondentieadres, in.CorrespondentiePostadres} {
		if len(g) > 0 && string(g) != "null" {
			n++
		}
	}
	for _, s := range []*string{in.Faxnummer, in.Emailadres, in.Telefoonnummer} {
		if s != nil && *s != "" {
			n++
		}
	}
	if in.MijnOverheid {
		n++
	}
	if n != 1 {
		return zgw.FieldError("nonFieldErrors", "invalid-address",
			"Een verzending heeft precies één adres: een correspondentieadres, postadres, faxnummer, e-mailadres, telefoonnummer of MijnOverheid.")
	}
	return nil
}

func (r *register) verzendingList(c *zgw.Call) error {
	q := c.Query("aardRelatie", "informatieobject", "betrokkene", "expand", "page")
	var w db.Where
	if v := q.Enum("aardRelatie", "afzender", "geadresseerde"); v != "" {
		w.And("aard_relatie = ?", v)
	}
	if u := q.URL("informatieobject"); u != "" {
		id, _ := r.api.ParseURL(u, collectionEIO)
		w.And("document_id IN (SELECT id FROM document WHERE uuid = ?)", nullUUID(id))
	}
	if u := q.URL("betrokkene"); u != "" {
		w.And("betrokkene = ?", u)
	}
	expand, err := zgw.ParseExpand(q.String("expand"), informatieobjectExpand)
	if err != nil {
		return err
	}
	if err := q.Err(); err != nil {
		return err
	}
	authSub(&w, c.Principal.Grants)
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, "verzending", &w, "id", q.Page, zgw.PageSize)
	if err != nil {
		return err
	}
	var items []*verzendingOut
	if len(p.IDs) > 0 {
		if items, err = r.verzendingLoad(ctx, r.db, r.db.AnyID("v.id", "$1"), r.db.IDList(p.IDs)); err != nil {
			return err
		}
		ids := make([]int64, len(items))
		for i, o := range items {
			ids[i] = o.docID
		}
		if err := r.expandInformatieobject(ctx, expand, ids, func(i int, d *eioOut) { items[i].Expand = map[string]any{"informatieobject": d} }); err != nil {
			return err
		}
	}
	env, err := zgw.Paginate(c, q.Page, p.Count, items)
	if err != nil {
		return err
	}
	return writeJSON(c, env)
}

func (r *register) verzendingOf(c *zgw.Call, scopes ...string) (*verzendingOut, *docRef, error) {
	return childOf(c, r, r.verzendingLoad, "v.uuid", func(o *verzendingOut) int64 { return o.docID }, scopes...)
}

func (r *register) verzendingRetrieve(c *zgw.Call) error {
	q := c.Query("expand")
	expand, err := zgw.ParseExpand(q.String("expand"), informatieobjectExpand)
	if err != nil {
		return err
	}
	o, _, err := r.verzendingOf(c, scopeLezen)
	if err != nil {
		return err
	}
	if err := r.expandInformatieobject(c.Ctx(), expand, []int64{o.docID}, func(_ int, d *eioOut) { o.Expand = map[string]any{"informatieobject": d} }); err != nil {
		return err
	}
	return c.Detail(o)
}

func (r *register) verzendingCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in verzendingData
	if _, err := c.Body("verzending_create", &in); err != nil {
		return err
	}
	d, err := r.docByURL(ctx, r.db, "informatieobject", in.Informatieobject, false)
	if err != nil {
		return err
	}
	if !d.allows(c, scopeAanmaken) {
		return zgw.ErrForbidden()
	}
	if err := verzendingChannels(&in); err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	var out *verzendingOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO verzending (uuid, document_id, aard_relatie, betrokkene, data) VALUES ($1, $2, $3, $4, $5)`,
			id, d.id, in.AardRelatie, in.Betrokkene, string(data)); err != nil {
			return fmt.Errorf("insert verzending: %w", err)
		}
		outs, err := r.verzendingLoad(ctx, tx, "v.uuid = $1", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.record(c, tx, d, "verzending", out.URL, "create", in.AardRelatie+" "+in.Betrokkene, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

func (r *register) verzendingUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := r.verzendingOf(c, scopeBijwerken)
	if err != nil {
		return err
	}
	patch := c.R.Method == http.MethodPatch
	in := cur.verzendingData
	op := "verzending_update"
	if patch {
		op = "verzending_partial_update"
	} else {
		in = verzendingData{}
	}
	if _, err := c.Body(op, &in); err != nil {
		return err
	}
	if in.Informatieobject != cur.Informatieobject {
		nd, err := r.docByURL(ctx, r.db, "informatieobject", in.Informatieobject, false)
		if err != nil {
			return err
		}
		if !nd.allows(c, scopeBijwerken) {
			return zgw.ErrForbidden()
		}
		d = nd
	}
	if err := verzendingChannels(&in); err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	var out *verzendingOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(ctx, `UPDATE verzending SET document_id = $1, aard_relatie = $2, betrokkene = $3, data = $4 WHERE id = $5`,
			d.id, in.AardRelatie, in.Betrokkene, string(data), cur.id))
		if err != nil {
			return fmt.Errorf("update verzending: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound()
		}
		outs, err := r.verzendingLoad(ctx, tx, "v.id = $1", cur.id)
		if err != nil {
			return err
		}
		out = outs[0]
		actie := "update"
		if patch {
			actie = "partial_update"
		}
		return r.record(c, tx, d, "verzending", out.URL, actie, in.AardRelatie+" "+in.Betrokkene, http.StatusOK, cur, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (r *register) verzendingDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := r.verzendingOf(c, scopeVerwijderen)
	if err != nil {
		return err
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM verzending WHERE id = $1`, cur.id))
		if err != nil {
			return fmt.Errorf("delete verzending: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound()
		}
		return r.record(c, tx, d, "verzending", cur.URL, "destroy", cur.AardRelatie+" "+cur.Betrokkene, http.StatusNoContent, cur, nil)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
