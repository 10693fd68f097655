package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestZaak_ListFiltersAndOrdering(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, map[string]any{"startdatum": "2024-01-10", "identificatie": "A"})["url"].(string)
		b := z.zaak(t, ty.zaaktype, map[string]any{"startdatum": "2024-02-10", "identificatie": "B", "vertrouwelijkheidaanduiding": "geheim"})["url"].(string)
		c := z.zaak(t, ty.zaaktype, map[string]any{"startdatum": "2024-03-10", "identificatie": "C", "bronorganisatie": "517439943"})["url"].(string)
		for q, want := range map[string]string{
			"":                               "[c b a]",
			"?ordering=startdatum":           "[a b c]",
			"?ordering=-identificatie":       "[c b a]",
			"?startdatum__gte=2024-02-10":    "[c b]",
			"?startdatum__lt=2024-02-10":     "[a]",
			"?identificatie=B":               "[b]",
			"?bronorganisatie__in=517439943": "[c]",
			"?maximaleVertrouwelijkheidaanduiding=intern": "[c a]",
			"?einddatum__isnull=true":                     "[c b a]",
			"?archiefstatus=gearchiveerd":                 "[]",
		} {
			_, urls := z.list(t, "", zrcRoot+"/zaken"+q)
			names := map[string]string{a: "a", b: "b", c: "c"}
			var got []string
			for _, u := range urls {
				got = append(got, names[u])
			}
			if s := "[" + join(got) + "]"; s != want {
				t.Errorf("%s: %s, want %s", q, s, want)
			}
		}
		z.bad(t, http.MethodGet, zrcRoot+"/zaken?onbekend=1", nil, "nonFieldErrors", "unknown-parameters")
		z.bad(t, http.MethodGet, zrcRoot+"/zaken?startdatum__gt=gisteren", nil, "startdatum__gt", "invalid")
		z.bad(t, http.MethodGet, zrcRoot+"/zaken?expand=onbekend", nil, "expand", "invalid-expand")
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestZaak_ZoekWithinPolygon(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		point := func(x, y float64) map[string]any {
			return map[string]any{"type": "Point", "coordinates": []float64{x, y}}
		}
		in := z.zaak(t, ty.zaaktype, map[string]any{"zaakgeometrie": point(1, 1)})["url"].(string)
		// Inside the bounding box of the L-shaped polygon, but outside the polygon.
		z.zaak(t, ty.zaaktype, map[string]any{"zaakgeometrie": point(3, 3)})
		z.zaak(t, ty.zaaktype, nil)
		l := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{0, 0}, {4, 0}, {4, 2}, {2, 2}, {2, 4}, {0, 4}, {0, 0}}}}
		r := z.do(t, "", http.MethodPost, zrcRoot+"/zaken/_zoek", map[string]any{"zaakgeometrie": map[string]any{"within": l}})
		var page struct {
			Count   int              `json:"count"`
			Results []map[string]any `json:"results"`
		}
		r.Decode(t, &page)
		if r.Status != http.StatusOK || page.Count != 1 || page.Results[0]["url"] != in {
			t.Fatalf("within = %d: %s", r.Status, r.Body)
		}
	})
}
