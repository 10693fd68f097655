package objecten_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
)

// The object list benchmarks: objects of 10 objecttypen, each citizen (bsn) with 5 tasks of
// which about one in three open, a categorie key with 1000 values (for the data_attrs
// filter) and the JSON of a portal task. SQLite: 100,000 objects (always). PostgreSQL:
// 1,000,000 objects with MEENT_BENCH_1M=1 (the fill takes a minute or two).
//
//	go test ./internal/objecten/ -run '^$' -bench ObjectList -benchtime 200x
//	MEENT_BENCH_1M=1 MEENT_TEST_DATABASE_URL=... go test ./internal/objecten/ -run '^$' -bench ObjectList/postgres -benchtime 200x -timeout 30m
func BenchmarkObjectList(b *testing.B) {
	b.Run("sqlite-100k", func(b *testing.B) { benchObjects(b, false, 100_000) })
	b.Run("postgres-1M", func(b *testing.B) {
		if os.Getenv("MEENT_BENCH_1M") != "1" {
			b.Skip("MEENT_BENCH_1M=1 fills 1,000,000 objects")
		}
		benchObjects(b, true, 1_000_000)
	})
}

func benchType(k int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", k) }

func benchObjects(b *testing.B, postgres bool, n int) {
	e := apptest.MustStart(b, postgres)
	ctx := context.Background()
	typeBase := e.URL + otRoot + "/objecttypes/"
	citizens := n / 5
	start := time.Now()
	err := e.App.DB.Update(ctx, func(tx *db.Tx) error {
		var stmts []string
		if tx.Dialect == db.Postgres {
			stmts = []string{
				`INSERT INTO object (uuid, type, type_uuid) SELECT md5(i::text)::uuid, $1 || '00000000-0000-4000-8000-' || lpad((i % 10)::text, 12, '0'),
					'00000000-0000-4000-8000-' || lpad((i % 10)::text, 12, '0') FROM generate_series(1, $2) i`,
				`INSERT INTO object_record (object_id, type_uuid, idx, type_version, data, refs, start_at, registration_at)
					SELECT o.id, o.type_uuid, 1, 1, jsonb_build_object('identificatie', jsonb_build_object('type', 'bsn', 'value', lpad((o.id % $1)::text, 9, '0')),
					'status', CASE WHEN o.id % 3 = 0 THEN 'open' ELSE 'afgerond' END, 'categorie', 'c' || (o.id % 1000), 'bedrag', o.id % 997,
					'titel', 'Taak ' || o.id, 'url', 'https://formulieren.example/taak/' || o.id, 'einddatum', '2030-01-01'),
					'[]', DATE '2024-01-01', DATE '2024-01-01' FROM object o`,
				`ANALYZE object`, `ANALYZE object_record`,
			}
		} else {
			stmts = []string{
				`INSERT INTO object (uuid, type, type_uuid) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2)
					SELECT printf('%08x-0000-4000-8000-%012d', i, i), $1 || printf('00000000-0000-4000-8000-%012d', i % 10), printf('00000000-0000-4000-8000-%012d', i % 10) FROM s`,
				`INSERT INTO object_record (object_id, type_uuid, idx, type_version, data, refs, start_at, registration_at)
					SELECT o.id, o.type_uuid, 1, 1, jsonb_object('identificatie', json_object('type', 'bsn', 'value', printf('%09d', o.id % $1)),
					'status', CASE WHEN o.id % 3 = 0 THEN 'open' ELSE 'afgerond' END, 'categorie', 'c' || (o.id % 1000), 'bedrag', o.id % 997,
					'titel', 'Taak ' || o.id, 'url', 'https://formulieren.example/taak/' || o.id, 'einddatum', '2030-01-01'),
					'[]', '2024-01-01', '2024-01-01' FROM object o`,
				`ANALYZE`,
			}
		}
		for i, s := range stmts {
			var args []any
			switch i {
			case 0:
				args = []any{typeBase, n}
			case 1:
				args = []any{citizens}
			}
			if _, err := tx.Exec(ctx, s, args...); err != nil {
				return fmt.Errorf("fill %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d objects in %s", n, time.Since(start).Round(time.Millisecond))
	client := &http.Client{}
	get := func(b *testing.B, query string, want int) {
		req, _ := http.NewRequest(http.MethodGet, e.URL+objRoot+"/objects?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+e.Admin)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %s", query, resp.StatusCode, body)
		}
		var env struct {
			Count int `json:"count"`
		}
		if err := json.Unmarshal(body, &env); err != nil || env.Count != want {
			b.Fatalf("%s: count %d, want %d (%v)", query, env.Count, want, err)
		}
	}
	citizen := fmt.Sprintf("%09d", 12345)
	// Citizen 12345 has objects 12345 + k*citizens (k < 5), all of type 5; two of them
	// (12345 and 12345+3*citizens) are open.
	cases := []struct {
		name, query string
		want        int
	}{
		// data_attrs on a key served by an index: the GIN index on PostgreSQL, the
		// identificatie expression index on SQLite.
		{"data_attrs-indexed", "pageSize=100&data_attrs=" + url.QueryEscape(map[bool]string{true: "categorie__exact__c42", false: "identificatie__value__exact__" + citizen}[postgres]),
			map[bool]int{true: n / 1000, false: 5}[postgres]},
		// The portal's page of open tasks of one citizen.
		{"open-tasks", "data_attr=identificatie__value__exact__" + citizen + "&data_attr=status__exact__open&type=" + url.QueryEscape(typeBase+benchType(5)), 2},
		// A key without an index (on PostgreSQL the GIN index serves it anyway).
		{"data_attrs-unindexed", "pageSize=100&data_attrs=categorie__exact__c42", n / 1000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			get(b, c.query, c.want) // warm
			ds := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				get(b, c.query, c.want)
				ds = append(ds, time.Since(t0))
			}
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "ms-p95")
		})
	}
}
