package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

const hkZTIOT = hkRoot + "/zaaktype-informatieobjecttypen"

func TestZaaktypeInformatieobjecttype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		zt := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		iot := h.iot(t, cat, "Brief", nil)["url"].(string)
		h.iot(t, cat, "Foto", nil)
		st := h.Post(t, hkRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": "Ontvangen", "volgnummer": 1})["url"].(string)
		before := h.outbox(t)
		r := h.do(t, http.MethodPost, hkZTIOT, map[string]any{"zaaktype": zt, "informatieobjecttype": "Brief", "volgnummer": 1, "richting": "inkomend", "statustype": st})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		got := r.JSON(t)
		u := got["url"].(string)
		for k, want := range map[string]any{"zaaktype": zt, "zaaktypeIdentificatie": "Z1", "catalogus": cat, "informatieobjecttype": iot,
			"volgnummer": float64(1), "richting": "inkomend", "statustype": st} {
			if got[k] != want {
				t.Errorf("%s = %#v, want %#v", k, got[k], want)
			}
		}
		if r.Header.Get("Location") != u {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		// The zaaktype lists published versions only (catalogi §4).
		if l := hkStrings(h.Get(t, zt).JSON(t)["informatieobjecttypen"]); len(l) != 0 {
			t.Errorf("zaaktype lists the concept informatieobjecttype: %v", l)
		}
		h.publish(t, iot)
		onlyURL(t, "zaaktype", h.Get(t, zt).JSON(t), "informatieobjecttypen", iot)
		before = h.outbox(t)
		g := h.Get(t, u)
		etag := g.Header.Get("ETag")
		head := h.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: h.Admin})
		if g.Status != http.StatusOK || etag == "" || head.Status != http.StatusOK || len(head.Body) != 0 || head.Header.Get("ETag") != etag {
			t.Errorf("GET %d etag %q, HEAD %d", g.Status, etag, head.Status)
		}
		if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: h.Admin, Header: map[string]string{"If-None-Match": etag}}); r.Status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d", r.Status)
		}
		put := h.must(t, http.MethodPut, u, map[string]any{"zaaktype": zt, "informatieobjecttype": "Foto", "volgnummer": 2, "richting": "uitgaand"}, http.StatusOK)
		if put["volgnummer"] != float64(2) || put["richting"] != "uitgaand" || put["statustype"] != nil {
			t.Errorf("after PUT: %v", put)
		}
		patch := h.must(t, http.MethodPatch, u, map[string]any{"richting": "intern"}, http.StatusOK)
		if patch["richting"] != "intern" || patch["volgnummer"] != float64(2) {
			t.Errorf("after PATCH: %v", patch)
		}
		// Sub-type changes are not announced.
		if n := h.outbox(t); n != before {
			t.Errorf("%d notifications for zaaktype-informatieobjecttype changes, want 0", n-before)
		}
		h.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		for _, m := range []string{http.MethodGet, http.MethodDelete, http.MethodPatch} {
			var body any
			if m == http.MethodPatch {
				body = map[string]any{"volgnummer": 3}
			}
			if r := h.do(t, m, u, body); r.Status != http.StatusNotFound {
				t.Errorf("%s after delete = %d, want 404", m, r.Status)
			}
		}
		// Deleting the zaaktype takes its zaaktype-informatieobjecttypen along.
		u2 := h.ztiot(t, zt, "Brief", 5)["url"].(string)
		h.must(t, http.MethodDelete, zt, nil, http.StatusNoContent)
		if r := h.do(t, http.MethodGet, u2, nil); r.Status != http.StatusNotFound {
			t.Errorf("GET after zaaktype delete = %d, want 404", r.Status)
		}
	})
}

