package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func (z *zt) status(t testing.TB, zaak, statustype, when string) map[string]any {
	t.Helper()
	return z.must(t, http.MethodPost, zrcRoot+"/statussen", map[string]any{"zaak": zaak, "statustype": statustype, "datumStatusGezet": when}, http.StatusCreated)
}

func (z *zt) resultaat(t testing.TB, zaak, resultaattype string) map[string]any {
	t.Helper()
	return z.must(t, http.MethodPost, zrcRoot+"/resultaten", map[string]any{"zaak": zaak, "resultaattype": resultaattype}, http.StatusCreated)
}

func TestZrc007_ClosingByEindstatus(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		zaak := z.zaak(t, ty.zaaktype, nil)
		u := zaak["url"].(string)
		s1 := z.status(t, u, ty.statustype[0], "2024-03-02T10:00:00Z")
		if s1["indicatieLaatstGezetteStatus"] != true {
			t.Fatalf("status: %v", s1)
		}
		// No resultaat yet: the end status is refused and nothing changes.
		z.bad(t, http.MethodPost, zrcRoot+"/statussen", map[string]any{"zaak": u, "statustype": ty.statustype[1], "datumStatusGezet": "2024-03-05T10:00:00Z"},
			"nonFieldErrors", "resultaat-does-not-exist")
		z.resultaat(t, u, ty.resultaat["afgehandeld"])
		s2 := z.status(t, u, ty.statustype[1], "2024-03-05T10:00:00Z")
		got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
		if got["einddatum"] != "2024-03-05" || got["status"] != s2["url"] {
			t.Fatalf("closed zaak: einddatum %v status %v", got["einddatum"], got["status"])
		}
		// zrc-021 afgehandeld: archiefactiedatum = einddatum + archiefactietermijn (P10Y).
		if got["archiefactiedatum"] != "2034-03-05" || got["archiefnominatie"] == nil {
			t.Fatalf("archiving: %v %v", got["archiefactiedatum"], got["archiefnominatie"])
		}
		if s := z.must(t, http.MethodGet, s1["url"].(string), nil, http.StatusOK); s["indicatieLaatstGezetteStatus"] != false {
			t.Fatalf("old status still latest")
		}
		// A closed zaak changes only with zaken.geforceerd-bijwerken.
		bijwerken := z.client(t, zrc(ty.zaaktype, "zeer_geheim", "zaken.lezen", "zaken.bijwerken"))
		if r := z.do(t, bijwerken, http.MethodPatch, u, map[string]any{"toelichting": "x"}); r.Status != http.StatusForbidden {
			t.Fatalf("patch closed zaak with bijwerken = %d", r.Status)
		}
		geforceerd := z.client(t, zrc(ty.zaaktype, "zeer_geheim", "zaken.lezen", "zaken.geforceerd-bijwerken"))
		if r := z.do(t, geforceerd, http.MethodPatch, u, map[string]any{"toelichting": "x"}); r.Status != http.StatusOK {
			t.Fatalf("patch closed zaak with geforceerd = %d: %s", r.Status, r.Body)
		}
	})
}

func TestZrc008_Heropenen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.resultaat(t, u, ty.resultaat["afgehandeld"])
		z.status(t, u, ty.statustype[1], "2024-03-05T10:00:00Z")
		body := map[string]any{"zaak": u, "statustype": ty.statustype[0], "datumStatusGezet": "2024-03-06T10:00:00Z"}
		toevoegen := z.client(t, zrc(ty.zaaktype, "zeer_geheim", "zaken.lezen", "zaken.statussen.toevoegen"))
		if r := z.do(t, toevoegen, http.MethodPost, zrcRoot+"/statussen", body); r.Status != http.StatusForbidden {
			t.Fatalf("re-open without heropenen = %d", r.Status)
		}
		heropenen := z.client(t, zrc(ty.zaaktype, "zeer_geheim", "zaken.lezen", "zaken.heropenen"))
		if r := z.do(t, heropenen, http.MethodPost, zrcRoot+"/statussen", body); r.Status != http.StatusCreated {
			t.Fatalf("re-open = %d: %s", r.Status, r.Body)
		}
		got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
		if got["einddatum"] != nil || got["archiefactiedatum"] != nil || got["archiefnominatie"] != nil {
			t.Fatalf("re-opened zaak: %v %v %v", got["einddatum"], got["archiefactiedatum"], got["archiefnominatie"])
		}
	})
}

