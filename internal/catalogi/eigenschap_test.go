package catalogi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/app/apptest"
)

func stEigenschapBody(zaaktype, naam string) map[string]any {
	return map[string]any{"zaaktype": zaaktype, "naam": naam, "definitie": "Datum van het evenement",
		"specificatie": map[string]any{"formaat": "datum", "lengte": "8", "kardinaliteit": "1"}}
}

func TestEigenschap_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/eigenschappen"
		st := z.Post(t, stRoot+"/statustypen", map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Beoordeeld", "volgnummer": 1})["url"].(string)

		body := stEigenschapBody(f.zaaktype, "evenementdatum")
		body["statustype"] = st
		body["toelichting"] = "Verplicht voor beoordeling"
		r := z.do(t, http.MethodPost, base, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		eig := r.JSON(t)
		u := eig["url"].(string)
		want := map[string]any{
			"url": u, "naam": "evenementdatum", "catalogus": f.catalogus, "definitie": "Datum van het evenement",
			"specificatie": map[string]any{"groep": "", "formaat": "datum", "lengte": "8", "kardinaliteit": "1", "waardenverzameling": []any{}},
			"toelichting":  "Verplicht voor beoordeling", "zaaktype": f.zaaktype, "zaaktypeIdentificatie": f.identificatie,
			"statustype": st, "beginGeldigheid": stDate, "eindeGeldigheid": nil, "beginObject": stDate, "eindeObject": nil,
		}
		if d := cmp.Diff(want, eig); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		if d := cmp.Diff(eig, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs:\n%s", d)
		}
		// The statustype lists the eigenschappen it requires.
		if got := z.Get(t, st).JSON(t)["eigenschappen"]; !cmp.Equal(got, []any{u}) {
			t.Fatalf("statustype.eigenschappen = %v", got)
		}

		// naam is unique within the zaaktype.
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, stEigenschapBody(f.zaaktype, "evenementdatum")), "nonFieldErrors", "unique")
		tweede := z.Post(t, base, stEigenschapBody(f.zaaktype, "aanvangsdatum"))["url"].(string)
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, tweede, map[string]any{"naam": "evenementdatum"}), "nonFieldErrors", "unique")

		// The statustype must be one of the same zaaktype.
		ander := z.zaaktype(t, f.catalogus, stZaaktypeOpts{})
		elders := z.Post(t, stRoot+"/statustypen", map[string]any{"zaaktype": ander, "omschrijving": "Elders", "volgnummer": 1})["url"].(string)
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, tweede, map[string]any{"statustype": elders}), "statustype", "zaaktype-mismatch")
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, tweede, map[string]any{"statustype": z.URL + stRoot + "/statustypen/00000000-0000-4000-8000-000000000000"}), "statustype", "bad-url")

		p := z.do(t, http.MethodPatch, u, map[string]any{"specificatie": map[string]any{"formaat": "tekst", "lengte": "40", "kardinaliteit": "N", "waardenverzameling": []string{"a", "b"}}})
		if p.Status != http.StatusOK {
			t.Fatalf("patch = %d: %s", p.Status, p.Body)
		}
		if got := p.JSON(t); got["statustype"] != st || got["specificatie"].(map[string]any)["kardinaliteit"] != "N" {
			t.Fatalf("patched: %v", got)
		}
		put := z.do(t, http.MethodPut, u, stEigenschapBody(f.zaaktype, "evenementdatum"))
		if put.Status != http.StatusOK || put.JSON(t)["statustype"] != nil || put.JSON(t)["toelichting"] != "" {
			t.Fatalf("put = %d: %s", put.Status, put.Body)
		}

		// Deleting a statustype leaves no eigenschap pointing at it.
		if r := z.do(t, http.MethodPatch, tweede, map[string]any{"statustype": st}); r.Status != http.StatusOK {
			t.Fatalf("link = %d: %s", r.Status, r.Body)
		}
		if r := z.do(t, http.MethodDelete, st, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete statustype = %d", r.Status)
		}
		if got := z.Get(t, tweede).JSON(t)["statustype"]; got != nil {
			t.Fatalf("statustype after its delete = %v", got)
		}

		if r := z.do(t, http.MethodDelete, u, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d: %s", r.Status, r.Body)
		}
		if r := z.Get(t, u); r.Status != http.StatusNotFound {
			t.Fatalf("after delete = %d", r.Status)
		}
	})
}

func TestEigenschap_List(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		base := stRoot + "/eigenschappen"
		f := z.family(t)
		g := z.family(t)
		z.Post(t, base, stEigenschapBody(f.zaaktype, "a"))
		z.Post(t, base, stEigenschapBody(f.zaaktype, "b"))
		z.Post(t, base, stEigenschapBody(g.zaaktype, "a"))
		z.publish(t, g.zaaktype)
		z.list(t, base, 1)
		z.list(t, stQuery(base, "status", "concept"), 2)
		z.list(t, stQuery(base, "status", "alles"), 3)
		z.list(t, stQuery(base, "status", "alles", "zaaktype", f.zaaktype), 2)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", g.identificatie), 1)
		z.list(t, stQuery(base, "status", "alles", "datumGeldigheid", "2030-01-01"), 3)
		z.list(t, stQuery(base, "status", "alles", "datumGeldigheid", "2000-01-01"), 0)
	})
}

// TestZtc015_SpecificatieLengte (ztc-015): formaat datum needs lengte 8 (YYYYMMDD), datum_tijd lengte
// 14 (YYYYMMDDhhmmss); tekst and getal lengths are checked as Open Zaak does.
func TestZtc015_SpecificatieLengte(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/eigenschappen"
		for i, c := range []struct {
			formaat, lengte string
			ok              bool
		}{
			{"datum", "8", true}, {"datum", "10", false},
			{"datum_tijd", "14", true}, {"datum_tijd", "8", false},
			{"tekst", "255", true}, {"tekst", "256", false}, {"tekst", "veel", false},
			{"getal", "8,2", true}, {"getal", "8", true}, {"getal", "acht", false},
		} {
			body := map[string]any{"zaaktype": f.zaaktype, "naam": fmt.Sprintf("e%d", i), "definitie": "d",
				"specificatie": map[string]any{"formaat": c.formaat, "lengte": c.lengte, "kardinaliteit": "1"}}
			r := z.do(t, http.MethodPost, base, body)
			if c.ok {
				if r.Status != http.StatusCreated {
					t.Fatalf("%s/%q = %d: %s", c.formaat, c.lengte, r.Status, r.Body)
				}
				continue
			}
			apptest.WantInvalid(t, r, "specificatie.lengte", "invalid")
		}
		// The rule holds on PATCH too.
		u := z.Post(t, base, stEigenschapBody(f.zaaktype, "datum"))["url"].(string)
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, u, map[string]any{"specificatie": map[string]any{"formaat": "datum_tijd", "lengte": "8", "kardinaliteit": "1"}}),
			"specificatie.lengte", "invalid")
		z.list(t, stQuery(base, "status", "alles"), 6)
	})
}
