package documenten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

func (r *register) mountGebruiksrechten() {
	a := r.api
	a.Handle("GET /gebruiksrechten", zgw.Scopes(scopeLezen), r.gebruiksrechtenList)
	a.Handle("POST /gebruiksrechten", zgw.Scopes(scopeAanmaken), r.gebruiksrechtenCreate)
	a.Handle("GET /gebruiksrechten/{uuid}", zgw.Scopes(scopeLezen), r.gebruiksrechtenRetrieve)
	a.Handle("PUT /gebruiksrechten/{uuid}", zgw.Scopes(scopeBijwerken), r.gebruiksrechtenUpdate)
	a.Handle("PATCH /gebruiksrechten/{uuid}", zgw.Scopes(scopeBijwerken), r.gebruiksrechtenUpdate)
	a.Handle("DELETE /gebruiksrechten/{uuid}", zgw.Scopes(scopeVerwijderen), r.gebruiksrechtenDestroy)
}

func (r *register) gebruiksrechtenLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*gebruiksrechtenOut, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.document_id, CAST(g.uuid AS TEXT), CAST(d.uuid AS TEXT), g.data
		FROM gebruiksrechten g JOIN document d ON d.id = g.document_id WHERE `+where+` ORDER BY g.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("gebruiksrechten: %w", err)
	}
	defer rows.Close()
	var out []*gebruiksrechtenOut
	for rows.Next() {
		o := &gebruiksrechtenOut{}
		var uuid, doc, data string
		if err := rows.Scan(&o.id, &o.docID, &uuid, &doc, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &o.gebruiksrechtenIn); err != nil {
			return nil, err
		}
		o.URL = r.api.URL(collectionRecht, strings.ToLower(uuid))
		o.Informatieobject = r.api.URL(collectionEIO, strings.ToLower(doc))
		out = append(out, o)
	}
	return out, rows.Err()
}

