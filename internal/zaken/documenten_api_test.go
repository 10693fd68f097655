package zaken

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/oas"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/zgw"
)

// fakeDRC is the part of a Documenten API that DocumentenAPI uses: one informatieobject and
// the objectinformatieobjecten collection.
type fakeDRC struct {
	mu     sync.Mutex
	oios   map[string]map[string]string // url -> body
	refuse bool
	calls  []string
}

func (f *fakeDRC) mount(mux *http.ServeMux, iot string) {
	const root = "/documenten/api/v1"
	mux.HandleFunc("GET "+root+"/enkelvoudiginformatieobjecten/{uuid}", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"url": testBase + r.URL.Path, "informatieobjecttype": iot,
			"vertrouwelijkheidaanduiding": "openbaar", "indicatieGebruiksrecht": false, "status": ""})
	})
	mux.HandleFunc("POST "+root+"/objectinformatieobjecten", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.calls = append(f.calls, "POST "+body["objectType"])
		if f.refuse {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":"invalid"}`))
			return
		}
		u := testBase + root + "/objectinformatieobjecten/" + zgw.NewUUID()
		body["url"] = u
		f.oios[u] = body
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(body)
	})
	mux.HandleFunc("GET "+root+"/objectinformatieobjecten", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, "GET")
		out := []map[string]string{}
		for _, o := range f.oios {
			if o["object"] == r.URL.Query().Get("object") && o["informatieobject"] == r.URL.Query().Get("informatieobject") {
				out = append(out, o)
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("DELETE "+root+"/objectinformatieobjecten/{uuid}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, "DELETE")
		delete(f.oios, testBase+r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	})
}

// zrc-005: with the default DocumentenAPI, a new zaakinformatieobject is mirrored by a POST
// of the objectinformatieobject to the informatieobject's Documenten API, a deleted one is
// found and deleted there, and a refused mirror undoes the relation with a 400.
func TestZrc005_MirrorThroughDocumentenAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		iot := testBase + "/catalogi/api/v1/informatieobjecttypen/3fa85f64-5717-4562-b3fc-2c963f66afa6"
		zaaktype := testBase + "/catalogi/api/v1/zaaktypen/3fa85f64-5717-4562-b3fc-2c963f66afa7"
		mux := http.NewServeMux()
		raw, _ := spec.JSON("zaken")
		doc, err := oas.Compile(raw)
		if err != nil {
			t.Fatal(err)
		}
		api := &zgw.API{Name: "zaken", Component: "zrc", Root: spec.Mount("zaken"), Version: spec.Version("zaken"), PublicURL: testBase,
			Refs: zgw.NewResolver(testBase, mux, nil), DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: doc}
		api.Mount(mux)
		Mount(api)
		drc := &fakeDRC{oios: map[string]map[string]string{}}
		drc.mount(mux, iot)
		mux.HandleFunc("GET /catalogi/api/v1/zaaktypen/{uuid}", func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]any{"url": zaaktype, "informatieobjecttypen": []string{iot}})
		})
		zaakUUID := zgw.NewUUID()
		if err := d.Update(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO zaak (uuid, identificatie, bronorganisatie, zaaktype, vertrouwelijkheid, archiefstatus,
				startdatum, registratiedatum, data) VALUES ($1, 'Z1', '002220647', $2, 0, 'nog_te_archiveren', '2024-01-01', '2024-01-01', '{}')`, zaakUUID, zaaktype)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		zaak := api.URL("zaken", zaakUUID)
		do := func(method, path string, body any) *httptest.ResponseRecorder {
			var rd io.Reader
			if body != nil {
				b, _ := json.Marshal(body)
				rd = strings.NewReader(string(b))
			}
			req := httptest.NewRequestWithContext(zgw.WithSystem(ctx), method, path, rd)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, req)
			return w
		}
		io1 := testBase + "/documenten/api/v1/enkelvoudiginformatieobjecten/" + zgw.NewUUID()
		w := do(http.MethodPost, api.Root+"/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": io1})
		if w.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		if len(drc.oios) != 1 {
			t.Fatalf("objectinformatieobjecten after create: %v", drc.oios)
		}
		for _, o := range drc.oios {
			if o["object"] != zaak || o["informatieobject"] != io1 || o["objectType"] != "zaak" {
				t.Errorf("mirror: %v", o)
			}
		}
		var zio map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &zio)
		if w := do(http.MethodDelete, strings.TrimPrefix(zio["url"].(string), testBase), nil); w.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		if len(drc.oios) != 0 {
			t.Errorf("objectinformatieobjecten after delete: %v", drc.oios)
		}
		drc.refuse = true
		w = do(http.MethodPost, api.Root+"/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": io1})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "pending-relations") {
			t.Fatalf("refused mirror: %d %s", w.Code, w.Body)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM zaakinformatieobject`).Scan(&n); err != nil || n != 0 {
			t.Errorf("a refused mirror left %d relations (%v)", n, err)
		}
		if got := strings.Join(drc.calls, ", "); got != "POST zaak, GET, DELETE, POST zaak" {
			t.Errorf("calls: %s", got)
		}
		// An informatieobject this server may not call has no mirror: nothing is sent.
		if root := (DocumentenAPI{Refs: api.Refs}).documentenRoot("https://elders.example/documenten/api/v1/enkelvoudiginformatieobjecten/x"); root != "" {
			t.Errorf("remote root %q, want none", root)
		}
	})
}
