package catalogi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
)

func TestZaaktype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		r := h.do(t, http.MethodPost, hkRoot+"/zaaktypen", hkZaaktypeBody(cat, "Z1", map[string]any{
			"trefwoorden": []string{"vergunning", "bouw"}, "servicenorm": "P10D", "verlengingMogelijk": true, "verlengingstermijn": "P30D",
			"referentieproces": map[string]any{"naam": "Proces", "link": "https://example.com/proces"},
		}))
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		zt := r.JSON(t)
		u := zt["url"].(string)
		if r.Header.Get("Location") != u || !strings.HasPrefix(u, e.URL+hkRoot+"/zaaktypen/") {
			t.Errorf("url %q, Location %q", u, r.Header.Get("Location"))
		}
		for k, want := range map[string]any{
			"identificatie": "Z1", "catalogus": cat, "concept": true, "beginGeldigheid": "2024-01-01", "eindeGeldigheid": nil,
			"beginObject": "2024-01-01", "eindeObject": nil, "servicenorm": "P10D", "verlengingstermijn": "P30D", "versiedatum": "2024-01-01",
			"selectielijstProcestype": "", "toelichting": "", "omschrijvingGeneriek": "", "publicatietekst": "",
		} {
			if zt[k] != want {
				t.Errorf("%s = %#v, want %#v", k, zt[k], want)
			}
		}
		if got := hkStrings(zt["trefwoorden"]); strings.Join(got, ",") != "vergunning,bouw" {
			t.Errorf("trefwoorden = %v", got)
		}
		n := h.lastNotification(t)
		if n.Kanaal != "zaaktypen" || n.Resource != "zaaktype" || n.Actie != "create" || n.ResourceURL != u || n.HoofdObject != u || n.Kenmerken["catalogus"] != cat {
			t.Errorf("notification %+v", n)
		}

		// Detail, HEAD, If-None-Match.
		g := h.Get(t, u)
		etag := g.Header.Get("ETag")
		if g.Status != http.StatusOK || etag == "" {
			t.Fatalf("GET = %d etag %q", g.Status, etag)
		}
		head := h.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: h.Admin})
		if head.Status != http.StatusOK || len(head.Body) != 0 || head.Header.Get("ETag") != etag {
			t.Errorf("HEAD = %d, %d bytes, etag %q", head.Status, len(head.Body), head.Header.Get("ETag"))
		}
		if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: h.Admin, Header: map[string]string{"If-None-Match": `"x", ` + etag}}); r.Status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d, want 304", r.Status)
		}
		if r := h.Get(t, u+"?datumGeldigheid=2024-02-01"); r.Status != http.StatusOK {
			t.Errorf("GET with datumGeldigheid = %d", r.Status)
		}

		// PUT replaces; the ETag changes with the content.
		put := h.must(t, http.MethodPut, u, hkZaaktypeBody(cat, "Z1", map[string]any{"omschrijving": "Nieuw", "trefwoorden": []string{"x"}}), http.StatusOK)
		if put["omschrijving"] != "Nieuw" || len(hkStrings(put["trefwoorden"])) != 1 || put["servicenorm"] != nil {
			t.Errorf("after PUT: %v", put)
		}
		if h.lastNotification(t).Actie != "update" {
			t.Errorf("PUT notification %+v", h.lastNotification(t))
		}
		if h.Get(t, u).Header.Get("ETag") == etag {
			t.Error("ETag did not change")
		}
		// PATCH changes only what it sends.
		p := h.must(t, http.MethodPatch, u, map[string]any{"doel": "Anders", "referentieproces": map[string]any{"naam": "P2"}}, http.StatusOK)
		if p["doel"] != "Anders" || p["omschrijving"] != "Nieuw" || p["referentieproces"].(map[string]any)["naam"] != "P2" {
			t.Errorf("after PATCH: %v", p)
		}
		if h.lastNotification(t).Actie != "partial_update" {
			t.Errorf("PATCH notification %+v", h.lastNotification(t))
		}

		// DELETE of a concept.
		h.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if n := h.lastNotification(t); n.Actie != "destroy" || n.ResourceURL != u {
			t.Errorf("DELETE notification %+v", n)
		}
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			var body any
			if m == http.MethodPut || m == http.MethodPatch {
				body = hkZaaktypeBody(cat, "Z1", nil)
			}
			if r := h.do(t, m, u, body); r.Status != http.StatusNotFound {
				t.Errorf("%s after delete = %d, want 404", m, r.Status)
			}
		}
		if r := h.do(t, http.MethodPost, u+"/publish", nil); r.Status != http.StatusNotFound {
			t.Errorf("publish after delete = %d, want 404", r.Status)
		}
	})
}

