package documenten

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/blob"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// contentKey is a fresh blob key for content of document docUUID. Every write gets its own
// key, so a failed request can delete what it wrote without touching stored versions.
func contentKey(docUUID string) string { return "documenten/" + docUUID + "/" + zgw.NewUUID() }

// eioBody is a create/update body read by readEIOBody.
type eioBody struct {
	meta    []byte
	keys    map[string]json.RawMessage
	key     string     // blob key of the content
	content *blob.Info // nil when no content was sent
}

// discard removes the content of a body whose request failed (no orphaned blob).
func (r *register) discard(ctx context.Context, b *eioBody) {
	if b != nil && b.content != nil {
		if err := r.blob.Delete(context.WithoutCancel(ctx), b.key); err != nil {
			r.api.Log.Error("delete content of failed request", "key", b.key, "err", err)
		}
	}
}

// readEIOBody streams the body of an enkelvoudiginformatieobject create or update: inhoud
// goes to the blob store under key (MaxSize enforced while it flows), the rest is checked
// against the spec's schema of operationID. On any error nothing is left in the store.
func (r *register) readEIOBody(c *zgw.Call, key, operationID string, partial bool) (*eioBody, error) {
	if ct := c.R.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return nil, &zgw.Error{Kind: zgw.UnsupportedMediaType, Detail: fmt.Sprintf("Media type %q wordt niet ondersteund.", ct)}
	}
	// base64 grows content by 4/3; the other fields have the ordinary JSON limit.
	limit := r.maxSize/3*4 + 16 + zgw.MaxBody
	body := http.MaxBytesReader(c.W, c.R.Body, limit)
	b := &eioBody{key: key}
	st, err := streamBody(body, func(rd io.Reader) error {
		info, err := r.blob.Put(c.Ctx(), key, rd, r.maxSize)
		if errors.Is(err, blob.ErrTooLarge) {
			return &tooLargeError{max: r.maxSize}
		}
		if err != nil {
			return err
		}
		b.content = &info
		return nil
	})
	if err != nil {
		r.discard(c.Ctx(), b)
		return nil, err
	}
	b.meta = st.meta
	fail := func(err error) (*eioBody, error) {
		r.discard(c.Ctx(), b)
		return nil, err
	}
	if c.API.Spec != nil {
		vs, err := c.API.Spec.ValidateRequest(operationID, b.meta, partial)
		if err != nil {
			return fail(err)
		}
		if len(vs) > 0 {
			params := make([]zgw.InvalidParam, len(vs))
			for i, v := range vs {
				params[i] = zgw.InvalidParam(v)
			}
			return fail(zgw.Validation(params...))
		}
	}
	if err := json.Unmarshal(b.meta, &b.keys); err != nil {
		return fail(zgw.FieldError("nonFieldErrors", "parse_error", "JSON parse error: "+err.Error()))
	}
	return b, nil
}

