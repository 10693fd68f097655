package zaken_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestKlantcontact(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		kc := z.must(t, http.MethodPost, zrcRoot+"/klantcontacten", map[string]any{"zaak": a, "identificatie": "KC-1",
			"datumtijd": "2024-03-01T09:00:00Z", "kanaal": "telefoon", "onderwerp": "Vraag"}, http.StatusCreated)
		if kc["kanaal"] != "telefoon" || kc["zaak"] != a {
			t.Errorf("klantcontact: %v", kc)
		}
		if n := z.lastNotification(t, "klantcontact", a); n.Actie != "create" {
			t.Errorf("notification %+v", n)
		}
		if got := z.must(t, http.MethodGet, kc["url"].(string), nil, http.StatusOK); got["onderwerp"] != "Vraag" {
			t.Errorf("read: %v", got)
		}
		if n, _ := z.list(t, "", zrcRoot+"/klantcontacten?zaak="+a); n != 1 {
			t.Errorf("list a: %d", n)
		}
		if n, _ := z.list(t, "", zrcRoot+"/klantcontacten?zaak="+b); n != 0 {
			t.Errorf("list b: %d", n)
		}
		z.bad(t, http.MethodPost, zrcRoot+"/klantcontacten", map[string]any{"zaak": a, "datumtijd": "gisteren"}, "datumtijd", "invalid")
	})
}

// zrc-024 / zrc-025: zaakverzoeken and zaakcontactmomenten are plain relations to a URL that
// must resolve; no Verzoeken or Contactmomenten API is configured to mirror into.
func TestZrc024_Zrc025_ZaakverzoekEnZaakcontactmoment(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		for _, c := range []struct{ collection, resource, field string }{
			{"zaakverzoeken", "zaakverzoek", "verzoek"}, {"zaakcontactmomenten", "zaakcontactmoment", "contactmoment"},
		} {
			base := zrcRoot + "/" + c.collection
			ref := rm.object(c.field + "1")
			rel := z.must(t, http.MethodPost, base, map[string]any{"zaak": a, c.field: ref}, http.StatusCreated)
			if rel[c.field] != ref || rel["zaak"] != a {
				t.Errorf("%s: %v", c.resource, rel)
			}
			if n := z.lastNotification(t, c.resource, a); n.Actie != "create" {
				t.Errorf("notification %+v", n)
			}
			z.bad(t, http.MethodPost, base, map[string]any{"zaak": a, c.field: rm.srv.URL + "/weg"}, c.field, "bad-url")
			for q, want := range map[string]int{"": 1, "?zaak=" + a: 1, "?zaak=" + b: 0, "?" + c.field + "=" + ref: 1} {
				var list []map[string]any
				z.do(t, "", http.MethodGet, base+q, nil).Decode(t, &list)
				if len(list) != want {
					t.Errorf("%s %s: %d, want %d", c.collection, q, len(list), want)
				}
			}
			u := rel["url"].(string)
			if got := z.must(t, http.MethodGet, u, nil, http.StatusOK); got["url"] != u {
				t.Errorf("read: %v", got)
			}
			z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
			if got := z.trail(t, a); !slices.Contains(got, c.resource+" destroy") {
				t.Errorf("trail %v", got)
			}
			if code := z.code(t, "", http.MethodGet, u, nil); code != http.StatusNotFound {
				t.Errorf("deleted: %d", code)
			}
		}
	}, rm.allow())
}

func TestZaakbesluit(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		besluit := rm.resource("/besluiten/api/v1/besluiten/1", map[string]any{"verantwoordelijkeOrganisatie": "002220647",
			"besluittype": "https://catalogi.example/besluittypen/1", "zaak": a})
		zb := z.must(t, http.MethodPost, a+"/besluiten", map[string]any{"besluit": besluit}, http.StatusCreated)
		u := zb["url"].(string)
		if zb["besluit"] != besluit || u != a+"/besluiten/"+zb["uuid"].(string) {
			t.Errorf("zaakbesluit: %v", zb)
		}
		if n := z.lastNotification(t, "zaakbesluit", a); n.Actie != "create" {
			t.Errorf("notification %+v", n)
		}
		z.bad(t, http.MethodPost, a+"/besluiten", map[string]any{"besluit": besluit}, "nonFieldErrors", "unique")
		z.bad(t, http.MethodPost, a+"/besluiten", map[string]any{"besluit": rm.object("geen-besluit")}, "besluit", "invalid-resource")
		var list []map[string]any
		z.do(t, "", http.MethodGet, a+"/besluiten", nil).Decode(t, &list)
		if len(list) != 1 || list[0]["url"] != u {
			t.Errorf("list: %v", list)
		}
		z.do(t, "", http.MethodGet, b+"/besluiten", nil).Decode(t, &list)
		if len(list) != 0 {
			t.Errorf("list b: %v", list)
		}
		if code := z.code(t, "", http.MethodGet, b+"/besluiten/"+zb["uuid"].(string), nil); code != http.StatusNotFound {
			t.Errorf("under another zaak: %d", code)
		}
		z.must(t, http.MethodGet, u, nil, http.StatusOK)
		z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if code := z.code(t, "", http.MethodGet, u, nil); code != http.StatusNotFound {
			t.Errorf("deleted: %d", code)
		}
	}, rm.allow())
}