// expandInformatieobject adds _expand.informatieobject (drc-011..014: gebruiksrechten and
// verzendingen expand into their document, latest version) for a page, in one query.
func (r *register) expandInformatieobject(ctx context.Context, e zgw.Expand, docIDs []int64, set func(i int, doc *eioOut)) error {
	sub, ok := e["informatieobject"]
	if !ok || len(docIDs) == 0 {
		return nil
	}
	docs, err := r.eioLoad(ctx, r.db, latestJoin+` WHERE `+r.db.AnyID("d.id", "$1"), r.db.IDList(docIDs))
	if err != nil {
		return err
	}
	if err := r.expandTypes(ctx, docs, sub); err != nil {
		return err
	}
	byID := map[int64]*eioOut{}
	for _, d := range docs {
		byID[d.id] = d
	}
	for i, id := range docIDs {
		set(i, byID[id])
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
	if cond, args, all := authCond(c.Principal.Grants, "d.", scopeLezen); !all {
		w.And(cond, args...)
	}
	where := strings.TrimPrefix(w.SQL(), " WHERE ")
	if where == "" {
		where = "1=1"
	}
	out, err := r.gebruiksrechtenLoad(c.Ctx(), r.db, where, w.Args...)
	if err != nil {
		return err
	}
	if out == nil {
		out = []*gebruiksrechtenOut{}
	}
	ids := make([]int64, len(out))
	for i, o := range out {
		ids[i] = o.docID
	}
	if err := r.expandInformatieobject(c.Ctx(), expand, ids, func(i int, d *eioOut) { out[i].Expand = map[string]any{"informatieobject": d} }); err != nil {
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
	o, err := r.gebruiksrechtenOf(c, scopeLezen)
	if err != nil {
		return err
	}
	if err := r.expandInformatieobject(c.Ctx(), expand, []int64{o.docID}, func(_ int, d *eioOut) { o.Expand = map[string]any{"informatieobject": d} }); err != nil {
		return err
	}
	return c.Detail(o)
}

// gebruiksrechtenOf loads the gebruiksrechten of the path for a client with one of scopes
// on its document.
func (r *register) gebruiksrechtenOf(c *zgw.Call, scopes ...string) (*gebruiksrechtenOut, error) {
	o, _, err := childOf(c, r, r.gebruiksrechtenLoad, "g.uuid", func(o *gebruiksrechtenOut) int64 { return o.docID }, scopes...)
	return o, err
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
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in gebruiksrechtenIn
	if _, err := c.Body("gebruiksrechten_create", &in); err != nil {
		return err
	}
	d, err := r.docByURL(ctx, r.db, "informatieobject", in.Informatieobject, false)
	if err != nil {
		return err
	}
	if !d.allows(c, scopeAanmaken) {
		return zgw.ErrForbidden()
	}
	start, eind, err := in.times()
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	var out *gebruiksrechtenOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		id := zgw.NewUUID()
		if _, err := tx.Exec(ctx, `INSERT INTO gebruiksrechten (uuid, document_id, startdatum, einddatum, data) VALUES ($1, $2, $3, $4, $5)`,
			id, d.id, start, eind, string(data)); err != nil {
			return fmt.Errorf("insert gebruiksrechten: %w", err)
		}
		t := true
		if err := setIndicatie(ctx, tx, d.id, &t); err != nil {
			return err
		}
		outs, err := r.gebruiksrechtenLoad(ctx, tx, "g.uuid = $1", id)
		if err != nil {
			return err
		}
		out = outs[0]
		return r.record(c, tx, d, "gebruiksrechten", out.URL, "create", out.OmschrijvingVoorwaarden, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

func (r *register) gebruiksrechtenUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, err := r.gebruiksrechtenOf(c, scopeBijwerken)
	if err != nil {
		return err
	}
	in := cur.gebruiksrechtenIn
	op := "gebruiksrechten_update"
	if c.R.Method == http.MethodPatch {
		op = "gebruiksrechten_partial_update"
	} else {
		in = gebruiksrechtenIn{}
	}
	if _, err := c.Body(op, &in); err != nil {
		return err
	}
	if in.Informatieobject != cur.Informatieobject {
		return zgw.FieldError("informatieobject", "wijzigen-niet-toegelaten", "Het informatieobject kan niet gewijzigd worden.")
	}
	start, eind, err := in.times()
	if err != nil {
		return err
	}
	d, err := r.docByURL(ctx, r.db, "informatieobject", in.Informatieobject, false)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in)
	var out *gebruiksrechtenOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE gebruiksrechten SET startdatum = $1, einddatum = $2, data = $3 WHERE id = $4`,
			start, eind, string(data), cur.id); err != nil {
			return fmt.Errorf("update gebruiksrechten: %w", err)
		}
		outs, err := r.gebruiksrechtenLoad(ctx, tx, "g.id = $1", cur.id)
		if err != nil {
			return err
		}
		if len(outs) == 0 {
			return zgw.ErrNotFound()
		}
		out = outs[0]
		actie := "update"
		if c.R.Method == http.MethodPatch {
			actie = "partial_update"
		}
		return r.record(c, tx, d, "gebruiksrechten", out.URL, actie, out.OmschrijvingVoorwaarden, http.StatusOK, cur, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// drc-006: deleting the last gebruiksrechten sets indicatieGebruiksrecht back to null.
func (r *register) gebruiksrechtenDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	cur, err := r.gebruiksrechtenOf(c, scopeVerwijderen)
	if err != nil {
		return err
	}
	d, err := docRefBy(ctx, r.db, "id = $1", cur.docID, false)
	if err != nil || d == nil {
		return orNotFound(err)
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM gebruiksrechten WHERE id = $1`, cur.id))
		if err != nil {
			return fmt.Errorf("delete gebruiksrechten: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound()
		}
		var left int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM gebruiksrechten WHERE document_id = $1`, d.id).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			if err := setIndicatie(ctx, tx, d.id, nil); err != nil {
				return err
			}
		}
		return r.record(c, tx, d, "gebruiksrechten", cur.URL, "destroy", cur.OmschrijvingVoorwaarden, http.StatusNoContent, cur, nil)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// orNotFound is err, or a 404 when the object vanished.
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return zgw.ErrNotFound()
}
