package klantinteracties_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
)

// BenchmarkPartijByBSNKlantcontacten is the KCC's first question: who is calling (the
// partij by BSN) and what did we talk about before (the klantcontacten of that partij),
// as two API calls on PostgreSQL. MEENT_BENCH_BIG=1 fills 100,000 partijen with a BSN
// and 3 klantcontacten each (300,000 klantcontacten and betrokkenen); else 2,000.
func BenchmarkPartijByBSNKlantcontacten(b *testing.B) {
	e := apptest.MustStart(b, true)
	n := 2000
	if os.Getenv("MEENT_BENCH_BIG") == "1" {
		n = 100000
	}
	ctx := context.Background()
	// Rows are made in SQL: the API would take minutes for 100,000 partijen. The uuids are
	// md5 hashes of the number, so the benchmark can name them.
	err := e.App.DB.Update(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`INSERT INTO ki_partij (uuid, data, soort_partij, indicatie_actief)
			 SELECT md5('p' || i)::uuid::text, '{"soortPartij":"persoon","indicatieActief":true,"partijIdentificatie":{"contactnaam":{"voornaam":"P` + `","achternaam":"' || i || '"}}}', 'persoon', TRUE
			 FROM generate_series(1, $1) i`,
			`INSERT INTO ki_partij_identificator (uuid, data, partij, code_objecttype, code_soort, object_id, code_register)
			 SELECT md5('i' || i)::uuid::text, '{"anderePartijIdentificator":"","partijIdentificator":{"codeObjecttype":"natuurlijk_persoon","codeSoortObjectId":"bsn","objectId":"' || lpad(i::text, 9, '0') || '","codeRegister":"brp"}}',
			        md5('p' || i)::uuid::text, 'natuurlijk_persoon', 'bsn', lpad(i::text, 9, '0'), 'brp'
			 FROM generate_series(1, $1) i`,
			`INSERT INTO ki_klantcontact (uuid, data, kanaal, onderwerp, vertrouwelijk, plaatsgevonden_op)
			 SELECT md5('k' || i)::uuid::text, '{"kanaal":"telefoon","onderwerp":"vraag ' || i || '","taal":"nld","vertrouwelijk":false,"plaatsgevondenOp":"2024-01-01T10:00:00Z"}', 'telefoon', 'vraag', FALSE, '2024-01-01T10:00:00Z'
			 FROM generate_series(1, $1 * 3) i`,
			`INSERT INTO ki_betrokkene (uuid, data, klantcontact, partij, rol)
			 SELECT md5('b' || i)::uuid::text, '{"rol":"klant","initiator":true}', md5('k' || i)::uuid::text, md5('p' || ((i - 1) % $1 + 1))::uuid::text, 'klant'
			 FROM generate_series(1, $1 * 3) i`,
			`ANALYZE`,
		} {
			args := []any{n}
			if q == "ANALYZE" {
				args = nil
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	get := func(url string) map[string]any {
		r := e.Do(b, apptest.Req{Method: http.MethodGet, URL: url, Token: e.Admin, Unchecked: true})
		if r.Status != http.StatusOK {
			b.Fatalf("%s: %d %s", url, r.Status, r.Body)
		}
		return r.JSON(b)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		bsn := fmt.Sprintf("%09d", i%n+1)
		p := get(root + "/partijen?partijIdentificator__objectId=" + bsn)
		res := p["results"].([]any)
		if len(res) != 1 {
			b.Fatalf("bsn %s: %d partijen", bsn, len(res))
		}
		u := res[0].(map[string]any)["uuid"].(string)
		kc := get(root + "/klantcontacten?hadBetrokkene__wasPartij__uuid=" + u)
		if c := kc["count"].(float64); c != 3 {
			b.Fatalf("partij %s: %v klantcontacten", u, c)
		}
	}
}
