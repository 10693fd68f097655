package objecten

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// objecttypeMeta is the descriptive part of an objecttype, kept as JSON.
type objecttypeMeta struct {
	NamePlural             string            `json:"namePlural"`
	Description            string            `json:"description"`
	MaintainerOrganization string            `json:"maintainerOrganization"`
	MaintainerDepartment   string            `json:"maintainerDepartment"`
	ContactPerson          string            `json:"contactPerson"`
	ContactEmail           string            `json:"contactEmail"`
	Source                 string            `json:"source"`
	UpdateFrequency        string            `json:"updateFrequency"`
	ProviderOrganization   string            `json:"providerOrganization"`
	DocumentationURL       string            `json:"documentationUrl"`
	Labels                 map[string]string `json:"labels"`
	AllowGeometry          bool              `json:"allowGeometry"`
}

// Objecttype is an objecttype as the API renders it.
type objecttypeOut struct {
	URL                string `json:"url"`
	UUID               string `json:"uuid"`
	Name               string `json:"name"`
	DataClassification string `json:"dataClassification"`
	objecttypeMeta
	CreatedAt  string   `json:"createdAt"`
	ModifiedAt string   `json:"modifiedAt"`
	Versions   []string `json:"versions"`

	id int64
}

// newObjecttype is an objecttype with Open Object's defaults, for a create or a PUT.
func newObjecttype() *objecttypeOut {
	return &objecttypeOut{DataClassification: "open", objecttypeMeta: objecttypeMeta{
		UpdateFrequency: "unknown", AllowGeometry: true, Labels: map[string]string{}}}
}

func (r *register) mountObjecttype() {
	a := r.api
	token := zgw.Access{} // any valid token may read and write objecttypes (Open Object)
	a.Handle("GET /objecttypes", token, r.objecttypeList)
	a.Handle("POST /objecttypes", token, r.objecttypeCreate)
	a.Handle("GET /objecttypes/{uuid}", token, r.objecttypeRetrieve)
	a.Handle("PUT /objecttypes/{uuid}", token, r.objecttypeUpdate)
	a.Handle("PATCH /objecttypes/{uuid}", token, r.objecttypeUpdate)
	a.Handle("DELETE /objecttypes/{uuid}", token, r.objecttypeDelete)
	r.mountVersie()
}

func (r *register) objecttypeURL(uuid string) string { return r.api.URL("objecttypes", uuid) }

// objecttypeLoad loads objecttypen with their version URLs.
func (r *register) objecttypeLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*objecttypeOut, error) {
	rows, err := q.Query(ctx, `SELECT id, CAST(uuid AS TEXT), name, data_classification, created_at, modified_at, data
		FROM objecttype WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("objecttype: %w", err)
	}
	defer rows.Close()
	var out []*objecttypeOut
	byID := map[int64]*objecttypeOut{}
	for rows.Next() {
		o := &objecttypeOut{Versions: []string{}}
		var created, modified db.Date
		var data any
		if err := rows.Scan(&o.id, &o.UUID, &o.Name, &o.DataClassification, &created, &modified, &data); err != nil {
			return nil, fmt.Errorf("objecttype: %w", err)
		}
		if err := json.Unmarshal(jsonText(data), &o.objecttypeMeta); err != nil {
			return nil, fmt.Errorf("objecttype data: %w", err)
		}
		if o.Labels == nil {
			o.Labels = map[string]string{}
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.objecttypeURL(o.UUID)
		o.CreatedAt, o.ModifiedAt = string(created), string(modified)
		out = append(out, o)
		byID[o.id] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("objecttype: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(out))
	for _, o := range out {
		ids = append(ids, o.id)
	}
	vrows, err := q.Query(ctx, `SELECT objecttype_id, versie FROM objecttype_versie WHERE objecttype_id IN (`+
		db.Placeholders(1, len(ids))+`) ORDER BY objecttype_id, versie`, ids...)
	if err != nil {
		return nil, fmt.Errorf("objecttype versies: %w", err)
	}
	defer vrows.Close()
	for vrows.Next() {
		var id int64
		var v int
		if err := vrows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("objecttype versies: %w", err)
		}
		if o := byID[id]; o != nil {
			o.Versions = append(o.Versions, r.versieURL(o.UUID, v))
		}
	}
	return out, vrows.Err()
}

func (r *register) objecttypeList(c *zgw.Call) error {
	q := c.Query("dataClassification", "page", "pageSize")
	size := pageSize(q)
	var w db.Where
	if v := q.Enum("dataClassification", "open", "intern", "confidential", "strictly_confidential"); v != "" {
		w.And("data_classification = ?", v)
	}
	if err := q.Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, "objecttype", &w, "id", q.Page, size)
	if err != nil {
		return err
	}
	var items []*objecttypeOut
	if len(p.IDs) > 0 {
		if items, err = r.objecttypeLoad(ctx, r.db, "id IN ("+db.Placeholders(1, len(p.IDs))+")", db.Int64s(p.IDs)...); err != nil {
			return err
		}
	}
	return paginate(c, q.Page, size, p.Count, items)
}

func (r *register) objecttypeRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	o, err := r.objecttypeByUUID(c.Ctx(), r.db, pathUUID(c, "uuid"))
	if err != nil {
		return err
	}
	return c.Detail(o)
}

// objecttypeByUUID loads one objecttype or answers 404.
func (r *register) objecttypeByUUID(ctx context.Context, q db.Querier, id string) (*objecttypeOut, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	out, err := r.objecttypeLoad(ctx, q, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, zgw.ErrNotFound()
	}
	return out[0], nil
}

// objecttypeCheck validates what the spec's schema cannot say.
func objecttypeCheck(o *objecttypeOut) error {
	var errs zgw.Errs
	if strings.TrimSpace(o.Name) == "" {
		errs.Add("name", "blank", "Dit veld mag niet leeg zijn.")
	}
	if strings.TrimSpace(o.NamePlural) == "" {
		errs.Add("namePlural", "blank", "Dit veld mag niet leeg zijn.")
	}
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	return errs.Err()
}

func (r *register) objecttypeCreate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	o := newObjecttype()
	if _, err := c.Body("objecttype_create", o); err != nil {
		return err
	}
	if err := objecttypeCheck(o); err != nil {
		return err
	}
	// The uuid may be supplied (import/export between environments, as Open Object allows).
	if o.UUID == "" {
		o.UUID = zgw.NewUUID()
	}
	o.UUID = strings.ToLower(o.UUID)
	ctx := c.Ctx()
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM objecttype WHERE uuid = $1)`, o.UUID).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return zgw.FieldError("uuid", "unique", "Een objecttype met deze uuid bestaat al.")
		}
		today := db.Date(r.today(tx.Now))
		_, err := tx.Exec(ctx, `INSERT INTO objecttype (uuid, name, data_classification, created_at, modified_at, data)
			VALUES ($1, $2, $3, $4, $4, $5)`, o.UUID, o.Name, o.DataClassification, today, mustJSON(o.objecttypeMeta))
		return err
	})
	if err != nil {
		return err
	}
	out, err := r.objecttypeByUUID(ctx, r.db, o.UUID)
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