// iotype is what the register reads of a Catalogi informatieobjecttype.
type iotype struct {
	Concept                     bool   `json:"concept"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
}

// drc-001: informatieobjecttype must lead to a published Catalogi informatieobjecttype.
func (r *register) drc001Informatieobjecttype(ctx context.Context, u string) (*iotype, error) {
	var t iotype
	if err := r.api.Refs.Resource(ctx, "informatieobjecttype", u, &t, "omschrijving", "catalogus", "vertrouwelijkheidaanduiding", "concept"); err != nil {
		return nil, err
	}
	if t.Concept {
		return nil, zgw.FieldError("informatieobjecttype", "not-published", "Het informatieobjecttype is nog niet gepubliceerd.")
	}
	return &t, nil
}

// drc-005: a received document (ontvangstdatum set) cannot be in_bewerking or
// ter_vaststelling.
func drc005Status(in *eioData) error {
	if in.Ontvangstdatum != nil && (in.Status == "in_bewerking" || in.Status == "ter_vaststelling") {
		return zgw.FieldError("status", "invalid_for_received",
			"De statuswaarden `in_bewerking` en `ter_vaststelling` zijn niet van toepassing op ontvangen informatieobjecten.")
	}
	return nil
}

// drc-006: indicatieGebruiksrecht true requires gebruiksrechten (the register sets it when
// they are created); clearing it while they exist is refused.
func drc006Indicatie(ctx context.Context, q db.Querier, docID int64, in *eioData) error {
	var n int
	if docID != 0 {
		if err := q.QueryRow(ctx, `SELECT count(*) FROM gebruiksrechten WHERE document_id = $1`, docID).Scan(&n); err != nil {
			return fmt.Errorf("gebruiksrechten: %w", err)
		}
	}
	set := in.IndicatieGebruiksrecht != nil && *in.IndicatieGebruiksrecht
	if set && n == 0 {
		return zgw.FieldError("indicatieGebruiksrecht", "missing-gebruiksrechten",
			"De indicatie kan pas gezet worden als er gebruiksrechten zijn; maak die aan.")
	}
	if !set && n > 0 {
		return zgw.FieldError("indicatieGebruiksrecht", "existing-gebruiksrechten",
			"De indicatie moet true zijn zolang er gebruiksrechten zijn.")
	}
	return nil
}

// checkEIO applies the rules every write of a version shares: drc-007 default
// vertrouwelijkheid, the autorisatie on the (new) type, drc-001 and drc-005.
func (r *register) checkEIO(c *zgw.Call, in *eioData, scopes ...string) error {
	t, err := r.drc001Informatieobjecttype(c.Ctx(), in.Informatieobjecttype)
	if err != nil {
		if zgw.KindOf(err) == zgw.Invalid && !c.Principal.Grants.Allows(component, in.Informatieobjecttype, "", scopes...) {
			return zgw.ErrForbidden()
		}
		return err
	}
	// drc-007: without a value the document gets the type's vertrouwelijkheid.
	if in.Vertrouwelijkheidaanduiding == "" {
		in.Vertrouwelijkheidaanduiding = t.Vertrouwelijkheidaanduiding
	}
	if zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding) < 0 {
		in.Vertrouwelijkheidaanduiding = "openbaar"
	}
	if !c.Principal.Grants.Allows(component, in.Informatieobjecttype, in.Vertrouwelijkheidaanduiding, scopes...) {
		return zgw.ErrForbidden()
	}
	return drc005Status(in)
}

// content is what a version has as content.
type content struct {
	key  string
	size *int64
	sha  string
}

// planParts are the sizes of the bestandsdelen of a chunked upload of size bytes.
func (r *register) planParts(size int64) []int64 {
	var out []int64
	for rest := size; rest > 0; rest -= r.partSize {
		out = append(out, min(rest, r.partSize))
	}
	return out
}

func (r *register) checkSize(size int64) error {
	if size > r.maxSize {
		return zgw.FieldError("bestandsomvang", "max_value", fmt.Sprintf("De bestandsomvang is groter dan de maximale omvang van %d bytes.", r.maxSize))
	}
	return nil
}

// identificatieUniek: identificatie is unique within the bronorganisatie.
func identificatieUniek(ctx context.Context, q db.Querier, in *eioData, self int64) error {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM document WHERE bronorganisatie = $1 AND identificatie = $2 AND id <> $3)`,
		in.Bronorganisatie, in.Identificatie, self).Scan(&exists); err != nil {
		return fmt.Errorf("identificatie: %w", err)
	}
	if exists {
		return zgw.FieldError("identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al voor deze bronorganisatie.")
	}
	return nil
}

