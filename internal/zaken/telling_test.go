package zaken_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// The count of GET /zaken filtered only by zaaktype, maximaleVertrouwelijkheidaanduiding and
// the autorisaties comes from zaak_telling (00013). It must stay exact through creates,
// changes of vertrouwelijkheid and deletes, and equal the count of the same list counted
// from the zaken themselves (any other filter, here bronorganisatie, counts them).
func TestZaakTellingExact(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		a, b := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		var zaken []string
		for i, v := range []string{"openbaar", "intern", "geheim", "openbaar", "vertrouwelijk"} {
			ty := a
			if i == 3 {
				ty = b
			}
			zaken = append(zaken, z.zaak(t, ty.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": v})["url"].(string))
		}
		client := z.client(t, zrc(a.zaaktype, "intern", "zaken.lezen"), zrc(b.zaaktype, "zeer_geheim", "zaken.lezen"))
		check := func(token, query string, want int) {
			t.Helper()
			n, _ := z.list(t, token, zrcRoot+"/zaken"+query)
			sep := "?"
			if query != "" {
				sep = "&"
			}
			m, _ := z.list(t, token, zrcRoot+"/zaken"+query+sep+"bronorganisatie=002220647")
			if n != want || m != want {
				t.Errorf("count of %q: %d (by zaken %d), want %d", query, n, m, want)
			}
		}
		za := "?zaaktype=" + url.QueryEscape(a.zaaktype)
		check("", "", 5)
		check("", za, 4)
		check("", za+"&maximaleVertrouwelijkheidaanduiding=intern", 2)
		check(client, "", 3)
		check(client, za, 2)
		// Changing the vertrouwelijkheid moves the zaak between counts.
		z.must(t, http.MethodPatch, zaken[0], map[string]any{"vertrouwelijkheidaanduiding": "geheim"}, http.StatusOK)
		check(client, "", 2)
		check("", za+"&maximaleVertrouwelijkheidaanduiding=intern", 1)
		z.must(t, http.MethodPatch, zaken[2], map[string]any{"vertrouwelijkheidaanduiding": "beperkt_openbaar"}, http.StatusOK)
		check(client, za, 2)
		// A deleted zaak is no longer counted.
		z.must(t, http.MethodDelete, zaken[1], nil, http.StatusNoContent)
		check("", "", 4)
		check(client, "", 2)
	})
}
