package besluiten_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// serve runs one GET through the app's full handler chain in process (routing, JWT,
// autorisaties, SQL, rendering), without a network hop.
func serve(b *testing.B, e *apptest.Env, u string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+e.Admin)
	w := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", u, w.Code, w.Body)
	}
	return w
}

func benchDialects(b *testing.B, f func(b *testing.B, postgres bool)) {
	b.Run("sqlite", func(b *testing.B) { f(b, false) })
	b.Run("postgres", func(b *testing.B) { f(b, true) })
}

// benchBesluiten stores n besluiten of besluittype spread over zaken zaken (rows written
// directly: the benchmark is about reading).
func benchBesluiten(b testing.TB, e *apptest.Env, besluittype string, n, zaken int) {
	b.Helper()
	ctx := context.Background()
	err := e.App.DB.Update(ctx, func(tx *db.Tx) error {
		for i := range n {
			zaak := fmt.Sprintf("https://zaken.example/zaken/api/v1/zaken/%08d-0000-4000-8000-000000000000", i%zaken)
			if _, err := tx.Exec(ctx, `INSERT INTO besluit (uuid, identificatie, verantwoordelijke_organisatie, besluittype, zaak, datum, ingangsdatum)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, zgw.NewUUID(), fmt.Sprintf("BENCH-%d", i), rsin, besluittype, zaak,
				db.Date("2024-03-01"), db.Date("2024-03-02")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBesluitenListByZaak: GET /besluiten?zaak=... among 10,000 besluiten of 1,000 zaken
// (10 hits).
func BenchmarkBesluitenListByZaak(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		e := apptest.MustStart(b, postgres)
		bb := newBT(e)
		f := bb.fixture(b)
		benchBesluiten(b, e, f.besluittype, 10000, 1000)
		u := e.URL + brcRoot + "/besluiten?zaak=" + url.QueryEscape("https://zaken.example/zaken/api/v1/zaken/00000042-0000-4000-8000-000000000000")
		if w := serve(b, e, u); !bytes.Contains(w.Body.Bytes(), []byte(`"count":10,`)) {
			b.Fatalf("list: %s", w.Body)
		}
		b.ResetTimer()
		for b.Loop() {
			serve(b, e, u)
		}
	})
}

// BenchmarkBesluitExpand: GET one besluit with expand=besluittype,zaak.zaaktype (zaak and
// types read in process through the Zaken and Catalogi APIs).
func BenchmarkBesluitExpand(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		e := apptest.MustStart(b, postgres)
		bb := newBT(e)
		f := bb.fixture(b)
		benchBesluiten(b, e, f.besluittype, 10000, 1000)
		z := bb.zaak(b, f.zaaktype)
		u := bb.besluit(b, f.besluittype, map[string]any{"zaak": z})["url"].(string) + "?expand=besluittype,zaak.zaaktype"
		if w := serve(b, e, u); !bytes.Contains(w.Body.Bytes(), []byte(`"_expand"`)) {
			b.Fatalf("read: %s", w.Body)
		}
		b.ResetTimer()
		for b.Loop() {
			serve(b, e, u)
		}
	})
}
