package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// zrc-006 for the relations of a zaak: lists show (and count) only those of zaken the client
// may read, details of others are 403, writes need the scope on the zaak's zaaktype.
func TestZrc006_Relaties(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		A, B := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		a := z.zaak(t, A.zaaktype, nil)["url"].(string)
		b := z.zaak(t, B.zaaktype, nil)["url"].(string)
		geheim := z.zaak(t, A.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "geheim"})["url"].(string)
		objecten := map[string]string{}
		for _, zaak := range []string{a, b, geheim} {
			objecten[zaak] = z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": zaak, "objectType": "pand",
				"object": rm.object("pand")}, http.StatusCreated)["url"].(string)
			z.must(t, http.MethodPost, zrcRoot+"/zaakverzoeken", map[string]any{"zaak": zaak, "verzoek": rm.object("verzoek")}, http.StatusCreated)
			z.must(t, http.MethodPost, zrcRoot+"/klantcontacten", map[string]any{"zaak": zaak, "datumtijd": "2024-03-01T09:00:00Z"}, http.StatusCreated)
		}
		lezer := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.lezen"))
		if n, urls := z.list(t, lezer, zrcRoot+"/zaakobjecten"); n != 1 || urls[0] != objecten[a] {
			t.Errorf("zaakobjecten: %d %v", n, urls)
		}
		if n, _ := z.list(t, lezer, zrcRoot+"/klantcontacten"); n != 1 {
			t.Errorf("klantcontacten: %d", n)
		}
		var list []map[string]any
		z.do(t, lezer, http.MethodGet, zrcRoot+"/zaakverzoeken", nil).Decode(t, &list)
		if len(list) != 1 || list[0]["zaak"] != a {
			t.Errorf("zaakverzoeken: %v", list)
		}
		for _, u := range []string{objecten[b], objecten[geheim], b + "/besluiten", b + "/zaakeigenschappen"} {
			if c := z.code(t, lezer, http.MethodGet, u, nil); c != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", u, c)
			}
		}
		if c := z.code(t, lezer, http.MethodGet, objecten[a], nil); c != http.StatusOK {
			t.Errorf("GET own: %d", c)
		}
		pand := func(zaak string) map[string]any {
			return map[string]any{"zaak": zaak, "objectType": "pand", "object": rm.object("pand")}
		}
		if c := z.code(t, lezer, http.MethodPost, zrcRoot+"/zaakobjecten", pand(a)); c != http.StatusForbidden {
			t.Errorf("create as lezer: %d", c)
		}
		schrijver := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.lezen", "zaken.bijwerken"))
		if c := z.code(t, schrijver, http.MethodPost, zrcRoot+"/zaakobjecten", pand(b)); c != http.StatusForbidden {
			t.Errorf("create on another zaaktype: %d", c)
		}
		if c := z.code(t, schrijver, http.MethodPatch, objecten[geheim], map[string]any{"relatieomschrijving": "x"}); c != http.StatusForbidden {
			t.Errorf("patch above max vertrouwelijkheid: %d", c)
		}
		if c := z.code(t, schrijver, http.MethodPost, zrcRoot+"/zaakobjecten", pand(a)); c != http.StatusCreated {
			t.Errorf("create as schrijver: %d", c)
		}
		// The OAS lets zaken.aanmaken add zaakobjecten, and zaken.verwijderen delete them.
		aanmaker := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.aanmaken"))
		if c := z.code(t, aanmaker, http.MethodPost, zrcRoot+"/zaakobjecten", pand(a)); c != http.StatusCreated {
			t.Errorf("create as aanmaker: %d", c)
		}
		if c := z.code(t, aanmaker, http.MethodPost, zrcRoot+"/zaakverzoeken", map[string]any{"zaak": a, "verzoek": rm.object("v")}); c != http.StatusForbidden {
			t.Errorf("zaakverzoek as aanmaker: %d", c)
		}
		verwijderaar := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.verwijderen"))
		if c := z.code(t, verwijderaar, http.MethodDelete, objecten[b], nil); c != http.StatusForbidden {
			t.Errorf("delete on another zaaktype: %d", c)
		}
		if c := z.code(t, verwijderaar, http.MethodDelete, objecten[a], nil); c != http.StatusNoContent {
			t.Errorf("delete as verwijderaar: %d", c)
		}
	}, rm.allow())
}