func TestZaaktype_ListFilters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat, other := h.catalogus(t), h.catalogus(t)
		a1 := h.zaaktype(t, cat, "A", map[string]any{"trefwoorden": []string{"bouw", "100%_zeker"}, "eindeGeldigheid": "2024-12-31"})["url"].(string)
		h.publish(t, a1)
		a2 := h.zaaktype(t, cat, "A", map[string]any{"beginGeldigheid": "2025-01-01", "trefwoorden": []string{"bouw"}})["url"].(string)
		h.publish(t, a2)
		h.zaaktype(t, cat, "B", map[string]any{"trefwoorden": []string{"milieu"}}) // concept
		h.publish(t, h.zaaktype(t, other, "A", nil)["url"].(string))

		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 3}, // definitief by default
			{"?status=definitief", 3}, {"?status=concept", 1}, {"?status=alles", 4},
			{"?catalogus=" + cat, 2}, {"?catalogus=" + cat + "&status=alles", 3}, {"?catalogus=" + other, 1},
			{"?catalogus=" + e.URL + hkRoot + "/catalogussen/6f2b2d2e-8d7a-4d0e-9d36-0f0e0d0c0b0a", 0},
			{"?catalogus=https://elders.example.com/catalogussen/1", 0},
			{"?identificatie=A", 3}, {"?identificatie=B&status=alles", 1}, {"?identificatie=C", 0},
			{"?trefwoorden=bouw", 2}, {"?trefwoorden=bouw,100%25_zeker", 1}, {"?trefwoorden=bou", 0},
			{"?trefwoorden=100%25", 0}, {"?trefwoorden=milieu&status=alles", 1},
			{"?datumGeldigheid=2024-06-01", 2}, {"?datumGeldigheid=2024-12-31&catalogus=" + cat, 1},
			{"?datumGeldigheid=2025-01-01&catalogus=" + cat, 1}, {"?datumGeldigheid=2023-12-31", 0},
			{"?page=1&status=alles", 4},
		} {
			if n := h.count(t, hkRoot+"/zaaktypen"+tc.query); n != tc.want {
				t.Errorf("zaaktypen%s: count %d, want %d", tc.query, n, tc.want)
			}
		}
		// The version valid on a date is the one a client with identificatie and date finds.
		res := h.results(t, hkRoot+"/zaaktypen?identificatie=A&datumGeldigheid=2025-03-01&catalogus="+cat)
		if len(res) != 1 || res[0]["url"] != a2 {
			t.Errorf("valid version on 2025-03-01: %v", res)
		}
		for _, q := range []string{"?status=alle", "?datumGeldigheid=2024-13-01", "?catalogus=geen-url", "?page=0", "?onbekend=x", "?zaaktype=x"} {
			r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: hkRoot + "/zaaktypen" + q, Token: h.Admin, BadInput: true})
			if r.Status != http.StatusBadRequest {
				t.Errorf("zaaktypen%s = %d, want 400", q, r.Status)
			}
		}
	})
}

