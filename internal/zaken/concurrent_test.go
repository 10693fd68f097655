package zaken_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// Concurrent deletes of one sub-resource: one succeeds, the others find it gone (404), and
// its destroy is announced once.
func TestSubresources_ConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		u := z.must(t, http.MethodPost, zrcRoot+"/rollen", map[string]any{"zaak": a, "betrokkeneType": "medewerker",
			"roltype": ty.roltype["initiator"], "roltoelichting": "Behandelaar",
			"betrokkeneIdentificatie": map[string]any{"identificatie": "mw1"}}, http.StatusCreated)["url"].(string)
		codes := make([]int, 8)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() { codes[i] = z.code(t, "", http.MethodDelete, u, nil) })
		}
		wg.Wait()
		slices.Sort(codes)
		if codes[0] != http.StatusNoContent || codes[1] != http.StatusNotFound || codes[len(codes)-1] != http.StatusNotFound {
			t.Errorf("concurrent deletes answered %v, want one 204 and 404s", codes)
		}
		destroys := 0
		for _, n := range z.notifications(t) {
			if n.ResourceURL == u && n.Actie == "destroy" {
				destroys++
			}
		}
		if destroys != 1 {
			t.Errorf("%d destroy notifications, want 1", destroys)
		}
	})
}

// Concurrent deletes of one zaak: one succeeds, the others find it gone, one destroy.
func TestZaak_ConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		codes := make([]int, 8)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() { codes[i] = z.code(t, "", http.MethodDelete, u, nil) })
		}
		wg.Wait()
		slices.Sort(codes)
		if codes[0] != http.StatusNoContent || codes[1] != http.StatusNotFound {
			t.Errorf("concurrent deletes answered %v, want one 204 and 404s", codes)
		}
		destroys := 0
		for _, n := range z.notifications(t) {
			if n.ResourceURL == u && n.Actie == "destroy" {
				destroys++
			}
		}
		if destroys != 1 {
			t.Errorf("%d destroy notifications, want 1", destroys)
		}
	})
}

// Concurrent PATCHes of different fields of one zaak all keep their change.
func TestZaak_ConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		want := map[string]any{"omschrijving": "Nieuwe omschrijving", "toelichting": "Toelichting", "opdrachtgevendeOrganisatie": "002220647",
			"einddatumGepland": "2024-06-01", "uiterlijkeEinddatumAfdoening": "2024-07-01", "publicatiedatum": "2024-03-15"}
		codes := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for k, v := range want {
			wg.Go(func() {
				c := z.code(t, "", http.MethodPatch, u, map[string]any{k: v})
				mu.Lock()
				codes[k] = c
				mu.Unlock()
			})
		}
		wg.Wait()
		got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
		for k, v := range want {
			if codes[k] != http.StatusOK || got[k] != v {
				t.Errorf("%s: PATCH %d, now %v, want %v", k, codes[k], got[k], v)
			}
		}
	})
}

// Concurrent PATCHes of different fields of one zaakobject (a sub-resource) both keep their
// change.
func TestZaakobject_ConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		for range 3 {
			u := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": a, "objectType": "pand",
				"objectIdentificatie": map[string]any{"identificatie": "P1"}, "relatieomschrijving": "pand"}, http.StatusCreated)["url"].(string)
			want := map[string]any{"relatieomschrijving": "Het pand van de aanvraag", "objectIdentificatie": map[string]any{"identificatie": "P2"}}
			var wg sync.WaitGroup
			for k, v := range want {
				wg.Go(func() {
					if c := z.code(t, "", http.MethodPatch, u, map[string]any{k: v}); c != http.StatusOK {
						t.Errorf("PATCH %s: %d", k, c)
					}
				})
			}
			wg.Wait()
			got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
			if got["relatieomschrijving"] != want["relatieomschrijving"] || got["objectIdentificatie"].(map[string]any)["identificatie"] != "P2" {
				t.Errorf("after concurrent PATCHes: %v, %v", got["relatieomschrijving"], got["objectIdentificatie"])
			}
		}
	})
}
