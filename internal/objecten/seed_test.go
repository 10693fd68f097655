package objecten_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/objecten"
)

// The seeded objecttypen can be seeded again (idempotent) and carry the portal's tasks.
func TestSeedObjecttypen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		for range 2 {
			if err := objecten.SeedObjecttypen(ctx, e.App.DB); err != nil {
				t.Fatal(err)
			}
		}
		o := newOT(e)
		var env struct {
			Count int `json:"count"`
		}
		e.Get(t, otRoot+"/objecttypes").Decode(t, &env)
		if env.Count != 3 {
			t.Fatalf("objecttypen: %d", env.Count)
		}
		taak := objecten.SeededObjecttypen(e.URL)["taak"]
		o.must(t, http.MethodGet, taak+"/versions/1", nil, http.StatusOK)
		burger := map[string]any{"type": "bsn", "value": "999993653"}
		o.object(t, taak, map[string]any{"identificatie": burger, "titel": "Vul het formulier in", "status": "open",
			"soort": "url", "url": "https://example.com/formulier", "einddatum": "2030-01-01"}, "2024-01-01")
		o.object(t, taak, map[string]any{"identificatie": burger, "titel": "Betaal de leges", "status": "afgerond"}, "2024-01-01")
		o.object(t, taak, map[string]any{"identificatie": map[string]any{"type": "bsn", "value": "999990019"}, "titel": "Ander", "status": "open"}, "2024-01-01")
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": taak, "record": map[string]any{"typeVersion": 1,
			"data": map[string]any{"identificatie": burger, "titel": "x", "status": "misschien"}, "startAt": "2024-01-01"}}, "record.data.status", "invalid_jsonschema")
		got := o.list(t, e.Admin, "data_attr=identificatie__value__exact__999993653&data_attr=status__exact__open")
		if len(got) != 1 || data(got[0])["titel"] != "Vul het formulier in" {
			t.Fatalf("open tasks: %v", got)
		}
	})
}
