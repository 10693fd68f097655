// Package objecten is the Objecttypen API 2.2.2 and the Objecten API 2.7.0, as Open Object
// serves them: objecttypen with versioned JSON Schemas, and objects whose records are
// validated against them and kept append-only (material and formal history).
package objecten

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

const (
	kanaal = "objecten"
	// maxPageSize bounds ?pageSize (Open Object: default 100, maximum 500).
	maxPageSize = 500
)

// register serves one mount (the Objecttypen API, or the Objecten API which since Open
// Object 4 serves the objecttypes endpoints too). Both read and write the same tables.
type register struct {
	api     *zgw.API
	db      *db.DB
	schemas *schemaCache
	loc     *time.Location
}

func newRegister(api *zgw.API) *register {
	r := &register{api: api, db: api.DB, schemas: newSchemaCache(), loc: time.Local}
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		r.loc = loc
	}
	return r
}

// MountObjecttypen adds the routes of the Objecttypen API to api.
func MountObjecttypen(api *zgw.API) {
	newRegister(api).mountObjecttype()
}

// MountObjecten adds the routes of the Objecten API to api: objects, their history and
// search, the caller's permissions, and (as Open Object 4 does) the objecttypes endpoints.
func MountObjecten(api *zgw.API) {
	r := newRegister(api)
	r.mountObjecttype()
	r.mountObject()
	r.mountPermissie()
}

// today is the current date in the municipality.
func (r *register) today(now time.Time) string { return now.In(r.loc).Format(time.DateOnly) }

// pathUUID is the path value name when it is a UUID, else "" (a 404).
func pathUUID(c *zgw.Call, name string) string {
	id := strings.ToLower(c.R.PathValue(name))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// nullUUID makes a non-UUID match nothing instead of failing the cast on PostgreSQL.
func nullUUID(id string) string {
	if !zgw.ValidUUID(id) {
		return "00000000-0000-0000-0000-000000000000"
	}
	return strings.ToLower(id)
}

// lastSegment is the last path segment of a URL (the uuid of an objecttype URL).
func lastSegment(u string) string {
	u, _, _ = strings.Cut(u, "?")
	u = strings.TrimRight(u, "/")
	return strings.ToLower(u[strings.LastIndex(u, "/")+1:])
}

// pageSize reads ?pageSize (default 100, at most 500).
func pageSize(q *zgw.Query) int {
	n, ok := q.Int("pageSize")
	switch {
	case !ok:
		return zgw.PageSize
	case n < 1:
		q.Invalid("pageSize", "invalid", "Een positief getal is vereist.")
		return zgw.PageSize
	case n > maxPageSize:
		return maxPageSize
	}
	return n
}

// paginate answers a page of results: zgw.Paginate for a page size other than the default.
func paginate[T any](c *zgw.Call, page, size, count int, results []T) error {
	if results == nil {
		results = []T{}
	}
	p := zgw.Paginated[T]{Count: count, Results: results}
	last := (count + size - 1) / size
	if page > 1 && page > last {
		return zgw.Errorf(zgw.NotFound, "not_found", "Ongeldige pagina.")
	}
	link := func(n int) *string {
		v := c.R.URL.Query()
		v.Set("page", strconv.Itoa(n))
		s := c.API.PublicURL + c.R.URL.Path + "?" + v.Encode()
		return &s
	}
	if page < last {
		p.Next = link(page + 1)
	}
	if page > 1 {
		p.Previous = link(page - 1)
	}
	return ok(c, p)
}

// crs applies the geo headers of the objects endpoints: Content-Crs is required on requests
// with a body; only EPSG:4326 is supported, for Accept-Crs too.
func crs(c *zgw.Call, body bool) error {
	for _, h := range []string{"Accept-Crs", "Content-Crs"} {
		v := c.R.Header.Get(h)
		switch {
		case v == "" && h == "Content-Crs" && body:
			return &zgw.Error{Kind: zgw.PreconditionFailed, Code: "precondition_failed", Detail: "'Content-Crs' header ontbreekt"}
		case v != "" && v != "EPSG:4326":
			return &zgw.Error{Kind: zgw.NotAcceptable, Code: "not_acceptable", Detail: "CRS '" + v + "' is niet ondersteund"}
		}
	}
	c.W.Header().Set("Content-Crs", "EPSG:4326")
	return nil
}

// jsonText is the text of a JSON column (jsonb scans as []byte or string).
func jsonText(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return nil
}

// mustJSON marshals values that are always marshalable (maps and slices of plain values).
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ok is a tiny helper for handlers that answer 200 with a body.
func ok(c *zgw.Call, v any) error { return c.JSON(http.StatusOK, v) }

// lockRow locks row id of table until the transaction ends, so that the writers of one
// object or objecttype take turns: FOR UPDATE on PostgreSQL (a DELETE of the row waits for
// it too); with shared, FOR KEY SHARE, which only keeps the row from being deleted or
// exclusively locked. SQLite has one writer, its transactions are serial already. 404 when
// the row is gone. Read what the lock guards in a later statement: on PostgreSQL a statement
// sees what was committed when it began, so only one begun after the wait sees the writer
// before.
func lockRow(ctx context.Context, tx *db.Tx, table string, id int64, shared bool) error {
	lock := ""
	if tx.Dialect == db.Postgres {
		lock = " FOR UPDATE"
		if shared {
			lock = " FOR KEY SHARE"
		}
	}
	err := tx.QueryRow(ctx, `SELECT id FROM `+table+` WHERE id = $1`+lock, id).Scan(&id)
	if isNoRows(err) {
		return zgw.ErrNotFound()
	}
	return err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
