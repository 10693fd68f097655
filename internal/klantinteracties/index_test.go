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
// an index condition (not a filter over a scan).
func TestFilterIndexes(t *testing.T) {
	t.Parallel()
	d := dbtest.MustOpenPostgres(t)
	ctx := context.Background()
	for _, s := range []*resource{
		partijResource(), partijIdentificatorResource(), digitaalAdresResource(), klantcontactResource(),
		betrokkeneResource(), onderwerpobjectResource(), bijlageResource(), actorResource(),
		actorKlantcontactResource(), interneTaakResource(), rekeningnummerResource(),
		vertegenwoordigingResource(), categorieResource(), categorieRelatieResource(),
	} {
		for _, f := range s.filters {
			if unindexed[s.coll+" "+f.param] {
				continue
			}
			var w db.Where
			switch {
			case f.condFalse != "":
				w.And(f.cond)
			case strings.HasPrefix(f.typ, "b"):
				w.And(f.cond, true)
			default:
				w.And(f.cond, "x")
			}
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
				t.Fatalf("%s %s: %v", s.coll, f.param, err)
			}
			p := strings.Join(plan, "\n")
			if !strings.Contains(p, "Index Cond") && !strings.Contains(p, "Recheck Cond") {
				t.Errorf("%s?%s has no index condition:\n%s", s.coll, f.param, p)
			}
		}
	}
}
