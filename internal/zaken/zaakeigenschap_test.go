package zaken_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// eigenschapIn adds an eigenschap named naam to zaaktype zt.
func (z *zt) eigenschap(t testing.TB, zt, naam string) string {
	t.Helper()
	return z.Post(t, ztcRoot+"/eigenschappen", map[string]any{"zaaktype": zt, "naam": naam, "definitie": "Een " + naam,
		"specificatie": map[string]any{"formaat": "tekst", "lengte": "20", "kardinaliteit": "1"}})["url"].(string)
}

func TestZaakeigenschap_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		var kleur string
		ty := z.zaaktypeMet(t, "openbaar", func(zt, _ string) { kleur = z.eigenschap(t, zt, "kleur") })
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		base := a + "/zaakeigenschappen"
		ze := z.must(t, http.MethodPost, base, map[string]any{"zaak": a, "eigenschap": kleur, "waarde": "rood"}, http.StatusCreated)
		u := ze["url"].(string)
		if ze["naam"] != "kleur" || ze["waarde"] != "rood" || ze["zaak"] != a || u != base+"/"+ze["uuid"].(string) {
			t.Fatalf("zaakeigenschap: %v", ze)
		}
		if n := z.lastNotification(t, "zaakeigenschap", a); n.Actie != "create" || n.ResourceURL != u {
			t.Errorf("notification %+v", n)
		}
		if got := z.must(t, http.MethodGet, a, nil, http.StatusOK)["eigenschappen"].([]any); len(got) != 1 || got[0] != u {
			t.Errorf("zaak.eigenschappen: %v", got)
		}
		var list []map[string]any
		z.do(t, "", http.MethodGet, base, nil).Decode(t, &list)
		if len(list) != 1 || list[0]["url"] != u {
			t.Errorf("list: %v", list)
		}
		z.do(t, "", http.MethodGet, b+"/zaakeigenschappen", nil).Decode(t, &list)
		if len(list) != 0 {
			t.Errorf("list of b: %v", list)
		}
		// A zaakeigenschap is read only under its own zaak.
		if c := z.code(t, "", http.MethodGet, b+"/zaakeigenschappen/"+ze["uuid"].(string), nil); c != http.StatusNotFound {
			t.Errorf("under another zaak: %d", c)
		}
		if p := z.must(t, http.MethodPatch, u, map[string]any{"waarde": "blauw"}, http.StatusOK); p["waarde"] != "blauw" {
			t.Errorf("patch: %v", p)
		}
		if p := z.must(t, http.MethodPut, u, map[string]any{"zaak": a, "eigenschap": kleur, "waarde": "groen"}, http.StatusOK); p["waarde"] != "groen" {
			t.Errorf("put: %v", p)
		}
		if n := z.lastNotification(t, "zaakeigenschap", a); n.Actie != "update" {
			t.Errorf("put notification %+v", n)
		}
		z.bad(t, http.MethodPatch, u, map[string]any{"zaak": b}, "zaak", "wijzigen-niet-toegelaten")
		z.bad(t, http.MethodPost, base, map[string]any{"zaak": b, "eigenschap": kleur, "waarde": "x"}, "zaak", "invalid")
		z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if got := z.trail(t, a); !slices.Contains(got, "zaakeigenschap destroy") || !slices.Contains(got, "zaakeigenschap partial_update") {
			t.Errorf("trail %v", got)
		}
		if c := z.code(t, "", http.MethodGet, u, nil); c != http.StatusNotFound {
			t.Errorf("deleted: %d", c)
		}
	})
}

func TestZrc018_EigenschapOfZaaktype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		var eigen, ander string
		ty := z.zaaktypeMet(t, "openbaar", func(zt, _ string) { eigen = z.eigenschap(t, zt, "datum") })
		z.zaaktypeMet(t, "openbaar", func(zt, _ string) { ander = z.eigenschap(t, zt, "datum") })
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.bad(t, http.MethodPost, a+"/zaakeigenschappen", map[string]any{"zaak": a, "eigenschap": ander, "waarde": "2024-01-01"}, "nonFieldErrors", "zaaktype-mismatch")
		z.bad(t, http.MethodPost, a+"/zaakeigenschappen", map[string]any{"zaak": a, "eigenschap": e.URL + ztcRoot + "/eigenschappen/3fa85f64-5717-4562-b3fc-2c963f66afa6", "waarde": "x"}, "eigenschap", "bad-url")
		z.must(t, http.MethodPost, a+"/zaakeigenschappen", map[string]any{"zaak": a, "eigenschap": eigen, "waarde": "2024-01-01"}, http.StatusCreated)
	})
}