func TestZaaktype_BadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		u := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		h.unchanged(t, hkRoot+"/zaaktypen?status=alles", func() {
			for _, tc := range []struct {
				method, url string
				body        any
				name, code  string
			}{
				{"POST", "", `{"identificatie": `, "nonFieldErrors", "parse_error"},
				{"POST", "", `[1, 2]`, "nonFieldErrors", "invalid"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"doel": nil}), "doel", "required"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"publicatieIndicatie": "ja"}), "publicatieIndicatie", "invalid"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"vertrouwelijkheidaanduiding": "heel_geheim"}), "vertrouwelijkheidaanduiding", "invalid_choice"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"doorlooptijd": "30 dagen"}), "doorlooptijd", "invalid"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"beginGeldigheid": "2024-02-30"}), "beginGeldigheid", "invalid"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"eindeGeldigheid": "2023-01-01"}), "eindeGeldigheid", "date-mismatch"},
				{"POST", "", hkZaaktypeBody("geen-url", "Z2", nil), "catalogus", "invalid"},
				{"POST", "", hkZaaktypeBody(cat[:len(cat)-4]+"0000", "Z2", nil), "catalogus", "bad-url"},
				{"POST", "", hkZaaktypeBody(u, "Z2", nil), "catalogus", "invalid-resource"},
				{"POST", "", hkZaaktypeBody("https://elders.example.com/catalogussen/1", "Z2", nil), "catalogus", "bad-url"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"besluittypen": []string{"Bestaat niet"}}), "besluittypen", "does_not_exist"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"deelzaaktypen": []string{"ZZZ"}}), "deelzaaktypen", "does_not_exist"},
				{"POST", "", hkZaaktypeBody(cat, "Z2", map[string]any{"gerelateerdeZaaktypen": []any{map[string]any{"zaaktype": "Z1"}}}), "gerelateerdeZaaktypen.0.aardRelatie", "required"},
				{"PUT", u, hkZaaktypeBody(cat, "Z1", map[string]any{"aanleiding": nil}), "aanleiding", "required"},
				{"PUT", u, hkZaaktypeBody(h.catalogus(t), "Z1", nil), "catalogus", "wijzigen-niet-toegelaten"},
				{"PATCH", u, map[string]any{"verlengingMogelijk": "nee"}, "verlengingMogelijk", "invalid"},
				{"PATCH", u, map[string]any{"eindeGeldigheid": "2020-01-01"}, "eindeGeldigheid", "date-mismatch"},
				{"PATCH", u, map[string]any{"besluittypen": []string{"X"}}, "besluittypen", "does_not_exist"},
				{"PATCH", u, `{"doel": }`, "nonFieldErrors", "parse_error"},
			} {
				target := tc.url
				if target == "" {
					target = hkRoot + "/zaaktypen"
				}
				r := h.Do(t, apptest.Req{Method: tc.method, URL: target, Body: tc.body, Token: h.Admin, BadInput: true})
				apptest.WantInvalid(t, r, tc.name, tc.code)
			}
			// The detail operations document no 400; Meent still refuses what it does not know.
			for _, q := range []string{"?x=1", "?datumGeldigheid=gisteren"} {
				r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u + q, Token: h.Admin, Unchecked: true})
				if r.Status != http.StatusBadRequest {
					t.Errorf("GET %s = %d, want 400", q, r.Status)
				}
			}
		})
		if got := h.Get(t, u).JSON(t); got["doel"] != "Testen" || got["eindeGeldigheid"] != nil {
			t.Errorf("refused PATCH changed the zaaktype: %v", got)
		}
	})
}

