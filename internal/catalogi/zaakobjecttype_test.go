package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/app/apptest"
)

const (
	stBoom = "https://objecttypen.example/api/v2/objecttypes/boom"
	stLamp = "https://objecttypen.example/api/v2/objecttypes/lamp"
)

func stZaakobjecttypeBody(f stFamily, objecttype, relatie string, ander bool) map[string]any {
	return map[string]any{"zaaktype": f.zaaktype, "catalogus": f.catalogus, "anderObjecttype": ander,
		"beginGeldigheid": stDate, "objecttype": objecttype, "relatieOmschrijving": relatie}
}

func TestZaakobjecttype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/zaakobjecttypen"

		r := z.do(t, http.MethodPost, base, stZaakobjecttypeBody(f, stBoom, "Te kappen boom", true))
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		zot := r.JSON(t)
		u := zot["url"].(string)
		want := map[string]any{
			"url": u, "anderObjecttype": true, "beginGeldigheid": stDate, "eindeGeldigheid": nil,
			"beginObject": stDate, "eindeObject": nil, "objecttype": stBoom, "relatieOmschrijving": "Te kappen boom",
			"zaaktype": f.zaaktype, "zaaktypeIdentificatie": f.identificatie, "resultaattypen": []any{}, "statustypen": []any{},
			"catalogus": f.catalogus,
		}
		if d := cmp.Diff(want, zot); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		if d := cmp.Diff(zot, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs:\n%s", d)
		}

		// beginGeldigheid and catalogus are the zaaktype's.
		other := z.catalogus(t)
		wrongCat := stZaakobjecttypeBody(f, stBoom, "x", false)
		wrongCat["catalogus"] = other
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, wrongCat), "nonFieldErrors", "relations-incorrect-catalogus")
		wrongBegin := stZaakobjecttypeBody(f, stBoom, "x", false)
		wrongBegin["beginGeldigheid"] = "2024-05-01"
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, wrongBegin), "beginGeldigheid", "invalid")
		z.bad(t, http.MethodPost, base, map[string]any{"zaaktype": f.zaaktype}, "objecttype", "required")

		p := z.do(t, http.MethodPatch, u, map[string]any{"relatieOmschrijving": "Boom", "eindeGeldigheid": "2025-01-01"})
		if p.Status != http.StatusOK || p.JSON(t)["relatieOmschrijving"] != "Boom" || p.JSON(t)["anderObjecttype"] != true || p.JSON(t)["eindeObject"] != "2025-01-01" {
			t.Fatalf("patch = %d: %s", p.Status, p.Body)
		}
		put := z.do(t, http.MethodPut, u, stZaakobjecttypeBody(f, stLamp, "Lamp", false))
		if put.Status != http.StatusOK || put.JSON(t)["objecttype"] != stLamp || put.JSON(t)["eindeGeldigheid"] != nil {
			t.Fatalf("put = %d: %s", put.Status, put.Body)
		}
		if r := z.do(t, http.MethodDelete, u, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d: %s", r.Status, r.Body)
		}
		if r := z.Get(t, u); r.Status != http.StatusNotFound {
			t.Fatalf("after delete = %d", r.Status)
		}
	})
}

func TestZaakobjecttype_List(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		base := stRoot + "/zaakobjecttypen"
		f := z.family(t)
		cat2 := z.catalogus(t)
		g := stFamily{catalogus: cat2, identificatie: "KAP", procestype: z.procestype(t)}
		g.zaaktype = z.zaaktype(t, cat2, stZaaktypeOpts{identificatie: "KAP", begin: "2023-03-01", procestype: g.procestype})
		z.end(t, g.zaaktype, "2023-12-31")
		z.Post(t, base, stZaakobjecttypeBody(f, stBoom, "Boom", true))
		z.Post(t, base, stZaakobjecttypeBody(f, stLamp, "Lamp", false))
		gb := stZaakobjecttypeBody(g, stBoom, "Boom", false)
		gb["beginGeldigheid"] = "2023-03-01"
		z.Post(t, base, gb)

		z.list(t, base, 3) // no status filter here: concept versions show
		z.list(t, stQuery(base, "anderObjecttype", "true"), 1)
		z.list(t, stQuery(base, "anderObjecttype", "false"), 2)
		z.list(t, stQuery(base, "catalogus", cat2), 1)
		z.list(t, stQuery(base, "catalogus", f.catalogus), 2)
		z.list(t, stQuery(base, "objecttype", stBoom), 2)
		z.list(t, stQuery(base, "relatieOmschrijving", "Lamp"), 1)
		z.list(t, stQuery(base, "zaaktype", f.zaaktype), 2)
		z.list(t, stQuery(base, "zaaktypeIdentificatie", "KAP"), 1)
		z.list(t, stQuery(base, "datumBeginGeldigheid", "2023-03-01"), 1)
		z.list(t, stQuery(base, "datumEindeGeldigheid", "2023-12-31"), 1)
		z.list(t, stQuery(base, "datumGeldigheid", "2023-06-01"), 1)
		z.list(t, stQuery(base, "datumGeldigheid", "2024-06-01"), 2)
		z.list(t, stQuery(base, "objecttype", stBoom, "datumGeldigheid", "2024-06-01"), 1)
		z.bad(t, http.MethodGet, stQuery(base, "anderObjecttype", "soms"), nil, "anderObjecttype", "invalid")
		z.bad(t, http.MethodGet, stQuery(base, "datumBeginGeldigheid", "1-1-2024"), nil, "datumBeginGeldigheid", "invalid")
		z.bad(t, http.MethodGet, stQuery(base, "catalogus", "geen url"), nil, "catalogus", "invalid")
		z.bad(t, http.MethodGet, stQuery(base, "status", "alles"), nil, "nonFieldErrors", "unknown-parameters")
	})
}
