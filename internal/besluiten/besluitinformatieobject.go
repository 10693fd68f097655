package besluiten

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// bioOut is a BesluitInformatieObject. brc-004: the relation kind (legt_vast) and its
// registration date are set by the server and stored, but the 1.x schema does not show them.
type bioOut struct {
	URL              string         `json:"url"`
	Informatieobject string         `json:"informatieobject"`
	Besluit          string         `json:"besluit"`
	Expand           map[string]any `json:"_expand,omitempty"`

	id          int64
	besluitID   int64
	besluittype string
}

// informatieobject is what the register reads of a Documenten informatieobject.
type informatieobject struct {
	Informatieobjecttype        string `json:"informatieobjecttype"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
}

func (r *register) mountBesluitinformatieobject() {
	a := r.api
	a.Handle("GET /besluitinformatieobjecten", zgw.Scopes(scopeLezen), r.bioList)
	a.Handle("POST /besluitinformatieobjecten", zgw.Scopes(scopeAanmaken), r.bioCreate)
	a.Handle("GET /besluitinformatieobjecten/{uuid}", zgw.Scopes(scopeLezen), r.bioRetrieve)
	a.Handle("DELETE /besluitinformatieobjecten/{uuid}", zgw.Scopes(scopeVerwijderen), r.bioDestroy)
}

// bioLoad loads besluitinformatieobjecten (alias b) with their besluit, in id order.
func (r *register) bioLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*bioOut, error) {
	rows, err := q.Query(ctx, `SELECT b.id, CAST(b.uuid AS TEXT), b.informatieobject, b.besluit_id, CAST(s.uuid AS TEXT), s.besluittype
		FROM besluitinformatieobject b JOIN besluit s ON s.id = b.besluit_id WHERE `+where+` ORDER BY b.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("besluitinformatieobject: %w", err)
	}
	defer rows.Close()
	out := []*bioOut{}
	for rows.Next() {
		o := &bioOut{}
		var id, besluit string
		if err := rows.Scan(&o.id, &id, &o.Informatieobject, &o.besluitID, &besluit, &o.besluittype); err != nil {
			return nil, fmt.Errorf("besluitinformatieobject: %w", err)
		}
		o.URL = r.api.URL(collectionBIO, strings.ToLower(id))
		o.Besluit = r.api.URL(collectionBesluit, strings.ToLower(besluit))
		out = append(out, o)
	}
	return out, rows.Err()
}