func TestZaaktype_Forbidden(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		zt := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		iot := h.iot(t, cat, "Brief", nil)["url"].(string)
		bt := h.besluittype(t, cat, "Besluit", nil)["url"].(string)
		ztiot := h.ztiot(t, zt, "Brief", 1)["url"].(string)
		lezer := h.client(t, "catalogi.lezen")
		h.unchanged(t, hkRoot+"/zaaktypen?status=alles", func() {
			for _, tc := range []struct {
				method, url string
				body        any
			}{
				{"POST", hkRoot + "/catalogussen", map[string]any{"domein": "Y", "rsin": "002220647", "contactpersoonBeheerNaam": "B"}},
				{"POST", hkRoot + "/zaaktypen", hkZaaktypeBody(cat, "Z2", nil)},
				{"PUT", zt, hkZaaktypeBody(cat, "Z1", nil)},
				{"PATCH", zt, map[string]any{"doel": "x"}},
				{"DELETE", zt, nil},
				{"POST", zt + "/publish", nil},
				{"POST", hkRoot + "/informatieobjecttypen", hkIOTBody(cat, "X", nil)},
				{"PUT", iot, hkIOTBody(cat, "Brief", nil)},
				{"PATCH", iot, map[string]any{"informatieobjectcategorie": "x"}},
				{"DELETE", iot, nil},
				{"POST", iot + "/publish", nil},
				{"POST", hkRoot + "/besluittypen", hkBesluittypeBody(cat, "X", nil)},
				{"PUT", bt, hkBesluittypeBody(cat, "Besluit", nil)},
				{"PATCH", bt, map[string]any{"toelichting": "x"}},
				{"DELETE", bt, nil},
				{"POST", bt + "/publish", nil},
				{"POST", hkRoot + "/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": zt, "informatieobjecttype": "Brief", "volgnummer": 2, "richting": "intern"}},
				{"PUT", ztiot, map[string]any{"zaaktype": zt, "informatieobjecttype": "Brief", "volgnummer": 2, "richting": "intern"}},
				{"PATCH", ztiot, map[string]any{"volgnummer": 3}},
				{"DELETE", ztiot, nil},
			} {
				if r := h.Do(t, apptest.Req{Method: tc.method, URL: tc.url, Body: tc.body, Token: lezer}); r.Status != http.StatusForbidden {
					t.Errorf("%s %s with catalogi.lezen = %d, want 403", tc.method, tc.url, r.Status)
				}
			}
			if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: zt, BadInput: true}); r.Status != http.StatusUnauthorized {
				t.Errorf("GET without token = %d, want 401", r.Status)
			}
		})
	})
}

// TestZtc001_SelectielijstProcestype: selectielijstProcestype must be a procestype of the
// Referentielijsten API.
func TestZtc001_SelectielijstProcestype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		pt := h.procestype(t)
		zt := h.zaaktype(t, cat, "Z1", map[string]any{"selectielijstProcestype": pt})
		if zt["selectielijstProcestype"] != pt {
			t.Errorf("selectielijstProcestype = %v, want %s", zt["selectielijstProcestype"], pt)
		}
		var omschrijvingen []map[string]any
		h.Get(t, hkRef+"/resultaattypeomschrijvingen").Decode(t, &omschrijvingen)
		h.unchanged(t, hkRoot+"/zaaktypen?status=alles", func() {
			for _, tc := range []struct{ url, code string }{
				{e.URL + hkRef + "/procestypen/6f2b2d2e-8d7a-4d0e-9d36-0f0e0d0c0b0a", "bad-url"},
				{omschrijvingen[0]["url"].(string), "invalid-resource"},
				{cat, "invalid-resource"},
				{"https://selectielijst.elders.example.com/api/v1/procestypen/1", "bad-url"},
			} {
				r := h.do(t, http.MethodPost, hkRoot+"/zaaktypen", hkZaaktypeBody(cat, "Z2", map[string]any{"selectielijstProcestype": tc.url}))
				apptest.WantInvalid(t, r, "selectielijstProcestype", tc.code)
				r = h.do(t, http.MethodPatch, zt["url"].(string), map[string]any{"selectielijstProcestype": tc.url})
				apptest.WantInvalid(t, r, "selectielijstProcestype", tc.code)
			}
		})
	})
}

