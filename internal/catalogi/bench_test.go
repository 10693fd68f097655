package catalogi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
)

// The performance target: with a catalogus of 100 published zaaktypen, each with 10
// statustypen (and a besluittype and two informatieobjecttypen related by name),
// GET /zaaktypen (page 1) and GET /zaaktypen/{uuid} take under 2 ms median, in process, on
// SQLite and on PostgreSQL (when MEENT_TEST_DATABASE_URL is set), and the first page after a
// write under 3 ms. Run with
//
//	go test -run '^$' -bench Zaaktype -benchtime 1s -count 3 ./internal/catalogi/
//
// Besides ns/op each benchmark reports the median (ms-median) and 99th percentile (ms-p99).

// benchEnv is a started Meent with the bench catalogus.
type benchEnv struct {
	*apptest.Env
	call func(method, path string, body any) map[string]any
	// besluittype and statustype are paths of a concept besluittype and of a statustype of
	// a concept zaaktype, which the writes change.
	besluittype, statustype string
}

// benchCatalogus starts Meent and fills it through its own handler; it returns the Env and
// the URL of one zaaktype.
func benchCatalogus(b *testing.B, postgres bool) (*benchEnv, string) {
	b.Helper()
	e := apptest.MustStart(b, postgres)
	call := func(method, path string, body any) map[string]any {
		var rd *bytes.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		} else {
			rd = bytes.NewReader(nil)
		}
		req := httptest.NewRequest(method, path, rd)
		req.Header.Set("Authorization", "Bearer "+e.Admin)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(w, req)
		if w.Code >= 300 {
			b.Fatalf("%s %s = %d: %s", method, path, w.Code, w.Body)
		}
		var out map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return out
	}
	path := func(u string) string { return u[len(e.URL):] }
	cat := call(http.MethodPost, hkRoot+"/catalogussen", map[string]any{"domein": "BENCH", "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
	call(http.MethodPost, path(call(http.MethodPost, hkRoot+"/besluittypen", hkBesluittypeBody(cat, "Besluit", map[string]any{"informatieobjecttypen": []string{}}))["url"].(string))+"/publish", nil)
	for _, o := range []string{"Aanvraag", "Besluitbrief"} {
		call(http.MethodPost, path(call(http.MethodPost, hkRoot+"/informatieobjecttypen", hkIOTBody(cat, o, nil))["url"].(string))+"/publish", nil)
	}
	var one string
	for i := 0; i < 100; i++ {
		zt := call(http.MethodPost, hkRoot+"/zaaktypen", hkZaaktypeBody(cat, fmt.Sprintf("ZT-%03d", i), map[string]any{
			"besluittypen": []string{"Besluit"}, "trefwoorden": []string{"bench", "zaak"}, "servicenorm": "P8W",
			"toelichting": "Een zaaktype zoals een gemeente er honderden heeft, met een toelichting van enige lengte.",
		}))["url"].(string)
		for j := 1; j <= 10; j++ {
			call(http.MethodPost, hkRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": fmt.Sprintf("Status %d", j), "volgnummer": j})
		}
		for j, o := range []string{"Aanvraag", "Besluitbrief"} {
			call(http.MethodPost, hkRoot+"/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": zt, "informatieobjecttype": o, "volgnummer": j + 1, "richting": "inkomend"})
		}
		call(http.MethodPost, path(zt)+"/publish", nil)
		one = zt
	}
	// What a beheerder prepares while the catalogue is read: concepts, not on the default
	// list of published zaaktypen.
	env := &benchEnv{Env: e, call: call}
	env.besluittype = path(call(http.MethodPost, hkRoot+"/besluittypen", hkBesluittypeBody(cat, "Concept", nil))["url"].(string))
	zt := call(http.MethodPost, hkRoot+"/zaaktypen", hkZaaktypeBody(cat, "ZT-CONCEPT", nil))["url"].(string)
	env.statustype = path(call(http.MethodPost, hkRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": "Status", "volgnummer": 1})["url"].(string))
	return env, one
}

// writeBesluittype changes the concept besluittype. Every committed write to a catalogi
// table ends the state the rendered answers belong to; this one touches none of the tables
// of a zaaktype's kept sub-type lists.
func (e *benchEnv) writeBesluittype(i int) {
	e.call(http.MethodPatch, e.besluittype, map[string]any{"toelichting": fmt.Sprintf("Wijziging %d", i)})
}

// writeStatustype changes a statustype, so the statustypen of the page are read again too.
func (e *benchEnv) writeStatustype(i int) {
	e.call(http.MethodPatch, e.statustype, map[string]any{"omschrijving": fmt.Sprintf("Status %d", i)})
}

// benchGet measures GET path through the app's handler, as the load balancer would hand it:
// "warm" asks the same again (answered from the render cache); "cold" writes to the
// catalogue before every request (only the request is timed), so it is the first read after
// a write, and "cold-statustype" the same after a write to a statustype; "otherday" asks
// for the answer as valid on another day each time, so nothing of the page was rendered
// for that day before.
func benchGet(b *testing.B, e *benchEnv, path string, check func(body []byte)) {
	b.Helper()
	b.Run("warm", func(b *testing.B) { benchGetN(b, e.Env, func(int) string { return path }, nil, check) })
	b.Run("cold", func(b *testing.B) { benchGetN(b, e.Env, func(int) string { return path }, e.writeBesluittype, check) })
	b.Run("cold-statustype", func(b *testing.B) {
		benchGetN(b, e.Env, func(int) string { return path }, e.writeStatustype, check)
	})
	b.Run("otherday", func(b *testing.B) {
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		benchGetN(b, e.Env, func(i int) string {
			return path + "?datumGeldigheid=" + day.AddDate(0, 0, i).Format(time.DateOnly)
		}, nil, check)
	})
}

// benchGetN times GET path(i); before each, when before is not nil, it runs before(i)
// untimed in the medians.
func benchGetN(b *testing.B, e *apptest.Env, path func(i int) string, before func(i int), check func(body []byte)) {
	b.Helper()
	token := e.Admin
	n := 0
	get := func() *httptest.ResponseRecorder {
		n++
		req := httptest.NewRequest(http.MethodGet, path(n), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(w, req)
		return w
	}
	w := get()
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s = %d: %s", path(n), w.Code, w.Body)
	}
	check(w.Body.Bytes())
	// b.Loop runs the function (and the seeding before it) once per measurement.
	times := make([]time.Duration, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if before != nil {
			before(n)
		}
		start := time.Now()
		if w := get(); w.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path(n), w.Code)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
}

func benchDialects(b *testing.B, f func(b *testing.B, postgres bool)) {
	b.Run("sqlite", func(b *testing.B) { f(b, false) })
	b.Run("postgres", func(b *testing.B) { f(b, true) })
}

func BenchmarkZaaktypenList(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		e, _ := benchCatalogus(b, postgres)
		benchGet(b, e, hkRoot+"/zaaktypen", func(body []byte) {
			var page struct {
				Count   int `json:"count"`
				Results []struct {
					Statustypen           []string `json:"statustypen"`
					Besluittypen          []string `json:"besluittypen"`
					Informatieobjecttypen []string `json:"informatieobjecttypen"`
				} `json:"results"`
			}
			if err := json.Unmarshal(body, &page); err != nil || page.Count != 100 || len(page.Results) != 100 {
				b.Fatalf("page: %v, count %d, %d results", err, page.Count, len(page.Results))
			}
			if r := page.Results[0]; len(r.Statustypen) != 10 || len(r.Besluittypen) != 1 || len(r.Informatieobjecttypen) != 2 {
				b.Fatalf("first result: %+v", r)
			}
		})
	})
}

func BenchmarkZaaktypeDetail(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		e, u := benchCatalogus(b, postgres)
		benchGet(b, e, u[len(e.URL):], func(body []byte) {
			var zt struct {
				Statustypen []string `json:"statustypen"`
			}
			if err := json.Unmarshal(body, &zt); err != nil || len(zt.Statustypen) != 10 {
				b.Fatalf("zaaktype: %v, %d statustypen", err, len(zt.Statustypen))
			}
		})
	})
}