func (r *register) eioCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	docUUID := zgw.NewUUID()
	b, err := r.readEIOBody(c, contentKey(docUUID), "enkelvoudiginformatieobject_create", false)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			r.discard(ctx, b)
		}
	}()
	var in eioData
	if err := json.Unmarshal(b.meta, &in); err != nil {
		return zgw.FieldError("nonFieldErrors", "parse_error", "JSON parse error: "+err.Error())
	}
	if err := r.checkEIO(c, &in, scopeAanmaken); err != nil {
		return err
	}
	var cont content
	var parts []int64
	if b.content != nil {
		if in.Bestandsomvang != nil && *in.Bestandsomvang != b.content.Size {
			return zgw.FieldError("bestandsomvang", "file-size", fmt.Sprintf("De bestandsomvang %d is niet de omvang van de inhoud (%d bytes).", *in.Bestandsomvang, b.content.Size))
		}
		cont = content{key: b.key, size: &b.content.Size, sha: b.content.SHA256}
		in.Bestandsomvang = cont.size
	} else if in.Bestandsomvang != nil {
		if err := r.checkSize(*in.Bestandsomvang); err != nil {
			return err
		}
		parts = r.planParts(*in.Bestandsomvang)
		if len(parts) == 0 {
			cont.size = in.Bestandsomvang // bestandsomvang 0: empty content, as on update
		}
	}
	if err := drc006Indicatie(ctx, r.db, 0, &in); err != nil {
		return err
	}
	if in.Identificatie != "" {
		if err := identificatieUniek(ctx, r.db, &in, 0); err != nil {
			return err
		}
	}
	lock := ""
	if len(parts) > 0 {
		lock = newLock() // a chunked upload starts locked (large-files protocol)
	}
	var out *eioOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		generated := in.Identificatie == ""
		if generated {
			in.Identificatie = docUUID // replaced below by the number of the row
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO document (uuid, identificatie, bronorganisatie, informatieobjecttype, vertrouwelijkheid, versie, lock)
			VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id`, docUUID, in.Identificatie, in.Bronorganisatie, in.Informatieobjecttype,
			zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding), lock).Scan(&id); err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		if generated {
			in.Identificatie = fmt.Sprintf("DOCUMENT-%d-%010d", tx.Now.Year(), id)
			if _, err := tx.Exec(ctx, `UPDATE document SET identificatie = $1 WHERE id = $2`, in.Identificatie, id); err != nil {
				return fmt.Errorf("identificatie: %w", err)
			}
		}
		if err := insertVersie(ctx, tx, id, 1, &in, cont); err != nil {
			return err
		}
		if err := setTrefwoorden(ctx, tx, id, in.Trefwoorden); err != nil {
			return err
		}
		if err := insertParts(ctx, tx, id, parts); err != nil {
			return err
		}
		outs, err := r.eioLoad(ctx, tx, latestJoin+` WHERE d.id = $1`, id)
		if err != nil {
			return err
		}
		out = outs[0]
		d := &docRef{id: id, uuid: docUUID, bronorganisatie: in.Bronorganisatie, informatieobjecttype: in.Informatieobjecttype,
			vertrouwelijkheid: zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding)}
		return r.record(c, tx, d, "enkelvoudiginformatieobject", out.URL, "create", out.Identificatie, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	done = true
	out.Lock = &lock
	return c.Created(out.URL, out)
}

func insertVersie(ctx context.Context, tx *db.Tx, docID int64, versie int, in *eioData, cont content) error {
	if in.Trefwoorden == nil {
		in.Trefwoorden = []string{}
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO document_versie (document_id, versie, begin_registratie, data, inhoud, omvang, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, docID, versie, tx.Now, string(data), cont.key, cont.size, cont.sha); err != nil {
		return fmt.Errorf("insert versie: %w", err)
	}
	return nil
}

func setTrefwoorden(ctx context.Context, tx *db.Tx, docID int64, ts []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM document_trefwoord WHERE document_id = $1`, docID); err != nil {
		return fmt.Errorf("trefwoorden: %w", err)
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t] {
			continue
		}
		seen[t] = true
		if _, err := tx.Exec(ctx, `INSERT INTO document_trefwoord (document_id, trefwoord) VALUES ($1, $2)`, docID, t); err != nil {
			return fmt.Errorf("trefwoorden: %w", err)
		}
	}
	return nil
}

func insertParts(ctx context.Context, tx *db.Tx, docID int64, parts []int64) error {
	for i, size := range parts {
		if _, err := tx.Exec(ctx, `INSERT INTO bestandsdeel (uuid, document_id, volgnummer, omvang) VALUES ($1, $2, $3, $4)`,
			zgw.NewUUID(), docID, i+1, size); err != nil {
			return fmt.Errorf("bestandsdeel: %w", err)
		}
	}
	return nil
}

