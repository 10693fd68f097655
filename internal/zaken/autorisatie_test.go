package zaken_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// TestZrc006_AutorisatieMatrix: clients with different zaaktypen and maximum
// vertrouwelijkheid see, count, read, expand, search and audit exactly the zaken they may.
func TestZrc006_AutorisatieMatrix(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		a, b := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		aOpen := z.zaak(t, a.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "openbaar"})["url"].(string)
		aGeheim := z.zaak(t, a.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "geheim", "hoofdzaak": aOpen})["url"].(string)
		bOpen := z.zaak(t, b.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "openbaar", "hoofdzaak": nil})["url"].(string)
		all := []string{aOpen, aGeheim, bOpen}
		cases := []struct {
			name    string
			token   string
			visible []string
			audit   bool
		}{
			{"admin", e.Admin, all, true},
			{"a up to intern", z.client(t, zrc(a.zaaktype, "intern", "zaken.lezen")), []string{aOpen}, false},
			{"a up to zeer_geheim", z.client(t, zrc(a.zaaktype, "zeer_geheim", "zaken.lezen", "audittrails.lezen")), []string{aOpen, aGeheim}, true},
			{"a and b openbaar", z.client(t, zrc(a.zaaktype, "openbaar", "zaken.lezen"), zrc(b.zaaktype, "openbaar", "zaken.lezen")), []string{aOpen, bOpen}, false},
			{"b without lezen", z.client(t, zrc(b.zaaktype, "zeer_geheim", "zaken.aanmaken")), nil, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.visible == nil {
					if r := z.do(t, c.token, http.MethodGet, zrcRoot+"/zaken", nil); r.Status != http.StatusForbidden {
						t.Errorf("list without zaken.lezen = %d", r.Status)
					}
				} else if n, urls := z.list(t, c.token, zrcRoot+"/zaken"); n != len(c.visible) || len(urls) != len(c.visible) {
					t.Errorf("list: count %d, %v; want %v", n, urls, c.visible)
				}
				r := z.do(t, c.token, http.MethodPost, zrcRoot+"/zaken/_zoek", map[string]any{"zaaktype__in": []string{a.zaaktype, b.zaaktype}})
				var page struct {
					Count int `json:"count"`
				}
				if c.visible == nil {
					if r.Status != http.StatusForbidden {
						t.Errorf("_zoek without zaken.lezen = %d", r.Status)
					}
				} else if r.Decode(t, &page); page.Count != len(c.visible) {
					t.Errorf("_zoek count %d, want %d", page.Count, len(c.visible))
				}
				for _, u := range all {
					want := http.StatusForbidden
					if slices.Contains(c.visible, u) {
						want = http.StatusOK
					}
					if r := z.do(t, c.token, http.MethodGet, u, nil); r.Status != want {
						t.Errorf("GET %s = %d, want %d", u, r.Status, want)
					}
					want = http.StatusForbidden
					if c.audit && slices.Contains(c.visible, u) {
						want = http.StatusOK
					}
					if r := z.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/audittrail", Token: c.token}); r.Status != want {
						t.Errorf("audittrail %s = %d, want %d", u, r.Status, want)
					}
				}
				if !slices.Contains(c.visible, aOpen) {
					return
				}
				// expand: the geheime deelzaak only for those who may read it.
				got := z.do(t, c.token, http.MethodGet, aOpen+"?expand=deelzaken,zaaktype", nil).JSON(t)
				deel := got["_expand"].(map[string]any)["deelzaken"].([]any)
				if want := slices.Contains(c.visible, aGeheim); (len(deel) == 1) != want {
					t.Errorf("expanded deelzaken %d, want visible=%v", len(deel), want)
				}
			})
		}
		// Creating needs zaken.aanmaken on the zaaktype, up to its vertrouwelijkheid.
		maker := z.client(t, zrc(a.zaaktype, "intern", "zaken.aanmaken", "zaken.lezen"))
		if r := z.do(t, maker, http.MethodPost, zrcRoot+"/zaken", zaakBody(b.zaaktype, nil)); r.Status != http.StatusForbidden {
			t.Errorf("create of another zaaktype = %d", r.Status)
		}
		if r := z.do(t, maker, http.MethodPost, zrcRoot+"/zaken", zaakBody(a.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "geheim"})); r.Status != http.StatusForbidden {
			t.Errorf("create above max = %d", r.Status)
		}
		if r := z.do(t, maker, http.MethodPost, zrcRoot+"/zaken", zaakBody(a.zaaktype, nil)); r.Status != http.StatusCreated {
			t.Errorf("create = %d: %s", r.Status, r.Body)
		}
	})
}
