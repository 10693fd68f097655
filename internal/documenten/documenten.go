// Package documenten is the Documenten API 1.5.0 (DRC): enkelvoudiginformatieobjecten with
// their versions and content, locking, bestandsdelen (chunked upload), gebruiksrechten,
// objectinformatieobjecten, verzendingen, the audit trail and notifications.
package documenten

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/blob"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Scopes of the Documenten API (component drc), per informatieobjecttype and up to a
// vertrouwelijkheid.
const (
	scopeLezen        = "documenten.lezen"
	scopeAanmaken     = "documenten.aanmaken"
	scopeBijwerken    = "documenten.bijwerken"
	scopeGeforceerd   = "documenten.geforceerd-bijwerken"
	scopeVerwijderen  = "documenten.verwijderen"
	scopeLock         = "documenten.lock"
	scopeForceUnlock  = "documenten.geforceerd-unlock"
	scopeAudittrails  = "audittrails.lezen"
	component         = "drc"
	kanaal            = "documenten"
	defaultPartSize   = 16 << 20
	defaultMaxSize    = 4 << 30
	collectionEIO     = "enkelvoudiginformatieobjecten"
	collectionDeel    = "bestandsdelen"
	collectionRecht   = "gebruiksrechten"
	collectionOIO     = "objectinformatieobjecten"
	collectionVerzend = "verzendingen"
)

// Options configure the register.
type Options struct {
	Blob    *blob.Store
	MaxSize int64 // largest content of one document, in bytes
	// PartSize is the size of the bestandsdelen the server hands out for a chunked upload
	// (the last part gets the remainder); default 16 MiB.
	PartSize int64
}

// register is the Documenten register mounted on one API.
type register struct {
	api      *zgw.API
	db       *db.DB
	blob     *blob.Store
	maxSize  int64
	partSize int64
}

// Mount adds the routes of the Documenten API to api.
func Mount(api *zgw.API, o Options) {
	r := &register{api: api, db: api.DB, blob: o.Blob, maxSize: o.MaxSize, partSize: o.PartSize}
	if r.maxSize <= 0 {
		r.maxSize = defaultMaxSize
	}
	if r.partSize <= 0 {
		r.partSize = defaultPartSize
	}
	r.mountEIO()
	r.mountLock()
	r.mountBestandsdeel()
	r.mountGebruiksrechten()
	r.mountOIO()
	r.mountVerzending()
	r.mountAudittrail()
}

// authWhere adds the autorisatie predicate for scopes to w: the document's
// informatieobjecttype must be one the client holds a scope for, at or below that
// autorisatie's maximum vertrouwelijkheid. col prefixes the document columns ("" or "d.").
func authWhere(w *db.Where, g *zgw.Grants, col string, scopes ...string) {
	if cond, args, all := authCond(g, col, scopes...); !all {
		w.And(cond, args...)
	}
}

// authCond is the autorisatie predicate (zgw.Grants.TypeCond) on the document columns; col
// prefixes them ("" or "d.").
func authCond(g *zgw.Grants, col string, scopes ...string) (cond string, args []any, all bool) {
	return g.TypeCond(component, col+"informatieobjecttype", col+"vertrouwelijkheid", scopes...)
}

// authSub adds to w, for a table with a document_id column, that its document is readable.
func authSub(w *db.Where, g *zgw.Grants) {
	if cond, args, all := authCond(g, "d.", scopeLezen); !all {
		w.And("document_id IN (SELECT d.id FROM document d WHERE "+cond+")", args...)
	}
}

// docRef is the authorisation-relevant state of a document (its latest version).
type docRef struct {
	id                   int64
	uuid                 string
	identificatie        string
	bronorganisatie      string
	informatieobjecttype string
	vertrouwelijkheid    int
	versie               int
	lock                 string
}

func (d *docRef) vertrouwelijkheidaanduiding() string {
	return zgw.Vertrouwelijkheden()[d.vertrouwelijkheid]
}

// allows reports whether the client holds one of scopes on the document.
func (d *docRef) allows(c *zgw.Call, scopes ...string) bool {
	return c.Principal.Grants.Allows(component, d.informatieobjecttype, d.vertrouwelijkheidaanduiding(), scopes...)
}

// kenmerken are the notification kenmerken of the document (kanaal documenten).
func (d *docRef) kenmerken() map[string]string {
	return map[string]string{
		"bronorganisatie":             d.bronorganisatie,
		"informatieobjecttype":        d.informatieobjecttype,
		"vertrouwelijkheidaanduiding": d.vertrouwelijkheidaanduiding(),
	}
}

