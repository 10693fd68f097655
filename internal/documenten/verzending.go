package documenten

import (
	"encoding/json"
	"fmt"

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

var verzending = sub{resource: "verzending", table: "verzending", alias: "v", collection: collectionVerzend, cols: "v.data"}

func (o *verzendingOut) refs() (*int64, *int64, *string, *string) {
	return &o.id, &o.docID, &o.URL, &o.Informatieobject
}

func (o *verzendingOut) own() []any { return []any{jsonColumn{&o.verzendingData}} }

func (o *verzendingOut) weergave() string { return o.AardRelatie + " " + o.Betrokkene }

func (o *verzendingOut) expanded() *map[string]any { return &o.Expand }

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
		if items, err = loadSubs[verzendingOut](ctx, r, r.db, verzending, r.db.AnyID("v.id", "$1"), r.db.IDList(p.IDs)); err != nil {
			return err
		}
		if err := expandInformatieobject(ctx, r, expand, items); err != nil {
			return err
		}
	}
	env, err := zgw.Paginate(c, q.Page, p.Count, items)
	if err != nil {
		return err
	}
	return writeJSON(c, env)
}

func (r *register) verzendingRetrieve(c *zgw.Call) error {
	q := c.Query("expand")
	expand, err := zgw.ParseExpand(q.String("expand"), informatieobjectExpand)
	if err != nil {
		return err
	}
	o, _, err := subOf[verzendingOut](c, r, verzending, scopeLezen)
	if err != nil {
		return err
	}
	if err := expandInformatieobject(c.Ctx(), r, expand, []*verzendingOut{o}); err != nil {
		return err
	}
	return c.Detail(o)
}

func (r *register) verzendingCreate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in verzendingData
	if _, err := c.Body("verzending_create", &in); err != nil {
		return err
	}
	d, err := r.docForSub(c, in.Informatieobject, scopeAanmaken)
	if err != nil {
		return err
	}
	if err := verzendingChannels(&in); err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	return subSave(c, r, verzending, d, (*verzendingOut)(nil), func(tx *db.Tx, uuid string) error {
		if _, err := tx.Exec(c.Ctx(), `INSERT INTO verzending (uuid, document_id, aard_relatie, betrokkene, data) VALUES ($1, $2, $3, $4, $5)`,
			uuid, d.id, in.AardRelatie, in.Betrokkene, string(data)); err != nil {
			return fmt.Errorf("insert verzending: %w", err)
		}
		return nil
	})
}

func (r *register) verzendingUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := subOf[verzendingOut](c, r, verzending, scopeBijwerken)
	if err != nil {
		return err
	}
	in, err := subBody(c, verzending, cur.verzendingData)
	if err != nil {
		return err
	}
	if in.Informatieobject != cur.Informatieobject {
		if d, err = r.docForSub(c, in.Informatieobject, scopeBijwerken); err != nil {
			return err
		}
	}
	if err := verzendingChannels(&in); err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	return subSave(c, r, verzending, d, cur, func(tx *db.Tx, _ string) error {
		if _, err := tx.Exec(c.Ctx(), `UPDATE verzending SET document_id = $1, aard_relatie = $2, betrokkene = $3, data = $4 WHERE id = $5`,
			d.id, in.AardRelatie, in.Betrokkene, string(data), cur.id); err != nil {
			return fmt.Errorf("update verzending: %w", err)
		}
		return nil
	})
}

func (r *register) verzendingDestroy(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := subOf[verzendingOut](c, r, verzending, scopeVerwijderen)
	if err != nil {
		return err
	}
	return r.subDestroy(c, verzending, cur, d, nil)
}
