package documenten

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/blob"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

func (r *register) mountBestandsdeel() {
	r.api.Handle("PUT /bestandsdelen/{uuid}", zgw.Scopes(scopeBijwerken), r.bestandsdeelUpdate)
}

// deelResponse is the answer to a part upload.
type deelResponse struct {
	URL        string `json:"url"`
	Lock       string `json:"lock"`
	Omvang     int64  `json:"omvang"`
	Inhoud     string `json:"inhoud"`
	Voltooid   bool   `json:"voltooid"`
	Volgnummer int    `json:"volgnummer"`
}

// bestandsdeelUpdate receives one part of a chunked upload as multipart/form-data with the
// fields inhoud (the bytes) and lock. The part is streamed into the blob store; its size
// must be its omvang exactly (file-size) and the lock must be the document's
// (incorrect-lock-id). Parts may come in any order; uploading a part again replaces it.
func (r *register) bestandsdeelUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	id := pathUUID(c, "uuid")
	if id == "" {
		return zgw.ErrNotFound()
	}
	var p part
	var docID int64
	err := r.db.QueryRow(ctx, `SELECT id, document_id, volgnummer, omvang FROM bestandsdeel WHERE uuid = $1`, id).
		Scan(&p.id, &docID, &p.volgnummer, &p.omvang)
	if errors.Is(err, sql.ErrNoRows) {
		return zgw.ErrNotFound()
	}
	if err != nil {
		return fmt.Errorf("bestandsdeel: %w", err)
	}
	d, err := docRefBy(ctx, r.db, "id = $1", docID, false)
	if err != nil || d == nil {
		return orNotFound(err)
	}
	if !d.allows(c, scopeBijwerken) {
		return zgw.ErrForbidden()
	}
	mt, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return &zgw.Error{Kind: zgw.UnsupportedMediaType, Detail: "Een bestandsdeel wordt als multipart/form-data geüpload."}
	}
	mr, err := c.R.MultipartReader()
	if err != nil {
		return zgw.FieldError("nonFieldErrors", "parse_error", "De multipart body kon niet gelezen worden.")
	}
	// the whole request: the part plus a little form overhead
	c.R.Body = http.MaxBytesReader(c.W, c.R.Body, p.omvang+1<<20)
	key := "documenten/" + d.uuid + "/deel-" + zgw.NewUUID()
	var info *blob.Info
	var lock *string
	fail := func(err error) error {
		if info != nil {
			r.deleteBlobs(ctx, key)
		}
		return err
	}
	for {
		fp, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(zgw.FieldError("nonFieldErrors", "parse_error", "De multipart body kon niet gelezen worden."))
		}
		switch fp.FormName() {
		case "lock":
			b, err := io.ReadAll(io.LimitReader(fp, 200))
			if err != nil {
				return fail(zgw.FieldError("lock", "invalid", "Het lock kon niet gelezen worden."))
			}
			s := strings.TrimSpace(string(b))
			lock = &s
			if err := drc009Lock(d, s); err != nil {
				return fail(err) // before any content is stored when lock comes first
			}
		case "inhoud":
			if info != nil {
				return fail(zgw.FieldError("inhoud", "invalid", "Het veld inhoud komt twee keer voor."))
			}
			i, err := r.blob.Put(ctx, key, fp, p.omvang)
			switch {
			case errors.Is(err, blob.ErrTooLarge):
				return fail(zgw.FieldError("inhoud", "file-size", fmt.Sprintf("Het bestandsdeel moet precies %d bytes zijn.", p.omvang)))
			case err != nil && ctx.Err() == nil && !isStorageError(err):
				return fail(zgw.FieldError("inhoud", "parse_error", "Het bestandsdeel kon niet gelezen worden."))
			case err != nil:
				return fail(err)
			}
			info = &i
		}
		fp.Close()
	}
	if lock == nil {
		return fail(zgw.FieldError("lock", "required", "Dit veld is vereist."))
	}
	if info == nil {
		return fail(zgw.FieldError("inhoud", "required", "Dit veld is vereist."))
	}
	if info.Size != p.omvang {
		return fail(zgw.FieldError("inhoud", "file-size", fmt.Sprintf("Het bestandsdeel moet precies %d bytes zijn, niet %d.", p.omvang, info.Size)))
	}
	var old string
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := docForWrite(ctx, tx, docID)
		if err != nil {
			return err
		}
		if err := drc009Lock(cur, *lock); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT inhoud FROM bestandsdeel WHERE id = $1`, p.id).Scan(&old); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return zgw.ErrNotFound() // the upload was finished or replaced meanwhile
			}
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE bestandsdeel SET inhoud = $1, sha256 = $2 WHERE id = $3`, key, info.SHA256, p.id)
		return err
	})
	if err != nil {
		return fail(err)
	}
	if old != "" {
		r.deleteBlobs(ctx, old)
	}
	return c.JSON(http.StatusOK, deelResponse{URL: r.api.URL(collectionDeel, id), Lock: *lock, Omvang: p.omvang,
		Voltooid: true, Volgnummer: p.volgnummer})
}

// isStorageError tells a failure of the store from one of reading the request: reads of the
// request fail with multipart or network errors, which the store passes on unwrapped.
func isStorageError(err error) bool {
	return strings.HasPrefix(err.Error(), "blob ")
}
