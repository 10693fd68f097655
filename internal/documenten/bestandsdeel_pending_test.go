package documenten_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// delenOf are the bestandsdelen of a document answer.
func delenOf(t testing.TB, o map[string]any) []map[string]any {
	t.Helper()
	raw, _ := o["bestandsdelen"].([]any)
	out := make([]map[string]any, len(raw))
	for i, p := range raw {
		out[i] = p.(map[string]any)
	}
	return out
}

// startUpload starts a chunked upload of new content of u in two parts and uploads the
// second (4 bytes); it returns the parts.
func (d *dt) startUpload(t testing.TB, u, lock string) []map[string]any {
	t.Helper()
	delen := delenOf(t, d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": partSize + 4}, http.StatusOK))
	if r := d.putPart(t, delen[1]["url"].(string), lock, []byte("deel"), false, ""); r.Status != http.StatusOK {
		t.Fatalf("part 2: %d %s", r.Status, r.Body)
	}
	return delen
}

// forceUnlock unlocks u as a client that holds documenten.geforceerd-unlock but not the lock.
func (d *dt) forceUnlock(t testing.TB, iot, u string) {
	t.Helper()
	forcer := d.client(t, drc(iot, "zeer_geheim", "documenten.geforceerd-unlock", "documenten.lezen"))
	if r := d.do(t, forcer, http.MethodPost, u+"/unlock", map[string]any{}); r.Status != http.StatusNoContent {
		t.Fatalf("forced unlock %d %s", r.Status, r.Body)
	}
}

// TestBestandsdelenMetadataUpdateKeepsUpload: an update without inhoud and without a new
// bestandsomvang while a chunked upload is pending keeps the upload: the new version is
// pending too (its bestandsomvang the size being uploaded), the uploaded parts stay, unlock
// gives the new version the joined content, and no earlier version's content changes.
func TestBestandsdelenMetadataUpdateKeepsUpload(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, map[string]any{"inhoud": b64("oud")})["url"].(string)
		lock := d.lock(t, u)
		size := partSize + 4
		delen := delenOf(t, d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": size}, http.StatusOK))
		if len(delen) != 2 {
			t.Fatalf("parts %v", delen)
		}
		data := pattern(size, 5)
		if r := d.putPart(t, delen[1]["url"].(string), lock, data[partSize:], false, ""); r.Status != http.StatusOK {
			t.Fatalf("part 2: %d %s", r.Status, r.Body)
		}
		p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "titel": "Nieuwe titel"}, http.StatusOK)
		now := delenOf(t, p)
		if p["versie"] != 3.0 || p["bestandsomvang"] != float64(size) || p["inhoud"] != nil || len(now) != 2 ||
			now[0]["url"] != delen[0]["url"] || now[0]["voltooid"] != false || now[1]["url"] != delen[1]["url"] || now[1]["voltooid"] != true {
			t.Fatalf("metadata update while pending: %v", p)
		}
		// a bestandsomvang equal to the pending size is no new upload either
		p = d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": size, "beschrijving": "b"}, http.StatusOK)
		if now := delenOf(t, p); p["versie"] != 4.0 || len(now) != 2 || now[1]["voltooid"] != true {
			t.Fatalf("same bestandsomvang while pending: %v", p)
		}
		// unlock before the upload is complete: refused, nothing lost
		d.bad(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, "nonFieldErrors", "incomplete-upload")
		if keys := d.blobKeys(t, u); len(keys) != 2 {
			t.Fatalf("content of versie 1 and part 2: %v", keys)
		}
		if r := d.putPart(t, delen[0]["url"].(string), lock, data[:partSize], true, "unchecked"); r.Status != http.StatusOK {
			t.Fatalf("part 1: %d %s", r.Status, r.Body)
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		g := d.must(t, http.MethodGet, u, nil, http.StatusOK)
		if g["versie"] != 4.0 || g["titel"] != "Nieuwe titel" || g["bestandsomvang"] != float64(size) || g["inhoud"] == nil {
			t.Fatalf("after unlock %v", g)
		}
		got := d.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/download", Token: d.Admin, Unchecked: true})
		if !bytes.Equal(got.Body, data) {
			t.Fatalf("downloaded %d bytes, differ", len(got.Body))
		}
		if got := d.download(t, u, "?versie=1"); got != "oud" {
			t.Errorf("versie 1 %q", got)
		}
		for _, v := range []string{"2", "3"} {
			if g := d.must(t, http.MethodGet, u+"?versie="+v, nil, http.StatusOK); g["inhoud"] != nil || g["bestandsomvang"] != float64(size) {
				t.Errorf("versie %s, registered while the upload was pending: %v", v, g)
			}
		}
		if keys := d.blobKeys(t, u); len(keys) != 2 {
			t.Errorf("content of versie 1 and 4 only: %v", keys)
		}
	})
}

