package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// hkMainType is one of the three main types with a valid body for it.
type hkMainType struct {
	collection string
	body       func(cat, name string, over map[string]any) map[string]any
	patch      map[string]any // a change that is not eindeGeldigheid
}

var hkMainTypes = []hkMainType{
	{"zaaktypen", hkZaaktypeBody, map[string]any{"doel": "Anders"}},
	{"informatieobjecttypen", hkIOTBody, map[string]any{"informatieobjectcategorie": "Anders"}},
	{"besluittypen", hkBesluittypeBody, map[string]any{"toelichting": "Anders"}},
}

// TestZtc009_PublishedIsFrozen: a published version can no longer be replaced, patched (except
// eindeGeldigheid alone) or deleted (non-concept-object), unless the client has the forcing
// scope for it.
func TestZtc009_PublishedIsFrozen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		schrijver := h.client(t, "catalogi.lezen", "catalogi.schrijven")
		corrector := h.client(t, "catalogi.lezen", "catalogi.geforceerd-schrijven")
		verwijderaar := h.client(t, "catalogi.lezen", "catalogi.geforceerd-verwijderen")
		for _, mt := range hkMainTypes {
			t.Run(mt.collection, func(t *testing.T) {
				list := hkRoot + "/" + mt.collection + "?status=alles"
				created := h.Post(t, hkRoot+"/"+mt.collection, mt.body(cat, "V1", nil))
				u := created["url"].(string)
				// A concept may be changed by a client with catalogi.schrijven.
				if r := h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: mt.patch, Token: schrijver}); r.Status != http.StatusOK {
					t.Fatalf("PATCH concept = %d: %s", r.Status, r.Body)
				}
				published := h.publish(t, u)
				if published["concept"] != false {
					t.Fatalf("published concept = %v", published["concept"])
				}
				if n := h.lastNotification(t); n.Actie != "update" || n.ResourceURL != u {
					t.Errorf("publish notification %+v", n)
				}
				h.unchanged(t, list, func() {
					for _, r := range []*apptest.Resp{
						h.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: mt.body(cat, "V1", nil), Token: schrijver}),
						h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: mt.patch, Token: schrijver}),
						h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: map[string]any{"eindeGeldigheid": "2030-01-01", "omschrijving": "X"}, Token: schrijver}),
						h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: map[string]any{"eindeGeldigheid": nil}, Token: schrijver}),
						h.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: schrijver}),
					} {
						apptest.WantInvalid(t, r, "nonFieldErrors", "non-concept-object")
					}
					if r := h.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: corrector}); r.Status != http.StatusForbidden {
						t.Errorf("DELETE with only geforceerd-schrijven = %d, want 403", r.Status)
					}
				})
				// Ending a version is allowed.
				r := h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: map[string]any{"eindeGeldigheid": "2030-12-31"}, Token: schrijver})
				if r.Status != http.StatusOK || r.JSON(t)["eindeGeldigheid"] != "2030-12-31" {
					t.Errorf("PATCH eindeGeldigheid = %d: %s", r.Status, r.Body)
				}
				// Corrections with catalogi.geforceerd-schrijven.
				body := mt.body(cat, "V1", map[string]any{"eindeGeldigheid": "2030-12-31"})
				if r := h.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: body, Token: corrector}); r.Status != http.StatusOK {
					t.Errorf("forced PUT = %d: %s", r.Status, r.Body)
				}
				if r := h.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: mt.patch, Token: corrector}); r.Status != http.StatusOK {
					t.Errorf("forced PATCH = %d: %s", r.Status, r.Body)
				}
				// Publishing again changes nothing.
				before := h.outbox(t)
				if again := h.publish(t, u); again["concept"] != false || h.outbox(t) != before {
					t.Errorf("second publish: %v, %d notifications", again["concept"], h.outbox(t)-before)
				}
				// Deleting with catalogi.geforceerd-verwijderen.
				if r := h.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: verwijderaar}); r.Status != http.StatusNoContent {
					t.Errorf("forced DELETE = %d: %s", r.Status, r.Body)
				}
				if n := h.lastNotification(t); n.Actie != "destroy" || n.ResourceURL != u {
					t.Errorf("destroy notification %+v", n)
				}
			})
		}
	})
}

