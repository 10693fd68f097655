package objecten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Statuses of an objecttype version.
const (
	statusDraft      = "draft"
	statusPublished  = "published"
	statusDeprecated = "deprecated"
)

// versieOut is an objecttype version as the API renders it.
type versieOut struct {
	URL         string          `json:"url"`
	Version     int             `json:"version"`
	ObjectType  string          `json:"objectType"`
	Status      string          `json:"status"`
	JSONSchema  json.RawMessage `json:"jsonSchema"`
	CreatedAt   string          `json:"createdAt"`
	ModifiedAt  string          `json:"modifiedAt"`
	PublishedAt *string         `json:"publishedAt"`

	id int64
}

type versieIn struct {
	Status     string          `json:"status"`
	JSONSchema json.RawMessage `json:"jsonSchema"`
}

// Operation ids differ between the two specs: the Objecten API calls them
// objecttypeversion_*, the Objecttypen API objectversion_*.
func (r *register) versieOp(op string) string {
	if r.api.Name == "objecttypen" {
		return "objectversion_" + op
	}
	return "objecttypeversion_" + op
}

func (r *register) mountVersie() {
	a := r.api
	token := zgw.Access{}
	a.Handle("GET /objecttypes/{objecttype_uuid}/versions", token, r.versieList)
	a.Handle("POST /objecttypes/{objecttype_uuid}/versions", token, r.versieCreate)
	a.Handle("GET /objecttypes/{objecttype_uuid}/versions/{version}", token, r.versieRetrieve)
	a.Handle("PUT /objecttypes/{objecttype_uuid}/versions/{version}", token, r.versieUpdate)
	a.Handle("PATCH /objecttypes/{objecttype_uuid}/versions/{version}", token, r.versieUpdate)
	a.Handle("DELETE /objecttypes/{objecttype_uuid}/versions/{version}", token, r.versieDelete)
}

func (r *register) versieURL(typeUUID string, v int) string {
	return r.objecttypeURL(typeUUID) + "/versions/" + strconv.Itoa(v)
}

func (r *register) versieLoad(ctx context.Context, q db.Querier, typeUUID, where string, args ...any) ([]*versieOut, error) {
	rows, err := q.Query(ctx, `SELECT id, versie, status, json_schema, created_at, modified_at, published_at
		FROM objecttype_versie WHERE `+where+` ORDER BY versie`, args...)
	if err != nil {
		return nil, fmt.Errorf("objecttype versie: %w", err)
	}
	defer rows.Close()
	var out []*versieOut
	for rows.Next() {
		v := &versieOut{}
		var schema any
		var created, modified, published db.Date
		if err := rows.Scan(&v.id, &v.Version, &v.Status, &schema, &created, &modified, &published); err != nil {
			return nil, fmt.Errorf("objecttype versie: %w", err)
		}
		v.JSONSchema = append(json.RawMessage(nil), jsonText(schema)...)
		v.CreatedAt, v.ModifiedAt, v.PublishedAt = string(created), string(modified), published.Ptr()
		v.ObjectType = r.objecttypeURL(typeUUID)
		v.URL = r.versieURL(typeUUID, v.Version)
		out = append(out, v)
	}
	return out, rows.Err()
}

func (r *register) versieList(c *zgw.Call) error {
	q := c.Query("page", "pageSize")
	size := pageSize(q)
	if err := q.Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	ot, err := r.objecttypeByUUID(ctx, r.db, pathUUID(c, "objecttype_uuid"))
	if err != nil {
		return err
	}
	var w db.Where
	w.And("objecttype_id = ?", ot.id)
	p, err := db.List(ctx, r.db, "objecttype_versie", &w, "versie, id", q.Page, size)
	if err != nil {
		return err
	}
	var items []*versieOut
	if len(p.IDs) > 0 {
		if items, err = r.versieLoad(ctx, r.db, ot.UUID, "id IN ("+db.Placeholders(1, len(p.IDs))+")", db.Int64s(p.IDs)...); err != nil {
			return err
		}
	}
	return paginate(c, q.Page, size, p.Count, items)
}

// versieByPath loads the version of the request path or answers 404.
func (r *register) versieByPath(c *zgw.Call, q db.Querier) (*objecttypeOut, *versieOut, error) {
	ctx := c.Ctx()
	ot, err := r.objecttypeByUUID(ctx, q, pathUUID(c, "objecttype_uuid"))
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(c.R.PathValue("version"))
	if err != nil {
		return nil, nil, zgw.ErrNotFound()
	}
	vs, err := r.versieLoad(ctx, q, ot.UUID, "objecttype_id = $1 AND versie = $2", ot.id, n)
	if err != nil {
		return nil, nil, err
	}
	if len(vs) == 0 {
		return nil, nil, zgw.ErrNotFound()
	}
	return ot, vs[0], nil
}

func (r *register) versieRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	_, v, err := r.versieByPath(c, r.db)
	if err != nil {
		return err
	}
	return c.Detail(v)
}

// versieCheck validates status and schema of a version being written.
func (r *register) versieCheck(in *versieIn) error {
	if in.Status == "" {
		in.Status = statusDraft
	}
	if len(in.JSONSchema) == 0 || string(in.JSONSchema) == "null" {
		in.JSONSchema = json.RawMessage(`{}`)
	}
	return r.schemas.validateJSONSchema(in.JSONSchema)
}

