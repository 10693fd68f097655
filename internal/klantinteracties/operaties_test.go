package klantinteracties_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/spec/spectest"
)

// TestRouteCoverage: every operation of the served spec has a handler (a route that is not
// served answers the mux's plain 404/405, a handler answers problem+json or JSON).
func TestRouteCoverage(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	ops := spectest.Operations(t, "klantinteracties")
	if len(ops) < 80 {
		t.Fatalf("only %d operations", len(ops))
	}
	for _, op := range ops {
		path := strings.ReplaceAll(op.Path, "{uuid}", "3fa85f64-5717-4562-b3fc-2c963f66afa6")
		r := e.Do(t, apptest.Req{Method: op.Method, URL: path, Token: e.Admin, Body: "{}", Unchecked: true})
		if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") && r.Status != http.StatusNoContent {
			t.Errorf("%s %s (%s): no handler (%d %s)", op.Method, op.Path, op.OperationID, r.Status, ct)
		}
	}
}

// TestAlleOperaties: retrieve, PUT, PATCH and DELETE of every resource, each validated
// against the spec.
func TestAlleOperaties(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon(""))
		kc := k.post("klantcontacten", klantcontact("a"))
		a := k.post("actoren", medewerker("Mia"))
		c := k.post("categorieen", map[string]any{"naam": "A"})
		o := k.post("partijen", organisatie("O"))
		kvk := ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "12345678")
		kvk["identificeerdePartij"] = fk(o)
		cases := []struct {
			coll        string
			create, put map[string]any
			patch       map[string]any
		}{
			{"partij-identificatoren", kvk, ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "87654321"), map[string]any{"anderePartijIdentificator": "x"}},
			{"digitaleadressen",
				map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "a@example.nl", "soortDigitaalAdres": "email"},
				map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "b@example.nl", "soortDigitaalAdres": "email", "verificatieDatum": "2024-05-01"},
				map[string]any{"omschrijving": "werk"}},
			{"klantcontacten", klantcontact("b"), klantcontact("c"), map[string]any{"reactie": "Opgelost", "indicatieContactGelukt": true}},
			{"betrokkenen",
				map[string]any{"hadKlantcontact": fk(kc), "wasPartij": nil, "rol": "klant", "initiator": true},
				map[string]any{"hadKlantcontact": fk(kc), "wasPartij": fk(p), "rol": "vertegenwoordiger", "initiator": false, "organisatienaam": "Org"},
				map[string]any{"contactnaam": map[string]any{"achternaam": "Jansen"}}},
			{"onderwerpobjecten",
				map[string]any{"klantcontact": fk(kc), "wasKlantcontact": nil, "onderwerpobjectidentificator": nil},
				map[string]any{"klantcontact": nil, "wasKlantcontact": fk(kc), "onderwerpobjectidentificator": nil},
				map[string]any{"klantcontact": fk(kc)}},
			{"bijlagen",
				map[string]any{"wasBijlageVanKlantcontact": fk(kc)},
				map[string]any{"wasBijlageVanKlantcontact": fk(kc), "bijlageidentificator": map[string]any{"objectId": "d2"}},
				map[string]any{"bijlageidentificator": map[string]any{"objectId": "d3"}}},
			{"actoren", medewerker("Piet"), medewerker("Piet P"), map[string]any{"naam": "P", "soortActor": "medewerker"}},
			{"actorklantcontacten", map[string]any{"actor": fk(a), "klantcontact": fk(kc)}, map[string]any{"actor": fk(a), "klantcontact": fk(kc)}, map[string]any{"actor": fk(a)}},
			{"internetaken",
				map[string]any{"gevraagdeHandeling": "Bellen", "aanleidinggevendKlantcontact": fk(kc), "toegewezenAanActoren": []any{fk(a)}, "status": "te_verwerken"},
				map[string]any{"gevraagdeHandeling": "Mailen", "aanleidinggevendKlantcontact": fk(kc), "toegewezenAanActor": fk(a), "status": "verwerkt"},
				map[string]any{"toelichting": "graag vandaag"}},
			{"rekeningnummers", map[string]any{"partij": fk(p), "iban": "NL91ABNA0417164300"}, map[string]any{"partij": nil, "iban": "NL91ABNA0417164300"}, map[string]any{"bic": "ABNANL2A"}},
			{"vertegenwoordigingen", map[string]any{"vertegenwoordigendePartij": fk(o), "vertegenwoordigdePartij": fk(p)},
				map[string]any{"vertegenwoordigendePartij": fk(p), "vertegenwoordigdePartij": fk(o)}, map[string]any{"vertegenwoordigdePartij": fk(p), "vertegenwoordigendePartij": fk(o)}},
			{"categorieen", map[string]any{"naam": "B"}, map[string]any{"naam": "C"}, map[string]any{"naam": "D"}},
			{"categorie-relaties", map[string]any{"partij": fk(p), "categorie": fk(c)}, map[string]any{"partij": fk(p), "categorie": fk(c), "beginDatum": "2024-01-01", "eindDatum": "2024-12-31"}, map[string]any{"eindDatum": nil}},
		}
		for _, tc := range cases {
			made := k.post(tc.coll, tc.create)
			path := "/" + tc.coll + "/" + made["uuid"].(string)
			if got := k.get(path); got["url"] != made["url"] {
				t.Errorf("%s retrieve: %v", tc.coll, got["url"])
			}
			if r := k.do("PUT", path, tc.put); r.Status != http.StatusOK {
				t.Errorf("%s put: %d %s", tc.coll, r.Status, r.Body)
			}
			if r := k.do("PATCH", path, tc.patch); r.Status != http.StatusOK {
				t.Errorf("%s patch: %d %s", tc.coll, r.Status, r.Body)
			} else {
				got := r.JSON(t)
				for f, v := range tc.patch {
					if s, ok := v.(string); ok && got[f] != s {
						t.Errorf("%s patch %s = %v, want %v", tc.coll, f, got[f], s)
					}
				}
			}
			if l := k.get("/" + tc.coll); count(t, l) < 1 {
				t.Errorf("%s list empty", tc.coll)
			}
			if r := k.do("DELETE", path, nil); r.Status != http.StatusNoContent {
				t.Errorf("%s delete: %d %s", tc.coll, r.Status, r.Body)
			}
			if r := k.do("GET", path, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s after delete: %d", tc.coll, r.Status)
			}
		}
	})
}