// TestZtc012_PublishNeedsPublishedRelations: a zaaktype can only be published when its
// besluittypen and (through its zaaktype-informatieobjecttypen) informatieobjecttypen are.
func TestZtc012_PublishNeedsPublishedRelations(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		bt := h.besluittype(t, cat, "Besluit", nil)["url"].(string)
		iot := h.iot(t, cat, "Brief", nil)["url"].(string)
		zt := h.zaaktype(t, cat, "Z1", map[string]any{"besluittypen": []string{"Besluit"}})["url"].(string)
		h.ztiot(t, zt, "Brief", 1)
		refuse := func() {
			t.Helper()
			h.unchanged(t, hkRoot+"/zaaktypen?status=definitief", func() {
				apptest.WantInvalid(t, h.do(t, http.MethodPost, zt+"/publish", nil), "nonFieldErrors", "concept-relation")
			})
		}
		refuse()
		h.publish(t, bt)
		refuse() // the informatieobjecttype is still a concept
		h.publish(t, iot)
		if got := h.publish(t, zt); got["concept"] != false {
			t.Errorf("concept = %v after publish", got["concept"])
		}
		if n := h.lastNotification(t); n.Kanaal != "zaaktypen" || n.Actie != "update" || n.Kenmerken["catalogus"] != cat {
			t.Errorf("publish notification %+v", n)
		}
	})
}

// TestZtc016_NoOverlappingVersions: published versions of one type may not overlap in
// validity. Publishing a new version ends the open-ended previous one the day before.
func TestZtc016_NoOverlappingVersions(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat, other := h.catalogus(t), h.catalogus(t)
		for _, mt := range hkMainTypes {
			t.Run(mt.collection, func(t *testing.T) {
				v1 := h.Post(t, hkRoot+"/"+mt.collection, mt.body(cat, "V", nil))["url"].(string)
				h.publish(t, v1)
				// Another catalogus may have a type of the same name.
				h.publish(t, h.Post(t, hkRoot+"/"+mt.collection, mt.body(other, "V", nil))["url"].(string))
				// A concept may overlap; publishing it ends v1 the day before it begins.
				v2 := h.Post(t, hkRoot+"/"+mt.collection, mt.body(cat, "V", map[string]any{"beginGeldigheid": "2025-01-01"}))["url"].(string)
				before := h.outbox(t)
				h.publish(t, v2)
				if got := h.Get(t, v1).JSON(t); got["eindeGeldigheid"] != "2024-12-31" || got["eindeObject"] != nil || got["beginObject"] != "2024-01-01" {
					t.Errorf("v1 after publishing v2: einde %v, beginObject %v, eindeObject %v", got["eindeGeldigheid"], got["beginObject"], got["eindeObject"])
				}
				if h.outbox(t) != before+2 {
					t.Errorf("%d notifications for publish with an ended predecessor, want 2", h.outbox(t)-before)
				}
				// A version inside the validity of a published one.
				v3 := h.Post(t, hkRoot+"/"+mt.collection, mt.body(cat, "V", map[string]any{"beginGeldigheid": "2024-06-01", "eindeGeldigheid": "2024-07-01"}))["url"].(string)
				h.unchanged(t, hkRoot+"/"+mt.collection, func() {
					apptest.WantInvalid(t, h.do(t, http.MethodPost, v3+"/publish", nil), "beginGeldigheid", "overlap")
					// Extending v1 into v2.
					apptest.WantInvalid(t, h.do(t, http.MethodPatch, v1, map[string]any{"eindeGeldigheid": "2025-01-01"}), "beginGeldigheid", "overlap")
				})
				if got := h.Get(t, v3).JSON(t); got["concept"] != true {
					t.Errorf("refused publish published v3")
				}
				// Ending v2 and starting v4 after it is fine; the object ends with the last version.
				h.must(t, http.MethodPatch, v2, map[string]any{"eindeGeldigheid": "2025-12-31"}, http.StatusOK)
				h.must(t, http.MethodDelete, v3, nil, http.StatusNoContent)
				if got := h.Get(t, v1).JSON(t); got["eindeObject"] != "2025-12-31" {
					t.Errorf("eindeObject = %v, want 2025-12-31", got["eindeObject"])
				}
			})
		}
	})
}
