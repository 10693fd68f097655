package zaken_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestZaakobject_CRUD(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		// Every objectType with its typed objectIdentificatie.
		variants := map[string]map[string]any{
			"adres":                         {"identificatie": "A1", "wplWoonplaatsNaam": "Utrecht", "gorOpenbareRuimteNaam": "Straat", "huisnummer": 1},
			"buurt":                         {"buurtCode": "01", "buurtNaam": "Buurt", "gemGemeenteCode": "0344", "wykWijkCode": "02"},
			"gemeente":                      {"gemeenteNaam": "Utrecht", "gemeenteCode": "0344"},
			"huishouden":                    {"nummer": "12"},
			"kadastrale_onroerende_zaak":    {"kadastraleIdentificatie": "K1", "kadastraleAanduiding": "UTR00 A 1"},
			"medewerker":                    {"identificatie": "mw1"},
			"natuurlijk_persoon":            {"inpBsn": "111222333"},
			"niet_natuurlijk_persoon":       {"innNnpId": "123456789"},
			"organisatorische_eenheid":      {"identificatie": "oe1"},
			"pand":                          {"identificatie": "P1"},
			"vestiging":                     {"vestigingsNummer": "000012345678"},
			"woonplaats":                    {"identificatie": "W1", "woonplaatsNaam": "Utrecht"},
			"woz_waarde":                    {"waardepeildatum": "20240101"},
			"overige":                       {"overigeData": map[string]any{"datum": "2024-05-01"}},
			"gemeentelijke_openbare_ruimte": {"identificatie": "G1", "openbareRuimteNaam": "Plein"},
		}
		var made []string
		for typ, id := range variants {
			body := map[string]any{"zaak": a, "objectType": typ, "objectIdentificatie": id, "relatieomschrijving": typ}
			if typ == "overige" {
				body["objectTypeOverige"] = "boom"
			}
			o := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", body, http.StatusCreated)
			if o["objectType"] != typ || o["objectIdentificatie"] == nil {
				t.Fatalf("%s: %v", typ, o)
			}
			made = append(made, o["url"].(string))
		}
		// objectTypen without identificatie schema refer to their object by URL.
		byURL := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": b, "objectType": "besluit",
			"object": rm.object("b1")}, http.StatusCreated)
		if n := z.lastNotification(t, "zaakobject", b); n.Actie != "create" || n.ResourceURL != byURL["url"] {
			t.Errorf("notification %+v", n)
		}
		if got := z.trail(t, b); !slices.Contains(got, "zaakobject create") {
			t.Errorf("trail %v", got)
		}
		zaak := z.must(t, http.MethodGet, a, nil, http.StatusOK)
		if got := zaak["zaakobjecten"].([]any); len(got) != len(variants) {
			t.Errorf("zaak.zaakobjecten: %d", len(got))
		}
		for q, want := range map[string]int{
			"?zaak=" + a: len(variants), "?zaak=" + b: 1, "?objectType=adres": 1, "?object=" + rm.object("b1"): 1, "?objectType=wijk": 0,
		} {
			if n, _ := z.list(t, "", zrcRoot+"/zaakobjecten"+q); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		// PATCH and PUT change the relatieomschrijving and identificatie; zaak, object and
		// objectType are fixed.
		u := byURL["url"].(string)
		p := z.must(t, http.MethodPatch, u, map[string]any{"relatieomschrijving": "Besluit op de aanvraag"}, http.StatusOK)
		if p["relatieomschrijving"] != "Besluit op de aanvraag" || p["object"] != rm.object("b1") {
			t.Errorf("patch: %v", p)
		}
		if n := z.lastNotification(t, "zaakobject", b); n.Actie != "partial_update" {
			t.Errorf("patch notification %+v", n)
		}
		z.must(t, http.MethodPut, u, map[string]any{"zaak": b, "objectType": "besluit", "object": rm.object("b1"), "relatieomschrijving": "x"}, http.StatusOK)
		z.bad(t, http.MethodPatch, u, map[string]any{"zaak": a}, "zaak", "wijzigen-niet-toegelaten")
		z.bad(t, http.MethodPut, u, map[string]any{"zaak": b, "objectType": "pand", "object": rm.object("b1"), "objectIdentificatie": map[string]any{"identificatie": "P"}},
			"objectType", "wijzigen-niet-toegelaten")
		if g := z.must(t, http.MethodGet, u, nil, http.StatusOK); g["relatieomschrijving"] != "x" {
			t.Errorf("after put: %v", g)
		}
		z.must(t, http.MethodDelete, made[0], nil, http.StatusNoContent)
		z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if n := z.lastNotification(t, "zaakobject", b); n.Actie != "destroy" {
			t.Errorf("destroy notification %+v", n)
		}
		if n, _ := z.list(t, "", zrcRoot+"/zaakobjecten?zaak="+b); n != 0 {
			t.Errorf("after delete: %d", n)
		}
		if c := z.code(t, "", http.MethodGet, u, nil); c != http.StatusNotFound {
			t.Errorf("deleted: %d", c)
		}
	}, rm.allow())
}

