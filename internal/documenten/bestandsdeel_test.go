package documenten_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
)

// partSize is the register's default part size.
const partSize = 16 << 20

// multipartBody is a bestandsdeel upload: lock and inhoud, in the order asked.
func multipartBody(t testing.TB, lock string, content []byte, lockFirst bool) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	writeLock := func() {
		if lock != "" {
			_ = w.WriteField("lock", lock)
		}
	}
	if lockFirst {
		writeLock()
	}
	fw, err := w.CreateFormFile("inhoud", "deel.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if !lockFirst {
		writeLock()
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// putPart uploads one part; check is "" (spec-checked), "unchecked" (parts of megabytes)
// or "bad" (a request the spec forbids).
func (d *dt) putPart(t testing.TB, u, lock string, content []byte, lockFirst bool, check string) *apptest.Resp {
	t.Helper()
	body, ct := multipartBody(t, lock, content, lockFirst)
	return d.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: body, Token: d.Admin, Header: map[string]string{"Content-Type": ct},
		Unchecked: check == "unchecked", BadInput: check == "bad"})
}

// pattern is deterministic content of n bytes.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// TestBestandsdelen is the large-files protocol: a create with bestandsomvang and no
// inhoud answers a locked document with parts; parts are uploaded in any order with the
// lock, checked for size; unlock joins them into the content.
func TestBestandsdelen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		size := partSize + 10
		o := d.doc(t, iot, map[string]any{"inhoud": nil, "bestandsomvang": size})
		u := o["url"].(string)
		lock, _ := o["lock"].(string)
		delen, _ := o["bestandsdelen"].([]any)
		if o["locked"] != true || lock == "" || len(delen) != 2 || o["inhoud"] != nil {
			t.Fatalf("created %v", o)
		}
		p1, p2 := delen[0].(map[string]any), delen[1].(map[string]any)
		if p1["volgnummer"] != 1.0 || p1["omvang"] != float64(partSize) || p2["omvang"] != 10.0 || p2["voltooid"] != false || p2["lock"] != lock {
			t.Fatalf("parts %v", delen)
		}
		data := pattern(size, 3)
		// wrong size, wrong lock, no lock: refused, nothing stored
		apptest.WantInvalid(t, d.putPart(t, p2["url"].(string), lock, data[:9], true, ""), "inhoud", "file-size")
		apptest.WantInvalid(t, d.putPart(t, p2["url"].(string), lock, data[:11], false, ""), "inhoud", "file-size")
		apptest.WantInvalid(t, d.putPart(t, p2["url"].(string), "fout", data[partSize:], false, ""), "nonFieldErrors", "incorrect-lock-id")
		apptest.WantInvalid(t, d.putPart(t, p2["url"].(string), "", data[partSize:], false, "bad"), "lock", "required")
		if keys := d.blobKeys(t, u); len(keys) != 0 {
			t.Fatalf("refused parts left content: %v", keys)
		}
		// unlock before anything is there
		d.bad(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, "nonFieldErrors", "file-size")
		// the last part first
		r := d.putPart(t, p2["url"].(string), lock, data[partSize:], false, "")
		if r.Status != http.StatusOK {
			t.Fatalf("part 2: %d %s", r.Status, r.Body)
		}
		if got := r.JSON(t); got["voltooid"] != true || got["omvang"] != 10.0 {
			t.Errorf("part 2 answer %v", got)
		}
		d.bad(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, "nonFieldErrors", "incomplete-upload")
		if r := d.putPart(t, p1["url"].(string), lock, data[:partSize], true, "unchecked"); r.Status != http.StatusOK {
			t.Fatalf("part 1: %d %s", r.Status, r.Body)
		}
		g := d.must(t, http.MethodGet, u, nil, http.StatusOK)
		for _, p := range g["bestandsdelen"].([]any) {
			if p.(map[string]any)["voltooid"] != true {
				t.Errorf("part not complete: %v", p)
			}
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		g = d.must(t, http.MethodGet, u, nil, http.StatusOK)
		if g["locked"] != false || len(g["bestandsdelen"].([]any)) != 0 || g["bestandsomvang"] != float64(size) || g["inhoud"] == nil {
			t.Fatalf("after unlock %v", g)
		}
		got := d.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/download", Token: d.Admin, Unchecked: true})
		if !bytes.Equal(got.Body, data) {
			t.Fatalf("downloaded %d bytes, differ", len(got.Body))
		}
		// the parts are gone; one content remains
		if keys := d.blobKeys(t, u); len(keys) != 1 {
			t.Errorf("keys after unlock %v", keys)
		}
		if r := d.putPart(t, p2["url"].(string), lock, data[partSize:], false, ""); r.Status != http.StatusNotFound {
			t.Errorf("part after finish: %d", r.Status)
		}
	})
}

