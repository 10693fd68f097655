package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/app/apptest"
)

func TestResultaattype_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/resultaattypen"
		klasse := z.resultaatWhere(t, func(r map[string]any) bool {
			return r["procesType"] == f.procestype && r["procestermijn"] == "nihil" && r["bewaartermijn"] != nil
		})
		omschrijving, generiek := z.resultaattypeomschrijving(t)

		// Besluittype Vergunning has two published versions; Weigering is a concept only.
		v1 := z.besluittype(t, f.catalogus, "Vergunning", "2020-01-01")
		z.end(t, v1, "2024-06-30")
		v2 := z.besluittype(t, f.catalogus, "Vergunning", "2024-07-01")
		z.publish(t, v1)
		z.publish(t, v2)
		z.besluittype(t, f.catalogus, "Weigering", "2020-01-01")
		brief := z.informatieobjecttype(t, f.catalogus, "Brief")

		r := z.do(t, http.MethodPost, base, map[string]any{
			"zaaktype": f.zaaktype, "omschrijving": "Verleend", "resultaattypeomschrijving": omschrijving,
			"selectielijstklasse": klasse["url"], "toelichting": "Vergunning verleend",
			"brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld"},
			"besluittypen":              []string{"Vergunning", "Weigering", "Vergunning"},
			"informatieobjecttypen":     []string{brief}, "procesobjectaard": "Vergunning", "indicatieSpecifiek": false,
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		rt := r.JSON(t)
		u := rt["url"].(string)
		want := map[string]any{
			"url": u, "zaaktype": f.zaaktype, "zaaktypeIdentificatie": f.identificatie, "omschrijving": "Verleend",
			"resultaattypeomschrijving": omschrijving, "omschrijvingGeneriek": generiek, "selectielijstklasse": klasse["url"],
			"toelichting": "Vergunning verleend", "archiefnominatie": klasse["waardering"], "archiefactietermijn": klasse["bewaartermijn"],
			"brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld", "datumkenmerk": "", "einddatumBekend": false,
				"objecttype": "", "registratie": "", "procestermijn": nil},
			"procesobjectaard": "Vergunning", "catalogus": f.catalogus, "beginGeldigheid": stDate, "eindeGeldigheid": nil,
			"beginObject": stDate, "eindeObject": nil, "indicatieSpecifiek": false, "procestermijn": nil,
			"besluittypen": []any{v2}, "besluittypeOmschrijving": []any{"Vergunning", "Weigering"},
			"informatieobjecttypen": []any{brief}, "informatieobjecttypeOmschrijving": []any{"Brief"},
		}
		if d := cmp.Diff(want, rt); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		if d := cmp.Diff(rt, z.Get(t, u).JSON(t)); d != "" {
			t.Fatalf("retrieve differs:\n%s", d)
		}
		// The list resolves besluittypen at datum_geldigheid.
		res := z.list(t, stQuery(base, "status", "alles", "datum_geldigheid", "2024-06-30"), 1)
		if !cmp.Equal(res[0]["besluittypen"], []any{v1}) {
			t.Fatalf("besluittypen on 2024-06-30 = %v, want [%s]", res[0]["besluittypen"], v1)
		}

		// omschrijving is unique within the zaaktype.
		dubbel := z.resultaattypeBody(t, f)
		dubbel["omschrijving"] = "Verleend"
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, dubbel), "nonFieldErrors", "unique")

		// A PATCH may name besluittypen by URL; an explicit archiefnominatie stays.
		p := z.do(t, http.MethodPatch, u, map[string]any{"besluittypen": []string{v1}, "archiefnominatie": "blijvend_bewaren", "archiefactietermijn": "P20Y"})
		if p.Status != http.StatusOK {
			t.Fatalf("patch = %d: %s", p.Status, p.Body)
		}
		got := p.JSON(t)
		if !cmp.Equal(got["besluittypeOmschrijving"], []any{"Vergunning"}) || !cmp.Equal(got["besluittypen"], []any{v2}) ||
			got["archiefnominatie"] != "blijvend_bewaren" || got["archiefactietermijn"] != "P20Y" || got["toelichting"] != "Vergunning verleend" {
			t.Fatalf("patched: %v", got)
		}
		onbekend := z.resultaattypeBody(t, f)
		onbekend["besluittypen"] = []string{"Onbekend"}
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, onbekend), "besluittypen", "does_not_exist")
		apptest.WantInvalid(t, z.do(t, http.MethodPatch, u, map[string]any{"informatieobjecttypen": []string{z.URL + stRoot + "/informatieobjecttypen/00000000-0000-4000-8000-000000000000"}}),
			"informatieobjecttypen", "bad-url")

		body := z.resultaattypeBody(t, f)
		body["omschrijving"] = "Geweigerd"
		put := z.do(t, http.MethodPut, u, body)
		if put.Status != http.StatusOK {
			t.Fatalf("put = %d: %s", put.Status, put.Body)
		}
		got = put.JSON(t)
		if got["omschrijving"] != "Geweigerd" || got["toelichting"] != "" || len(got["besluittypen"].([]any)) != 0 || len(got["informatieobjecttypen"].([]any)) != 0 {
			t.Fatalf("put: %v", got)
		}
		if r := z.do(t, http.MethodDelete, u, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d: %s", r.Status, r.Body)
		}
		if r := z.Get(t, u); r.Status != http.StatusNotFound {
			t.Fatalf("after delete = %d", r.Status)
		}
	})
}

