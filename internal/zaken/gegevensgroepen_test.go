package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestZrc010_Communicatiekanaal(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		kanalen := z.must(t, http.MethodGet, refRoot+"/communicatiekanalen", nil, http.StatusOK)["results"].([]any)
		kanaal := kanalen[0].(map[string]any)["url"].(string)
		created := z.zaak(t, ty.zaaktype, map[string]any{"communicatiekanaal": kanaal})
		if created["communicatiekanaal"] != kanaal {
			t.Fatalf("communicatiekanaal = %v, want %s", created["communicatiekanaal"], kanaal)
		}
		// A URL that answers but is no communicatiekanaal, and one that does not answer.
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"communicatiekanaal": ty.zaaktype}),
			"communicatiekanaal", "invalid-resource")
		z.bad(t, http.MethodPatch, created["url"].(string), map[string]any{"communicatiekanaal": kanaal + "0"}, "communicatiekanaal", "bad-url")
		z.bad(t, http.MethodPatch, created["url"].(string), map[string]any{"communicatiekanaal": "geen-url"}, "communicatiekanaal", "invalid")
	})
}

func TestZrc012_Gegevensgroepen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		// Omitted or null groups are answered with their structure (opschorting) or null.
		for _, over := range []map[string]any{nil, {"opschorting": nil, "verlenging": nil}} {
			created := z.zaak(t, ty.zaaktype, over)
			o, ok := created["opschorting"].(map[string]any)
			if !ok || o["indicatie"] != false || o["reden"] != "" {
				t.Fatalf("opschorting = %v", created["opschorting"])
			}
			if v, ok := created["verlenging"]; !ok || v != nil {
				t.Fatalf("verlenging = %v (present %v)", v, ok)
			}
		}
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		// A group is validated as a whole.
		for _, c := range []struct {
			body       map[string]any
			name, code string
		}{
			{map[string]any{"opschorting": map[string]any{"indicatie": true}}, "opschorting.reden", "required"},
			{map[string]any{"opschorting": map[string]any{"reden": "Wachten"}}, "opschorting.indicatie", "required"},
			{map[string]any{"verlenging": map[string]any{"reden": "Drukte"}}, "verlenging.duur", "required"},
			{map[string]any{"verlenging": map[string]any{"reden": "Drukte", "duur": "tien dagen"}}, "verlenging.duur", "invalid"},
			{map[string]any{"opschorting": "ja"}, "opschorting.nonFieldErrors", "invalid"},
		} {
			z.bad(t, http.MethodPatch, u, c.body, c.name, c.code)
		}
		got := z.must(t, http.MethodPatch, u, map[string]any{"opschorting": map[string]any{"indicatie": true, "reden": "Wachten op advies"},
			"verlenging": map[string]any{"reden": "Drukte", "duur": "P10D"}}, http.StatusOK)
		if o := got["opschorting"].(map[string]any); o["indicatie"] != true || o["reden"] != "Wachten op advies" {
			t.Fatalf("opschorting = %v", o)
		}
		if v := got["verlenging"].(map[string]any); v["reden"] != "Drukte" || v["duur"] != "P10D" {
			t.Fatalf("verlenging = %v", v)
		}
		// A failed request changed nothing.
		if got := z.must(t, http.MethodGet, u, nil, http.StatusOK); got["verlenging"].(map[string]any)["duur"] != "P10D" {
			t.Fatalf("after update: %v", got["verlenging"])
		}
	})
}

func TestZrc026_StartdatumBewaartermijn(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar", "afgehandeld")
		// Without it the archiefactietermijn (P10Y) counts from the einddatum; with it, from
		// the startdatumBewaartermijn, as Open Zaak does.
		for _, c := range []struct {
			start any
			want  string
		}{{nil, "2034-03-05"}, {"2025-06-01", "2035-06-01"}} {
			u := z.zaak(t, ty.zaaktype, map[string]any{"startdatumBewaartermijn": c.start})["url"].(string)
			z.resultaat(t, u, ty.resultaat["afgehandeld"])
			z.status(t, u, ty.statustype[1], "2024-03-05T10:00:00Z")
			got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
			if got["archiefactiedatum"] != c.want || got["startdatumBewaartermijn"] != c.start {
				t.Errorf("startdatumBewaartermijn %v: archiefactiedatum %v, want %s", got["startdatumBewaartermijn"], got["archiefactiedatum"], c.want)
			}
		}
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"startdatumBewaartermijn": "1 juni"}),
			"startdatumBewaartermijn", "invalid")
	})
}
