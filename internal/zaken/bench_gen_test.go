package zaken_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/zgw"
)

// The benchmarks on a generated database (bench/gen). They run only when
// MEENT_BENCH_DATABASE_URL (PostgreSQL) or MEENT_BENCH_DATA_DIR (SQLite) names one, and call
// the app's handler in process as a client authorised for 20 zaaktypen up to
// zaakvertrouwelijk. Each reports the median per request (ms-median) besides Go's mean.

// genEnv is a Meent on a generated database.
type genEnv struct {
	a         *app.App
	token     string
	zaaktypen []string // the 20 the client may read
	bsn       string   // a BSN with zaken of those zaaktypen
}

func openGenerated(b *testing.B) *genEnv {
	b.Helper()
	dbURL, dataDir := os.Getenv("MEENT_BENCH_DATABASE_URL"), os.Getenv("MEENT_BENCH_DATA_DIR")
	if dbURL == "" && dataDir == "" {
		b.Skip("MEENT_BENCH_DATABASE_URL or MEENT_BENCH_DATA_DIR must name a database made by bench/gen")
	}
	ctx := context.Background()
	cfg := config.Config{Listen: "127.0.0.1:0", DatabaseURL: dbURL, DataDir: dataDir, SecretKey: "bench-generator", JWTLeeway: time.Hour}
	// The URLs in the data start with the public URL the generator ran under.
	probe, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	var zt string
	err = probe.DB.QueryRow(ctx, `SELECT zaaktype FROM zaak ORDER BY id LIMIT 1`).Scan(&zt)
	probe.Close()
	if err != nil {
		b.Fatalf("no generated zaken: %v", err)
	}
	cfg.PublicURL = zt[:strings.Index(zt, "/catalogi/")]
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	e := &genEnv{a: a}
	rows, err := a.DB.Query(ctx, `SELECT DISTINCT zaaktype FROM zaak WHERE id < 20000 ORDER BY zaaktype`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		e.zaaktypen = append(e.zaaktypen, s)
	}
	rows.Close()
	e.zaaktypen = e.zaaktypen[:min(20, len(e.zaaktypen))]
	var as []autorisaties.Autorisatie
	for _, t := range e.zaaktypen {
		as = append(as, autorisaties.Autorisatie{Component: "zrc", Zaaktype: t, MaxVertrouwelijkheidaanduiding: "zaakvertrouwelijk",
			Scopes: []string{"zaken.lezen", "zaken.aanmaken", "zaken.bijwerken"}})
	}
	if err := a.Auth.Seed(ctx, []autorisaties.Seed{{ClientIDs: []string{"bench-20"}, Secret: "bench-20-secret", Label: "Bench 20 zaaktypen", Autorisaties: as}}, a.Secrets); err != nil {
		b.Fatal(err)
	}
	if e.token, err = zgw.Token("bench-20", "bench-20-secret", "bench", "Bench", time.Now()); err != nil {
		b.Fatal(err)
	}
	err = a.DB.QueryRow(ctx, `SELECT r.inp_bsn FROM rol r JOIN zaak z ON z.id = r.zaak_id
		WHERE r.inp_bsn IS NOT NULL AND z.zaaktype = $1 AND z.vertrouwelijkheid <= 3 ORDER BY r.id LIMIT 1`, e.zaaktypen[0]).Scan(&e.bsn)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// do sends one request to the handler and fails unless it answers want.
func (e *genEnv) do(b *testing.B, method, target, body string, want int) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, e.a.Config.PublicURL+target, r)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Accept-Crs", "EPSG:4326")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Crs", "EPSG:4326")
	}
	w := httptest.NewRecorder()
	e.a.Handler.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("%s %s = %d, want %d: %s", method, target, w.Code, want, w.Body.String())
	}
	return w
}

// medianLoop runs f in b.Loop and reports the median duration in ms.
func medianLoop(b *testing.B, f func()) {
	var d []time.Duration
	for b.Loop() {
		t := time.Now()
		f()
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
}

func BenchmarkGenerated(b *testing.B) {
	e := openGenerated(b)
	zt := url.QueryEscape(e.zaaktypen[0])
	b.Run("ListZaaktype", func(b *testing.B) {
		medianLoop(b, func() { e.do(b, http.MethodGet, zrcRoot+"/zaken?zaaktype="+zt, "", http.StatusOK) })
	})
	// The deep page: three quarters into the zaaktype's pages.
	var n int
	if err := e.a.DB.QueryRow(context.Background(), `SELECT count(*) FROM zaak WHERE zaaktype = $1 AND vertrouwelijkheid <= 3`, e.zaaktypen[0]).Scan(&n); err != nil {
		b.Fatal(err)
	}
	deep := fmt.Sprint(max(1, (n+99)/100*3/4))
	b.Run("ListZaaktypeDeepPage", func(b *testing.B) {
		medianLoop(b, func() { e.do(b, http.MethodGet, zrcRoot+"/zaken?page="+deep+"&zaaktype="+zt, "", http.StatusOK) })
	})
	b.Run("ListAll", func(b *testing.B) {
		medianLoop(b, func() { e.do(b, http.MethodGet, zrcRoot+"/zaken", "", http.StatusOK) })
	})
	b.Run("ListBSN", func(b *testing.B) {
		medianLoop(b, func() {
			e.do(b, http.MethodGet, zrcRoot+"/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn="+e.bsn, "", http.StatusOK)
		})
	})
	var one string
	if err := e.a.DB.QueryRow(context.Background(), `SELECT CAST(uuid AS TEXT) FROM zaak WHERE zaaktype = $1 AND vertrouwelijkheid <= 3
		AND einddatum IS NOT NULL ORDER BY id DESC LIMIT 1`, e.zaaktypen[0]).Scan(&one); err != nil {
		b.Fatal(err)
	}
	b.Run("DetailExpand", func(b *testing.B) {
		medianLoop(b, func() {
			e.do(b, http.MethodGet, zrcRoot+"/zaken/"+strings.ToLower(one)+"?expand=status,resultaat,rollen", "", http.StatusOK)
		})
	})
	body := fmt.Sprintf(`{"bronorganisatie":"002220647","verantwoordelijkeOrganisatie":"002220647","startdatum":"2026-01-05",`+
		`"zaaktype":%q,"omschrijving":"Benchmark"}`, e.zaaktypen[0])
	b.Run("Create", func(b *testing.B) {
		medianLoop(b, func() { e.do(b, http.MethodPost, zrcRoot+"/zaken", body, http.StatusCreated) })
	})
}
