package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/app/apptest"
)

func TestRoltype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/roltypen"

		r := z.do(t, http.MethodPost, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Aanvrager", "omschrijvingGeneriek": "initiator"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		rt := r.JSON(t)
		u := rt["url"].(string)
		want := map[string]any{
			"url": u, "zaaktype": f.zaaktype, "zaaktypeIdentificatie": f.identificatie, "omschrijving": "Aanvrager",
			"omschrijvingGeneriek": "initiator", "catalogus": f.catalogus, "beginGeldigheid": stDate,
			"eindeGeldigheid": nil, "beginObject": stDate, "eindeObject": nil,
		}
		if d := cmp.Diff(want, rt); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		if d := cmp.Diff(rt, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs:\n%s", d)
		}

		// catalogus may be sent, but only as the zaaktype's own (ztc-013).
		z.Post(t, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Behandelaar", "omschrijvingGeneriek": "behandelaar", "catalogus": f.catalogus})
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "X", "omschrijvingGeneriek": "adviseur",
			"catalogus": z.URL + stRoot + "/catalogussen/00000000-0000-4000-8000-000000000000"}), "catalogus", "bad-url")

		p := z.do(t, http.MethodPatch, u, map[string]any{"omschrijving": "Melder"})
		if p.Status != http.StatusOK || p.JSON(t)["omschrijving"] != "Melder" || p.JSON(t)["omschrijvingGeneriek"] != "initiator" {
			t.Fatalf("patch = %d: %s", p.Status, p.Body)
		}
		put := z.do(t, http.MethodPut, u, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Adviseur", "omschrijvingGeneriek": "adviseur"})
		if put.Status != http.StatusOK || put.JSON(t)["omschrijvingGeneriek"] != "adviseur" {
			t.Fatalf("put = %d: %s", put.Status, put.Body)
		}
		z.bad(t, http.MethodPatch, u, map[string]any{"omschrijvingGeneriek": "baas"}, "omschrijvingGeneriek", "invalid_choice")

		// Moving it to another concept zaaktype of the same catalogus is a PATCH too.
		ander := z.zaaktype(t, f.catalogus, stZaaktypeOpts{})
		if r := z.do(t, http.MethodPatch, u, map[string]any{"zaaktype": ander}); r.Status != http.StatusOK || r.JSON(t)["zaaktype"] != ander {
			t.Fatalf("move = %d: %s", r.Status, r.Body)
		}

		if r := z.do(t, http.MethodDelete, u, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d: %s", r.Status, r.Body)
		}
		if r := z.Get(t, u); r.Status != http.StatusNotFound {
			t.Fatalf("after delete = %d", r.Status)
		}
	})
}

func TestRoltype_List(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		base := stRoot + "/roltypen"
		f := z.family(t)
		g := z.family(t)
		for _, x := range []struct{ zt, generiek string }{{f.zaaktype, "initiator"}, {f.zaaktype, "behandelaar"}, {g.zaaktype, "initiator"}} {
			z.Post(t, base, map[string]any{"zaaktype": x.zt, "omschrijving": x.generiek, "omschrijvingGeneriek": x.generiek})
		}
		z.publish(t, g.zaaktype)
		z.list(t, base, 1)
		z.list(t, stQuery(base, "status", "concept"), 2)
		z.list(t, stQuery(base, "status", "alles"), 3)
		z.list(t, stQuery(base, "status", "alles", "omschrijvingGeneriek", "initiator"), 2)
		z.list(t, stQuery(base, "status", "alles", "omschrijvingGeneriek", "initiator", "zaaktype", f.zaaktype), 1)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", f.identificatie), 2)
		z.list(t, stQuery(base, "status", "alles", "datumGeldigheid", stDate), 3)
		z.list(t, stQuery(base, "status", "alles", "datumGeldigheid", "2023-12-31"), 0)
		z.bad(t, http.MethodGet, stQuery(base, "omschrijvingGeneriek", "baas"), nil, "omschrijvingGeneriek", "invalid_choice")
	})
}
