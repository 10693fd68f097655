package zaken_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/meent/meent/bench/benchdata"
	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zaken"
)

// TestExplainZaakListUsesIndexes runs EXPLAIN ANALYZE on PostgreSQL for the main filters of
// GET /zaken on a small generated municipality (statistics made with VACUUM ANALYZE), as a
// client authorised for 20 zaaktypen: neither the count nor the page may read zaak or rol
// sequentially.
func TestExplainZaakListUsesIndexes(t *testing.T) {
	e := apptest.MustStart(t, true)
	ctx := context.Background()
	res, err := benchdata.Fill(ctx, e.App, benchdata.Options{N: 6000, Zaaktypen: 40, Seed: 3, Batch: 2000})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, e.App.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tbl := range []string{"zaak", "rol", "zaak_telling"} {
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	var ident string
	if err := conn.QueryRow(ctx, `SELECT identificatie FROM zaak ORDER BY id LIMIT 1 OFFSET 77`).Scan(&ident); err != nil {
		t.Fatal(err)
	}
	types := res.Zaaktypen[:20]
	for name, q := range map[string]url.Values{
		"zaaktype":      {"zaaktype": {types[3]}},
		"inpBsn":        {"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": {res.BSNs[2]}},
		"identificatie": {"identificatie": {ident}},
		"startdatum":    {"ordering": {"startdatum"}, "zaaktype": {types[5]}},
		"-startdatum":   {"ordering": {"-startdatum"}},
		"all":           {},
	} {
		count, page, args := zaken.ZaakListSQL(e.App.DB, q, types, "zaakvertrouwelijk")
		for _, stmt := range []struct {
			sql  string
			args []any
		}{{count, args[:len(args)-2]}, {page, args}} {
			rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF) "+stmt.sql, stmt.args...)
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stmt.sql)
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			rows.Close()
			text := strings.Join(plan, "\n")
			if strings.Contains(text, "Seq Scan on zaak ") || strings.Contains(text, "Seq Scan on rol ") ||
				strings.HasSuffix(text, "Seq Scan on zaak") || strings.Contains(text, "Seq Scan on zaak\n") {
				t.Errorf("%s: sequential scan\n%s\n%s", name, stmt.sql, text)
			}
			if strings.Contains(stmt.sql, "FROM zaak WHERE") && !strings.Contains(text, "Index") {
				t.Errorf("%s: no index used\n%s\n%s", name, stmt.sql, text)
			}
		}
	}
}
