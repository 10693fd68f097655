package zaken

import (
	"context"
	"encoding/json"
	"errors"
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

const testBase = "http://meent.test"

// fakeDocumenten is a Documenten register that records what it is asked, and whether the
// relation was committed when it was asked to mirror (and gone when asked to unmirror).
type fakeDocumenten struct {
	db   *db.DB
	iot  string
	fail bool

	mu    sync.Mutex
	calls []string
}

func (f *fakeDocumenten) Informatieobject(_ context.Context, field, u string) (*Informatieobject, error) {
	if !strings.HasPrefix(u, "https://drc.example/") {
		return nil, zgw.FieldError(field, "bad-url", "onbekend")
	}
	ja := true
	return &Informatieobject{URL: u, Informatieobjecttype: f.iot, Vertrouwelijkheidaanduiding: "openbaar", IndicatieGebruiksrecht: &ja}, nil
}

func (f *fakeDocumenten) stored(ctx context.Context, zio ZaakInformatieObject) bool {
	var n int
	_ = f.db.QueryRow(ctx, `SELECT count(*) FROM zaakinformatieobject WHERE uuid = $1`, zio.URL[strings.LastIndex(zio.URL, "/")+1:]).Scan(&n)
	return n == 1
}

func (f *fakeDocumenten) Mirror(ctx context.Context, zio ZaakInformatieObject) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "mirror stored="+boolString(f.stored(ctx, zio)))
	if f.fail {
		return errors.New("documenten register unavailable")
	}
	return nil
}

func (f *fakeDocumenten) Unmirror(ctx context.Context, zio ZaakInformatieObject) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "unmirror stored="+boolString(f.stored(ctx, zio)))
	return nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// zrc-005: a zaakinformatieobject is stored first and then mirrored into the Documenten
// register; a relation the Documenten register refuses is undone; a deleted one is
// unmirrored after it is gone.
func TestZrc005_MirrorDocumenten(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		iot := testBase + "/catalogi/api/v1/informatieobjecttypen/3fa85f64-5717-4562-b3fc-2c963f66afa6"
		zaaktype := testBase + "/catalogi/api/v1/zaaktypen/3fa85f64-5717-4562-b3fc-2c963f66afa7"
		docs := &fakeDocumenten{db: d, iot: iot}
		mux := http.NewServeMux()
		raw, _ := spec.JSON("zaken")
		doc, err := oas.Compile(raw)
		if err != nil {
			t.Fatal(err)
		}
		api := &zgw.API{Name: "zaken", Component: "zrc", Root: spec.Mount("zaken"), Version: spec.Version("zaken"), PublicURL: testBase,
			Refs: zgw.NewResolver(testBase, mux, nil), DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Spec: doc}
		api.Mount(mux)
		MountWith(api, Options{Documenten: docs})
		// The catalogue the zaak's zaaktype comes from.
		mux.HandleFunc("GET /catalogi/api/v1/zaaktypen/{uuid}", func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]any{"url": zaaktype, "informatieobjecttypen": []string{iot}})
		})
		zaakUUID := zgw.NewUUID()
		if err := d.Update(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO zaak (uuid, identificatie, bronorganisatie, zaaktype, vertrouwelijkheid, archiefstatus,
				startdatum, registratiedatum, data) VALUES ($1, 'Z1', '002220647', $2, 0, 'nog_te_archiveren', '2024-01-01', '2024-01-01', '{}')`,
				zaakUUID, zaaktype)
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
		w := do(http.MethodPost, api.Root+"/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": "https://drc.example/1"})
		if w.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		var zio map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &zio)
		if w := do(http.MethodDelete, strings.TrimPrefix(zio["url"].(string), testBase), nil); w.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		if got := strings.Join(docs.calls, ", "); got != "mirror stored=true, unmirror stored=false" {
			t.Errorf("calls: %s", got)
		}
		docs.fail = true
		if w := do(http.MethodPost, api.Root+"/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": "https://drc.example/2"}); w.Code < 500 {
			t.Errorf("create with a failing mirror: %d %s", w.Code, w.Body)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM zaakinformatieobject`).Scan(&n); err != nil || n != 0 {
			t.Errorf("a refused mirror left %d relations (%v)", n, err)
		}
		rows, err := zgw.Outbox(ctx, d, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var acties []string
		for _, r := range rows {
			acties = append(acties, r.Resource+" "+r.Actie)
		}
		if got := strings.Join(acties, ", "); got != "zaakinformatieobject create, zaakinformatieobject destroy, zaakinformatieobject create, zaakinformatieobject destroy" {
			t.Errorf("notifications: %s", got)
		}
	})
}