func TestZrc016_StatustypeOfZaaktype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty, other := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.bad(t, http.MethodPost, zrcRoot+"/statussen", map[string]any{"zaak": u, "statustype": other.statustype[0], "datumStatusGezet": "2024-03-05T10:00:00Z"},
			"nonFieldErrors", "zaaktype-mismatch")
	})
}

func TestZrc020_Resultaat(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty, other := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.bad(t, http.MethodPost, zrcRoot+"/resultaten", map[string]any{"zaak": u, "resultaattype": other.resultaat["afgehandeld"]}, "nonFieldErrors", "zaaktype-mismatch")
		res := z.resultaat(t, u, ty.resultaat["afgehandeld"])
		z.bad(t, http.MethodPost, zrcRoot+"/resultaten", map[string]any{"zaak": u, "resultaattype": ty.resultaat["afgehandeld"]}, "zaak", "unique")
		p := z.must(t, http.MethodPatch, res["url"].(string), map[string]any{"toelichting": "Klaar"}, http.StatusOK)
		if p["toelichting"] != "Klaar" {
			t.Fatalf("patch: %v", p)
		}
		z.bad(t, http.MethodPatch, res["url"].(string), map[string]any{"resultaattype": other.resultaat["afgehandeld"]}, "resultaattype", "wijzigen-niet-toegelaten")
		if n, _ := z.list(t, "", zrcRoot+"/resultaten?zaak="+u); n != 1 {
			t.Fatalf("list: %d", n)
		}
		z.must(t, http.MethodDelete, res["url"].(string), nil, http.StatusNoContent)
		if n, _ := z.list(t, "", zrcRoot+"/resultaten?zaak="+u); n != 0 {
			t.Fatalf("after delete: %d", n)
		}
	})
}

func TestZrc021_Afleidingswijzen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar", "afgehandeld", "termijn", "ander_datumkenmerk", "hoofdzaak")
		for _, c := range []struct {
			afleiding, want string
			hoofd           bool
		}{
			{"afgehandeld", "2034-03-05", false},
			{"termijn", "2035-03-05", false},  // einddatum + P1Y procestermijn + P10Y
			{"ander_datumkenmerk", "", false}, // set by the client
			{"hoofdzaak", "", true},           // the hoofdzaak is still open
		} {
			over := map[string]any{}
			if c.hoofd {
				over["hoofdzaak"] = z.zaak(t, ty.zaaktype, nil)["url"]
			}
			u := z.zaak(t, ty.zaaktype, over)["url"].(string)
			z.resultaat(t, u, ty.resultaat[c.afleiding])
			z.status(t, u, ty.statustype[1], "2024-03-05T10:00:00Z")
			got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
			d, _ := got["archiefactiedatum"].(string)
			if d != c.want {
				t.Errorf("%s: archiefactiedatum %q, want %q", c.afleiding, d, c.want)
			}
		}
		// hoofdzaak without a hoofdzaak is a configuration error: the closing is refused.
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.resultaat(t, u, ty.resultaat["hoofdzaak"])
		z.bad(t, http.MethodPost, zrcRoot+"/statussen", map[string]any{"zaak": u, "statustype": ty.statustype[1], "datumStatusGezet": "2024-03-05T10:00:00Z"},
			"nonFieldErrors", "archiefactiedatum-error")
	})
}
