package documenten_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
)

// benchEnv is a running Meent with documents: with MEENT_BENCH_1M=1 on PostgreSQL with
// 1,000,000 documents (10 per zaak, each with its objectinformatieobject), filled in SQL;
// otherwise on SQLite with 2,000.
func benchEnv(b *testing.B) (*dt, string, string) {
	b.Helper()
	big := os.Getenv("MEENT_BENCH_1M") == "1"
	e := apptest.MustStart(b, big)
	d := newDT(e)
	iot := d.iot(b, d.catalogus(b), "openbaar", false)
	n := 2000
	if big {
		n = 1_000_000
	}
	t0 := time.Now()
	fill(b, d, iot, n)
	b.Logf("filled %d documents in %s", n, time.Since(t0).Round(time.Millisecond))
	var one string
	if err := e.App.DB.QueryRow(context.Background(), `SELECT CAST(uuid AS TEXT) FROM document WHERE identificatie = $1`, fmt.Sprintf("BENCH-%d", n/2)).Scan(&one); err != nil {
		b.Fatal(err)
	}
	return d, iot, one
}

// median runs f b.N times and reports the median latency in ms.
func median(b *testing.B, f func()) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		f()
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
}

func BenchmarkDocumenten(b *testing.B) {
	d, iot, one := benchEnv(b)
	get := func(u string, want int) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, d.URL+u, nil)
		req.Header.Set("Authorization", "Bearer "+d.Admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != want {
			b.Fatalf("GET %s: %v %v", u, err, resp)
		}
		return resp
	}
	b.Run("retrieve", func(b *testing.B) {
		median(b, func() {
			resp := get(eios+"/"+one, http.StatusOK)
			resp.Body.Close()
		})
	})
	b.Run("documenten-van-zaak", func(b *testing.B) {
		zaak := "https://zaken.example/zaken/api/v1/zaken/zaak-42"
		median(b, func() {
			resp := get(drcRoot+"/objectinformatieobjecten?object="+zaak, http.StatusOK)
			var oios []map[string]string
			json.NewDecoder(resp.Body).Decode(&oios)
			resp.Body.Close()
			if len(oios) != 10 {
				b.Fatalf("%d oios", len(oios))
			}
			var ids []string
			for _, o := range oios {
				ids = append(ids, uuidOf(o["informatieobject"]))
			}
			r := d.Do(b, apptest.Req{Method: http.MethodPost, URL: eios + "/_zoek", Token: d.Admin, Body: map[string]any{"uuid__in": ids}, Unchecked: true})
			if r.Status != http.StatusOK {
				b.Fatalf("_zoek %d", r.Status)
			}
		})
	})
	content := make([]byte, 100<<10)
	rand.Read(content)
	body, _ := json.Marshal(eioBody(iot, map[string]any{"inhoud": base64.StdEncoding.EncodeToString(content)}))
	b.Run("create-100KB", func(b *testing.B) {
		median(b, func() {
			r := d.Do(b, apptest.Req{Method: http.MethodPost, URL: eios, Token: d.Admin, Body: body, Unchecked: true})
			if r.Status != http.StatusCreated {
				b.Fatalf("create %d %s", r.Status, r.Body)
			}
		})
	})
}

// fill adds n documents of type iot in SQL, each with one version and one
// objectinformatieobject (zaak-<id % n/10>, so 10 per zaak).
func fill(tb testing.TB, d *dt, iot string, n int) {
	tb.Helper()
	tmpl, _ := json.Marshal(eioBody(iot, map[string]any{"inhoud": nil, "bestandsomvang": 0, "vertrouwelijkheidaanduiding": "openbaar",
		"trefwoorden": []string{}, "ondertekening": nil, "integriteit": nil}))
	ctx := context.Background()
	err := d.App.DB.Update(ctx, func(tx *db.Tx) error {
		uuid, series, data := "gen_random_uuid()", "generate_series(1, $2::int) AS t(g)", "$2::jsonb"
		if tx.Dialect == db.SQLite {
			uuid = `lower(hex(randomblob(4))||'-'||hex(randomblob(2))||'-4'||substr(hex(randomblob(2)),2)||'-a'||substr(hex(randomblob(2)),2)||'-'||hex(randomblob(6)))`
			series = `(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g+1 FROM s WHERE g < $2) SELECT g FROM s) AS t`
			data = "$2"
		}
		stmts := []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO document (uuid, identificatie, bronorganisatie, informatieobjecttype, vertrouwelijkheid, versie, lock)
				SELECT ` + uuid + `, 'BENCH-' || g, '002220647', $1, 0, 1, '' FROM ` + series, []any{iot, n}},
			{`INSERT INTO document_versie (document_id, versie, begin_registratie, data, inhoud, omvang, sha256)
				SELECT id, 1, $1, ` + data + `, '', 0, '' FROM document WHERE identificatie LIKE 'BENCH-%'`, []any{tx.Now, string(tmpl)}},
			{`INSERT INTO objectinformatieobject (uuid, document_id, object, object_type)
				SELECT ` + uuid + `, id, 'https://zaken.example/zaken/api/v1/zaken/zaak-' || (id % $1), 'zaak'
				FROM document WHERE identificatie LIKE 'BENCH-%'`, []any{n / 10}},
		}
		for i, s := range stmts {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return fmt.Errorf("fill %d: %w", i, err)
			}
		}
		if tx.Dialect == db.Postgres {
			for _, t := range []string{"document", "document_versie", "objectinformatieobject"} {
				if _, err := tx.Exec(ctx, "ANALYZE "+t); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