func TestResultaattype_List(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		base := stRoot + "/resultaattypen"
		f := z.family(t)
		g := z.family(t)
		z.Post(t, base, z.resultaattypeBody(t, f))
		z.Post(t, base, z.resultaattypeBody(t, f))
		z.Post(t, base, z.resultaattypeBody(t, g))
		z.publish(t, g.zaaktype)
		z.list(t, base, 1)
		z.list(t, stQuery(base, "status", "concept"), 2)
		z.list(t, stQuery(base, "status", "alles"), 3)
		z.list(t, stQuery(base, "status", "alles", "zaaktype", f.zaaktype), 2)
		z.list(t, stQuery(base, "status", "alles", "zaaktype_identificatie", g.identificatie), 1)
		z.list(t, stQuery(base, "status", "alles", "datum_geldigheid", "2000-01-01"), 0)
		// This list spells two parameters in snake_case; the camelCase names are unknown here.
		z.bad(t, http.MethodGet, stQuery(base, "zaaktypeIdentificatie", g.identificatie), nil, "nonFieldErrors", "unknown-parameters")
		z.bad(t, http.MethodGet, stQuery(base, "datum_geldigheid", "morgen"), nil, "datum_geldigheid", "invalid")
	})
}

// TestZtc002_Selectielijst (ztc-002): resultaattypeomschrijving and selectielijstklasse must be the
// right Referentielijsten resources, the klasse of the zaaktype's procestype; archiefnominatie
// and archiefactietermijn default from the klasse.
func TestZtc002_Selectielijst(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		f := z.family(t)
		base := stRoot + "/resultaattypen"
		vreemd := z.resultaatWhere(t, func(r map[string]any) bool { return r["procesType"] != f.procestype && r["procestermijn"] == "nihil" })

		body := z.resultaattypeBody(t, f)
		body["selectielijstklasse"] = vreemd["url"]
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, body), "nonFieldErrors", "procestype-mismatch")

		body = z.resultaattypeBody(t, f)
		body["resultaattypeomschrijving"] = f.procestype // a Referentielijsten URL, but no resultaattypeomschrijving
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, body), "resultaattypeomschrijving", "invalid-resource")

		body = z.resultaattypeBody(t, f)
		body["selectielijstklasse"] = z.URL + stRef + "/resultaten/00000000-0000-4000-8000-000000000000"
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, body), "selectielijstklasse", "bad-url")

		rol := z.Post(t, stRoot+"/roltypen", map[string]any{"zaaktype": f.zaaktype, "omschrijving": "x", "omschrijvingGeneriek": "adviseur"})
		body = z.resultaattypeBody(t, f)
		body["selectielijstklasse"] = rol["url"] // resolves, but is no resultaat
		apptest.WantInvalid(t, z.do(t, http.MethodPost, base, body), "selectielijstklasse", "invalid-resource")
		z.list(t, stQuery(base, "status", "alles"), 0)

		// Defaults from the klasse: blijvend_bewaren without bewaartermijn, and vernietigen with one.
		for _, waardering := range []string{"blijvend_bewaren", "vernietigen"} {
			g := z.family(t)
			procestermijn := map[string]string{"blijvend_bewaren": "", "vernietigen": "nihil"}[waardering]
			klasse := z.resultaatWhere(t, func(r map[string]any) bool {
				return r["waardering"] == waardering && r["procestermijn"] == procestermijn
			})
			zt := z.zaaktype(t, g.catalogus, stZaaktypeOpts{procestype: klasse["procesType"].(string)})
			body := z.resultaattypeBody(t, g)
			body["zaaktype"], body["selectielijstklasse"] = zt, klasse["url"]
			delete(body, "archiefnominatie")
			got := z.Post(t, base, body)
			if got["archiefnominatie"] != waardering || !cmp.Equal(got["archiefactietermijn"], klasse["bewaartermijn"]) {
				t.Fatalf("%s: archiefnominatie %v, archiefactietermijn %v; klasse %v", waardering, got["archiefnominatie"], got["archiefactietermijn"], klasse)
			}
		}
	})
}

