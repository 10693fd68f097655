package documenten_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// TestListQueriesUseIndexes explains the list filters of the spec on PostgreSQL with 20,000
// documents: none may scan a whole table. Without a PostgreSQL test server it is skipped.
func TestListQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, true)
	d := newDT(e)
	iot := d.iot(t, d.catalogus(t), "openbaar", false)
	fill(t, d, iot, 20000)
	ctx := context.Background()
	for _, q := range []string{
		`SELECT id FROM document WHERE identificatie = 'BENCH-77' ORDER BY id LIMIT 100`,
		`SELECT id FROM document WHERE bronorganisatie = '002220647' AND identificatie = 'BENCH-77' ORDER BY id LIMIT 100`,
		`SELECT id FROM document WHERE id IN (SELECT document_id FROM document_trefwoord WHERE trefwoord = ANY(CAST(CAST('{bouw}' AS TEXT[]) AS TEXT[])) GROUP BY document_id HAVING count(*) = 1) ORDER BY id LIMIT 100`,
		`SELECT id FROM document WHERE uuid = ANY(CAST(CAST('{3fa85f64-5717-4562-b3fc-2c963f66afa6}' AS TEXT[]) AS UUID[]))`,
		`SELECT o.id FROM objectinformatieobject o JOIN document d ON d.id = o.document_id WHERE o.object = 'https://zaken.example/zaken/api/v1/zaken/zaak-42'`,
		`SELECT o.id FROM objectinformatieobject o WHERE o.document_id IN (SELECT id FROM document WHERE uuid = '3fa85f64-5717-4562-b3fc-2c963f66afa6')`,
		`SELECT v.id FROM document d JOIN document_versie v ON v.document_id = d.id AND v.versie = d.versie WHERE d.uuid = '3fa85f64-5717-4562-b3fc-2c963f66afa6'`,
		`SELECT g.id FROM gebruiksrechten g WHERE g.document_id IN (SELECT id FROM document WHERE uuid = '3fa85f64-5717-4562-b3fc-2c963f66afa6')`,
		`SELECT id FROM verzending WHERE betrokkene = 'https://klanten.example/1' ORDER BY id LIMIT 100`,
		`SELECT id FROM document WHERE (informatieobjecttype IN ('` + iot + `') AND vertrouwelijkheid <= 2) ORDER BY id LIMIT 100`,
	} {
		rows, err := e.App.DB.Query(ctx, "EXPLAIN "+q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var plan []string
		for rows.Next() {
			var l string
			rows.Scan(&l)
			plan = append(plan, l)
		}
		rows.Close()
		p := strings.Join(plan, "\n")
		for _, table := range []string{"document ", "document_versie", "objectinformatieobject", "document_trefwoord"} {
			if strings.Contains(p, "Seq Scan on "+table) {
				t.Errorf("%s\nscans %s:\n%s", q, table, p)
			}
		}
	}
}
