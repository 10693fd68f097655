package zaken_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// The sub-resources of a zaak share one flow (sub.go): every one answers the same way to a
// path that names nothing, a row under another zaak and a delete, and notifies and audits
// each write on its zaak.
func TestSubresources_SharedFlow(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		var kleur string
		ty := z.zaaktypeMet(t, "openbaar", func(zt, _ string) { kleur = z.eigenschap(t, zt, "kleur") })
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		besluit := rm.resource("/besluiten/api/v1/besluiten/9", map[string]any{"verantwoordelijkeOrganisatie": "002220647",
			"besluittype": "https://catalogi.example/besluittypen/1", "zaak": a})
		subs := []struct {
			resource, collection string
			body                 map[string]any
			deletable            bool
		}{
			{"status", zrcRoot + "/statussen", map[string]any{"zaak": a, "statustype": ty.statustype[0], "datumStatusGezet": "2024-03-01T10:00:00Z"}, false},
			{"resultaat", zrcRoot + "/resultaten", map[string]any{"zaak": a, "resultaattype": ty.resultaat["afgehandeld"]}, true},
			{"rol", zrcRoot + "/rollen", map[string]any{"zaak": a, "betrokkeneType": "medewerker", "roltype": ty.roltype["initiator"],
				"roltoelichting": "Behandelaar", "betrokkeneIdentificatie": map[string]any{"identificatie": "mw1"}}, true},
			{"zaakobject", zrcRoot + "/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand", "object": rm.object("pand")}, true},
			{"klantcontact", zrcRoot + "/klantcontacten", map[string]any{"zaak": a, "datumtijd": "2024-03-01T09:00:00Z"}, false},
			{"zaakverzoek", zrcRoot + "/zaakverzoeken", map[string]any{"zaak": a, "verzoek": rm.object("verzoek")}, true},
			{"zaakcontactmoment", zrcRoot + "/zaakcontactmomenten", map[string]any{"zaak": a, "contactmoment": rm.object("cm")}, true},
			{"zaakeigenschap", a + "/zaakeigenschappen", map[string]any{"zaak": a, "eigenschap": kleur, "waarde": "rood"}, true},
			{"zaakbesluit", a + "/besluiten", map[string]any{"besluit": besluit}, true},
		}
		for _, s := range subs {
			out := z.must(t, http.MethodPost, s.collection, s.body, http.StatusCreated)
			u := out["url"].(string)
			if n := z.lastNotification(t, s.resource, a); n.Actie != "create" || n.ResourceURL != u {
				t.Errorf("%s: notification %+v", s.resource, n)
			}
			if !slices.Contains(z.trail(t, a), s.resource+" create") {
				t.Errorf("%s: no create on the audit trail %v", s.resource, z.trail(t, a))
			}
			if c := z.code(t, "", http.MethodGet, s.collection+"/geen-uuid", nil); c != http.StatusNotFound {
				t.Errorf("%s: GET of a path that is no uuid: %d", s.resource, c)
			}
			if strings.HasPrefix(s.collection, a) {
				// A nested row is found only under its own zaak.
				if c := z.code(t, "", http.MethodGet, strings.Replace(u, a, b, 1), nil); c != http.StatusNotFound {
					t.Errorf("%s: under another zaak: %d", s.resource, c)
				}
			}
			if !s.deletable {
				continue
			}
			z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
			if n := z.lastNotification(t, s.resource, a); n.Actie != "destroy" || n.ResourceURL != u {
				t.Errorf("%s: notification %+v", s.resource, n)
			}
			if c := z.code(t, "", http.MethodDelete, u, nil); c != http.StatusNotFound {
				t.Errorf("%s: second delete: %d", s.resource, c)
			}
		}
	}, rm.allow())
}
