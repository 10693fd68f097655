package klantinteracties

import (
	"context"
	"strings"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
)

// unindexed are the filters that scan by design (docs/klantinteracties.md): long texts and
// substring searches.
var unindexed = map[string]bool{
	"klantcontacten inhoud": true, "klantcontacten reactie": true,
	"klantcontacten hadBetrokkene__digitaaladres__adres__icontains": true,
	"digitaleadressen adres__icontains":                             true,
	"digitaleadressen isGeverifieerd":                               true,
	"klantcontacten hadBetrokkene__wasPartij":                       true,
	"klantcontacten leiddeTotInterneTaken":                          true,
}

// TestFilterIndexes: on PostgreSQL, every list filter of every resource is answered through
// an index condition (not a filter over a scan), alone and, for filters that share a
// subquery, all together.
func TestFilterIndexes(t *testing.T) {
	t.Parallel()
	d := dbtest.MustOpenPostgres(t)
	for _, s := range []*resource{
		partijResource(), partijIdentificatorResource(), digitaalAdresResource(), klantcontactResource(),
		betrokkeneResource(), onderwerpobjectResource(), bijlageResource(), actorResource(),
		actorKlantcontactResource(), interneTaakResource(), rekeningnummerResource(),
		vertegenwoordigingResource(), categorieResource(), categorieRelatieResource(),
	} {
		shared := map[string][]cond{}
		for _, f := range s.filters {
			if unindexed[s.coll+" "+f.param] {
				continue
			}
			c := cond{sql: f.cond, sub: f.sub}
			switch {
			case f.condFalse != "":
			case strings.HasPrefix(f.typ, "b"):
				c.args = []any{true}
			default:
				c.args = []any{"x"}
			}
			explainIndexed(t, d, s, f.param, where([]cond{c}))
			if f.sub != "" {
				shared[f.sub] = append(shared[f.sub], c)
			}
		}
		for _, cs := range shared {
			explainIndexed(t, d, s, "(all filters of one subquery)", where(cs))
		}
	}
}

// explainIndexed fails t unless the plan of the list query of s with w uses an index
// condition.
func explainIndexed(t *testing.T, d *db.DB, s *resource, name string, w *db.Where) {
	t.Helper()
	ctx := context.Background()
	q := "EXPLAIN SELECT id FROM " + s.table + w.SQL() + " ORDER BY id LIMIT 100"
	var plan []string
	err := d.Update(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, q, w.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			plan = append(plan, line)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("%s %s: %v", s.coll, name, err)
	}
	p := strings.Join(plan, "\n")
	if !strings.Contains(p, "Index Cond") && !strings.Contains(p, "Recheck Cond") {
		t.Errorf("%s?%s has no index condition:\n%s", s.coll, name, p)
	}
}