// zrc-007: once the zaak is closed, its relations change only with
// zaken.geforceerd-bijwerken.
func TestZrc007_GeslotenZaakRelaties(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		A := z.zaaktype(t, "openbaar")
		a := z.zaak(t, A.zaaktype, nil)["url"].(string)
		obj := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand",
			"object": rm.object("pand")}, http.StatusCreated)["url"].(string)
		z.resultaat(t, a, A.resultaat["afgehandeld"])
		z.status(t, a, A.statustype[1], "2024-04-01T10:00:00Z")
		bijwerker := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.lezen", "zaken.bijwerken", "zaken.aanmaken", "zaken.verwijderen"))
		forceer := z.client(t, zrc(A.zaaktype, "openbaar", "zaken.lezen", "zaken.geforceerd-bijwerken"))
		besluit := rm.resource("/besluiten/api/v1/besluiten/1", map[string]any{"verantwoordelijkeOrganisatie": "002220647", "besluittype": "https://x.example/bt"})
		writes := []struct {
			method, url string
			body        any
			ok          int
		}{
			{http.MethodPost, zrcRoot + "/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand", "object": rm.object("p2")}, http.StatusCreated},
			{http.MethodPatch, obj, map[string]any{"relatieomschrijving": "Gecorrigeerd"}, http.StatusOK},
			{http.MethodPost, zrcRoot + "/klantcontacten", map[string]any{"zaak": a, "datumtijd": "2024-03-01T09:00:00Z"}, http.StatusCreated},
			{http.MethodPost, zrcRoot + "/zaakcontactmomenten", map[string]any{"zaak": a, "contactmoment": rm.object("cm")}, http.StatusCreated},
			{http.MethodPost, a + "/besluiten", map[string]any{"besluit": besluit}, http.StatusCreated},
			{http.MethodDelete, obj, nil, http.StatusNoContent},
		}
		for _, w := range writes {
			if c := z.code(t, bijwerker, w.method, w.url, w.body); c != http.StatusForbidden {
				t.Errorf("%s %s on a closed zaak without geforceerd-bijwerken: %d", w.method, w.url, c)
			}
		}
		for _, w := range writes {
			if c := z.code(t, forceer, w.method, w.url, w.body); c != w.ok {
				t.Errorf("%s %s with geforceerd-bijwerken: %d, want %d", w.method, w.url, c, w.ok)
			}
		}
	}, rm.allow())
}

// zrc-023: deleting a zaak deletes its relations.
func TestZrc023_RelatiesMetZaakVerwijderd(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		var kleur string
		ty := z.zaaktypeMet(t, "openbaar", func(zt, _ string) { kleur = z.eigenschap(t, zt, "kleur") })
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		urls := []string{
			z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand", "object": rm.object("p")}, http.StatusCreated)["url"].(string),
			z.must(t, http.MethodPost, a+"/zaakeigenschappen", map[string]any{"zaak": a, "eigenschap": kleur, "waarde": "rood"}, http.StatusCreated)["url"].(string),
			z.must(t, http.MethodPost, zrcRoot+"/zaakverzoeken", map[string]any{"zaak": a, "verzoek": rm.object("v")}, http.StatusCreated)["url"].(string),
			z.must(t, http.MethodPost, zrcRoot+"/zaakcontactmomenten", map[string]any{"zaak": a, "contactmoment": rm.object("c")}, http.StatusCreated)["url"].(string),
			z.must(t, http.MethodPost, zrcRoot+"/klantcontacten", map[string]any{"zaak": a, "datumtijd": "2024-03-01T09:00:00Z"}, http.StatusCreated)["url"].(string),
		}
		z.must(t, http.MethodDelete, a, nil, http.StatusNoContent)
		for _, u := range urls {
			if c := z.code(t, "", http.MethodGet, u, nil); c != http.StatusNotFound {
				t.Errorf("GET %s after the zaak was deleted: %d", u, c)
			}
		}
		if n, _ := z.list(t, "", zrcRoot+"/klantcontacten"); n != 0 {
			t.Errorf("klantcontacten left: %d", n)
		}
	}, rm.allow())
}