// TestBestandsdelenUpdateAndForcedUnlock: new content of an existing document through parts
// (lock, PATCH with bestandsomvang, upload, unlock); a forced unlock of an incomplete upload
// keeps the previous content.
func TestBestandsdelenUpdateAndForcedUnlock(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, map[string]any{"inhoud": b64("oud")})["url"].(string)
		lock := d.lock(t, u)
		p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": 6}, http.StatusOK)
		delen := p["bestandsdelen"].([]any)
		if len(delen) != 1 || p["versie"] != 2.0 {
			t.Fatalf("patch %v", p)
		}
		if r := d.putPart(t, delen[0].(map[string]any)["url"].(string), lock, []byte("nieuw!"), true, ""); r.Status != http.StatusOK {
			t.Fatalf("part %d %s", r.Status, r.Body)
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		if got := d.download(t, u, ""); got != "nieuw!" {
			t.Errorf("content %q", got)
		}
		if got := d.download(t, u, "?versie=1"); got != "oud" {
			t.Errorf("versie 1 %q", got)
		}
		// forced unlock of an incomplete upload
		lock = d.lock(t, u)
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "bestandsomvang": 100}, http.StatusOK)
		d.forceUnlock(t, iot, u)
		g := d.must(t, http.MethodGet, u, nil, http.StatusOK)
		if g["versie"] != 3.0 || g["bestandsomvang"] != 6.0 || len(g["bestandsdelen"].([]any)) != 0 {
			t.Errorf("after forced unlock %v", g)
		}
		if got := d.download(t, u, ""); got != "nieuw!" {
			t.Errorf("content after forced unlock %q", got)
		}
	})
}

// TestBestandsdelenParallel: parts may be uploaded at the same time.
func TestBestandsdelenParallel(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		size := partSize + 3
		o := d.doc(t, iot, map[string]any{"inhoud": nil, "bestandsomvang": size})
		u, lock := o["url"].(string), o["lock"].(string)
		data := pattern(size, 9)
		delen := o["bestandsdelen"].([]any)
		status := make(chan int, len(delen))
		var off int
		for _, p := range delen {
			part := p.(map[string]any)
			n := int(part["omvang"].(float64))
			go func(from int) {
				status <- d.putPart(t, part["url"].(string), lock, data[from:from+n], true, "unchecked").Status
			}(off)
			off += n
		}
		for range delen {
			if s := <-status; s != http.StatusOK {
				t.Fatalf("part: %d", s)
			}
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		got := d.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/download", Token: d.Admin, Unchecked: true})
		if !bytes.Equal(got.Body, data) {
			t.Fatalf("downloaded %d bytes, differ", len(got.Body))
		}
	})
}

// TestBestandsdelenPartSize: --document-part-size sets the size of the parts handed out.
func TestBestandsdelenPartSize(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		o := d.doc(t, iot, map[string]any{"inhoud": nil, "bestandsomvang": 2500})
		var sizes []float64
		for _, p := range delenOf(t, o) {
			sizes = append(sizes, p["omvang"].(float64))
		}
		if len(sizes) != 3 || sizes[0] != 1024 || sizes[1] != 1024 || sizes[2] != 452 {
			t.Fatalf("parts of 2500 bytes at 1024: %v", sizes)
		}
	}, func(c *config.Config) { c.DocumentPartSize = 1024 })
}
