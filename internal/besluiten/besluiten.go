// Package besluiten is the Besluiten API 1.1.0 (BRC): besluiten, the documents that lay
// them down (besluitinformatieobjecten), their audit trail and notifications, and the mirrors
// of both relations in the Zaken and Documenten registers (brc-005, brc-006).
package besluiten

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Scopes of the Besluiten API (component brc), per besluittype, without a confidentiality
// limit (besluiten.md §2).
const (
	scopeLezen        = "besluiten.lezen"
	scopeAanmaken     = "besluiten.aanmaken"
	scopeBijwerken    = "besluiten.bijwerken"
	scopeVerwijderen  = "besluiten.verwijderen"
	scopeAudittrails  = "audittrails.lezen"
	component         = "brc"
	kanaal            = "besluiten"
	resourceBesluit   = "besluit"
	resourceBIO       = "besluitinformatieobject"
	collectionBesluit = "besluiten"
	collectionBIO     = "besluitinformatieobjecten"
)

// Options configure the register.
type Options struct {
	// IdentificatiePrefix starts generated identificaties: PREFIX-YYYY-NNNNNNNNNN.
	IdentificatiePrefix string
}

// register is the Besluiten register mounted on one API.
type register struct {
	api    *zgw.API
	db     *db.DB
	prefix string
	// loc is the municipality's time zone: "today" (datum not in the future) is a date there.
	loc *time.Location
}

// Mount adds the routes of the Besluiten API to api with the default options.
func Mount(api *zgw.API) { MountWith(api, Options{}) }

// MountWith adds the routes of the Besluiten API to api.
func MountWith(api *zgw.API, o Options) {
	r := &register{api: api, db: api.DB, prefix: o.IdentificatiePrefix, loc: time.Local}
	if r.prefix == "" {
		r.prefix = "BESLUIT"
	}
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		r.loc = loc
	}
	r.mountBesluit()
	r.mountAudittrail()
	r.mountBesluitinformatieobject()
}

// today is the current date in the municipality.
func (r *register) today(now time.Time) string { return now.In(r.loc).Format(time.DateOnly) }

// authCond is the autorisatie predicate (zgw.Grants.TypeCond) on the besluittype column; col
// prefixes it. Besluiten have no vertrouwelijkheid.
func authCond(g *zgw.Grants, col string, scopes ...string) (cond string, args []any, all bool) {
	return g.TypeCond(component, col+"besluittype", "", scopes...)
}

// authWhere adds the autorisatie predicate for scopes to w.
func authWhere(w *db.Where, g *zgw.Grants, col string, scopes ...string) {
	if cond, args, all := authCond(g, col, scopes...); !all {
		w.And(cond, args...)
	}
}

// allows reports whether the client holds one of scopes on besluittype.
func allows(c *zgw.Call, besluittype string, scopes ...string) bool {
	return c.Principal.Grants.Allows(component, besluittype, "", scopes...)
}

// pathUUID is the path value name when it is a UUID, else "" (a 404).
func pathUUID(c *zgw.Call, name string) string {
	id := strings.ToLower(c.R.PathValue(name))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// forWrite loads the object of a write's path with byPath, which checks scope on its
// besluittype. Writes take no query parameters.
func forWrite[T any](c *zgw.Call, byPath func(*zgw.Call, ...string) (T, error), scope string) (T, error) {
	if err := c.Query().Err(); err != nil {
		var none T
		return none, err
	}
	return byPath(c, scope)
}

// nullUUID makes a non-UUID match nothing instead of failing the cast on PostgreSQL.
func nullUUID(id string) any {
	if id == "" {
		return "00000000-0000-0000-0000-000000000000"
	}
	return id
}

// deleteRow deletes row id of table; a row another request deleted meanwhile is a 404, so
// its destroy is announced once.
func deleteRow(ctx context.Context, tx *db.Tx, table string, id int64) error {
	n, err := db.Affected(tx.Exec(ctx, "DELETE FROM "+table+" WHERE id = $1", id))
	if err != nil {
		return fmt.Errorf("delete %s: %w", table, err)
	}
	if n == 0 {
		return zgw.ErrNotFound()
	}
	return nil
}

// actie is the notification/audit action of an update request.
func actie(c *zgw.Call) string {
	if c.R.Method == http.MethodPatch {
		return "partial_update"
	}
	return "update"
}

// types resolves catalogue types and other registers' objects by URL once per request.
type types struct{ *zgw.Memo }

func newTypes(r *register) *types { return &types{r.api.Refs.Memo()} }

// besluittype is what the register reads of a Catalogi besluittype.
type besluittype struct {
	URL                   string   `json:"url"`
	Concept               bool     `json:"concept"`
	Catalogus             string   `json:"catalogus"`
	Informatieobjecttypen []string `json:"informatieobjecttypen"`
}

// besluittype resolves a besluittype URL (brc-001): it must lead to a Catalogi besluittype.
func (t *types) besluittype(ctx context.Context, field, u string) (*besluittype, error) {
	var bt besluittype
	if err := t.Get(ctx, field, u, &bt, "catalogus", "omschrijving", "zaaktypen", "informatieobjecttypen", "besluitcategorie"); err != nil {
		return nil, err
	}
	if bt.URL == "" {
		bt.URL = u
	}
	return &bt, nil
}
