package zaken_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestRol_BetrokkeneTypen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		rol := func(zaak, typ string, id map[string]any) map[string]any {
			return z.must(t, http.MethodPost, zrcRoot+"/rollen", map[string]any{"zaak": zaak, "betrokkeneType": typ, "roltype": ty.roltype["initiator"],
				"roltoelichting": "Aanvrager", "betrokkeneIdentificatie": id}, http.StatusCreated)
		}
		np := rol(a, "natuurlijk_persoon", map[string]any{"inpBsn": "111222333", "geslachtsnaam": "Jansen",
			"verblijfsadres": map[string]any{"aoaIdentificatie": "A1", "wplWoonplaatsNaam": "Utrecht", "gorOpenbareRuimteNaam": "Straat", "aoaHuisnummer": 1}})
		if np["omschrijving"] != "initiator" || np["omschrijvingGeneriek"] != "initiator" || np["registratiedatum"] == nil {
			t.Fatalf("rol: %v", np)
		}
		rol(b, "niet_natuurlijk_persoon", map[string]any{"innNnpId": "123456789"})
		rol(b, "vestiging", map[string]any{"vestigingsNummer": "000012345678"})
		rol(b, "medewerker", map[string]any{"identificatie": "mw1"})
		rol(b, "organisatorische_eenheid", map[string]any{"identificatie": "oe1"})
		for q, want := range map[string]string{
			"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=111222333":        a,
			"rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__innNnpId=123456789":  b,
			"rol__betrokkeneIdentificatie__vestiging__vestigingsNummer=000012345678":   b,
			"rol__betrokkeneIdentificatie__medewerker__identificatie=mw1":              b,
			"rol__betrokkeneIdentificatie__organisatorischeEenheid__identificatie=oe1": b,
			"rol__betrokkeneType=natuurlijk_persoon":                                   a,
		} {
			n, urls := z.list(t, "", zrcRoot+"/zaken?"+q)
			if n != 1 || urls[0] != want {
				t.Errorf("%s: %d %v", q, n, urls)
			}
		}
		if n, _ := z.list(t, "", zrcRoot+"/rollen?betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=111222333"); n != 1 {
			t.Errorf("rollen by bsn: %d", n)
		}
		if n, _ := z.list(t, "", zrcRoot+"/rollen?zaak="+b); n != 4 {
			t.Errorf("rollen of b: %d", n)
		}
		z.must(t, http.MethodDelete, np["url"].(string), nil, http.StatusNoContent)
		if n, _ := z.list(t, "", zrcRoot+"/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=111222333"); n != 0 {
			t.Errorf("after delete: %d", n)
		}
	})
}

func TestZrc019_RoltypeOfZaaktype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty, other := z.zaaktype(t, "openbaar"), z.zaaktype(t, "openbaar")
		u := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.bad(t, http.MethodPost, zrcRoot+"/rollen", map[string]any{"zaak": u, "betrokkeneType": "medewerker", "roltype": other.roltype["initiator"],
			"roltoelichting": "x", "betrokkeneIdentificatie": map[string]any{"identificatie": "mw1"}}, "nonFieldErrors", "zaaktype-mismatch")
	})
}