// dropParts deletes the bestandsdelen of a document and returns the blob keys to delete
// once the transaction committed.
func dropParts(ctx context.Context, tx *db.Tx, docID int64) ([]string, error) {
	keys, err := stringsOf(ctx, tx, `SELECT inhoud FROM bestandsdeel WHERE document_id = $1 AND inhoud <> ''`, docID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM bestandsdeel WHERE document_id = $1`, docID); err != nil {
		return nil, fmt.Errorf("bestandsdelen: %w", err)
	}
	return keys, nil
}

func stringsOf(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// eioUpdate is PUT and PATCH: every successful write is a new version (versie + 1) with
// beginRegistratie = now; the lock is required (drc-009) and is kept. Fields a PUT leaves
// out keep their value, as in the reference implementation.
func (r *register) eioUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	d, err := r.docOf(c, r.db, pathUUID(c, "uuid"), false, scopeBijwerken, scopeGeforceerd)
	if err != nil {
		return err
	}
	b, err := r.readEIOBody(c, contentKey(d.uuid), "enkelvoudiginformatieobject_update", c.R.Method == http.MethodPatch)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			r.discard(ctx, b)
		}
	}()
	var lock *string
	if raw, ok := b.keys["lock"]; ok {
		_ = json.Unmarshal(raw, &lock)
	}
	if lock == nil {
		// drc-009: PUT without lock is already a required-field error of the schema
		return zgw.FieldError("nonFieldErrors", "missing-lock-id", "Een lock-id is vereist om het document te wijzigen.")
	}
	curs, err := r.eioLoad(ctx, r.db, latestJoin+` WHERE d.id = $1`, d.id)
	if err != nil {
		return err
	}
	if len(curs) == 0 {
		return zgw.ErrNotFound()
	}
	cur := curs[0]
	// merge the fields sent over the current version
	base, err := json.Marshal(cur.eioData)
	if err != nil {
		return err
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(base, &merged); err != nil {
		return err
	}
	for k, v := range b.keys {
		if k != "lock" && k != "inhoud" {
			merged[k] = v
		}
	}
	raw, _ := json.Marshal(merged)
	var in eioData
	if err := json.Unmarshal(raw, &in); err != nil {
		return zgw.FieldError("nonFieldErrors", "parse_error", "JSON parse error: "+err.Error())
	}
	if _, sent := b.keys["vertrouwelijkheidaanduiding"]; !sent && in.Informatieobjecttype != cur.Informatieobjecttype {
		in.Vertrouwelijkheidaanduiding = "" // drc-007 applies again for a new type
	}
	if err := r.checkEIO(c, &in, scopeBijwerken, scopeGeforceerd); err != nil {
		return err
	}
	cont := content{key: cur.content, size: cur.size, sha: cur.sha}
	var parts []int64
	newContent := true // inhoud or a new bestandsomvang: pending bestandsdelen are discarded
	sentSize := in.Bestandsomvang
	if _, ok := b.keys["bestandsomvang"]; !ok || string(b.keys["bestandsomvang"]) == "null" {
		sentSize = nil
	}
	switch {
	case b.content != nil:
		if sentSize != nil && *sentSize != b.content.Size {
			return zgw.FieldError("bestandsomvang", "file-size", fmt.Sprintf("De bestandsomvang %d is niet de omvang van de inhoud (%d bytes).", *sentSize, b.content.Size))
		}
		cont = content{key: b.key, size: &b.content.Size, sha: b.content.SHA256}
		in.Bestandsomvang = cont.size
	case sentSize != nil && (cur.Bestandsomvang == nil || *sentSize != *cur.Bestandsomvang):
		if err := r.checkSize(*sentSize); err != nil {
			return err
		}
		// new content through bestandsdelen (large-files protocol, step 4); 0 empties it
		cont = content{}
		if *sentSize == 0 {
			cont.size = sentSize
		}
		parts = r.planParts(*sentSize)
	case len(cur.Bestandsdelen) > 0:
		// A chunked upload is pending: the new version is pending too, with the size being
		// uploaded; the parts stay and unlock gives it their content (as Open Zaak keeps
		// the bestandsdelen of a write without inhoud or a new bestandsomvang).
		in.Bestandsomvang = cur.Bestandsomvang
		newContent = false
	default:
		in.Bestandsomvang = cont.size
		newContent = false
	}
	var out *eioOut
	var dropped []string
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		cur2, err := docForWrite(ctx, tx, d.id)
		if err != nil {
			return err
		}
		if err := drc009Lock(cur2, *lock); err != nil {
			return err
		}
		if cur2.versie != cur.Versie {
			return &zgw.Error{Kind: zgw.Conflict, Detail: "Het document is intussen gewijzigd; haal het opnieuw op."}
		}
		if err := drc006Indicatie(ctx, tx, d.id, &in); err != nil {
			return err
		}
		if err := identificatieUniek(ctx, tx, &in, d.id); err != nil {
			return err
		}
		versie := cur2.versie + 1
		if err := insertVersie(ctx, tx, d.id, versie, &in, cont); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE document SET identificatie = $1, bronorganisatie = $2, informatieobjecttype = $3,
			vertrouwelijkheid = $4, versie = $5 WHERE id = $6`, in.Identificatie, in.Bronorganisatie, in.Informatieobjecttype,
			zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding), versie, d.id); err != nil {
			return fmt.Errorf("update document: %w", err)
		}
		if err := setTrefwoorden(ctx, tx, d.id, in.Trefwoorden); err != nil {
			return err
		}
		if newContent {
			if dropped, err = dropParts(ctx, tx, d.id); err != nil {
				return err
			}
			if err := insertParts(ctx, tx, d.id, parts); err != nil {
				return err
			}
		}
		outs, err := r.eioLoad(ctx, tx, latestJoin+` WHERE d.id = $1`, d.id)
		if err != nil {
			return err
		}
		out = outs[0]
		nd := &docRef{id: d.id, uuid: d.uuid, bronorganisatie: in.Bronorganisatie, informatieobjecttype: in.Informatieobjecttype,
			vertrouwelijkheid: zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding)}
		return r.record(c, tx, nd, "enkelvoudiginformatieobject", out.URL, updateActie(c), out.Identificatie, http.StatusOK, cur, out)
	})
	if err != nil {
		return err
	}
	done = true
	r.deleteBlobs(ctx, dropped...)
	return c.JSON(http.StatusOK, out)
}

