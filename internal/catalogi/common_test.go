package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// onlyURL checks that the list field k of obj is exactly [want].
func onlyURL(t *testing.T, what string, obj map[string]any, k, want string) {
	t.Helper()
	got := hkStrings(obj[k])
	if len(got) != 1 || got[0] != want {
		t.Errorf("%s: %s = %v, want [%s]", what, k, got, want)
	}
}

// newVersion makes and publishes a version of a besluittype or informatieobjecttype that
// begins on begin (which ends the version before it).
func (h *hk) newVersion(t *testing.T, collection, cat, omschrijving, begin string) string {
	t.Helper()
	over := map[string]any{"beginGeldigheid": begin}
	var u string
	if collection == "besluittypen" {
		u = h.besluittype(t, cat, omschrijving, over)["url"].(string)
	} else {
		u = h.iot(t, cat, omschrijving, over)["url"].(string)
	}
	h.publish(t, u)
	return u
}

// TestZtc011a_ZaaktypeRelationsByName: a zaaktype names its besluittypen, informatieobjecttypen
// (through zaaktype-informatieobjecttypen), deelzaaktypen and gerelateerde zaaktypen; a new
// version of any of them is picked up without a new version of the zaaktype.
func TestZtc011a_ZaaktypeRelationsByName(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		b1 := h.newVersion(t, "besluittypen", cat, "Besluit", "2024-01-01")
		i1 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2024-01-01")
		deel := h.zaaktype(t, cat, "DEEL", nil)["url"].(string)
		h.publish(t, deel)
		ger := h.zaaktype(t, cat, "GER", nil)["url"].(string)
		h.publish(t, ger)
		zt := h.zaaktype(t, cat, "Z", map[string]any{
			// A URL of a version is accepted and stored as its name, as clients of 1.2 send.
			"besluittypen": []string{b1}, "deelzaaktypen": []string{"DEEL"},
			"gerelateerdeZaaktypen": []any{map[string]any{"zaaktype": "GER", "aardRelatie": "vervolg", "toelichting": "Daarna"}},
		})["url"].(string)
		ztiot := h.ztiot(t, zt, i1, 1)["url"].(string)
		h.publish(t, zt)

		got := h.Get(t, zt+"?datumGeldigheid=2024-06-01").JSON(t)
		onlyURL(t, "2024", got, "besluittypen", b1)
		onlyURL(t, "2024", got, "informatieobjecttypen", i1)
		onlyURL(t, "2024", got, "deelzaaktypen", deel)
		rel := got["gerelateerdeZaaktypen"].([]any)
		if len(rel) != 1 || rel[0].(map[string]any)["zaaktype"] != ger || rel[0].(map[string]any)["aardRelatie"] != "vervolg" {
			t.Errorf("gerelateerdeZaaktypen = %v", rel)
		}

		zaaktypen := h.count(t, hkRoot+"/zaaktypen?status=alles")
		b2 := h.newVersion(t, "besluittypen", cat, "Besluit", "2025-01-01")
		i2 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2025-01-01")
		if n := h.count(t, hkRoot+"/zaaktypen?status=alles"); n != zaaktypen {
			t.Errorf("new besluittype/informatieobjecttype versions made %d zaaktypen, was %d", n, zaaktypen)
		}
		got = h.Get(t, zt+"?datumGeldigheid=2024-06-01").JSON(t)
		onlyURL(t, "2024 after new versions", got, "besluittypen", b1)
		onlyURL(t, "2024 after new versions", got, "informatieobjecttypen", i1)
		got = h.Get(t, zt+"?datumGeldigheid=2025-06-01").JSON(t)
		onlyURL(t, "2025", got, "besluittypen", b2)
		onlyURL(t, "2025", got, "informatieobjecttypen", i2)
		// Without a date: today, so the newest versions.
		got = h.Get(t, zt).JSON(t)
		onlyURL(t, "today", got, "besluittypen", b2)
		if z := h.Get(t, ztiot).JSON(t); z["informatieobjecttype"] != i2 {
			t.Errorf("zaaktype-informatieobjecttype renders %v, want %s", z["informatieobjecttype"], i2)
		}
		// The list resolves with the datumGeldigheid asked for too.
		res := h.results(t, hkRoot+"/zaaktypen?identificatie=Z&datumGeldigheid=2024-03-01")
		if len(res) != 1 {
			t.Fatalf("list: %v", res)
		}
		onlyURL(t, "list 2024", res[0], "besluittypen", b1)
		// A concept version of a relation is not rendered.
		h.besluittype(t, cat, "Besluit", map[string]any{"beginGeldigheid": "2026-01-01"})
		onlyURL(t, "concept", h.Get(t, zt+"?datumGeldigheid=2026-06-01").JSON(t), "besluittypen", b2)
		// Relating a new zaaktype to a published besluittype is allowed.
		h.zaaktype(t, cat, "Z2", map[string]any{"besluittypen": []string{"Besluit"}})
	})
}

