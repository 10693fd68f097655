package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

var geoHeaders = map[string]string{"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}

// TestZakenBadInput: wrong types, wrong enum values, bad URLs, invalid GeoJSON, a huge or
// deeply nested body and injection attempts in filters each get a 4xx problem with
// invalidParams, never a 500, and leave the data as it was.
func TestZakenBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		zaaktype := e.Get(t, "/catalogi/api/v1/zaaktypen?identificatie=MOR").JSON(t)["results"].([]any)[0].(map[string]any)["url"].(string)
		good := func() map[string]any {
			return map[string]any{"zaaktype": zaaktype, "bronorganisatie": "002220647",
				"verantwoordelijkeOrganisatie": "002220647", "startdatum": "2026-01-02"}
		}
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: "/zaken/api/v1/zaken", Body: good(), Token: e.Admin, Header: geoHeaders})
		if r.Status != http.StatusCreated {
			t.Fatalf("good zaak: %d %s", r.Status, r.Body)
		}
		zaak := r.JSON(t)["url"].(string)

		with := func(k string, v any) map[string]any {
			b := good()
			b[k] = v
			return b
		}
		nested := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
		huge := `{"toelichting": "` + strings.Repeat("x", 5<<20) + `"}`
		cases := []struct {
			name, method, target string
			body                 any
		}{
			{"wrong type", "POST", "/zaken/api/v1/zaken", with("startdatum", 20260102)},
			{"wrong enum", "POST", "/zaken/api/v1/zaken", with("vertrouwelijkheidaanduiding", "supergeheim")},
			{"bad url", "POST", "/zaken/api/v1/zaken", with("zaaktype", "http://127.0.0.1:1/zaaktypen/x")},
			{"not a url", "POST", "/zaken/api/v1/zaken", with("zaaktype", "javascript:alert(1)")},
			{"geojson type", "POST", "/zaken/api/v1/zaken", with("zaakgeometrie", map[string]any{"type": "Driehoek", "coordinates": []any{1, 2}})},
			{"geojson coordinates", "POST", "/zaken/api/v1/zaken", with("zaakgeometrie", map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{5.1, 52.1}, []any{5.2}}}})},
			{"geojson short position", "POST", "/zaken/api/v1/zaken", with("zaakgeometrie", map[string]any{"type": "Point", "coordinates": []any{5.1}})},
			{"geojson open ring", "POST", "/zaken/api/v1/zaken", with("zaakgeometrie", map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{5.1, 52.1}, []any{5.2, 52.1}, []any{5.2, 52.2}, []any{5.3, 52.3}}}})},
			{"nested body", "POST", "/zaken/api/v1/zaken", nested},
			{"huge body", "PATCH", zaak, huge},
			{"broken json", "PATCH", zaak, `{"toelichting": `},
			{"zoek geometry", "POST", "/zaken/api/v1/zaken/_zoek", map[string]any{"zaakgeometrie": map[string]any{"within": map[string]any{"type": "Polygon", "coordinates": "x"}}}},
			{"zoek wrong type", "POST", "/zaken/api/v1/zaken/_zoek", map[string]any{"zaaktype": []any{1}}},
			{"filter date", "GET", "/zaken/api/v1/zaken?startdatum__gt=" + url.QueryEscape("2026-01-01' OR '1'='1"), nil},
			{"filter url", "GET", "/zaken/api/v1/zaken?zaaktype=" + url.QueryEscape("'; DROP TABLE zaak; --"), nil},
			{"ordering", "GET", "/zaken/api/v1/zaken?ordering=" + url.QueryEscape("startdatum; DROP TABLE zaak"), nil},
			{"page", "GET", "/zaken/api/v1/zaken?page=" + url.QueryEscape("1 OR 1=1"), nil},
		}
		for _, c := range cases {
			r := e.Do(t, apptest.Req{Method: c.method, URL: c.target, Body: c.body, Token: e.Admin, Header: geoHeaders, BadInput: true})
			if r.Status < 400 || r.Status >= 500 {
				t.Errorf("%s: status %d, want 4xx:\n%.300s", c.name, r.Status, r.Body)
				continue
			}
			if !strings.Contains(string(r.Body), `"invalidParams"`) {
				t.Errorf("%s: %d without invalidParams:\n%.300s", c.name, r.Status, r.Body)
			}
		}
		// An unknown expand path is a 400 as well; the spec of the read lists no 400, so the
		// answer cannot be checked against it.
		r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: zaak + "?expand=" + url.QueryEscape("rollen.zaak.rollen.x"), Token: e.Admin, Header: geoHeaders, Unchecked: true})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"invalidParams"`) {
			t.Errorf("unknown expand: %d %.300s", r.Status, r.Body)
		}
		// A text filter is data, not SQL: it matches nothing and breaks nothing.
		r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/zaken/api/v1/zaken?identificatie=" + url.QueryEscape("x' OR '1'='1"), Token: e.Admin, Header: geoHeaders})
		if r.Status != http.StatusOK || r.JSON(t)["count"].(float64) != 0 {
			t.Errorf("injection in a text filter: %d %.300s", r.Status, r.Body)
		}
		list := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/zaken/api/v1/zaken", Token: e.Admin, Header: geoHeaders}).JSON(t)
		if list["count"].(float64) != 1 {
			t.Errorf("after the bad requests there are %v zaken, want the 1 good one", list["count"])
		}
		got := e.Do(t, apptest.Req{Method: http.MethodGet, URL: zaak, Token: e.Admin, Header: geoHeaders}).JSON(t)
		if got["toelichting"] != "" || got["zaakgeometrie"] != nil {
			t.Errorf("the zaak changed: toelichting %q, zaakgeometrie %v", got["toelichting"], got["zaakgeometrie"])
		}
	})
}
