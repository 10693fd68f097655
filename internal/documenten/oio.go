package documenten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

type oioOut struct {
	URL              string `json:"url"`
	Informatieobject string `json:"informatieobject"`
	Object           string `json:"object"`
	ObjectType       string `json:"objectType"`

	id, docID int64
}

var objectinformatieobject = sub{resource: "objectinformatieobject", table: "objectinformatieobject", alias: "o",
	collection: collectionOIO, cols: "o.object, o.object_type"}

func (o *oioOut) refs() (*int64, *int64, *string, *string) {
	return &o.id, &o.docID, &o.URL, &o.Informatieobject
}

func (o *oioOut) own() []any { return []any{&o.Object, &o.ObjectType} }

func (o *oioOut) weergave() string { return o.ObjectType + " " + o.Object }

func (r *register) mountOIO() {
	a := r.api
	a.Handle("GET /objectinformatieobjecten", zgw.Scopes(scopeLezen), r.oioList)
	a.Handle("POST /objectinformatieobjecten", zgw.Scopes(scopeAanmaken), r.oioCreate)
	a.Handle("GET /objectinformatieobjecten/{uuid}", zgw.Scopes(scopeLezen), r.oioRetrieve)
	a.Handle("DELETE /objectinformatieobjecten/{uuid}", zgw.Scopes(scopeVerwijderen), r.oioDestroy)
}

func (r *register) oioList(c *zgw.Call) error {
	q := c.Query("object", "informatieobject")
	var w db.Where
	if u := q.URL("object"); u != "" {
		w.And("o.object = ?", u)
	}
	if u := q.URL("informatieobject"); u != "" {
		id, _ := r.api.ParseURL(u, collectionEIO)
		w.And("o.document_id IN (SELECT id FROM document WHERE uuid = ?)", nullUUID(id))
	}
	if err := q.Err(); err != nil {
		return err
	}
	where, args := subList(c, &w)
	out, err := loadSubs[oioOut](c.Ctx(), r, r.db, objectinformatieobject, where, args...)
	if err != nil {
		return err
	}
	return writeJSON(c, out)
}

func (r *register) oioRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	o, _, err := subOf[oioOut](c, r, objectinformatieobject, scopeLezen)
	if err != nil {
		return err
	}
	return c.Detail(o)
}

// sourceKind maps an objectType to the resource of the leading side and the query of its
// relation list (drc-004).
var sourceKind = map[string]struct{ collection, relations, param, mustHave string }{
	"zaak":    {"zaken", "zaakinformatieobjecten", "zaak", "zaaktype"},
	"besluit": {"besluiten", "besluitinformatieobjecten", "besluit", "besluittype"},
}

// drc-002: object must resolve to a resource of the kind objectType says.
func (r *register) drc002Object(ctx context.Context, objectType, object string) error {
	k, ok := sourceKind[objectType]
	if !ok { // verzoek: the Verzoeken API is obsolete; only check that it resolves
		return r.api.Refs.Resource(ctx, "object", object, nil, "url")
	}
	return r.api.Refs.Resource(ctx, "object", object, nil, "url", k.mustHave)
}

// relationAtSource asks the leading register whether the relation between object and the
// document exists there (drc-004): GET <base>/zaakinformatieobjecten?zaak=..&informatieobject=..
// (or the Besluiten equivalent), where base is the object URL without /zaken/<uuid>.
func (r *register) relationAtSource(ctx context.Context, objectType, object, doc string) (bool, error) {
	k, ok := sourceKind[objectType]
	if !ok {
		return true, nil
	}
	i := strings.LastIndex(object, "/"+k.collection+"/")
	if i < 0 {
		return false, nil
	}
	u := object[:i] + "/" + k.relations + "?" + url.Values{k.param: {object}, "informatieobject": {doc}}.Encode()
	body, err := r.api.Refs.Get(ctx, u)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		var page struct {
			Results []json.RawMessage `json:"results"`
		}
		if json.Unmarshal(body, &page) != nil {
			return false, nil
		}
		list = page.Results
	}
	return len(list) > 0, nil
}

// oioCreate stores the mirror of a zaak/besluit relation. drc-002 the object resolves,
// drc-003 the pair is unique, drc-004 the leading register has the relation.
func (r *register) oioCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in struct {
		Informatieobject string `json:"informatieobject"`
		Object           string `json:"object"`
		ObjectType       string `json:"objectType"`
	}
	if _, err := c.Body("objectinformatieobject_create", &in); err != nil {
		return err
	}
	d, err := r.docForSub(c, in.Informatieobject, scopeAanmaken)
	if err != nil {
		return err
	}
	if err := r.drc002Object(ctx, in.ObjectType, in.Object); err != nil {
		return err
	}
	docURL := r.api.URL(collectionEIO, d.uuid)
	if err := drc003Uniek(ctx, r.db, d.id, in.Object); err != nil {
		return err
	}
	// drc-004
	if ok, err := r.relationAtSource(ctx, in.ObjectType, in.Object, docURL); err != nil {
		return err
	} else if !ok {
		return zgw.FieldError("nonFieldErrors", "inconsistent-relation",
			"Het "+in.ObjectType+" is in de bron niet aan dit informatieobject gekoppeld.")
	}
	return subSave(c, r, objectinformatieobject, d, (*oioOut)(nil), func(tx *db.Tx, uuid string) error {
		if err := drc003Uniek(ctx, tx, d.id, in.Object); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO objectinformatieobject (uuid, document_id, object, object_type) VALUES ($1, $2, $3, $4)`,
			uuid, d.id, in.Object, in.ObjectType); err != nil {
			return fmt.Errorf("insert objectinformatieobject: %w", err)
		}
		return nil
	})
}

// drc-003: object + informatieobject exist only once.
func drc003Uniek(ctx context.Context, q db.Querier, docID int64, object string) error {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM objectinformatieobject WHERE document_id = $1 AND object = $2)`,
		docID, object).Scan(&exists); err != nil {
		return fmt.Errorf("objectinformatieobject: %w", err)
	}
	if exists {
		return zgw.FieldError("nonFieldErrors", "unique", "Dit object is al aan dit informatieobject gekoppeld.")
	}
	return nil
}

// oioDestroy removes a mirror; like Open Zaak, only once the leading register no longer has
// the relation (inconsistent-relation otherwise).
func (r *register) oioDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	o, d, err := subOf[oioOut](c, r, objectinformatieobject, scopeVerwijderen)
	if err != nil {
		return err
	}
	if ok, err := r.relationAtSource(ctx, o.ObjectType, o.Object, o.Informatieobject); err != nil {
		return err
	} else if ok && sourceKind[o.ObjectType].collection != "" {
		return zgw.FieldError("nonFieldErrors", "inconsistent-relation",
			"De relatie bestaat nog in de bron; verwijder die daar.")
	}
	return r.subDestroy(c, objectinformatieobject, o, d, nil)
}
