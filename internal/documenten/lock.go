package documenten

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

func (r *register) mountLock() {
	a := r.api
	a.Handle("POST /enkelvoudiginformatieobjecten/{uuid}/lock", zgw.Scopes(scopeLock), r.eioLock)
	a.Handle("POST /enkelvoudiginformatieobjecten/{uuid}/unlock", zgw.Scopes(scopeLock, scopeForceUnlock), r.eioUnlock)
}

// eioLock checks a document out (drc-009): it answers an unguessable lock id that every
// update must carry until the document is unlocked. A locked document cannot be locked
// again (existing-lock).
func (r *register) eioLock(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in struct{}
	if _, err := c.Body("enkelvoudiginformatieobject_lock", &in); err != nil {
		return err
	}
	d, err := r.docOf(c, r.db, pathUUID(c, "uuid"), false, scopeLock)
	if err != nil {
		return err
	}
	lock := newLock()
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := docForWrite(ctx, tx, d.id)
		if err != nil {
			return err
		}
		if cur.lock != "" {
			return zgw.FieldError("nonFieldErrors", "existing-lock", "Het document is al gelockt.")
		}
		_, err = tx.Exec(ctx, `UPDATE document SET lock = $1 WHERE id = $2`, lock, d.id)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"lock": lock})
}

// part is a stored bestandsdeel.
type part struct {
	id         int64
	volgnummer int
	omvang     int64
	key, sha   string
}

func loadParts(ctx context.Context, q db.Querier, docID int64) ([]part, error) {
	rows, err := q.Query(ctx, `SELECT id, volgnummer, omvang, inhoud, sha256 FROM bestandsdeel WHERE document_id = $1 ORDER BY volgnummer`, docID)
	if err != nil {
		return nil, fmt.Errorf("bestandsdelen: %w", err)
	}
	defer rows.Close()
	var out []part
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.id, &p.volgnummer, &p.omvang, &p.key, &p.sha); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// eioUnlock releases the lock (drc-009). With documenten.geforceerd-unlock the lock id is
// not needed. When a chunked upload is pending, all parts must be there (incomplete-upload,
// or file-size when none is); they are then joined by volgnummer into the content of the
// latest version and deleted. A forced unlock of an incomplete upload discards the parts and
// gives the version the content from before the upload (contentBeforeUpload).
func (r *register) eioUnlock(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in struct {
		Lock string `json:"lock"`
	}
	if _, err := c.Body("enkelvoudiginformatieobject_unlock", &in); err != nil {
		return err
	}
	d, err := r.docOf(c, r.db, pathUUID(c, "uuid"), false, scopeLock, scopeForceUnlock)
	if err != nil {
		return err
	}
	forced := in.Lock != d.lock && d.allows(c, scopeForceUnlock)
	if !forced && in.Lock != d.lock {
		return zgw.FieldError("nonFieldErrors", "incorrect-lock-id", "Het lock-id is onjuist.")
	}
	parts, err := loadParts(ctx, r.db, d.id)
	if err != nil {
		return err
	}
	complete, some := true, false
	for _, p := range parts {
		complete = complete && p.key != ""
		some = some || p.key != ""
	}
	// Join the parts before the transaction: copying gigabytes must not hold the write lock.
	var joined *content
	if len(parts) > 0 && complete {
		key := contentKey(d.uuid)
		keys, sums := make([]string, len(parts)), make([]string, len(parts))
		for i, p := range parts {
			keys[i], sums[i] = p.key, p.sha
		}
		info, err := r.blob.Concat(ctx, key, keys, sums)
		if err != nil {
			return fmt.Errorf("join bestandsdelen: %w", err)
		}
		joined = &content{key: key, size: &info.Size, sha: info.SHA256}
	}
	if len(parts) > 0 && !complete && !forced {
		if !some {
			return zgw.FieldError("nonFieldErrors", "file-size", "Er zijn nog geen bestandsdelen geüpload.")
		}
		return zgw.FieldError("nonFieldErrors", "incomplete-upload", "Niet alle bestandsdelen zijn geüpload.")
	}
	var dropped []string
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := docForWrite(ctx, tx, d.id)
		if err != nil {
			return err
		}
		if cur.lock != d.lock {
			return zgw.FieldError("nonFieldErrors", "incorrect-lock-id", "Het lock-id is onjuist.")
		}
		now, err := loadParts(ctx, tx, d.id)
		if err != nil {
			return err
		}
		if !sameParts(parts, now) {
			return &zgw.Error{Kind: zgw.Conflict, Detail: "De bestandsdelen zijn intussen gewijzigd; probeer opnieuw."}
		}
		if len(parts) > 0 {
			cont := joined
			if cont == nil { // forced unlock of an incomplete upload
				if cont, err = contentBeforeUpload(ctx, tx, d.id, cur.versie); err != nil {
					return err
				}
			}
			if err := setContent(ctx, tx, d.id, cur.versie, *cont); err != nil {
				return err
			}
			if dropped, err = dropParts(ctx, tx, d.id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE document SET lock = '' WHERE id = $1`, d.id)
		return err
	})
	if err != nil {
		if joined != nil {
			r.deleteBlobs(ctx, joined.key)
		}
		return err
	}
	r.deleteBlobs(ctx, dropped...)
	return c.NoContent()
}

// contentBeforeUpload is the content a document had before the chunked upload pending on
// version versie started: that of the latest earlier version that has content or an empty
// one. The versions in between were written while the upload was pending (they have
// neither); none for a document that started with the upload.
func contentBeforeUpload(ctx context.Context, tx *db.Tx, docID int64, versie int) (*content, error) {
	cont := &content{}
	err := tx.QueryRow(ctx, `SELECT inhoud, omvang, sha256 FROM document_versie
		WHERE document_id = $1 AND versie < $2 AND (inhoud <> '' OR omvang IS NOT NULL) ORDER BY versie DESC LIMIT 1`,
		docID, versie).Scan(&cont.key, &cont.size, &cont.sha)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("content before the upload: %w", err)
	}
	return cont, nil
}

func sameParts(a, b []part) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// setContent gives version versie of a document its content; bestandsomvang in the
// version's data follows.
func setContent(ctx context.Context, tx *db.Tx, docID int64, versie int, cont content) error {
	var size any
	if cont.size != nil {
		size = *cont.size
	}
	var patch string
	if tx.Dialect == db.Postgres {
		patch = `jsonb_set(data, '{bestandsomvang}', to_jsonb($5::bigint))`
		if size == nil {
			patch = `jsonb_set(data, '{bestandsomvang}', 'null'::jsonb)`
		}
	} else {
		patch = `json_set(data, '$.bestandsomvang', $5)`
	}
	args := []any{cont.key, size, cont.sha, docID, size, versie}
	query := `UPDATE document_versie SET inhoud = $1, omvang = $2, sha256 = $3, data = ` + patch + ` WHERE document_id = $4 AND versie = $6`
	if tx.Dialect == db.Postgres && size == nil {
		query = `UPDATE document_versie SET inhoud = $1, omvang = $2, sha256 = $3, data = ` + patch + ` WHERE document_id = $4 AND versie = $5`
		args = []any{cont.key, size, cont.sha, docID, versie}
	}
	if _, err := tx.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("content of version: %w", err)
	}
	return nil
}