// deleteBlobs removes content after the transaction that let go of it committed. A failure
// leaves an orphan behind, which is logged; never the other way round (a row without
// content).
func (r *register) deleteBlobs(ctx context.Context, keys ...string) {
	if err := r.blob.Delete(context.WithoutCancel(ctx), keys...); err != nil {
		r.api.Log.Error("delete content", "err", err)
	}
}

// drc-009: a write needs the document's current lock.
func drc009Lock(d *docRef, lock string) error {
	if d.lock == "" {
		return zgw.FieldError("nonFieldErrors", "unlocked", "Het document is niet gelockt; lock het eerst.")
	}
	if lock != d.lock {
		return zgw.FieldError("nonFieldErrors", "incorrect-lock-id", "Het lock-id is onjuist.")
	}
	return nil
}

// eioDestroy deletes a document with all its versions, content, gebruiksrechten,
// verzendingen and audit trail (drc-008) — not while objectinformatieobjecten point to it
// or while it is locked.
func (r *register) eioDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	d, err := r.docOf(c, r.db, pathUUID(c, "uuid"), false, scopeVerwijderen)
	if err != nil {
		return err
	}
	var keys []string
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := docForWrite(ctx, tx, d.id)
		if err != nil {
			return err
		}
		if err := drc008Destroy(ctx, tx, cur); err != nil {
			return err
		}
		if keys, err = stringsOf(ctx, tx, `SELECT DISTINCT inhoud FROM document_versie WHERE document_id = $1 AND inhoud <> ''
			UNION SELECT inhoud FROM bestandsdeel WHERE document_id = $1 AND inhoud <> ''`, cur.id); err != nil {
			return fmt.Errorf("content keys: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM document WHERE id = $1`, cur.id); err != nil {
			return fmt.Errorf("delete document: %w", err)
		}
		u := r.api.URL(collectionEIO, cur.uuid)
		if err := zgw.DeleteAuditTrail(ctx, tx, u); err != nil {
			return err
		}
		return r.record(c, tx, cur, "enkelvoudiginformatieobject", u, "destroy", cur.identificatie, http.StatusNoContent, nil, nil)
	})
	if err != nil {
		return err
	}
	r.deleteBlobs(ctx, keys...)
	return c.NoContent()
}

// drc-008: no delete while objectinformatieobjecten point to the document, nor while it is
// locked.
func drc008Destroy(ctx context.Context, tx *db.Tx, d *docRef) error {
	if d.lock != "" {
		return zgw.FieldError("nonFieldErrors", "destroy-locked", "Een gelockt document kan niet verwijderd worden.")
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM objectinformatieobject WHERE document_id = $1`, d.id).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("objectinformatieobjecten: %w", err)
	}
	if n > 0 {
		return zgw.FieldError("nonFieldErrors", "pending-relations",
			"Het document kan niet verwijderd worden zolang er objectinformatieobjecten naar verwijzen.")
	}
	return nil
}
