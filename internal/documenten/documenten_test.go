package documenten_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/zgw"
)

const (
	drcRoot = "/documenten/api/v1"
	ztcRoot = "/catalogi/api/v1"
	zrcRoot = "/zaken/api/v1"
	refRoot = "/referentielijsten/api/v1"
	eios    = drcRoot + "/enkelvoudiginformatieobjecten"
)

// dt is a running Meent with the helpers of the Documenten tests.
type dt struct {
	*apptest.Env
	mu  sync.Mutex
	seq int
}

func newDT(e *apptest.Env) *dt { return &dt{Env: e} }

func (d *dt) next() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	return d.seq
}

// do sends a request with token ("" = admin).
func (d *dt) do(t testing.TB, token, method, u string, body any) *apptest.Resp {
	t.Helper()
	if token == "" {
		token = d.Admin
	}
	return d.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: token})
}

// must sends with the admin token and expects status want.
func (d *dt) must(t testing.TB, method, u string, body any, want int) map[string]any {
	t.Helper()
	r := d.do(t, "", method, u, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d, want %d:\n%s", method, u, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 || r.Body[0] != '{' {
		return nil
	}
	return r.JSON(t)
}

// bad sends a request that should fail with 400 on (name, code); spec=false marks a body
// the spec itself forbids.
func (d *dt) bad(t testing.TB, method, u string, body any, name, code string) {
	t.Helper()
	r := d.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: d.Admin, BadInput: true})
	apptest.WantInvalid(t, r, name, code)
}

// catalogus makes a catalogus and returns its URL.
func (d *dt) catalogus(t testing.TB) string {
	t.Helper()
	n := d.next()
	return d.Post(t, ztcRoot+"/catalogussen", map[string]any{
		"domein": fmt.Sprintf("D%d", n), "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
}

// iot makes an informatieobjecttype in cat (published unless concept) and returns its URL.
func (d *dt) iot(t testing.TB, cat, vertrouwelijkheid string, concept bool) string {
	t.Helper()
	u := d.Post(t, ztcRoot+"/informatieobjecttypen", map[string]any{"catalogus": cat, "omschrijving": fmt.Sprintf("Brief %d", d.next()),
		"vertrouwelijkheidaanduiding": vertrouwelijkheid, "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "brief"})["url"].(string)
	if !concept {
		d.must(t, http.MethodPost, u+"/publish", nil, http.StatusOK)
	}
	return u
}

// eioBody is a valid document body of informatieobjecttype iot with content.
func eioBody(iot string, over map[string]any) map[string]any {
	b := map[string]any{"bronorganisatie": "002220647", "creatiedatum": "2024-03-01", "titel": "Brief", "auteur": "Ambtenaar",
		"taal": "dut", "informatieobjecttype": iot, "inhoud": base64.StdEncoding.EncodeToString([]byte("hallo wereld")),
		"bestandsnaam": "brief.txt", "formaat": "text/plain"}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// doc creates a document and returns it.
func (d *dt) doc(t testing.TB, iot string, over map[string]any) map[string]any {
	t.Helper()
	return d.must(t, http.MethodPost, eios, eioBody(iot, over), http.StatusCreated)
}

// client returns a token of a client with drc autorisaties.
func (d *dt) client(t testing.TB, as ...autorisaties.Autorisatie) string {
	t.Helper()
	id := fmt.Sprintf("drc-%d", d.next())
	return d.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: id + "-secret", Label: id, Autorisaties: as})
}

func drc(iot, max string, scopes ...string) autorisaties.Autorisatie {
	return autorisaties.Autorisatie{Component: "drc", Scopes: scopes, Informatieobjecttype: iot, MaxVertrouwelijkheidaanduiding: max}
}

// download reads the content of a document (version query q, e.g. "?versie=1").
func (d *dt) download(t testing.TB, u, q string) string {
	t.Helper()
	r := d.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/download" + q, Token: d.Admin})
	if r.Status != http.StatusOK {
		t.Fatalf("download %s%s = %d: %s", u, q, r.Status, r.Body)
	}
	return string(r.Body)
}

// lock locks a document and returns the lock.
func (d *dt) lock(t testing.TB, u string) string {
	t.Helper()
	return d.must(t, http.MethodPost, u+"/lock", nil, http.StatusOK)["lock"].(string)
}

// notifications returns the outbox rows of kanaal documenten.
func (d *dt) notifications(t testing.TB) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), d.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []zgw.OutboxRow
	for _, r := range rows {
		if r.Kanaal == "documenten" {
			out = append(out, r)
		}
	}
	return out
}

// blobKeys lists what the blob store holds for document u ("" for everything).
func (d *dt) blobKeys(t testing.TB, u string) []string {
	t.Helper()
	prefix := "documenten/"
	if u != "" {
		prefix += uuidOf(u) + "/"
	}
	keys, err := d.App.Blob.Keys(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func uuidOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
