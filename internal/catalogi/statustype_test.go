package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/app/apptest"
)

func TestStatustype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/statustypen"

		r := z.do(t, http.MethodPost, base, map[string]any{
			"zaaktype": f.zaaktype, "omschrijving": "Ontvangen", "volgnummer": 1, "informeren": true,
			"statustekst": "Uw aanvraag is ontvangen.", "doorlooptijd": "P2D",
			"checklistitemStatustype": []map[string]any{{"itemnaam": "Compleet", "vraagstelling": "Is alles er?", "verplicht": true}},
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		st := r.JSON(t)
		u := st["url"].(string)
		if r.Header.Get("Location") != u {
			t.Fatalf("Location %q, url %q", r.Header.Get("Location"), u)
		}
		want := map[string]any{
			"url": u, "omschrijving": "Ontvangen", "omschrijvingGeneriek": "", "statustekst": "Uw aanvraag is ontvangen.",
			"zaaktype": f.zaaktype, "catalogus": f.catalogus, "zaaktypeIdentificatie": f.identificatie,
			"volgnummer": 1.0, "isEindstatus": true, "informeren": true, "doorlooptijd": "P2D", "toelichting": nil,
			"checklistitemStatustype": []any{map[string]any{"itemnaam": "Compleet", "vraagstelling": "Is alles er?", "verplicht": true, "toelichting": nil}},
			"eigenschappen":           []any{}, "beginGeldigheid": stDate, "eindeGeldigheid": nil, "beginObject": stDate, "eindeObject": nil,
		}
		if d := cmp.Diff(want, st); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		if d := cmp.Diff(st, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs from create:\n%s", d)
		}

		// isEindstatus: only the highest volgnummer of the zaaktype.
		tweede := z.Post(t, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Afgehandeld", "volgnummer": 5})
		if tweede["isEindstatus"] != true || z.Get(t, u).JSON(t)["isEindstatus"] != false {
			t.Fatalf("isEindstatus: new %v, old %v", tweede["isEindstatus"], z.Get(t, u).JSON(t)["isEindstatus"])
		}

		// volgnummer is unique within the zaaktype, also on update; another zaaktype may reuse it.
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Dubbel", "volgnummer": 5}), "volgnummer", "unique")
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, u, map[string]any{"volgnummer": 5}), "volgnummer", "unique")
		ander := z.zaaktype(t, f.catalogus, stZaaktypeOpts{})
		z.Post(t, base, map[string]any{"zaaktype": ander, "omschrijving": "Elders", "volgnummer": 5})

		// PATCH changes only what it names; PUT replaces.
		p := z.do(t, http.MethodPatch, u, map[string]any{"toelichting": "Eerste status", "eindeGeldigheid": "2024-12-31"})
		if p.Status != http.StatusOK {
			t.Fatalf("patch = %d: %s", p.Status, p.Body)
		}
		got := p.JSON(t)
		if got["toelichting"] != "Eerste status" || got["statustekst"] != "Uw aanvraag is ontvangen." || got["eindeGeldigheid"] != "2024-12-31" || len(got["checklistitemStatustype"].([]any)) != 1 {
			t.Fatalf("patched: %v", got)
		}
		put := z.do(t, http.MethodPut, u, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Binnen", "volgnummer": 2})
		if put.Status != http.StatusOK {
			t.Fatalf("put = %d: %s", put.Status, put.Body)
		}
		got = put.JSON(t)
		if got["omschrijving"] != "Binnen" || got["toelichting"] != nil || got["statustekst"] != "" || got["eindeGeldigheid"] != nil ||
			len(got["checklistitemStatustype"].([]any)) != 0 || got["volgnummer"] != 2.0 {
			t.Fatalf("put: %v", got)
		}
		if d := cmp.Diff(got, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs from put:\n%s", d)
		}

		// Validity follows the zaaktype; a supplied beginGeldigheid must be the zaaktype's.
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, u, map[string]any{"beginGeldigheid": "2024-02-01"}), "beginGeldigheid", "invalid")
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, u, map[string]any{"eindeGeldigheid": "2023-12-31"}), "eindeGeldigheid", "date-mismatch")
		if r := z.do(t, http.MethodPatch, u, map[string]any{"beginGeldigheid": stDate}); r.Status != http.StatusOK {
			t.Fatalf("patch matching beginGeldigheid = %d: %s", r.Status, r.Body)
		}

		// DELETE, then it is gone.
		if r := z.do(t, http.MethodDelete, u, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d: %s", r.Status, r.Body)
		}
		if r := z.Get(t, u); r.Status != http.StatusNotFound {
			t.Fatalf("after delete = %d", r.Status)
		}
		z.list(t, stQuery(base, "status", "alles", "zaaktype", f.zaaktype), 1)
	})
}