// TestZtc011b_BesluittypeRelationsByName: a besluittype names its informatieobjecttypen;
// neither forces a new version of the other.
func TestZtc011b_BesluittypeRelationsByName(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		i1 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2024-01-01")
		bt := h.besluittype(t, cat, "Besluit", map[string]any{"informatieobjecttypen": []string{"Brief"}})["url"].(string)
		h.publish(t, bt)
		got := h.Get(t, bt).JSON(t)
		onlyURL(t, "besluittype", got, "informatieobjecttypen", i1)
		if v := hkStrings(got["vastgelegdIn"]); len(v) != 1 || v[0] != "Brief" {
			t.Errorf("vastgelegdIn = %v", v)
		}
		onlyURL(t, "informatieobjecttype", h.Get(t, i1).JSON(t), "besluittypen", bt)
		i2 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2025-01-01")
		onlyURL(t, "besluittype after new version", h.Get(t, bt).JSON(t), "informatieobjecttypen", i2)
		onlyURL(t, "new informatieobjecttype", h.Get(t, i2).JSON(t), "besluittypen", bt)
		if n := h.count(t, hkRoot+"/besluittypen?status=alles"); n != 1 {
			t.Errorf("%d besluittypen, want 1", n)
		}
	})
}

// TestZtc011c_InformatieobjecttypeRelationsByName: zaaktype-informatieobjecttypen name their
// informatieobjecttype; the informatieobjecttype lists the zaaktypen that use it.
func TestZtc011c_InformatieobjecttypeRelationsByName(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		// A concept informatieobjecttype: the relation shows the newest version meanwhile.
		i1 := h.iot(t, cat, "Brief", nil)["url"].(string)
		zt := h.zaaktype(t, cat, "Z", nil)["url"].(string)
		ztiot := h.ztiot(t, zt, "Brief", 1)
		if ztiot["informatieobjecttype"] != i1 {
			t.Errorf("informatieobjecttype %v, want %s", ztiot["informatieobjecttype"], i1)
		}
		h.publish(t, i1)
		h.publish(t, zt)
		onlyURL(t, "informatieobjecttype", h.Get(t, i1).JSON(t), "zaaktypen", zt)
		onlyURL(t, "zaaktype", h.Get(t, zt).JSON(t), "informatieobjecttypen", i1)
		i2 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2025-01-01")
		onlyURL(t, "new informatieobjecttype", h.Get(t, i2).JSON(t), "zaaktypen", zt)
		if got := h.Get(t, ztiot["url"].(string)).JSON(t); got["informatieobjecttype"] != i2 {
			t.Errorf("informatieobjecttype %v, want %s", got["informatieobjecttype"], i2)
		}
	})
}

