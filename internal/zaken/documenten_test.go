package zaken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// failUnmirror makes Unmirror fail (after recording the call).
	failUnmirror bool

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
	if f.failUnmirror {
		return errors.New("documenten register unavailable")
	}
	return nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// docsEnv is the Zaken register on d with a fakeDocumenten, one zaak (with a deelzaak when
// deelzaak is set), and a way to send requests as the system.
type docsEnv struct {
	api  *zgw.API
	docs *fakeDocumenten
	zaak string
	do   func(method, path string, body any) *httptest.ResponseRecorder
}

func newDocsEnv(t *testing.T, d *db.DB, deelzaak bool) *docsEnv {
	t.Helper()
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
		const insert = `INSERT INTO zaak (uuid, identificatie, bronorganisatie, zaaktype, vertrouwelijkheid, archiefstatus,
			startdatum, registratiedatum, data, hoofdzaak_id) VALUES ($1, $2, '002220647', $3, 0, 'nog_te_archiveren', '2024-01-01', '2024-01-01', '{}',
			(SELECT id FROM zaak WHERE uuid = $4))`
		if _, err := tx.Exec(ctx, insert, zaakUUID, "Z1", zaaktype, nil); err != nil {
			return err
		}
		if deelzaak {
			_, err := tx.Exec(ctx, insert, zgw.NewUUID(), "Z2", zaaktype, zaakUUID)
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
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
	return &docsEnv{api: api, docs: docs, zaak: api.URL("zaken", zaakUUID), do: do}
}

// zrc-005: a zaakinformatieobject is stored first and then mirrored into the Documenten
// register; a relation the Documenten register refuses is undone; a deleted one is
// unmirrored after it is gone.
func TestZrc005_MirrorDocumenten(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		env := newDocsEnv(t, d, false)
		api, docs, zaak, do := env.api, env.docs, env.zaak, env.do
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
		if w := do(http.MethodPost, api.Root+"/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": "https://drc.example/2"}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "pending-relations") {
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

// zrc-023: deleting a zaak unmirrors the zaakinformatieobjecten of the zaak and its
// deelzaken once the delete has committed; a failed unmirror does not undo the delete.
func TestZrc023_UnmirrorOnDelete(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		env := newDocsEnv(t, d, true)
		var deel string
		if err := d.QueryRow(ctx, `SELECT CAST(uuid AS TEXT) FROM zaak WHERE identificatie = 'Z2'`).Scan(&deel); err != nil {
			t.Fatal(err)
		}
		for i, zaak := range []string{env.zaak, env.zaak, env.api.URL("zaken", strings.ToLower(deel))} {
			body := map[string]any{"zaak": zaak, "informatieobject": fmt.Sprintf("https://drc.example/%d", i)}
			if w := env.do(http.MethodPost, env.api.Root+"/zaakinformatieobjecten", body); w.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", w.Code, w.Body)
			}
		}
		env.docs.failUnmirror = true
		if w := env.do(http.MethodDelete, strings.TrimPrefix(env.zaak, testBase), nil); w.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		want := "mirror stored=true, mirror stored=true, mirror stored=true, unmirror stored=false, unmirror stored=false, unmirror stored=false"
		if got := strings.Join(env.docs.calls, ", "); got != want {
			t.Errorf("calls: %s", got)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM zaak`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d zaken left (%v)", n, err)
		}
	})
}