func TestZaaktypeInformatieobjecttype_ListAndRules(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		z1 := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		z2 := h.zaaktype(t, cat, "Z2", nil)["url"].(string)
		brief := h.iot(t, cat, "Brief", nil)["url"].(string)
		h.iot(t, cat, "Foto", nil)
		a := h.ztiot(t, z1, "Brief", 1)["url"].(string)
		h.must(t, http.MethodPost, hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Foto", "volgnummer": 2, "richting": "uitgaand"}, http.StatusCreated)
		h.ztiot(t, z2, "Brief", 1)
		h.publish(t, brief)
		h.publish(t, z2)
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 1}, {"?status=alles", 3}, {"?status=concept", 2}, {"?status=definitief", 1},
			{"?zaaktype=" + z1, 0}, {"?zaaktype=" + z1 + "&status=alles", 2}, {"?zaaktype=" + cat + "&status=alles", 0},
			{"?informatieobjecttype=Brief&status=alles", 2}, {"?informatieobjecttype=" + brief + "&status=alles", 2},
			{"?informatieobjecttype=" + cat + "&status=alles", 0}, {"?richting=uitgaand&status=alles", 1},
			{"?richting=inkomend&zaaktype=" + z1 + "&status=concept", 1}, {"?page=1", 1},
		} {
			if n := h.count(t, hkZTIOT+tc.query); n != tc.want {
				t.Errorf("%s: count %d, want %d", tc.query, n, tc.want)
			}
		}
		for _, q := range []string{"?richting=omhoog", "?status=x", "?zaaktype=x", "?catalogus=" + cat} {
			if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: hkZTIOT + q, Token: h.Admin, BadInput: true}); r.Status != http.StatusBadRequest {
				t.Errorf("%s = %d, want 400", q, r.Status)
			}
		}
		st2 := h.Post(t, hkRoot+"/statustypen", map[string]any{"zaaktype": h.zaaktype(t, cat, "Z3", nil)["url"], "omschrijving": "X", "volgnummer": 1})["url"].(string)
		h.unchanged(t, hkZTIOT+"?status=alles", func() {
			for _, tc := range []struct {
				method, url string
				body        any
				name, code  string
			}{
				{"POST", hkZTIOT, `{"zaaktype": 1`, "nonFieldErrors", "parse_error"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Brief", "volgnummer": 1, "richting": "inkomend"}, "nonFieldErrors", "unique"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Brief", "volgnummer": 1000, "richting": "inkomend"}, "volgnummer", "max_value"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Brief", "volgnummer": 9, "richting": "op"}, "richting", "invalid_choice"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "volgnummer": 9, "richting": "intern"}, "informatieobjecttype", "required"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Onbekend", "volgnummer": 9, "richting": "intern"}, "informatieobjecttype", "does_not_exist"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": cat, "informatieobjecttype": "Brief", "volgnummer": 9, "richting": "intern"}, "zaaktype", "invalid-resource"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1[:len(z1)-4] + "0000", "informatieobjecttype": "Brief", "volgnummer": 9, "richting": "intern"}, "zaaktype", "bad-url"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Brief", "volgnummer": 9, "richting": "intern", "statustype": st2}, "statustype", "zaaktype-mismatch"},
				{"POST", hkZTIOT, map[string]any{"zaaktype": z1, "informatieobjecttype": "Brief", "volgnummer": 9, "richting": "intern", "statustype": cat}, "statustype", "bad-url"},
				{"PATCH", a, map[string]any{"volgnummer": 2}, "nonFieldErrors", "unique"},
				{"PATCH", a, map[string]any{"volgnummer": "een"}, "volgnummer", "invalid"},
			} {
				apptest.WantInvalid(t, h.Do(t, apptest.Req{Method: tc.method, URL: tc.url, Body: tc.body, Token: h.Admin, BadInput: true}), tc.name, tc.code)
			}
		})
	})
}

// TestZtc010_ZaaktypeInformatieobjecttypeOfPublishedZaaktype: the zaaktype-
// informatieobjecttypen of a published zaaktype are frozen (non-concept-zaaktype), except
// for a client with the forcing scopes.
func TestZtc010_ZaaktypeInformatieobjecttypeOfPublishedZaaktype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		zt := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		concept := h.zaaktype(t, cat, "Z2", nil)["url"].(string)
		h.iot(t, cat, "Foto", nil) // concept: the other side may be either
		brief := h.iot(t, cat, "Brief", nil)["url"].(string)
		h.publish(t, brief)
		u := h.ztiot(t, zt, "Brief", 1)["url"].(string)
		onConcept := h.ztiot(t, concept, "Brief", 1)["url"].(string)
		h.publish(t, zt)
		schrijver := h.client(t, "catalogi.lezen", "catalogi.schrijven")
		corrector := h.client(t, "catalogi.lezen", "catalogi.geforceerd-schrijven")
		verwijderaar := h.client(t, "catalogi.lezen", "catalogi.geforceerd-verwijderen")
		h.unchanged(t, hkZTIOT+"?status=alles", func() {
			for _, r := range []*apptest.Resp{
				h.Do(t, apptest.Req{Method: http.MethodPost, URL: hkZTIOT, Token: schrijver, Body: map[string]any{"zaaktype": zt, "informatieobjecttype": "Foto", "volgnummer": 2, "richting": "intern"}}),
				h.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Token: schrijver, Body: map[string]any{"zaaktype": zt, "informatieobjecttype": "Brief", "volgnummer": 1, "richting": "intern"}}),
				h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Token: schrijver, Body: map[string]any{"richting": "intern"}}),
				h.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: schrijver}),
				// Nor may a relation of a concept zaaktype move to the published one.
				h.Do(t, apptest.Req{Method: http.MethodPatch, URL: onConcept, Token: schrijver, Body: map[string]any{"zaaktype": zt, "volgnummer": 7}}),
			} {
				apptest.WantInvalid(t, r, "nonFieldErrors", "non-concept-zaaktype")
			}
		})
		// Relations of a concept zaaktype may change although the informatieobjecttype is published.
		if r := h.Do(t, apptest.Req{Method: http.MethodPatch, URL: onConcept, Token: schrijver, Body: map[string]any{"richting": "uitgaand"}}); r.Status != http.StatusOK {
			t.Errorf("PATCH on concept zaaktype = %d: %s", r.Status, r.Body)
		}
		// Corrections.
		if r := h.Do(t, apptest.Req{Method: http.MethodPost, URL: hkZTIOT, Token: corrector, Body: map[string]any{"zaaktype": zt, "informatieobjecttype": "Foto", "volgnummer": 2, "richting": "intern"}}); r.Status != http.StatusCreated {
			t.Errorf("forced POST = %d: %s", r.Status, r.Body)
		}
		if r := h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Token: corrector, Body: map[string]any{"richting": "intern"}}); r.Status != http.StatusOK {
			t.Errorf("forced PATCH = %d: %s", r.Status, r.Body)
		}
		if r := h.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: verwijderaar}); r.Status != http.StatusNoContent {
			t.Errorf("forced DELETE = %d: %s", r.Status, r.Body)
		}
	})
}