// stBrondatumCase is one brondatumArchiefprocedure with the error it must give ("" = valid).
type stBrondatumCase struct {
	afleidingswijze string
	fields          map[string]any
	name, code      string
}

// runBrondatum posts each case as the brondatumArchiefprocedure of a resultaattype whose
// klasse has procestermijn procestermijn.
func stBrondatum(t *testing.T, procestermijn string, cases []stBrondatumCase) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newStEnv(t, e)
		klasse := z.resultaatWhere(t, func(r map[string]any) bool { return r["procestermijn"] == procestermijn })
		cat := z.catalogus(t)
		f := stFamily{catalogus: cat, procestype: klasse["procesType"].(string)}
		f.zaaktype = z.zaaktype(t, cat, stZaaktypeOpts{procestype: f.procestype})
		for _, c := range cases {
			t.Run(c.afleidingswijze+"/"+stPick(c.code, "ok"), func(t *testing.T) {
				b := map[string]any{"afleidingswijze": c.afleidingswijze}
				for k, v := range c.fields {
					b[k] = v
				}
				body := z.resultaattypeBody(t, f)
				body["selectielijstklasse"], body["brondatumArchiefprocedure"] = klasse["url"], b
				r := z.do(t, http.MethodPost, stRoot+"/resultaattypen", body)
				if c.code == "" {
					if r.Status != http.StatusCreated {
						t.Fatalf("%v = %d: %s", b, r.Status, r.Body)
					}
					return
				}
				apptest.WantInvalid(t, r, c.name, c.code)
			})
		}
	})
}

