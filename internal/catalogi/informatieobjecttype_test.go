package catalogi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// TestTypes_CRUD runs the operations informatieobjecttypen and besluittypen share.
func TestTypes_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		for _, mt := range hkMainTypes[1:] {
			t.Run(mt.collection, func(t *testing.T) {
				kanaal, resource := mt.collection, map[string]string{"informatieobjecttypen": "informatieobjecttype", "besluittypen": "besluittype"}[mt.collection]
				r := h.do(t, http.MethodPost, hkRoot+"/"+mt.collection, mt.body(cat, "Eerste", nil))
				if r.Status != http.StatusCreated {
					t.Fatalf("create = %d: %s", r.Status, r.Body)
				}
				got := r.JSON(t)
				u := got["url"].(string)
				if r.Header.Get("Location") != u {
					t.Errorf("Location %q", r.Header.Get("Location"))
				}
				for k, want := range map[string]any{"catalogus": cat, "omschrijving": "Eerste", "concept": true, "beginGeldigheid": "2024-01-01",
					"eindeGeldigheid": nil, "beginObject": "2024-01-01", "eindeObject": nil} {
					if got[k] != want {
						t.Errorf("%s = %#v, want %#v", k, got[k], want)
					}
				}
				if n := h.lastNotification(t); n.Kanaal != kanaal || n.Resource != resource || n.Actie != "create" || n.Kenmerken["catalogus"] != cat {
					t.Errorf("notification %+v", n)
				}
				g := h.Get(t, u)
				etag := g.Header.Get("ETag")
				head := h.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: h.Admin})
				if g.Status != http.StatusOK || etag == "" || head.Status != http.StatusOK || len(head.Body) != 0 || head.Header.Get("ETag") != etag {
					t.Errorf("GET %d etag %q, HEAD %d etag %q", g.Status, etag, head.Status, head.Header.Get("ETag"))
				}
				if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: h.Admin, Header: map[string]string{"If-None-Match": etag}}); r.Status != http.StatusNotModified {
					t.Errorf("If-None-Match = %d", r.Status)
				}
				put := h.must(t, http.MethodPut, u, mt.body(cat, "Tweede", map[string]any{"eindeGeldigheid": "2030-01-01"}), http.StatusOK)
				if put["omschrijving"] != "Tweede" || put["eindeGeldigheid"] != "2030-01-01" || h.lastNotification(t).Actie != "update" {
					t.Errorf("after PUT: %v, %+v", put, h.lastNotification(t))
				}
				patch := h.must(t, http.MethodPatch, u, mt.patch, http.StatusOK)
				for k, v := range mt.patch {
					if patch[k] != v || patch["omschrijving"] != "Tweede" {
						t.Errorf("after PATCH: %s = %v", k, patch[k])
					}
				}
				if h.lastNotification(t).Actie != "partial_update" {
					t.Errorf("PATCH notification %+v", h.lastNotification(t))
				}
				h.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
				if n := h.lastNotification(t); n.Actie != "destroy" || n.ResourceURL != u {
					t.Errorf("destroy notification %+v", n)
				}
				if r := h.do(t, http.MethodGet, u, nil); r.Status != http.StatusNotFound {
					t.Errorf("GET after delete = %d", r.Status)
				}
			})
		}
		// The stored fields of an informatieobjecttype, and their defaults.
		iot := h.iot(t, cat, "Brief", map[string]any{"trefwoord": []string{"a"}, "omschrijvingGeneriek": map[string]any{
			"informatieobjecttypeOmschrijvingGeneriek": "Brief", "definitieInformatieobjecttypeOmschrijvingGeneriek": "Een brief",
			"herkomstInformatieobjecttypeOmschrijvingGeneriek": "Test", "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "Top"}})
		if g := iot["omschrijvingGeneriek"].(map[string]any); g["definitieInformatieobjecttypeOmschrijvingGeneriek"] != "Een brief" || g["opmerkingInformatieobjecttypeOmschrijvingGeneriek"] != nil {
			t.Errorf("omschrijvingGeneriek = %v", g)
		}
		if g := h.iot(t, cat, "Kaal", nil); len(g["trefwoord"].([]any)) != 0 || g["omschrijvingGeneriek"].(map[string]any)["informatieobjecttypeOmschrijvingGeneriek"] != "" {
			t.Errorf("defaults: %v", g)
		}
		bt := h.besluittype(t, cat, "Besluit", map[string]any{"reactietermijn": "P6W", "besluitcategorie": "Vergunning"})
		for k, want := range map[string]any{"reactietermijn": "P6W", "publicatietermijn": nil, "besluitcategorie": "Vergunning", "toelichting": ""} {
			if bt[k] != want {
				t.Errorf("besluittype %s = %#v, want %#v", k, bt[k], want)
			}
		}
	})
}

