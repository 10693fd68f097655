package referentielijsten_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// The register keeps no database state, so the end-to-end tests run on SQLite only. Every
// request goes through the spec-checking client: each response of these tests, and so every
// record of every list (the walks below fetch them all), is validated against the 0.6.0 OAS.

var root = apptest.Root("referentielijsten")

const unknownUUID = "00000000-0000-4000-8000-000000000000"

// get sends an anonymous GET: the spec's operations require no authorisation.
func get(t *testing.T, e *apptest.Env, url string) *apptest.Resp {
	t.Helper()
	return e.Do(t, apptest.Req{Method: http.MethodGet, URL: url})
}

func mustGet(t *testing.T, e *apptest.Env, url string) *apptest.Resp {
	t.Helper()
	r := get(t, e, url)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d:\n%s", url, r.Status, r.Body)
	}
	return r
}

func array(t *testing.T, r *apptest.Resp) []map[string]any {
	t.Helper()
	var out []map[string]any
	r.Decode(t, &out)
	return out
}

func TestProcestypen(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	all := array(t, mustGet(t, e, root+"/procestypen"))
	if len(all) != 58 {
		t.Fatalf("%d procestypen, want 58", len(all))
	}
	for _, p := range all {
		url := p["url"].(string)
		// URLs carry the server's public URL.
		if !strings.HasPrefix(url, e.URL+root+"/procestypen/") {
			t.Errorf("url %s not under %s", url, e.URL+root)
		}
	}
	for _, jaar := range []string{"2017", "2020"} {
		list := array(t, mustGet(t, e, root+"/procestypen?jaar="+jaar))
		if len(list) != 29 {
			t.Errorf("jaar=%s: %d procestypen, want 29", jaar, len(list))
		}
		for i, p := range list {
			if fmt.Sprint(p["jaar"]) != jaar || p["nummer"] != float64(i+1) {
				t.Errorf("jaar=%s: item %d is %v/%v", jaar, i, p["nummer"], p["jaar"])
			}
		}
	}
	if list := array(t, mustGet(t, e, root+"/procestypen?jaar=2019")); len(list) != 0 {
		t.Errorf("jaar=2019: %d procestypen, want none", len(list))
	}
	apptest.WantInvalid(t, e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/procestypen?jaar=twintig", BadInput: true}), "jaar", "invalid")

	// Every procestype is reachable at its url, and says the same there.
	for _, p := range all {
		d := mustGet(t, e, p["url"].(string)).JSON(t)
		if fmt.Sprint(d) != fmt.Sprint(p) {
			t.Errorf("detail %s differs from the list:\n%v\n%v", p["url"], d, p)
		}
	}
	if r := get(t, e, root+"/procestypen/"+unknownUUID); r.Status != http.StatusNotFound {
		t.Errorf("unknown uuid: %d, want 404", r.Status)
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/procestypen/1", BadInput: true}); r.Status != http.StatusNotFound {
		t.Errorf("not a uuid: %d, want 404", r.Status)
	}
}

// walk fetches every page of a paginated list through its next links.
func walk(t *testing.T, e *apptest.Env, url string) (count int, results []map[string]any) {
	t.Helper()
	for pages := 0; url != ""; pages++ {
		if pages > 20 {
			t.Fatalf("more than 20 pages at %s", url)
		}
		var p struct {
			Count    int              `json:"count"`
			Next     *string          `json:"next"`
			Previous *string          `json:"previous"`
			Results  []map[string]any `json:"results"`
		}
		mustGet(t, e, url).Decode(t, &p)
		if (pages == 0) != (p.Previous == nil) {
			t.Errorf("page %d: previous %v", pages+1, p.Previous)
		}
		count = p.Count
		results = append(results, p.Results...)
		url = ""
		if p.Next != nil {
			url = *p.Next
		}
	}
	if len(results) != count {
		t.Errorf("walked %d results, count says %d", len(results), count)
	}
	return count, results
}

func TestResultaten(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	procestypen := map[string]map[string]any{}
	for _, p := range array(t, mustGet(t, e, root+"/procestypen")) {
		procestypen[p["url"].(string)] = p
	}

	count, all := walk(t, e, root+"/resultaten")
	perJaar := map[float64]int{}
	perProcestype := map[string]int{}
	for _, r := range all {
		// A resultaat's procesType is a procestype of this server.
		p, ok := procestypen[r["procesType"].(string)]
		if !ok {
			t.Fatalf("resultaat %s: procesType %s is not a listed procestype", r["url"], r["procesType"])
		}
		perJaar[p["jaar"].(float64)]++
		perProcestype[r["procesType"].(string)]++
		if !strings.HasPrefix(r["url"].(string), e.URL+root+"/resultaten/") {
			t.Errorf("url %s not under %s", r["url"], e.URL+root)
		}
	}
	if count != 649 || perJaar[2017] != 305 || perJaar[2020] != 344 {
		t.Errorf("count %d (2017: %d, 2020: %d), want 649 (305, 344)", count, perJaar[2017], perJaar[2020])
	}

	// Each procestype's resultaten, by either spelling of the filter, link back to it; the
	// filtered lists together hold every resultaat.
	total := 0
	for url, p := range procestypen {
		r := mustGet(t, e, root+"/resultaten?proces_type="+url)
		var page struct {
			Count   int              `json:"count"`
			Results []map[string]any `json:"results"`
		}
		r.Decode(t, &page)
		if page.Count == 0 || page.Count != perProcestype[url] || len(page.Results) != page.Count {
			t.Errorf("procestype %v/%v: count %d with %d results, want %d", p["nummer"], p["jaar"], page.Count, len(page.Results), perProcestype[url])
		}
		for _, res := range page.Results {
			if res["procesType"] != url {
				t.Errorf("filter %s returned resultaat of %s", url, res["procesType"])
			}
		}
		total += page.Count
		if alias := mustGet(t, e, root+"/resultaten?procesType="+url); string(alias.Body) != string(r.Body) {
			t.Errorf("procesType and proces_type differ for %s", url)
		}
	}
	if total != count {
		t.Errorf("filtered lists hold %d resultaten, want %d", total, count)
	}

	// The procesType of a resultaat resolves on the same server, to the procestype listed.
	first := all[0]
	d := mustGet(t, e, first["procesType"].(string)).JSON(t)
	if d["url"] != first["procesType"] {
		t.Errorf("procesType %s resolves to %v", first["procesType"], d["url"])
	}

	// Details, for a sample across both editions: as in the list.
	for i := 0; i < len(all); i += 50 {
		r := all[i]
		if got := mustGet(t, e, r["url"].(string)).JSON(t); fmt.Sprint(got) != fmt.Sprint(r) {
			t.Errorf("detail %s differs from the list", r["url"])
		}
	}
	if r := get(t, e, root+"/resultaten/"+unknownUUID); r.Status != http.StatusNotFound {
		t.Errorf("unknown uuid: %d, want 404", r.Status)
	}
}

func TestResultatenFilters(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	procestype := array(t, mustGet(t, e, root+"/procestypen?jaar=2020"))[0]["url"].(string)
	other := array(t, mustGet(t, e, root+"/procestypen?jaar=2017"))[0]["url"].(string)
	countOf := func(query string) int {
		t.Helper()
		var p struct {
			Count int `json:"count"`
		}
		mustGet(t, e, root+"/resultaten?"+query).Decode(t, &p)
		return p.Count
	}
	for name, query := range map[string]string{
		"unknown procestype": "proces_type=" + e.URL + root + "/procestypen/" + unknownUUID,
		"other collection":   "proces_type=" + strings.Replace(procestype, "/procestypen/", "/resultaten/", 1),
		"other API":          "proces_type=" + e.URL + "/catalogi/api/v1/procestypen/" + procestype[strings.LastIndex(procestype, "/")+1:],
		"two procestypen":    "proces_type=" + procestype + "&procesType=" + other,
		"with page=1":        "proces_type=" + procestype + "&page=1",
	} {
		want := 0
		if name == "with page=1" {
			want = countOf("proces_type=" + procestype)
		}
		if got := countOf(query); got != want {
			t.Errorf("%s: count %d, want %d", name, got, want)
		}
	}
	// Only the path of the URL counts, as in the reference: another host still matches.
	moved := strings.Replace(procestype, e.URL, "https://selectielijst.example.org", 1)
	if got, want := countOf("proces_type="+moved), countOf("proces_type="+procestype); got != want || got == 0 {
		t.Errorf("procestype URL on another host: count %d, want %d", got, want)
	}

	for _, tc := range []struct{ query, param, code string }{
		{"proces_type=geen-url", "proces_type", "invalid"},
		{"procesType=ftp://x/y", "procesType", "invalid"},
		{"page=0", "page", "invalid"},
		{"page=twee", "page", "invalid"},
		{"procestype=" + procestype, "nonFieldErrors", "unknown-parameters"},
	} {
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/resultaten?" + tc.query, BadInput: true})
		apptest.WantInvalid(t, r, tc.param, tc.code)
	}

	// The last page has no next; one past it is a 404, as in the reference implementation
	// (the 0.6.0 spec does not document that status, hence unchecked).
	var last struct {
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
		Results  []any   `json:"results"`
	}
	mustGet(t, e, root+"/resultaten?page=7").Decode(t, &last)
	if last.Next != nil || last.Previous == nil || len(last.Results) != 49 {
		t.Errorf("page 7: next %v, previous %v, %d results", last.Next, last.Previous, len(last.Results))
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/resultaten?page=8", Unchecked: true}); r.Status != http.StatusNotFound {
		t.Errorf("page 8: %d, want 404", r.Status)
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/resultaten?page=99999999999999999999", BadInput: true}); r.Status != http.StatusBadRequest {
		t.Errorf("huge page: %d, want 400", r.Status)
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/resultaten?page=9223372036854775807", Unchecked: true}); r.Status != http.StatusNotFound {
		t.Errorf("page MaxInt64: %d, want 404", r.Status)
	}
}

func TestResultaattypeomschrijvingen(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	all := array(t, mustGet(t, e, root+"/resultaattypeomschrijvingen"))
	if len(all) != 38 {
		t.Fatalf("%d resultaattypeomschrijvingen, want 38", len(all))
	}
	seen := map[string]bool{}
	for _, o := range all {
		seen[o["omschrijving"].(string)] = true
		if d := mustGet(t, e, o["url"].(string)).JSON(t); fmt.Sprint(d) != fmt.Sprint(o) {
			t.Errorf("detail %s differs from the list", o["url"])
		}
	}
	for _, want := range []string{"Afgebroken", "Afgehandeld", "Afgewezen", "Toegekend", "Verleend", "Geweigerd", "Ingetrokken"} {
		if !seen[want] {
			t.Errorf("no resultaattypeomschrijving %q", want)
		}
	}
	// Stable URLs: the source's ids.
	if r := mustGet(t, e, root+"/resultaattypeomschrijvingen/bae947e7-02b5-44f9-ab76-28c7a0ed01c0").JSON(t); r["omschrijving"] != "Afgebroken" {
		t.Errorf("bae947e7…: %v, want Afgebroken", r["omschrijving"])
	}
	if r := get(t, e, root+"/resultaattypeomschrijvingen/"+unknownUUID); r.Status != http.StatusNotFound {
		t.Errorf("unknown uuid: %d, want 404", r.Status)
	}
}

func TestCommunicatiekanalen(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	count, all := walk(t, e, root+"/communicatiekanalen")
	if count != 1 || all[0]["naam"] != "Telefonisch" {
		t.Fatalf("communicatiekanalen: %d, %v", count, all)
	}
	url := all[0]["url"].(string)
	if url != e.URL+root+"/communicatiekanalen/2b757868-45c2-42ca-b637-b63ddc87beb4" {
		t.Errorf("url %s", url)
	}
	if d := mustGet(t, e, url).JSON(t); fmt.Sprint(d) != fmt.Sprint(all[0]) {
		t.Errorf("detail differs from the list: %v", d)
	}
	if r := get(t, e, root+"/communicatiekanalen/"+unknownUUID); r.Status != http.StatusNotFound {
		t.Errorf("unknown uuid: %d, want 404", r.Status)
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/communicatiekanalen?page=2", Unchecked: true}); r.Status != http.StatusNotFound {
		t.Errorf("page 2: %d, want 404", r.Status)
	}
}

// Unknown query parameters are a 400 everywhere, as in every Meent API. The spec documents a
// 400 only for the two lists with filters; the others are sent unchecked.
func TestUnknownParameters(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	for _, tc := range []struct {
		path       string
		documented bool
	}{
		{"/procestypen", true},
		{"/resultaten", true},
		{"/resultaattypeomschrijvingen", false},
		{"/communicatiekanalen", false},
		{"/procestypen/e1b73b12-b2f6-4c4e-8929-94f84dd2a57d", false},
		{"/resultaten/cc5ae4e3-a9e6-4386-bcee-46be4986a829", false},
		{"/resultaattypeomschrijvingen/bae947e7-02b5-44f9-ab76-28c7a0ed01c0", false},
		{"/communicatiekanalen/2b757868-45c2-42ca-b637-b63ddc87beb4", false},
	} {
		req := apptest.Req{Method: http.MethodGet, URL: root + tc.path + "?foo=bar", BadInput: tc.documented, Unchecked: !tc.documented}
		r := e.Do(t, req)
		t.Run(strings.ReplaceAll(tc.path, "/", "_"), func(t *testing.T) { apptest.WantInvalid(t, r, "nonFieldErrors", "unknown-parameters") })
		// Without the parameter the same request succeeds.
		mustGet(t, e, root+tc.path)
	}
}

// The API is public: no token is needed, and a token that is not valid here (clients such as
// Open Zaak send their own) is ignored rather than refused.
func TestPublic(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	for _, path := range []string{"/procestypen", "/resultaten", "/resultaattypeomschrijvingen", "/communicatiekanalen"} {
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + path, Header: map[string]string{"Authorization": "Bearer not-a-jwt"}})
		if r.Status != http.StatusOK {
			t.Errorf("%s with a foreign token: %d", path, r.Status)
		}
		if v := r.Header.Get("API-version"); v != "0.6.0" {
			t.Errorf("%s: API-version %q", path, v)
		}
	}
}

// Details carry an ETag and answer If-None-Match with 304 (not in the 0.6.0 spec: unchecked).
func TestDetailETag(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	url := root + "/resultaten/cc5ae4e3-a9e6-4386-bcee-46be4986a829"
	r := mustGet(t, e, url)
	etag := r.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: url, Header: map[string]string{"If-None-Match": etag}, Unchecked: true}); r.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.Status)
	}
	if got := r.JSON(t); got["volledigNummer"] != "1.1" || got["bewaartermijn"] != "P10Y" || got["waardering"] != "vernietigen" {
		t.Errorf("resultaat 1.1 of 2017: %v", got)
	}
}