func TestZaakobject_Validation(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		u := zrcRoot + "/zaakobjecten"
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "pand"}, "nonFieldErrors", "invalid-zaakobject")
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "overige", "object": rm.object("x")}, "nonFieldErrors", "missing-object-type-overige")
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "pand", "object": rm.object("x"), "objectTypeOverige": "boom"},
			"nonFieldErrors", "invalid-object-type-overige-usage")
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "besluit", "object": rm.srv.URL + "/nergens"}, "object", "bad-url")
		def := map[string]any{"url": rm.object("boomtype"), "schema": ".jsonSchema", "objectData": ".record.data"}
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "overige", "objectTypeOverigeDefinitie": def,
			"objectIdentificatie": map[string]any{"overigeData": map[string]any{}}}, "object", "required")
		if o := z.must(t, http.MethodPost, u, map[string]any{"zaak": a, "objectType": "overige", "objectTypeOverigeDefinitie": def,
			"object": rm.object("boom")}, http.StatusCreated); o["objectTypeOverigeDefinitie"] == nil {
			t.Errorf("definitie: %v", o)
		} else {
			z.must(t, http.MethodDelete, o["url"].(string), nil, http.StatusNoContent)
		}
		z.bad(t, http.MethodPost, u, map[string]any{"zaak": rm.srv.URL + "/zaken/x", "objectType": "besluit", "object": rm.object("x")}, "zaak", "bad-url")
		// The identificatie must have the shape of its objectType.
		r := z.Do(t, apptest.Req{Method: http.MethodPost, URL: u, Token: z.Admin, Header: geo, BadInput: true,
			Body: map[string]any{"zaak": a, "objectType": "adres", "objectIdentificatie": map[string]any{"identificatie": "A1"}}})
		if r.Status != http.StatusBadRequest {
			t.Errorf("adres without huisnummer: %d %s", r.Status, r.Body)
		}
		if n, _ := z.list(t, "", u+"?zaak="+a); n != 0 {
			t.Errorf("a failed request left %d zaakobjecten", n)
		}
	}, rm.allow())
}

// The zaakobjecttype (Catalogi 1.3) must be one of the zaak's zaaktype.
func TestZaakobject_ZaakobjecttypeOfZaaktype(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		zot := map[string]string{}
		mk := func(name string) typ {
			return z.zaaktypeMet(t, "openbaar", func(zt, cat string) {
				zot[name] = z.Post(t, ztcRoot+"/zaakobjecttypen", map[string]any{"zaaktype": zt, "anderObjecttype": false,
					"objecttype": "https://objecttypen.example/boom", "relatieOmschrijving": "Boom", "beginGeldigheid": "2024-01-01", "catalogus": cat})["url"].(string)
			})
		}
		ty, other := mk("eigen"), mk("ander")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		body := func(zot string) map[string]any {
			return map[string]any{"zaak": a, "objectType": "overige", "objectTypeOverige": "boom", "object": rm.object("boom1"), "zaakobjecttype": zot}
		}
		o := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", body(zot["eigen"]), http.StatusCreated)
		if o["zaakobjecttype"] != zot["eigen"] {
			t.Errorf("zaakobjecttype: %v", o)
		}
		// expand=zaakobjecten.zaakobjecttype renders the Catalogi zaakobjecttype.
		exp := z.must(t, http.MethodGet, a+"?expand=zaakobjecten.zaakobjecttype", nil, http.StatusOK)["_expand"].(map[string]any)
		zos := exp["zaakobjecten"].([]any)
		if len(zos) != 1 || zos[0].(map[string]any)["_expand"].(map[string]any)["zaakobjecttype"].(map[string]any)["url"] != zot["eigen"] {
			t.Errorf("expand zaakobjecten.zaakobjecttype: %v", zos)
		}
		z.bad(t, http.MethodPost, zrcRoot+"/zaakobjecten", body(zot["ander"]), "zaakobjecttype", "zaaktype-mismatch")
		z.bad(t, http.MethodPatch, o["url"].(string), map[string]any{"zaakobjecttype": zot["ander"]}, "zaakobjecttype", "zaaktype-mismatch")
		_ = other
	}, rm.allow())
}
