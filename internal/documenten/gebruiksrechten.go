package documenten

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

type gebruiksrechtenIn struct {
	Informatieobject        string  `json:"informatieobject"`
	Startdatum              string  `json:"startdatum"`
	Einddatum               *string `json:"einddatum"`
	OmschrijvingVoorwaarden string  `json:"omschrijvingVoorwaarden"`
}

type gebruiksrechtenOut struct {
	URL string `json:"url"`
	gebruiksrechtenIn
	Expand map[string]any `json:"_expand,omitempty"`

	id, docID int64
}

var gebruiksrechten = sub{resource: "gebruiksrechten", table: "gebruiksrechten", alias: "g", collection: collectionRecht, cols: "g.data"}

func (o *gebruiksrechtenOut) refs() (*int64, *int64, *string, *string) {
	return &o.id, &o.docID, &o.URL, &o.Informatieobject
}

func (o *gebruiksrechtenOut) own() []any { return []any{jsonColumn{&o.gebruiksrechtenIn}} }

func (o *gebruiksrechtenOut) weergave() string { return o.OmschrijvingVoorwaarden }

func (o *gebruiksrechtenOut) expanded() *map[string]any { return &o.Expand }

func (r *register) mountGebruiksrechten() {
	a := r.api
	a.Handle("GET /gebruiksrechten", zgw.Scopes(scopeLezen), r.gebruiksrechtenList)
	a.Handle("POST /gebruiksrechten", zgw.Scopes(scopeAanmaken), r.gebruiksrechtenCreate)
	a.Handle("GET /gebruiksrechten/{uuid}", zgw.Scopes(scopeLezen), r.gebruiksrechtenRetrieve)
	a.Handle("PUT /gebruiksrechten/{uuid}", zgw.Scopes(scopeBijwerken), r.gebruiksrechtenUpdate)
	a.Handle("PATCH /gebruiksrechten/{uuid}", zgw.Scopes(scopeBijwerken), r.gebruiksrechtenUpdate)
	a.Handle("DELETE /gebruiksrechten/{uuid}", zgw.Scopes(scopeVerwijderen), r.gebruiksrechtenDestroy)
}

// expandInformatieobject adds _expand.informatieobject (drc-011..014: gebruiksrechten and
// verzendingen expand into their document, latest version) for a page, in one query.
func expandInformatieobject[PT interface {
	subRow
	expanded() *map[string]any
}](ctx context.Context, r *register, e zgw.Expand, items []PT) error {
	nested, ok := e["informatieobject"]
	if !ok || len(items) == 0 {
		return nil
	}
	docIDs := make([]int64, len(items))
	for i, o := range items {
		_, docID, _, _ := o.refs()
		docIDs[i] = *docID
	}
	docs, err := r.eioLoad(ctx, r.db, latestJoin+` WHERE `+r.db.AnyID("d.id", "$1"), r.db.IDList(docIDs))
	if err != nil {
		return err
	}
	if err := r.expandTypes(ctx, docs, nested); err != nil {
		return err
	}
	byID := map[int64]*eioOut{}
	for _, d := range docs {
		byID[d.id] = d
	}
	for i, o := range items {
		*o.expanded() = map[string]any{"informatieobject": byID[docIDs[i]]}
	}
	return nil
}

var informatieobjectExpand = []string{"informatieobject", "informatieobject.informatieobjecttype"}