func (r *register) versieCreate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	ot, err := r.objecttypeByUUID(ctx, r.db, pathUUID(c, "objecttype_uuid"))
	if err != nil {
		return err
	}
	var in versieIn
	if _, err := c.Body(r.versieOp("create"), &in); err != nil {
		return err
	}
	if err := r.versieCheck(&in); err != nil {
		return err
	}
	var n int
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// The version number is the next one of the type: creates of one type take turns.
		if err := lockRow(ctx, tx, "objecttype", ot.id, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(versie), 0) + 1 FROM objecttype_versie WHERE objecttype_id = $1`, ot.id).Scan(&n); err != nil {
			return err
		}
		today := db.Date(r.today(tx.Now))
		var published db.Date
		if in.Status == statusPublished {
			published = today
		}
		if _, err := tx.Exec(ctx, `INSERT INTO objecttype_versie (objecttype_id, versie, status, json_schema, created_at, modified_at, published_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6)`, ot.id, n, in.Status, string(in.JSONSchema), today, published); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE objecttype SET modified_at = $1 WHERE id = $2`, today, ot.id)
		return err
	})
	if err != nil {
		return err
	}
	vs, err := r.versieLoad(ctx, r.db, ot.UUID, "objecttype_id = $1 AND versie = $2", ot.id, n)
	if err != nil {
		return err
	}
	return c.Created(vs[0].URL, vs[0])
}

// versieUpdate changes a draft version (PUT or PATCH). Published versions are immutable
// (non-draft-version-update); the one change allowed on them is deprecating them.
func (r *register) versieUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	ot, cur, err := r.versieByPath(c, r.db)
	if err != nil {
		return err
	}
	patch := c.R.Method == http.MethodPatch
	op := r.versieOp("update")
	if patch {
		op = r.versieOp("partial_update")
	}
	var sent versieIn
	keys, err := c.Body(op, &sent)
	if err != nil {
		return err
	}
	var out *versieOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// Writers of the versions of one objecttype take turns, each on what the one before
		// wrote: a publish racing a change of the schema publishes the changed schema or
		// refuses the change. The objecttype's row is the lock, as for every writer of the
		// type (first, so that no two writers wait for each other's rows).
		if err := lockRow(ctx, tx, "objecttype", ot.id, false); err != nil {
			return err
		}
		vs, err := r.versieLoad(ctx, tx, ot.UUID, "id = $1", cur.id)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return zgw.ErrNotFound()
		}
		in, err := r.versieChange(vs[0], sent, keys, patch)
		if err != nil {
			return err
		}
		today := db.Date(r.today(tx.Now))
		published := db.Date("")
		if p := vs[0].PublishedAt; p != nil {
			published = db.Date(*p)
		}
		if in.Status == statusPublished && published == "" {
			published = today
		}
		if _, err := tx.Exec(ctx, `UPDATE objecttype_versie SET status = $1, json_schema = $2, modified_at = $3, published_at = $4
			WHERE id = $5`, in.Status, string(in.JSONSchema), today, published, cur.id); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE objecttype SET modified_at = $1 WHERE id = $2`, today, ot.id); err != nil {
			return err
		}
		// Read in the transaction: the answer is this change, not one made right after.
		if vs, err = r.versieLoad(ctx, tx, ot.UUID, "id = $1", cur.id); err != nil {
			return err
		}
		out = vs[0]
		return nil
	})
	if err != nil {
		return err
	}
	return c.Detail(out)
}

// versieChange is version cur as the body sent makes it (PATCH: the keys sent over cur),
// checked: only a draft changes, or a published version that is deprecated.
func (r *register) versieChange(cur *versieOut, sent versieIn, keys map[string]json.RawMessage, patch bool) (versieIn, error) {
	in := sent
	if patch && !zgw.Sent(keys, "status") {
		in.Status = cur.Status
	}
	if patch && !zgw.Sent(keys, "jsonSchema") {
		in.JSONSchema = cur.JSONSchema
	}
	if cur.Status != statusDraft {
		deprecating := cur.Status == statusPublished && in.Status == statusDeprecated &&
			(!zgw.Sent(keys, "jsonSchema") || jsonEqual(in.JSONSchema, cur.JSONSchema))
		if !deprecating {
			return in, zgw.FieldError("nonFieldErrors", "non-draft-version-update",
				"Alleen een versie met status draft kan gewijzigd worden; maak een nieuwe versie.")
		}
	}
	return in, r.versieCheck(&in)
}

func (r *register) versieDelete(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	ot, cur, err := r.versieByPath(c, r.db)
	if err != nil {
		return err
	}
	if cur.Status != statusDraft {
		return zgw.FieldError("nonFieldErrors", "non-draft-version-destroy", "Alleen een versie met status draft kan verwijderd worden.")
	}
	ctx := c.Ctx()
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// A writer of the type's versions (see versieUpdate); the WHERE refuses a version
		// published meanwhile.
		if err := lockRow(ctx, tx, "objecttype", ot.id, false); err != nil {
			return err
		}
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM objecttype_versie WHERE id = $1 AND status = $2`, cur.id, statusDraft))
		if err != nil {
			return err
		}
		if n == 0 {
			return zgw.FieldError("nonFieldErrors", "non-draft-version-destroy", "De versie is intussen gepubliceerd.")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return mustJSON(x) == mustJSON(y)
}