// TestBestandsdelenForcedUnlockAfterMetadataUpdate: a forced unlock of an incomplete upload
// gives the latest version the content from before the upload, also when metadata updates
// were made while it was pending.
func TestBestandsdelenForcedUnlockAfterMetadataUpdate(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, map[string]any{"inhoud": b64("oud")})["url"].(string)
		lock := d.lock(t, u)
		d.startUpload(t, u, lock)
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "titel": "Nieuwe titel"}, http.StatusOK)
		d.forceUnlock(t, iot, u)
		g := d.must(t, http.MethodGet, u, nil, http.StatusOK)
		if g["versie"] != 3.0 || g["titel"] != "Nieuwe titel" || g["bestandsomvang"] != 3.0 || g["inhoud"] == nil || len(delenOf(t, g)) != 0 {
			t.Fatalf("after forced unlock %v", g)
		}
		if got := d.download(t, u, ""); got != "oud" {
			t.Errorf("content after forced unlock %q", got)
		}
		if keys := d.blobKeys(t, u); len(keys) != 1 {
			t.Errorf("keys %v", keys)
		}
		// a document created empty (bestandsomvang 0) is empty again
		o := d.doc(t, iot, map[string]any{"inhoud": nil, "bestandsomvang": 0})
		u = o["url"].(string)
		if o["locked"] != false || len(delenOf(t, o)) != 0 {
			t.Fatalf("created empty %v", o)
		}
		lock = d.lock(t, u)
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": 10}, http.StatusOK)
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "titel": "Nieuwe titel"}, http.StatusOK)
		d.forceUnlock(t, iot, u)
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["versie"] != 3.0 || g["bestandsomvang"] != 0.0 {
			t.Errorf("after forced unlock %v", g)
		}
	})
}

// TestBestandsdelenReplaced: an update with a new bestandsomvang, with bestandsomvang 0 or
// with inhoud while parts are pending discards the parts and their content.
func TestBestandsdelenReplaced(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, map[string]any{"inhoud": b64("oud")})["url"].(string)
		lock := d.lock(t, u)
		pending := func() []map[string]any {
			t.Helper()
			before := len(d.blobKeys(t, u))
			delen := d.startUpload(t, u, lock)
			if keys := d.blobKeys(t, u); len(keys) != before+1 {
				t.Fatalf("content and part: %v", keys)
			}
			return delen
		}
		gone := func(old []map[string]any, keys int) {
			t.Helper()
			for _, p := range old {
				if r := d.putPart(t, p["url"].(string), lock, []byte("deel"), false, ""); r.Status != http.StatusNotFound {
					t.Errorf("old part %s: %d", p["url"], r.Status)
				}
			}
			if got := d.blobKeys(t, u); len(got) != keys {
				t.Errorf("keys %v, want %d", got, keys)
			}
		}
		// a new bestandsomvang: new parts
		old := pending()
		p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": 5}, http.StatusOK)
		delen := delenOf(t, p)
		if len(delen) != 1 || delen[0]["omvang"] != 5.0 || delen[0]["voltooid"] != false || p["bestandsomvang"] != 5.0 {
			t.Fatalf("new bestandsomvang %v", p)
		}
		gone(old, 1)
		if r := d.putPart(t, delen[0]["url"].(string), lock, []byte("vijf!"), true, ""); r.Status != http.StatusOK {
			t.Fatalf("new part: %d %s", r.Status, r.Body)
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		if got := d.download(t, u, ""); got != "vijf!" {
			t.Errorf("content %q", got)
		}
		if got := d.download(t, u, "?versie=1"); got != "oud" {
			t.Errorf("versie 1 %q", got)
		}
		// bestandsomvang 0: empty content, no parts
		lock = d.lock(t, u)
		old = pending()
		p = d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": 0}, http.StatusOK)
		if len(delenOf(t, p)) != 0 || p["bestandsomvang"] != 0.0 {
			t.Fatalf("bestandsomvang 0: %v", p)
		}
		gone(old, 2)
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["bestandsomvang"] != 0.0 {
			t.Errorf("after unlock %v", g)
		}
		// inhoud: the new content, no parts
		lock = d.lock(t, u)
		old = pending()
		p = d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "inhoud": b64("direct")}, http.StatusOK)
		if len(delenOf(t, p)) != 0 || p["bestandsomvang"] != 6.0 {
			t.Fatalf("inhoud: %v", p)
		}
		gone(old, 3)
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		if got := d.download(t, u, ""); got != "direct" {
			t.Errorf("content %q", got)
		}
	})
}

// TestBestandsdelenDestroy: a document with pending parts is locked and cannot be deleted
// (drc-008 destroy-locked, nothing lost); once a forced unlock discarded the parts, the
// delete removes all content.
func TestBestandsdelenDestroy(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		o := d.doc(t, iot, map[string]any{"inhoud": nil, "bestandsomvang": partSize + 4})
		u, lock := o["url"].(string), o["lock"].(string)
		if r := d.putPart(t, delenOf(t, o)[1]["url"].(string), lock, []byte("deel"), true, ""); r.Status != http.StatusOK {
			t.Fatalf("part: %d %s", r.Status, r.Body)
		}
		d.bad(t, http.MethodDelete, u, nil, "nonFieldErrors", "destroy-locked")
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); len(delenOf(t, g)) != 2 || delenOf(t, g)[1]["voltooid"] != true {
			t.Fatalf("after refused delete %v", g)
		}
		if keys := d.blobKeys(t, u); len(keys) != 1 {
			t.Fatalf("part after refused delete: %v", keys)
		}
		d.forceUnlock(t, iot, u)
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["inhoud"] != nil || g["bestandsomvang"] != nil {
			t.Errorf("first version after forced unlock %v", g)
		}
		if keys := d.blobKeys(t, u); len(keys) != 0 {
			t.Errorf("part after forced unlock: %v", keys)
		}
		d.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if keys := d.blobKeys(t, u); len(keys) != 0 {
			t.Errorf("content after delete: %v", keys)
		}
	})
}