// objecttypeUpdate is PUT (all fields, defaults for the ones left out) and PATCH (the sent
// fields over the current ones).
func (r *register) objecttypeUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	cur, err := r.objecttypeByUUID(ctx, r.db, pathUUID(c, "uuid"))
	if err != nil {
		return err
	}
	patch := c.R.Method == http.MethodPatch
	op := "objecttype_update"
	if patch {
		op = "objecttype_partial_update"
	}
	keys, err := c.Body(op, newObjecttype())
	if err != nil {
		return err
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// Writers of one objecttype take turns, so that a PATCH keeps what the one before wrote.
		if err := lockRow(ctx, tx, "objecttype", cur.id, false); err != nil {
			return err
		}
		o := newObjecttype()
		if patch {
			last, err := r.objecttypeByUUID(ctx, tx, cur.UUID)
			if err != nil {
				return err
			}
			o = last
		}
		// The body as sent, over the fresh objecttype (c.Body has checked it decodes).
		if err := json.Unmarshal([]byte(mustJSON(keys)), o); err != nil {
			return fmt.Errorf("objecttype body: %w", err)
		}
		if err := objecttypeCheck(o); err != nil {
			return err
		}
		if o.UUID != "" && !strings.EqualFold(o.UUID, cur.UUID) {
			return zgw.FieldError("uuid", "wijzigen-niet-toegelaten", "De uuid van een objecttype kan niet gewijzigd worden.")
		}
		_, err := tx.Exec(ctx, `UPDATE objecttype SET name = $1, data_classification = $2, modified_at = $3, data = $4 WHERE id = $5`,
			o.Name, o.DataClassification, db.Date(r.today(tx.Now)), mustJSON(o.objecttypeMeta), cur.id)
		return err
	})
	if err != nil {
		return err
	}
	out, err := r.objecttypeByUUID(ctx, r.db, cur.UUID)
	if err != nil {
		return err
	}
	return c.Detail(out)
}

func (r *register) objecttypeDelete(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	ctx := c.Ctx()
	cur, err := r.objecttypeByUUID(ctx, r.db, pathUUID(c, "uuid"))
	if err != nil {
		return err
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// Objects are validated against the versions of their type: a type in use stays. The
		// lock waits for the objects being created (objectCreate shares it), so the check
		// below sees them.
		if err := lockRow(ctx, tx, "objecttype", cur.id, false); err != nil {
			return err
		}
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM object WHERE type_uuid = $1)`, cur.UUID).Scan(&used); err != nil {
			return err
		}
		if used {
			return zgw.FieldError("nonFieldErrors", "objecttype-in-use", "Er zijn objecten van dit objecttype; verwijder die eerst.")
		}
		_, err := tx.Exec(ctx, `DELETE FROM objecttype WHERE id = $1`, cur.id)
		return err
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// localObjecttype returns the objecttype with uuid id from this server's tables, nil when
// there is none.
func (r *register) localObjecttype(ctx context.Context, q db.Querier, id string) (*objecttypeOut, error) {
	if !zgw.ValidUUID(id) {
		return nil, nil
	}
	o, err := r.objecttypeByUUID(ctx, q, id)
	if errors.Is(err, zgw.ErrNotFound()) || errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return o, err
}