// TestZtc013_RelationsIncorrectCatalogus: every relation stays inside one catalogus.
func TestZtc013_RelationsIncorrectCatalogus(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		a, b := h.catalogus(t), h.catalogus(t)
		h.besluittype(t, b, "BB", nil)
		ib := h.iot(t, b, "IB", nil)["url"].(string)
		zb := h.zaaktype(t, b, "ZB", nil)["url"].(string)
		za := h.zaaktype(t, a, "ZA", nil)["url"].(string)
		bta := h.besluittype(t, a, "BA", nil)["url"].(string)
		ztiot := h.ztiot(t, za, h.iot(t, a, "IA", nil)["omschrijving"].(string), 1)["url"].(string)
		for _, list := range []string{"zaaktypen", "besluittypen", "zaaktype-informatieobjecttypen"} {
			h.unchanged(t, hkRoot+"/"+list+"?status=alles", func() {
				for _, tc := range []struct {
					method, url string
					body        any
					name        string
				}{
					{"POST", hkRoot + "/zaaktypen", hkZaaktypeBody(a, "Z2", map[string]any{"besluittypen": []string{"BB"}}), "nonFieldErrors"},
					{"POST", hkRoot + "/zaaktypen", hkZaaktypeBody(a, "Z2", map[string]any{"deelzaaktypen": []string{"ZB"}}), "deelzaaktypen"},
					{"POST", hkRoot + "/zaaktypen", hkZaaktypeBody(a, "Z2", map[string]any{"deelzaaktypen": []string{zb}}), "deelzaaktypen"},
					{"POST", hkRoot + "/zaaktypen", hkZaaktypeBody(a, "Z2", map[string]any{"gerelateerdeZaaktypen": []any{map[string]any{"zaaktype": "ZB", "aardRelatie": "bijdrage"}}}), "gerelateerdeZaaktypen"},
					{"PATCH", za, map[string]any{"besluittypen": []string{"BB"}}, "nonFieldErrors"},
					{"POST", hkRoot + "/besluittypen", hkBesluittypeBody(a, "B2", map[string]any{"informatieobjecttypen": []string{"IB"}}), "nonFieldErrors"},
					{"POST", hkRoot + "/besluittypen", hkBesluittypeBody(a, "B2", map[string]any{"zaaktypen": []string{zb}}), "nonFieldErrors"},
					{"PATCH", bta, map[string]any{"informatieobjecttypen": []string{ib}}, "nonFieldErrors"},
					{"POST", hkRoot + "/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": za, "informatieobjecttype": "IB", "volgnummer": 2, "richting": "intern"}, "nonFieldErrors"},
					{"POST", hkRoot + "/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": za, "informatieobjecttype": ib, "volgnummer": 2, "richting": "intern"}, "nonFieldErrors"},
					{"PATCH", ztiot, map[string]any{"informatieobjecttype": "IB"}, "nonFieldErrors"},
				} {
					apptest.WantInvalid(t, h.do(t, tc.method, tc.url, tc.body), tc.name, "relations-incorrect-catalogus")
				}
			})
		}
	})
}

// TestZtcIssue001_BesluittypeZaaktypen: zaaktypen is accepted on a besluittype although the
// 1.3.1 OAS marks it read-only; the relation shows on both sides.
func TestZtcIssue001_BesluittypeZaaktypen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		zt := h.zaaktype(t, cat, "Z", nil)["url"].(string)
		h.publish(t, zt)
		bt := h.besluittype(t, cat, "Besluit", map[string]any{"zaaktypen": []string{zt}})["url"].(string)
		h.publish(t, bt)
		onlyURL(t, "besluittype", h.Get(t, bt).JSON(t), "zaaktypen", zt)
		onlyURL(t, "zaaktype", h.Get(t, zt).JSON(t), "besluittypen", bt)
		if n := h.count(t, hkRoot+"/besluittypen?zaaktypen="+zt); n != 1 {
			t.Errorf("besluittypen?zaaktypen: %d, want 1", n)
		}
		h.unchanged(t, hkRoot+"/besluittypen?status=alles", func() {
			apptest.WantInvalid(t, h.do(t, http.MethodPost, hkRoot+"/besluittypen", hkBesluittypeBody(cat, "B2", map[string]any{"zaaktypen": []string{cat}})), "zaaktypen.0", "bad-url")
		})
	})
}
