// Package documenten is the Documenten API 1.5.0 (DRC): enkelvoudiginformatieobjecten with
// their versions and content, locking, bestandsdelen (chunked upload), gebruiksrechten,
// objectinformatieobjecten, verzendingen, the audit trail and notifications.
package documenten

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
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

// sub is a kind of resource of a document (gebruiksrechten, objectinformatieobject,
// verzending): rows of a table with a document_id, shown with the URL of the document.
type sub struct {
	resource   string // in notifications and the audit trail
	table      string
	alias      string // of table in where conditions; the document is d
	collection string
	cols       string // its own columns, read into subRow.own
}

// subRow is one resource of a document.
type subRow interface {
	// refs are what every resource of a document has: its id, its document's id, its URL
	// and the URL of its document.
	refs() (id, docID *int64, url, doc *string)
	// own are the destinations of the columns sub.cols.
	own() []any
	// weergave names it in the audit trail.
	weergave() string
}

// loadSubs reads the resources of kind s that where (over s.alias and d) selects, in id
// order.
func loadSubs[T any, PT interface {
	*T
	subRow
}](ctx context.Context, r *register, q db.Querier, s sub, where string, args ...any) ([]PT, error) {
	a := s.alias
	rows, err := q.Query(ctx, `SELECT `+a+`.id, `+a+`.document_id, CAST(`+a+`.uuid AS TEXT), CAST(d.uuid AS TEXT), `+s.cols+`
		FROM `+s.table+` `+a+` JOIN document d ON d.id = `+a+`.document_id WHERE `+where+` ORDER BY `+a+`.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.resource, err)
	}
	defer rows.Close()
	out := []PT{}
	for rows.Next() {
		o := PT(new(T))
		id, docID, u, doc := o.refs()
		var uuid, docUUID string
		if err := rows.Scan(append([]any{id, docID, &uuid, &docUUID}, o.own()...)...); err != nil {
			return nil, fmt.Errorf("%s: %w", s.resource, err)
		}
		*u = r.api.URL(s.collection, strings.ToLower(uuid))
		*doc = r.api.URL(collectionEIO, strings.ToLower(docUUID))
		out = append(out, o)
	}
	return out, rows.Err()
}

// jsonColumn scans a JSON column into v.
type jsonColumn struct{ v any }

func (j jsonColumn) Scan(src any) error {
	switch b := src.(type) {
	case string:
		return json.Unmarshal([]byte(b), j.v)
	case []byte:
		return json.Unmarshal(b, j.v)
	}
	return fmt.Errorf("JSON column of type %T", src)
}

// subOf loads the resource of kind s whose uuid the path names, for a request that needs
// one of scopes on its document: 404 when there is none, 403 when the client may not.
func subOf[T any, PT interface {
	*T
	subRow
}](c *zgw.Call, r *register, s sub, scopes ...string) (PT, *docRef, error) {
	id := pathUUID(c, "uuid")
	if id == "" {
		return nil, nil, zgw.ErrNotFound()
	}
	out, err := loadSubs[T, PT](c.Ctx(), r, r.db, s, s.alias+".uuid = $1", id)
	if err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, nil, zgw.ErrNotFound()
	}
	_, docID, _, _ := out[0].refs()
	d, err := docRefBy(c.Ctx(), r.db, "id = $1", *docID, false)
	if err != nil || d == nil {
		return nil, nil, orNotFound(err)
	}
	if !d.allows(c, scopes...) {
		return nil, nil, zgw.ErrForbidden()
	}
	return out[0], d, nil
}

// subList is the condition and its arguments of an unpaged list of resources of documents:
// the filters in w and that their document is readable.
func subList(c *zgw.Call, w *db.Where) (string, []any) {
	authWhere(w, c.Principal.Grants, "d.", scopeLezen)
	if where := strings.TrimPrefix(w.SQL(), " WHERE "); where != "" {
		return where, w.Args
	}
	return "1=1", nil
}

// docForSub resolves the informatieobject URL u of a resource of a document that is
// written; the client needs scope on that document.
func (r *register) docForSub(c *zgw.Call, u, scope string) (*docRef, error) {
	d, err := r.docByURL(c.Ctx(), r.db, "informatieobject", u, false)
	if err != nil {
		return nil, err
	}
	if !d.allows(c, scope) {
		return nil, zgw.ErrForbidden()
	}
	return d, nil
}

// subBody reads the body of a PUT (a whole object) or PATCH (over cur) of a resource of
// kind s.
func subBody[T any](c *zgw.Call, s sub, cur T) (T, error) {
	in, op := cur, s.resource+"_partial_update"
	if c.R.Method != http.MethodPatch {
		var whole T
		in, op = whole, s.resource+"_update"
	}
	_, err := c.Body(op, &in)
	return in, err
}

// subSave creates (cur nil) or updates (cur) a resource of kind s of document d in one
// transaction with its notification and audit entry, and answers it. write changes the
// rows; on create it gets the uuid of the new resource.
func subSave[T any, PT interface {
	*T
	subRow
}](c *zgw.Call, r *register, s sub, d *docRef, cur PT, write func(tx *db.Tx, uuid string) error) error {
	ctx := c.Ctx()
	uuid := zgw.NewUUID()
	where, arg := s.alias+".uuid = $1", any(uuid)
	actie, status, oud := "create", http.StatusCreated, any(nil)
	if cur != nil {
		id, _, _, _ := cur.refs()
		uuid, where, arg = "", s.alias+".id = $1", *id
		actie, status, oud = updateActie(c), http.StatusOK, cur
	}
	var out PT
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		if err := write(tx, uuid); err != nil {
			return err
		}
		outs, err := loadSubs[T, PT](ctx, r, tx, s, where, arg)
		if err != nil {
			return err
		}
		if len(outs) == 0 {
			return zgw.ErrNotFound()
		}
		out = outs[0]
		_, _, u, _ := out.refs()
		return r.record(c, tx, d, s.resource, *u, actie, out.weergave(), status, oud, out)
	})
	if err != nil {
		return err
	}
	if _, _, u, _ := out.refs(); cur == nil {
		return c.Created(*u, out)
	}
	return c.JSON(http.StatusOK, out)
}

// subDestroy deletes resource o (of kind s) of document d and records it; more, when not
// nil, runs after the delete in the same transaction.
func (r *register) subDestroy(c *zgw.Call, s sub, o subRow, d *docRef, more func(tx *db.Tx) error) error {
	ctx := c.Ctx()
	id, _, u, _ := o.refs()
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM `+s.table+` WHERE id = $1`, *id))
		if err != nil {
			return fmt.Errorf("delete %s: %w", s.resource, err)
		}
		if n == 0 {
			return zgw.ErrNotFound()
		}
		if more != nil {
			if err := more(tx); err != nil {
				return err
			}
		}
		return r.record(c, tx, d, s.resource, *u, "destroy", o.weergave(), http.StatusNoContent, o, nil)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// updateActie is the notification and audit actie of a PUT or PATCH.
func updateActie(c *zgw.Call) string {
	if c.R.Method == http.MethodPatch {
		return "partial_update"
	}
	return "update"
}

// orNotFound is err, or a 404 when the object vanished.
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return zgw.ErrNotFound()
}

// docForWrite reloads document id in a write transaction, its row locked (docRefBy): 404
// when it is gone meanwhile.
func docForWrite(ctx context.Context, tx *db.Tx, id int64) (*docRef, error) {
	d, err := docRefBy(ctx, tx, "id = $1", id, true)
	if err != nil || d == nil {
		return nil, orNotFound(err)
	}
	return d, nil
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