func TestTypes_ListFilters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat, other := h.catalogus(t), h.catalogus(t)
		i1 := h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2024-01-01")
		h.newVersion(t, "informatieobjecttypen", cat, "Brief", "2025-01-01")
		h.iot(t, cat, "Foto", nil)
		h.newVersion(t, "informatieobjecttypen", other, "Brief", "2024-01-01")
		bt := h.besluittype(t, cat, "Besluit", map[string]any{"informatieobjecttypen": []string{"Brief"}})["url"].(string)
		h.publish(t, bt)
		h.besluittype(t, cat, "Ander", map[string]any{"informatieobjecttypen": []string{"Foto"}})
		h.newVersion(t, "besluittypen", other, "Besluit", "2024-01-01")
		zt := h.zaaktype(t, cat, "Z", map[string]any{"besluittypen": []string{"Besluit"}})["url"].(string)
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"informatieobjecttypen", 3}, {"informatieobjecttypen?status=alles", 4}, {"informatieobjecttypen?status=concept", 1},
			{"informatieobjecttypen?catalogus=" + cat, 2}, {"informatieobjecttypen?omschrijving=Brief", 3},
			{"informatieobjecttypen?omschrijving=Brief&catalogus=" + cat + "&datumGeldigheid=2024-12-31", 1},
			{"informatieobjecttypen?datumGeldigheid=2025-01-01", 2}, {"informatieobjecttypen?datumGeldigheid=2023-01-01", 0},
			{"besluittypen", 2}, {"besluittypen?status=alles", 3}, {"besluittypen?status=concept", 1},
			{"besluittypen?catalogus=" + cat + "&status=alles", 2}, {"besluittypen?omschrijving=Besluit", 2},
			{"besluittypen?datumGeldigheid=2024-06-01", 2}, {"besluittypen?datumGeldigheid=2023-06-01", 0},
			{"besluittypen?informatieobjecttypen=Brief", 1}, {"besluittypen?informatieobjecttypen=Foto&status=alles", 1},
			{"besluittypen?informatieobjecttypen=" + i1, 1}, {"besluittypen?informatieobjecttypen=" + cat, 0},
			{"besluittypen?zaaktypen=" + zt, 1}, {"besluittypen?zaaktypen=" + cat, 0}, {"besluittypen?zaaktypen=geen", 0},
		} {
			if n := h.count(t, hkRoot+"/"+tc.query); n != tc.want {
				t.Errorf("%s: count %d, want %d", tc.query, n, tc.want)
			}
		}
		for _, q := range []string{"informatieobjecttypen?status=x", "informatieobjecttypen?datumGeldigheid=x", "informatieobjecttypen?zaaktypen=x",
			"besluittypen?catalogus=x", "besluittypen?identificatie=x", "informatieobjecttypen?page=x"} {
			if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: hkRoot + "/" + q, Token: h.Admin, BadInput: true}); r.Status != http.StatusBadRequest {
				t.Errorf("%s = %d, want 400", q, r.Status)
			}
		}
	})
}