func stPick(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// TestZtc003_AfleidingswijzeProcestermijn (ztc-003): nihil allows only afgehandeld,
// ingeschatte_bestaansduur_procesobject only termijn, no procestermijn allows all.
func TestZtc003_AfleidingswijzeProcestermijn(t *testing.T) {
	t.Parallel()
	const name, code = "brondatumArchiefprocedure.afleidingswijze", "invalid-afleidingswijze-for-procestermijn"
	termijn := map[string]any{"procestermijn": "P5Y"}
	t.Run("nihil", func(t *testing.T) {
		stBrondatum(t, "nihil", []stBrondatumCase{
			{"afgehandeld", nil, "", ""},
			{"termijn", termijn, name, code},
			{"hoofdzaak", nil, name, code},
		})
	})
	t.Run("ingeschatte_bestaansduur_procesobject", func(t *testing.T) {
		stBrondatum(t, "ingeschatte_bestaansduur_procesobject", []stBrondatumCase{
			{"termijn", termijn, "", ""},
			{"afgehandeld", nil, name, code},
		})
	})
	t.Run("leeg", func(t *testing.T) {
		stBrondatum(t, "", []stBrondatumCase{
			{"afgehandeld", nil, "", ""},
			{"termijn", termijn, "", ""},
			{"vervaldatum_besluit", nil, "", ""},
		})
	})
}

// stAfleidingswijzen are all stAfleidingswijzen with the fields that make them valid.
var stAfleidingswijzen = map[string]map[string]any{
	"afgehandeld":          {},
	"termijn":              {"procestermijn": "P5Y"},
	"eigenschap":           {"datumkenmerk": "vervaldatum"},
	"zaakobject":           {"datumkenmerk": "vervaldatum", "objecttype": "pand"},
	"ander_datumkenmerk":   {"datumkenmerk": "vervaldatum", "objecttype": "pand", "registratie": "BAG"},
	"hoofdzaak":            {},
	"gerelateerde_zaak":    {},
	"ingangsdatum_besluit": {},
	"vervaldatum_besluit":  {},
}

// brondatumField builds, for one field of brondatumArchiefprocedure, the cases of every
// afleidingswijze: the field missing where it is required, and present where it must be empty.
func stBrondatumField(field string, value any, required map[string]bool) []stBrondatumCase {
	var cases []stBrondatumCase
	for a, valid := range stAfleidingswijzen {
		fields := map[string]any{}
		for k, v := range valid {
			fields[k] = v
		}
		cases = append(cases, stBrondatumCase{a, fields, "", ""}) // the valid form
		bad := map[string]any{}
		for k, v := range valid {
			bad[k] = v
		}
		if required[a] {
			delete(bad, field)
			cases = append(cases, stBrondatumCase{a, bad, "brondatumArchiefprocedure." + field, "required"})
		} else {
			bad[field] = value
			cases = append(cases, stBrondatumCase{a, bad, "brondatumArchiefprocedure." + field, "must-be-empty"})
		}
	}
	return cases
}

// ztc-004..008 run against a klasse without procestermijn, so that ztc-003 allows every
// afleidingswijze and only the field rules speak.

// TestZtc004_Datumkenmerk (ztc-004): datumkenmerk per afleidingswijze.
func TestZtc004_Datumkenmerk(t *testing.T) {
	t.Parallel()
	stBrondatum(t, "", stBrondatumField("datumkenmerk", "vervaldatum", map[string]bool{"eigenschap": true, "zaakobject": true, "ander_datumkenmerk": true}))
}

// TestZtc005_EinddatumBekend (ztc-005): no einddatumBekend for afgehandeld and termijn.
func TestZtc005_EinddatumBekend(t *testing.T) {
	t.Parallel()
	var cases []stBrondatumCase
	for a, valid := range stAfleidingswijzen {
		fields := map[string]any{"einddatumBekend": true}
		for k, v := range valid {
			fields[k] = v
		}
		c := stBrondatumCase{a, fields, "", ""}
		if a == "afgehandeld" || a == "termijn" {
			c.name, c.code = "brondatumArchiefprocedure.einddatumBekend", "must-be-empty"
		}
		cases = append(cases, c)
	}
	stBrondatum(t, "", cases)
}

// TestZtc006_Objecttype (ztc-006): objecttype per afleidingswijze.
func TestZtc006_Objecttype(t *testing.T) {
	t.Parallel()
	stBrondatum(t, "", stBrondatumField("objecttype", "pand", map[string]bool{"zaakobject": true, "ander_datumkenmerk": true}))
}

// TestZtc007_Registratie (ztc-007): registratie per afleidingswijze.
func TestZtc007_Registratie(t *testing.T) {
	t.Parallel()
	stBrondatum(t, "", stBrondatumField("registratie", "BAG", map[string]bool{"ander_datumkenmerk": true}))
}

// TestZtc008_Procestermijn (ztc-008): procestermijn per afleidingswijze.
func TestZtc008_Procestermijn(t *testing.T) {
	t.Parallel()
	stBrondatum(t, "", stBrondatumField("procestermijn", "P5Y", map[string]bool{"termijn": true}))
}
