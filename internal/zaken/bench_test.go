package zaken_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// benchEnv starts Meent with one published zaaktype and n zaken.
func benchEnv(b *testing.B, postgres bool, n int) (*zt, typ) {
	b.Helper()
	e := apptest.MustStart(b, postgres)
	z := newZT(e)
	ty := z.zaaktype(b, "openbaar")
	for i := range n {
		r := z.Do(b, apptest.Req{Method: http.MethodPost, URL: zrcRoot + "/zaken", Token: e.Admin, Header: geo,
			Body: zaakBody(ty.zaaktype, map[string]any{"startdatum": fmt.Sprintf("2024-%02d-01", i%12+1)})})
		if r.Status != http.StatusCreated {
			b.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	return z, ty
}

func benchDialects(b *testing.B, f func(b *testing.B, postgres bool)) {
	b.Run("sqlite", func(b *testing.B) { f(b, false) })
	b.Run("postgres", func(b *testing.B) { f(b, true) })
}

func BenchmarkZaakCreate(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		z, ty := benchEnv(b, postgres, 0)
		body := zaakBody(ty.zaaktype, nil)
		b.ResetTimer()
		for b.Loop() {
			if r := z.Do(b, apptest.Req{Method: http.MethodPost, URL: zrcRoot + "/zaken", Token: z.Admin, Header: geo, Body: body}); r.Status != http.StatusCreated {
				b.Fatalf("create: %d", r.Status)
			}
		}
	})
}

func BenchmarkZakenListByZaaktype(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		z, ty := benchEnv(b, postgres, 2000)
		u := zrcRoot + "/zaken?zaaktype=" + ty.zaaktype
		b.ResetTimer()
		for b.Loop() {
			if r := z.Do(b, apptest.Req{Method: http.MethodGet, URL: u, Token: z.Admin, Header: geo}); r.Status != http.StatusOK {
				b.Fatalf("list: %d", r.Status)
			}
		}
	})
}

// BenchmarkRol measures the flow the sub-resources share (sub.go) on rollen: create, a
// zaak's page of 100 rollen and a detail.
func BenchmarkRol(b *testing.B) {
	benchDialects(b, func(b *testing.B, postgres bool) {
		z, ty := benchEnv(b, postgres, 0)
		rol := func(zaak string) map[string]any {
			return map[string]any{"zaak": zaak, "betrokkeneType": "medewerker", "roltype": ty.roltype["initiator"],
				"roltoelichting": "Behandelaar", "betrokkeneIdentificatie": map[string]any{"identificatie": "mw1"}}
		}
		vol := z.zaak(b, ty.zaaktype, nil)["url"].(string)
		var u string
		for range 100 {
			u = z.must(b, http.MethodPost, zrcRoot+"/rollen", rol(vol), http.StatusCreated)["url"].(string)
		}
		body := rol(z.zaak(b, ty.zaaktype, nil)["url"].(string))
		b.Run("create", func(b *testing.B) {
			for b.Loop() {
				z.must(b, http.MethodPost, zrcRoot+"/rollen", body, http.StatusCreated)
			}
		})
		b.Run("list", func(b *testing.B) {
			for b.Loop() {
				z.must(b, http.MethodGet, zrcRoot+"/rollen?zaak="+vol, nil, http.StatusOK)
			}
		})
		b.Run("retrieve", func(b *testing.B) {
			for b.Loop() {
				z.must(b, http.MethodGet, u, nil, http.StatusOK)
			}
		})
	})
}