func (r *register) gebruiksrechtenList(c *zgw.Call) error {
	q := c.Query("informatieobject", "startdatum__lt", "startdatum__lte", "startdatum__gt", "startdatum__gte",
		"einddatum__lt", "einddatum__lte", "einddatum__gt", "einddatum__gte", "expand")
	var w db.Where
	if u := q.URL("informatieobject"); u != "" {
		id, _ := r.api.ParseURL(u, collectionEIO)
		w.And("g.document_id IN (SELECT id FROM document WHERE uuid = ?)", nullUUID(id))
	}
	ops := map[string]string{"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
	for _, col := range []string{"startdatum", "einddatum"} {
		for _, op := range []string{"lt", "lte", "gt", "gte"} {
			name := col + "__" + op
			if v := q.String(name); v != "" {
				t, err := parseDateTime(v)
				if err != nil {
					q.Invalid(name, "invalid", "Voer een geldige datum/tijd in.")
					continue
				}
				w.And("g."+col+" "+ops[op]+" ?", t.UTC())
			}
		}
	}
	expand, err := zgw.ParseExpand(q.String("expand"), informatieobjectExpand)
	if err != nil {
		return err
	}
	if err := q.Err(); err != nil {
		return err
	}
	where, args := subList(c, &w)
	out, err := loadSubs[gebruiksrechtenOut](c.Ctx(), r, r.db, gebruiksrechten, where, args...)
	if err != nil {
		return err
	}
	if err := expandInformatieobject(c.Ctx(), r, expand, out); err != nil {
		return err
	}
	return writeJSON(c, out)
}

func (r *register) gebruiksrechtenRetrieve(c *zgw.Call) error {
	q := c.Query("expand")
	expand, err := zgw.ParseExpand(q.String("expand"), informatieobjectExpand)
	if err != nil {
		return err
	}
	o, _, err := subOf[gebruiksrechtenOut](c, r, gebruiksrechten, scopeLezen)
	if err != nil {
		return err
	}
	if err := expandInformatieobject(c.Ctx(), r, expand, []*gebruiksrechtenOut{o}); err != nil {
		return err
	}
	return c.Detail(o)
}

func (in *gebruiksrechtenIn) times() (start time.Time, eind any, err error) {
	start, err = parseDateTime(in.Startdatum)
	if err != nil {
		return start, nil, zgw.FieldError("startdatum", "invalid", "Voer een geldige datum/tijd in.")
	}
	if in.Einddatum != nil {
		e, err := parseDateTime(*in.Einddatum)
		if err != nil {
			return start, nil, zgw.FieldError("einddatum", "invalid", "Voer een geldige datum/tijd in.")
		}
		eind = e.UTC()
	}
	return start.UTC(), eind, nil
}

// setIndicatie sets indicatieGebruiksrecht of the latest version in place (drc-006: the
// register maintains it; it is not a new version of the document).
func setIndicatie(ctx context.Context, tx *db.Tx, docID int64, v *bool) error {
	var val any = "null"
	if v != nil {
		val = fmt.Sprint(*v)
	}
	patch := `json_set(data, '$.indicatieGebruiksrecht', json($1))`
	if tx.Dialect == db.Postgres {
		patch = `jsonb_set(data, '{indicatieGebruiksrecht}', $1::jsonb)`
	}
	_, err := tx.Exec(ctx, `UPDATE document_versie SET data = `+patch+` WHERE document_id = $2
		AND versie = (SELECT versie FROM document WHERE id = $2)`, val, docID)
	if err != nil {
		return fmt.Errorf("indicatieGebruiksrecht: %w", err)
	}
	return nil
}

// drc-006: creating gebruiksrechten sets indicatieGebruiksrecht of the document to true.
func (r *register) gebruiksrechtenCreate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in gebruiksrechtenIn
	if _, err := c.Body("gebruiksrechten_create", &in); err != nil {
		return err
	}
	d, err := r.docForSub(c, in.Informatieobject, scopeAanmaken)
	if err != nil {
		return err
	}
	start, eind, err := in.times()
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	return subSave(c, r, gebruiksrechten, d, (*gebruiksrechtenOut)(nil), func(tx *db.Tx, uuid string) error {
		if _, err := tx.Exec(c.Ctx(), `INSERT INTO gebruiksrechten (uuid, document_id, startdatum, einddatum, data) VALUES ($1, $2, $3, $4, $5)`,
			uuid, d.id, start, eind, string(data)); err != nil {
			return fmt.Errorf("insert gebruiksrechten: %w", err)
		}
		t := true
		return setIndicatie(c.Ctx(), tx, d.id, &t)
	})
}

func (r *register) gebruiksrechtenUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := subOf[gebruiksrechtenOut](c, r, gebruiksrechten, scopeBijwerken)
	if err != nil {
		return err
	}
	in, err := subBody(c, gebruiksrechten, cur.gebruiksrechtenIn)
	if err != nil {
		return err
	}
	if in.Informatieobject != cur.Informatieobject {
		return zgw.FieldError("informatieobject", "wijzigen-niet-toegelaten", "Het informatieobject kan niet gewijzigd worden.")
	}
	start, eind, err := in.times()
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	return subSave(c, r, gebruiksrechten, d, cur, func(tx *db.Tx, _ string) error {
		if _, err := tx.Exec(c.Ctx(), `UPDATE gebruiksrechten SET startdatum = $1, einddatum = $2, data = $3 WHERE id = $4`,
			start, eind, string(data), cur.id); err != nil {
			return fmt.Errorf("update gebruiksrechten: %w", err)
		}
		return nil
	})
}

// drc-006: deleting the last gebruiksrechten sets indicatieGebruiksrecht back to null.
func (r *register) gebruiksrechtenDestroy(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, d, err := subOf[gebruiksrechtenOut](c, r, gebruiksrechten, scopeVerwijderen)
	if err != nil {
		return err
	}
	return r.subDestroy(c, gebruiksrechten, cur, d, func(tx *db.Tx) error {
		var left int
		if err := tx.QueryRow(c.Ctx(), `SELECT count(*) FROM gebruiksrechten WHERE document_id = $1`, d.id).Scan(&left); err != nil {
			return err
		}
		if left > 0 {
			return nil
		}
		return setIndicatie(c.Ctx(), tx, d.id, nil)
	})
}