// bioList is a plain array (the OAS does not paginate it), filtered by the client's
// besluittypen. The Documenten register asks it with system rights to check a mirror back
// (drc-004), so both filters work for any principal.
func (r *register) bioList(c *zgw.Call) error {
	q := c.Query("besluit", "informatieobject", "expand")
	var w db.Where
	if u := q.URL("besluit"); u != "" {
		id, _ := r.api.ParseURL(u, collectionBesluit)
		w.And("s.uuid = ?", nullUUID(id))
	}
	if u := q.URL("informatieobject"); u != "" {
		w.And("b.informatieobject = ?", u)
	}
	exp, err := expandParam(q, bioExpandPaths)
	if err != nil {
		return err
	}
	authWhere(&w, c.Principal.Grants, "s.", scopeLezen)
	where := strings.TrimPrefix(w.SQL(), " WHERE ")
	if where == "" {
		where = "1=1"
	}
	out, err := r.bioLoad(c.Ctx(), r.db, where, w.Args...)
	if err != nil {
		return err
	}
	if err := r.expandBIOs(c, newTypes(r), out, exp); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// bioByPath loads the besluitinformatieobject of the path and answers 403 unless the client
// holds one of scopes on the besluittype of its besluit.
func (r *register) bioByPath(c *zgw.Call, scopes ...string) (*bioOut, error) {
	id := pathUUID(c, "uuid")
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	out, err := r.bioLoad(c.Ctx(), r.db, "b.uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, zgw.ErrNotFound()
	}
	if !allows(c, out[0].besluittype, scopes...) {
		return nil, zgw.ErrForbidden()
	}
	return out[0], nil
}

func (r *register) bioRetrieve(c *zgw.Call) error {
	return retrieve(c, r, bioExpandPaths, r.bioByPath, r.expandBIOs)
}

// bioCreate stores the relation and mirrors it in the Documenten register (brc-005); a
// relation the Documenten register does not take is undone (createMirrored).
func (r *register) bioCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in struct {
		Informatieobject string `json:"informatieobject"`
		Besluit          string `json:"besluit"`
	}
	if _, err := c.Body("besluitinformatieobject_create", &in); err != nil {
		return err
	}
	id, ok := r.api.ParseURL(in.Besluit, collectionBesluit)
	var b *besluitOut
	var err error
	if ok {
		if b, err = r.besluitByUUID(ctx, r.db, id); err != nil {
			return err
		}
	}
	if b == nil {
		return zgw.FieldError("besluit", "bad-url", "De URL "+in.Besluit+" is geen besluit van deze Besluiten API.")
	}
	if !allows(c, b.Besluittype, scopeAanmaken) {
		return zgw.ErrForbidden()
	}
	t := newTypes(r)
	// brc-003: the informatieobject URL resolves to a Documenten informatieobject.
	var io informatieobject
	if err := t.Get(ctx, "informatieobject", in.Informatieobject, &io, "informatieobjecttype", "bronorganisatie", "titel"); err != nil {
		return err
	}
	if err := r.brc008Informatieobjecttype(ctx, t, b.Besluittype, io.Informatieobjecttype); err != nil {
		return err
	}
	nieuw := zgw.NewUUID()
	var out *bioOut
	err = r.createMirrored(ctx, mirrored{url: r.api.URL(collectionBIO, nieuw), field: "informatieobject",
		reason: "Het informatieobject kon niet aan het besluit gekoppeld worden (objectinformatieobject).",
		insert: func(tx *db.Tx) error {
			var dup bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM besluitinformatieobject WHERE besluit_id = $1 AND informatieobject = $2)`,
				b.id, in.Informatieobject).Scan(&dup); err != nil {
				return fmt.Errorf("besluitinformatieobject: %w", err)
			}
			if dup {
				return zgw.FieldError("nonFieldErrors", "unique", "Dit informatieobject hoort al bij dit besluit.")
			}
			// brc-004: the server sets aardRelatie (legt_vast) and registratiedatum.
			if _, err := tx.Exec(ctx, `INSERT INTO besluitinformatieobject (uuid, besluit_id, informatieobject, aard_relatie, registratiedatum)
			VALUES ($1, $2, $3, 'legt_vast', $4)`, nieuw, b.id, in.Informatieobject, tx.Now.UTC()); err != nil {
				return fmt.Errorf("insert besluitinformatieobject: %w", err)
			}
			outs, err := r.bioLoad(ctx, tx, "b.uuid = $1", nieuw)
			if err != nil {
				return err
			}
			out = outs[0]
			return r.notify(c, tx, b, resourceBIO, out.URL, "create", http.StatusCreated, nil, out)
		},
		undo: func() error { return r.bioDelete(c, out) },
		// brc-005: the Documenten register checks the relation back (drc-004).
		koppel: func(ctx context.Context) error { return r.brc005Koppel(ctx, out.Informatieobject, out.Besluit) },
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

// brc-008: the informatieobjecttype of the document is one of the besluittype's
// informatieobjecttypen.
func (r *register) brc008Informatieobjecttype(ctx context.Context, t *types, besluittypeURL, iot string) error {
	bt, err := t.besluittype(ctx, "besluit", besluittypeURL)
	if err != nil {
		return err
	}
	if !slices.Contains(bt.Informatieobjecttypen, iot) {
		return zgw.FieldError("nonFieldErrors", "missing-besluittype-informatieobjecttype-relation",
			"Het informatieobjecttype van het informatieobject hoort niet bij het besluittype van het besluit.")
	}
	return nil
}

// bioDestroy deletes the relation and then its mirror (brc-005): the Documenten register only
// lets an objectinformatieobject go once the relation is gone. The relation stays deleted
// when that fails; the failure is logged for beheer.
func (r *register) bioDestroy(c *zgw.Call) error {
	cur, err := forWrite(c, r.bioByPath, scopeVerwijderen)
	if err != nil {
		return err
	}
	if err := r.bioDelete(c, cur); err != nil {
		return err
	}
	if err := r.brc005Ontkoppel(c.Ctx(), cur.Informatieobject, cur.Besluit); err != nil {
		r.api.Log.Error("remove objectinformatieobject", "url", cur.URL, "err", err)
	}
	return c.NoContent()
}

// bioDelete deletes a besluitinformatieobject with its notification and audit entry.
func (r *register) bioDelete(c *zgw.Call, cur *bioOut) error {
	ctx := c.Ctx()
	return r.db.Update(ctx, func(tx *db.Tx) error {
		b, err := r.besluitByUUID(ctx, tx, strings.TrimPrefix(cur.Besluit, r.api.URL(collectionBesluit, "")))
		if err != nil {
			return err
		}
		if b == nil {
			return zgw.ErrNotFound()
		}
		if err := deleteRow(ctx, tx, "besluitinformatieobject", cur.id); err != nil {
			return err
		}
		return r.notify(c, tx, b, resourceBIO, cur.URL, "destroy", http.StatusNoContent, cur, nil)
	})
}