func TestStatustype_List(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		base := stRoot + "/statustypen"
		cat := z.catalogus(t)
		// The old version ends the day before the new one begins.
		oud := z.zaaktype(t, cat, stZaaktypeOpts{identificatie: "VERGUNNING", begin: "2023-01-01"})
		z.end(t, oud, "2023-12-31")
		nieuw := z.zaaktype(t, cat, stZaaktypeOpts{identificatie: "VERGUNNING", begin: "2024-01-01"})
		anders := z.zaaktype(t, cat, stZaaktypeOpts{identificatie: "MELDING", begin: "2023-01-01"})
		for i, zt := range []string{oud, oud, nieuw, anders} {
			z.Post(t, base, map[string]any{"zaaktype": zt, "omschrijving": "Status", "volgnummer": i + 1})
		}
		z.publish(t, oud) // the others stay concept

		z.list(t, base, 2) // default status=definitief: only the published zaaktype's
		z.list(t, stQuery(base, "status", "definitief"), 2)
		z.list(t, stQuery(base, "status", "concept"), 2)
		z.list(t, stQuery(base, "status", "alles"), 4)
		z.list(t, stQuery(base, "status", "alles", "zaaktype", nieuw), 1)
		z.list(t, stQuery(base, "status", "alles", "zaaktype", z.URL+stRoot+"/catalogussen/"+"00000000-0000-4000-8000-000000000000"), 0)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", "VERGUNNING"), 3)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", "VERGUNNING", "datumGeldigheid", "2023-06-01"), 2)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", "VERGUNNING", "datumGeldigheid", "2023-12-31"), 2)
		z.list(t, stQuery(base, "status", "alles", "zaaktypeIdentificatie", "VERGUNNING", "datumGeldigheid", "2024-01-01"), 1)
		z.list(t, stQuery(base, "status", "alles", "datumGeldigheid", "2022-12-31"), 0)
		res := z.list(t, stQuery(base, "status", "alles", "zaaktype", oud), 2)
		if res[0]["volgnummer"] != 1.0 || res[0]["isEindstatus"] != false || res[1]["isEindstatus"] != true || res[1]["eindeGeldigheid"] != "2023-12-31" {
			t.Fatalf("list of the old zaaktype: %v", res)
		}
		z.bad(t, http.MethodGet, stQuery(base, "datumGeldigheid", "gisteren"), nil, "datumGeldigheid", "invalid")
		z.bad(t, http.MethodGet, stQuery(base, "zaaktype", "geen-url"), nil, "zaaktype", "invalid")
		z.bad(t, http.MethodGet, stQuery(base, "page", "0"), nil, "page", "invalid")
	})
}

func TestStatustype_Pagination(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/statustypen"
		for i := 1; i <= 102; i++ {
			z.Post(t, base, map[string]any{"zaaktype": f.zaaktype, "omschrijving": "Status", "volgnummer": i})
		}
		var page struct {
			Count    int              `json:"count"`
			Next     *string          `json:"next"`
			Previous *string          `json:"previous"`
			Results  []map[string]any `json:"results"`
		}
		z.Get(t, stQuery(base, "status", "alles")).Decode(t, &page)
		if page.Count != 102 || len(page.Results) != 100 || page.Next == nil || page.Previous != nil {
			t.Fatalf("page 1: count %d, %d results, next %v", page.Count, len(page.Results), page.Next)
		}
		// Only the last statustype of the zaaktype is the eindstatus, also across pages.
		if page.Results[99]["isEindstatus"] != false {
			t.Fatal("volgnummer 100 is not the eindstatus")
		}
		next := *page.Next
		page.Next, page.Results = nil, nil
		z.Get(t, next).Decode(t, &page)
		if len(page.Results) != 2 || page.Next != nil || page.Previous == nil || page.Results[1]["isEindstatus"] != true {
			t.Fatalf("page 2: %d results, next %v, previous %v", len(page.Results), page.Next, page.Previous)
		}
	})
}
