package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// send is apptest.Send with the admin token and the geo headers.
func (z *zt) send(t testing.TB) apptest.Send {
	return func(method, u string, body any) *apptest.Resp { return z.do(t, "", method, u, body) }
}

// Concurrent deletes of one sub-resource and of one zaak: each is deleted and announced once.
func TestConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		rol := z.must(t, http.MethodPost, zrcRoot+"/rollen", map[string]any{"zaak": a, "betrokkeneType": "medewerker",
			"roltype": ty.roltype["initiator"], "roltoelichting": "Behandelaar",
			"betrokkeneIdentificatie": map[string]any{"identificatie": "mw1"}}, http.StatusCreated)["url"].(string)
		e.DeleteAtOnce(t, rol, 8, z.send(t))
		e.DeleteAtOnce(t, a, 8, z.send(t))
	})
}

// Concurrent PATCHes of different fields of one zaak, and of one zaakobject (a
// sub-resource), all keep their change.
func TestConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		for range 3 {
			a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
			e.PatchAtOnce(t, a, map[string]any{"omschrijving": "Nieuwe omschrijving", "toelichting": "Toelichting",
				"opdrachtgevendeOrganisatie": "002220647", "einddatumGepland": "2024-06-01",
				"uiterlijkeEinddatumAfdoening": "2024-07-01", "publicatiedatum": "2024-03-15"}, z.send(t))
			o := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand",
				"objectIdentificatie": map[string]any{"identificatie": "P1"}, "relatieomschrijving": "pand"}, http.StatusCreated)["url"].(string)
			e.PatchAtOnce(t, o, map[string]any{"relatieomschrijving": "Het pand van de aanvraag",
				"objectIdentificatie": map[string]any{"identificatie": "P2"}}, z.send(t))
		}
	})
}
