package app_test

import (
	"context"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

func TestDemoSeedIsCompleteAndIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := e.App.SeedDemo(ctx); err != nil {
			t.Fatalf("first seed: %v", err)
		}
		zaaktypen := e.Get(t, "/catalogi/api/v1/zaaktypen").JSON(t)
		if zaaktypen["count"].(float64) != 3 {
			t.Fatalf("published zaaktypen = %v, want 3", zaaktypen["count"])
		}
		for _, r := range zaaktypen["results"].([]any) {
			zt := r.(map[string]any)
			for _, field := range []string{"statustypen", "roltypen", "resultaattypen", "eigenschappen", "informatieobjecttypen"} {
				if len(zt[field].([]any)) == 0 {
					t.Errorf("zaaktype %s has no %s", zt["identificatie"], field)
				}
			}
		}
		objecttypen := e.Get(t, "/objecttypen/api/v2/objecttypes").JSON(t)
		if objecttypen["count"].(float64) != 3 {
			t.Fatalf("objecttypen = %v, want taak, productaanvraag and bericht", objecttypen["count"])
		}
		before, err := zgw.Outbox(ctx, e.App.DB, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.SeedDemo(ctx); err != nil {
			t.Fatalf("second seed: %v", err)
		}
		after, err := zgw.Outbox(ctx, e.App.DB, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("second seed wrote %d notifications, want none", len(after)-len(before))
		}
		for _, path := range []string{"/catalogi/api/v1/zaaktypen?status=alles", "/catalogi/api/v1/catalogussen", "/catalogi/api/v1/informatieobjecttypen?status=alles", "/catalogi/api/v1/besluittypen?status=alles", "/catalogi/api/v1/statustypen?status=alles"} {
			want := map[string]float64{"/catalogi/api/v1/zaaktypen?status=alles": 3, "/catalogi/api/v1/catalogussen": 1, "/catalogi/api/v1/informatieobjecttypen?status=alles": 5, "/catalogi/api/v1/besluittypen?status=alles": 2, "/catalogi/api/v1/statustypen?status=alles": 11}[path]
			if got := e.Get(t, path).JSON(t)["count"].(float64); got != want {
				t.Errorf("after two seeds %s count = %v, want %v", path, got, want)
			}
		}
	})
}