func TestTypes_BadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		iot := h.iot(t, cat, "Brief", nil)["url"].(string)
		bt := h.besluittype(t, cat, "Besluit", nil)["url"].(string)
		for _, tc := range []struct {
			method, url, list string
			body              any
			name, code        string
		}{
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", `{"omschrijving"`, "nonFieldErrors", "parse_error"},
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", hkIOTBody(cat, "X", map[string]any{"vertrouwelijkheidaanduiding": "x"}), "vertrouwelijkheidaanduiding", "invalid_choice"},
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", map[string]any{"catalogus": cat, "omschrijving": "X"}, "informatieobjectcategorie", "required"},
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", hkIOTBody(cat, "X", map[string]any{"trefwoord": "a"}), "trefwoord", "not_a_list"},
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", hkIOTBody(iot, "X", nil), "catalogus", "invalid-resource"},
			{"POST", hkRoot + "/informatieobjecttypen", "informatieobjecttypen", hkIOTBody(cat, "X", map[string]any{"omschrijvingGeneriek": map[string]any{"informatieobjecttypeOmschrijvingGeneriek": "x"}}), "omschrijvingGeneriek.definitieInformatieobjecttypeOmschrijvingGeneriek", "required"},
			{"PUT", iot, "informatieobjecttypen", map[string]any{"omschrijving": "X"}, "catalogus", "required"},
			{"PUT", iot, "informatieobjecttypen", hkIOTBody(h.catalogus(t), "Brief", nil), "catalogus", "wijzigen-niet-toegelaten"},
			{"PATCH", iot, "informatieobjecttypen", map[string]any{"beginGeldigheid": 5}, "beginGeldigheid", "invalid"},
			{"PATCH", iot, "informatieobjecttypen", map[string]any{"eindeGeldigheid": "2023-12-31"}, "eindeGeldigheid", "date-mismatch"},
			{"POST", hkRoot + "/besluittypen", "besluittypen", `nee`, "nonFieldErrors", "parse_error"},
			{"POST", hkRoot + "/besluittypen", "besluittypen", hkBesluittypeBody(cat, "X", map[string]any{"publicatieIndicatie": nil}), "publicatieIndicatie", "null"},
			{"POST", hkRoot + "/besluittypen", "besluittypen", hkBesluittypeBody(cat, "X", map[string]any{"reactietermijn": "zes weken"}), "reactietermijn", "invalid"},
			{"POST", hkRoot + "/besluittypen", "besluittypen", hkBesluittypeBody(cat, "X", map[string]any{"informatieobjecttypen": []string{"Onbekend"}}), "informatieobjecttypen", "does_not_exist"},
			{"POST", hkRoot + "/besluittypen", "besluittypen", hkBesluittypeBody(cat, "X", map[string]any{"zaaktypen": []string{"geen-url"}}), "zaaktypen.0", "invalid"},
			{"PATCH", bt, "besluittypen", map[string]any{"publicatieIndicatie": "ja"}, "publicatieIndicatie", "invalid"},
			{"PATCH", bt, "besluittypen", map[string]any{"informatieobjecttypen": []string{"Onbekend"}}, "informatieobjecttypen", "does_not_exist"},
		} {
			h.unchanged(t, hkRoot+"/"+tc.list+"?status=alles", func() {
				apptest.WantInvalid(t, h.Do(t, apptest.Req{Method: tc.method, URL: tc.url, Body: tc.body, Token: h.Admin, BadInput: true}), tc.name, tc.code)
			})
		}
		for _, u := range []string{iot, bt} {
			if got := h.Get(t, u).JSON(t); got["eindeGeldigheid"] != nil || got["omschrijving"] == "X" {
				t.Errorf("refused requests changed %s: %v", u, got)
			}
		}
	})
}

func TestTypes_Pagination(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		for i := 0; i < 101; i++ {
			h.iot(t, cat, fmt.Sprintf("Type %03d", i), nil)
		}
		r := h.Get(t, hkRoot+"/informatieobjecttypen?status=concept")
		var page struct {
			Count    int              `json:"count"`
			Next     *string          `json:"next"`
			Previous *string          `json:"previous"`
			Results  []map[string]any `json:"results"`
		}
		r.Decode(t, &page)
		if page.Count != 101 || len(page.Results) != 100 || page.Next == nil || page.Previous != nil {
			t.Fatalf("page 1: count %d, %d results, next %v, previous %v", page.Count, len(page.Results), page.Next, page.Previous)
		}
		if page.Results[0]["omschrijving"] != "Type 000" {
			t.Errorf("first = %v", page.Results[0]["omschrijving"])
		}
		h.Get(t, *page.Next).Decode(t, &page)
		if page.Count != 101 || len(page.Results) != 1 || page.Next != nil || page.Previous == nil || page.Results[0]["omschrijving"] != "Type 100" {
			t.Errorf("page 2: count %d, %d results, next %v, previous %v", page.Count, len(page.Results), page.Next, page.Previous)
		}
	})
}