// TestZaaktype_CacheSeesOtherNodes: two Meent nodes on one database. A node keeps rendered
// types in memory; what the other node (or any other writer) changes must show at once.
func TestZaaktype_CacheSeesOtherNodes(t *testing.T) {
	t.Parallel()
	for _, postgres := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[postgres]
		t.Run(name, func(t *testing.T) {
			a := newHK(apptest.MustStart(t, postgres))
			b := newHK(apptest.MustStart(t, postgres, func(c *config.Config) {
				c.DatabaseURL, c.DataDir = a.App.Config.DatabaseURL, a.App.Config.DataDir
			}))
			cat := a.catalogus(t)
			zt := a.zaaktype(t, cat, "Z", nil)["url"].(string)
			ztB := strings.Replace(zt, a.URL, b.URL, 1)
			for i := 0; i < 2; i++ { // the second answer comes from the cache
				if got := a.Get(t, zt).JSON(t); got["doel"] != "Testen" {
					t.Fatalf("doel = %v", got["doel"])
				}
				a.count(t, hkRoot+"/zaaktypen?status=alles")
			}
			b.must(t, http.MethodPatch, ztB, map[string]any{"doel": "Via B"}, http.StatusOK)
			if got := a.Get(t, zt).JSON(t); got["doel"] != "Via B" {
				t.Errorf("node A serves doel %v after node B changed it", got["doel"])
			}
			// A sub-type written by another register (here: by hand) shows too.
			b.Post(t, hkRoot+"/statustypen", map[string]any{"zaaktype": ztB, "omschrijving": "Nieuw", "volgnummer": 1})
			if got := a.Get(t, zt).JSON(t); len(got["statustypen"].([]any)) != 1 {
				t.Errorf("node A serves statustypen %v after node B added one", got["statustypen"])
			}
			res := a.results(t, hkRoot+"/zaaktypen?status=alles")
			if len(res) != 1 || res[0]["doel"] != "Via B" || len(res[0]["statustypen"].([]any)) != 1 {
				t.Errorf("node A lists %v", res)
			}
		})
	}
}

// TestZaaktype_DeelLijstenSeeOtherNodes: the lists a zaaktype reads from other tables are
// kept across writes to the rest of the catalogue; a write to one of those tables, on
// another node, must still show at once. Here the informatieobjecttype a
// zaaktype-informatieobjecttype names is published: only the informatieobjecttype table
// changes.
func TestZaaktype_DeelLijstenSeeOtherNodes(t *testing.T) {
	t.Parallel()
	for _, postgres := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[postgres]
		t.Run(name, func(t *testing.T) {
			a := newHK(apptest.MustStart(t, postgres))
			b := newHK(apptest.MustStart(t, postgres, func(c *config.Config) {
				c.DatabaseURL, c.DataDir = a.App.Config.DatabaseURL, a.App.Config.DataDir
			}))
			cat := a.catalogus(t)
			zt := a.zaaktype(t, cat, "Z", nil)["url"].(string)
			iot := a.iot(t, cat, "Doc", nil)["url"].(string)
			a.ztiot(t, zt, "Doc", 1)
			list := hkRoot + "/zaaktypen?status=alles"
			iots := func() []any { return a.results(t, list)[0]["informatieobjecttypen"].([]any) }
			if got := iots(); len(got) != 0 {
				t.Fatalf("a concept informatieobjecttype is listed: %v", got)
			}
			// A write elsewhere in the catalogue: the kept lists stay in use.
			b.must(t, http.MethodPatch, strings.Replace(zt, a.URL, b.URL, 1), map[string]any{"doel": "Via B"}, http.StatusOK)
			if got := iots(); len(got) != 0 {
				t.Fatalf("a concept informatieobjecttype is listed: %v", got)
			}
			b.publish(t, strings.Replace(iot, a.URL, b.URL, 1))
			if got := iots(); len(got) != 1 || got[0] != iot {
				t.Errorf("node A lists informatieobjecttypen %v after node B published %s", got, iot)
			}
		})
	}
}

// Concurrent PATCHes of different fields of one concept zaaktype, and of one statustype (a
// sub-type), all keep their change.
func TestConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		for i := range 3 {
			zt := h.zaaktype(t, cat, fmt.Sprintf("ZT-RACE-%d", i), nil)["url"].(string)
			e.PatchAtOnce(t, zt, map[string]any{"toelichting": "Nieuwe toelichting", "onderwerp": "Nieuw onderwerp",
				"handelingBehandelaar": "Beoordelen", "aanleiding": "Een aanvraag"}, h.send(t))
			st := h.Post(t, hkRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": "Status", "volgnummer": 1})["url"].(string)
			e.PatchAtOnce(t, st, map[string]any{"toelichting": "Uitleg", "statustekst": "Uw aanvraag is ontvangen",
				"omschrijvingGeneriek": "Ontvangen"}, h.send(t))
		}
	})
}