// docRefBy loads one document (nil when there is none). On PostgreSQL, forUpdate locks the
// row for the rest of the transaction, so two writes of one document take turns (SQLite has
// a single writer already).
func docRefBy(ctx context.Context, q db.Querier, where string, arg any, forUpdate bool) (*docRef, error) {
	d := &docRef{}
	query := `SELECT id, CAST(uuid AS TEXT), identificatie, bronorganisatie, informatieobjecttype, vertrouwelijkheid, versie, lock
		FROM document WHERE ` + where
	if tx, ok := q.(*db.Tx); ok && forUpdate && tx.Dialect == db.Postgres {
		query += " FOR UPDATE"
	}
	err := q.QueryRow(ctx, query, arg).Scan(&d.id, &d.uuid, &d.identificatie, &d.bronorganisatie, &d.informatieobjecttype,
		&d.vertrouwelijkheid, &d.versie, &d.lock)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	d.uuid = strings.ToLower(d.uuid)
	return d, nil
}

// docByURL resolves the informatieobject field of a sub-resource: it must be a document of
// this API (bad-url otherwise).
func (r *register) docByURL(ctx context.Context, q db.Querier, field, u string, forUpdate bool) (*docRef, error) {
	id, ok := r.api.ParseURL(u, collectionEIO)
	if !ok {
		return nil, zgw.FieldError(field, "bad-url", "De URL "+u+" is geen informatieobject van deze Documenten API.")
	}
	d, err := docRefBy(ctx, q, "uuid = $1", id, forUpdate)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, zgw.FieldError(field, "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
	}
	return d, nil
}

// docOf loads the document of a path uuid for a request that needs one of scopes on it:
// 404 when there is none, 403 when the client may not.
func (r *register) docOf(c *zgw.Call, q db.Querier, id string, forUpdate bool, scopes ...string) (*docRef, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	d, err := docRefBy(c.Ctx(), q, "uuid = $1", id, forUpdate)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, zgw.ErrNotFound()
	}
	if !d.allows(c, scopes...) {
		return nil, zgw.ErrForbidden()
	}
	return d, nil
}

// childOf loads the resource of a document (gebruiksrechten, objectinformatieobject,
// verzending) whose uuid (in column uuidCol) the path names, for a request that needs one of
// scopes on its document: 404 when there is none, 403 when the client may not.
func childOf[T any](c *zgw.Call, r *register, load func(context.Context, db.Querier, string, ...any) ([]T, error),
	uuidCol string, docID func(T) int64, scopes ...string) (T, *docRef, error) {
	var none T
	id := pathUUID(c, "uuid")
	if id == "" {
		return none, nil, zgw.ErrNotFound()
	}
	out, err := load(c.Ctx(), r.db, uuidCol+" = $1", id)
	if err != nil {
		return none, nil, err
	}
	if len(out) == 0 {
		return none, nil, zgw.ErrNotFound()
	}
	d, err := docRefBy(c.Ctx(), r.db, "id = $1", docID(out[0]), false)
	if err != nil {
		return none, nil, err
	}
	if d == nil {
		return none, nil, zgw.ErrNotFound()
	}
	if !d.allows(c, scopes...) {
		return none, nil, zgw.ErrForbidden()
	}
	return out[0], d, nil
}

// record writes the notification of a change to something of document d and its audit
// entry. A destroyed document takes its trail along (drc-008), so it gets no entry.
func (r *register) record(c *zgw.Call, tx *db.Tx, d *docRef, resource, resourceURL, actie, weergave string, status int, oud, nieuw any) error {
	ctx := c.Ctx()
	docURL := r.api.URL(collectionEIO, d.uuid)
	if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: kanaal, HoofdObject: docURL, Resource: resource,
		ResourceURL: resourceURL, Actie: actie, Kenmerken: d.kenmerken()}); err != nil {
		return err
	}
	if actie == "destroy" && resource == "enkelvoudiginformatieobject" {
		return nil
	}
	return c.Audit(ctx, tx, zgw.AuditEntry{HoofdObject: docURL, Resource: resource, ResourceURL: resourceURL,
		ResourceWeergave: weergave, Actie: actie, Resultaat: status, Oud: oud, Nieuw: nieuw})
}

// pathUUID is the path value name when it is a UUID, else "" (a 404).
func pathUUID(c *zgw.Call, name string) string {
	id := strings.ToLower(c.R.PathValue(name))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// nullUUID makes a non-UUID match nothing instead of failing the cast on PostgreSQL.
func nullUUID(id string) any {
	if id == "" {
		return "00000000-0000-0000-0000-000000000000"
	}
	return id
}

// newLock is an unguessable lock id (drc-009).
func newLock() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeJSON answers a non-detail JSON body (lists, lock).
func writeJSON(c *zgw.Call, v any) error { return c.JSON(http.StatusOK, v) }
