package klantinteracties_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
)

// TestOverigeCRUD: rekeningnummers, vertegenwoordigingen, categorieen and categorie-relaties,
// and the partij's own lists and voorkeuren.
func TestOverigeCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon(""))
		o := k.post("partijen", organisatie("Stichting"))
		rn := k.post("rekeningnummers", map[string]any{"partij": fk(p), "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"})
		da := k.post("digitaleadressen", map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "06 12345678", "soortDigitaalAdres": "telefoonnummer", "isStandaardAdres": true})
		// The voorkeuren are the partij's own.
		patch := map[string]any{"soortPartij": "persoon", "indicatieActief": true, "voorkeursDigitaalAdres": fk(da), "voorkeursRekeningnummer": fk(rn)}
		r := k.do("PATCH", "/partijen/"+p["uuid"].(string), patch)
		if r.Status != http.StatusOK {
			t.Fatalf("patch voorkeur: %d %s", r.Status, r.Body)
		}
		pm := r.JSON(t)
		if len(pm["digitaleAdressen"].([]any)) != 1 || len(pm["rekeningnummers"].([]any)) != 1 || pm["voorkeursDigitaalAdres"].(map[string]any)["uuid"] != da["uuid"] {
			t.Errorf("partij = %v", pm)
		}
		k.invalid("PATCH", "/partijen/"+o["uuid"].(string), map[string]any{"soortPartij": "organisatie", "indicatieActief": true, "voorkeursDigitaalAdres": fk(da)}, "voorkeursDigitaalAdres", "invalid")
		// kda-standaard: a new standard address of the same soort replaces the old one.
		da2 := k.post("digitaleadressen", map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "+31612345678", "soortDigitaalAdres": "telefoonnummer", "isStandaardAdres": true})
		if d := k.get("/digitaleadressen/" + da["uuid"].(string)); d["isStandaardAdres"] != false {
			t.Errorf("old standaard still set")
		}
		if l := k.get("/digitaleadressen?isStandaardAdres=true"); count(t, l) != 1 || l["results"].([]any)[0].(map[string]any)["uuid"] != da2["uuid"] {
			t.Errorf("standaard = %v", l)
		}
		// Partij with its digitale adressen given in the request.
		body := organisatie("Vereniging")
		body["digitaleAdressen"] = []any{fk(da2)}
		body["voorkeursDigitaalAdres"] = fk(da2)
		o2 := k.post("partijen", body)
		if o2["voorkeursDigitaalAdres"].(map[string]any)["uuid"] != da2["uuid"] {
			t.Errorf("voorkeur on create: %v", o2["voorkeursDigitaalAdres"])
		}
		v := k.post("vertegenwoordigingen", map[string]any{"vertegenwoordigendePartij": fk(o), "vertegenwoordigdePartij": fk(p)})
		if l := k.get("/partijen?vertegenwoordigdePartij__uuid=" + p["uuid"].(string)); count(t, l) != 1 {
			t.Errorf("vertegenwoordigdePartij filter: %d", count(t, l))
		}
		if og := k.get("/partijen/" + o["uuid"].(string)); len(og["vertegenwoordigden"].([]any)) != 1 {
			t.Errorf("vertegenwoordigden = %v", og["vertegenwoordigden"])
		}
		k.invalid("POST", "/vertegenwoordigingen", map[string]any{"vertegenwoordigendePartij": fk(o), "vertegenwoordigdePartij": fk(o)}, "vertegenwoordigdePartij", "invalid")
		c := k.post("categorieen", map[string]any{"naam": "VIP"})
		cr := k.post("categorie-relaties", map[string]any{"partij": fk(p), "categorie": fk(c), "beginDatum": "2024-01-01", "eindDatum": nil})
		if cr["categorie"].(map[string]any)["naam"] != "VIP" {
			t.Errorf("categorie = %v", cr["categorie"])
		}
		if l := k.get("/partijen?categorierelatie__categorie__naam=VIP"); count(t, l) != 1 {
			t.Errorf("categorie filter: %d", count(t, l))
		}
		if l := k.get("/categorie-relaties?categorie__naam=VIP&beginDatum=2024-01-01"); count(t, l) != 1 {
			t.Errorf("categorie-relaties filter: %d", count(t, l))
		}
		if l := k.get("/rekeningnummers?iban=NL91ABNA0417164300"); count(t, l) != 1 {
			t.Errorf("iban filter: %d", count(t, l))
		}
		for _, u := range []string{"/vertegenwoordigingen/" + v["uuid"].(string), "/categorie-relaties/" + cr["uuid"].(string),
			"/categorieen/" + c["uuid"].(string), "/rekeningnummers/" + rn["uuid"].(string)} {
			if r := k.do("DELETE", u, nil); r.Status != http.StatusNoContent {
				t.Errorf("delete %s: %d", u, r.Status)
			}
		}
		if pg := k.get("/partijen/" + p["uuid"].(string)); pg["voorkeursRekeningnummer"] != nil || len(pg["rekeningnummers"].([]any)) != 0 {
			t.Errorf("partij after deleting rekeningnummer: %v", pg)
		}
		// Actors: PUT and PATCH.
		a := k.post("actoren", medewerker("Mia"))
		upd := medewerker("Mia de Vries")
		if r := k.do("PUT", "/actoren/"+a["uuid"].(string), upd); r.Status != http.StatusOK || r.JSON(t)["naam"] != "Mia de Vries" {
			t.Errorf("put actor: %d %s", r.Status, r.Body)
		}
		oe := k.post("actoren", map[string]any{"naam": "Team KCC", "soortActor": "organisatorische_eenheid", "indicatieActief": false,
			"actorIdentificatie": map[string]any{"omschrijving": "KCC"}})
		kc := k.post("klantcontacten", klantcontact("x"))
		// kac-actief: an inactive actor is not attached to a klantcontact.
		k.invalid("POST", "/actorklantcontacten", map[string]any{"actor": fk(oe), "klantcontact": fk(kc)}, "actor", "invalid")
	})
}

// TestDigitaalAdresValidatie: kda-adres, the address fits its soort; kda-standaard.
func TestDigitaalAdresValidatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		da := func(soort, adres string) map[string]any {
			return map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": nil, "adres": adres, "soortDigitaalAdres": soort}
		}
		k.invalid("POST", "/digitaleadressen", da("email", "geen-adres"), "adres", "invalid")
		k.invalid("POST", "/digitaleadressen", da("telefoonnummer", "12ab"), "adres", "invalid")
		k.post("digitaleadressen", da("overig", "@jan op Mastodon"))
		s := da("email", "jan@example.nl")
		s["isStandaardAdres"] = true
		k.invalid("POST", "/digitaleadressen", s, "isStandaardAdres", "invalid")
		k.bad("POST", "/digitaleadressen", da("fax", "0201234567"), "soortDigitaalAdres", "invalid_choice")
		v := da("email", "geverifieerd@example.nl")
		v["verificatieDatum"] = "2024-05-01"
		k.post("digitaleadressen", v)
		for q, want := range map[string]int{
			"?isGeverifieerd=true": 1, "?isGeverifieerd=false": 1, "?verificatieDatum=2024-05-01": 1,
			"?verificatieDatum__gte=2024-05-01": 1, "?verificatieDatum__gt=2024-05-01": 0,
			"?verificatieDatum__lt=2024-06-01": 1, "?verificatieDatum__lte=2024-04-30": 0,
		} {
			if n := count(t, k.get("/digitaleadressen"+q)); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
	})
}

// TestAutorisatie: a Token or a JWT with heeftAlleAutorisaties is let in; a JWT of an
// applicatie with only some autorisaties gets 403, no credentials 401.
func TestAutorisatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"kcc"}, Secret: "kcc-secret-123", Tokens: []string{"kcc-token-0123456789abcdef0123456789abcdef"}, Label: "KCC",
			Autorisaties: []autorisaties.Autorisatie{{Component: "zrc", Scopes: []string{"zaken.lezen"}, MaxVertrouwelijkheidaanduiding: "openbaar", Zaaktype: "http://example.com/zaaktypen/1"}}})
		limited := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"zaken-only"}, Secret: "zaken-secret-123", Label: "Zaken",
			Autorisaties: []autorisaties.Autorisatie{{Component: "zrc", Scopes: []string{"zaken.lezen"}, MaxVertrouwelijkheidaanduiding: "openbaar", Zaaktype: "http://example.com/zaaktypen/1"}}})
		url := root + "/partijen"
		if r := e.Do(t, apptest.Req{Method: "GET", URL: url, Header: map[string]string{"Authorization": "Token kcc-token-0123456789abcdef0123456789abcdef"}}); r.Status != http.StatusOK {
			t.Errorf("token: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: "POST", URL: url, Body: organisatie("Via token"), Header: map[string]string{"Authorization": "Token kcc-token-0123456789abcdef0123456789abcdef"}}); r.Status != http.StatusCreated {
			t.Errorf("token post: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: "GET", URL: url, Header: map[string]string{"Authorization": "Token wrong"}}); r.Status != http.StatusUnauthorized {
			t.Errorf("wrong token: %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: "GET", URL: url, Token: limited}); r.Status != http.StatusForbidden {
			t.Errorf("limited jwt: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: "POST", URL: root + "/maak-klantcontact", Token: limited, Body: map[string]any{"klantcontact": klantcontact("x")}}); r.Status != http.StatusForbidden {
			t.Errorf("limited jwt maak-klantcontact: %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: "GET", URL: url}); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
}

// TestBadInput: malformed input gives 400 with invalidParams, never a 500.
func TestBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		kc := klantcontact("x")
		kc["vertrouwelijk"] = "ja"
		k.bad("POST", "/klantcontacten", kc, "vertrouwelijk", "invalid")
		k.bad("POST", "/betrokkenen", map[string]any{"hadKlantcontact": map[string]any{"uuid": "not-a-uuid"}, "rol": "klant", "initiator": true}, "hadKlantcontact.uuid", "invalid")
		k.invalid("POST", "/betrokkenen", map[string]any{"hadKlantcontact": map[string]any{"uuid": "8d5a1d4e-9a3e-4a51-9b3e-3a0f0c7d1e2f"}, "rol": "klant", "initiator": true}, "hadKlantcontact.uuid", "does_not_exist")
		k.bad("POST", "/partijen", map[string]any{"soortPartij": "robot", "indicatieActief": true}, "soortPartij", "invalid_choice")
		k.bad("POST", "/internetaken", map[string]any{"gevraagdeHandeling": "x", "aanleidinggevendKlantcontact": map[string]any{"uuid": "8d5a1d4e-9a3e-4a51-9b3e-3a0f0c7d1e2f"}, "status": "klaar"}, "status", "invalid_choice")
		k.bad("GET", "/partijen?soortPartij=robot", nil, "soortPartij", "invalid_choice")
		k.bad("GET", "/partijen?vertegenwoordigdePartij__uuid=xyz", nil, "vertegenwoordigdePartij__uuid", "invalid")
		k.bad("GET", "/betrokkenen?wasPartij__url=geen-url", nil, "wasPartij__url", "invalid")
		k.bad("GET", "/partijen?onbekend=1", nil, "nonFieldErrors", "unknown-parameters")
		k.bad("GET", "/partijen?expand=alles", nil, "expand", "invalid_choice")
		k.bad("GET", "/digitaleadressen?verificatieDatum__gte=gisteren", nil, "verificatieDatum__gte", "invalid")
		k.bad("GET", "/klantcontacten?plaatsgevondenOp=gisteren", nil, "plaatsgevondenOp", "invalid")
		k.bad("GET", "/partijen?page=0", nil, "page", "invalid")
		// kit-actor: a taak is assigned to at least one actor.
		k.invalid("POST", "/internetaken", map[string]any{"gevraagdeHandeling": "x", "aanleidinggevendKlantcontact": fk(k.post("klantcontacten", klantcontact("y"))), "status": "te_verwerken"}, "toegewezenAanActoren", "required")
		if r := e.Do(t, apptest.Req{Method: "GET", URL: root + "/partijen/not-a-uuid", Token: e.Admin, BadInput: true}); r.Status != http.StatusNotFound {
			t.Errorf("bad path uuid: %d", r.Status)
		}
		if r := k.do("GET", "/partijen?page=5", nil); r.Status != http.StatusNotFound {
			t.Errorf("page past the end: %d", r.Status)
		}
	})
}

// TestDigitaalAdresReferentie: kda-referentie, (partij, referentie, soort) is unique.
func TestDigitaalAdresReferentie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon(""))
		da := map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "a@example.nl", "soortDigitaalAdres": "email", "referentie": "portaal"}
		k.post("digitaleadressen", da)
		da["adres"] = "b@example.nl"
		k.invalid("POST", "/digitaleadressen", da, "referentie", "unique")
		da["soortDigitaalAdres"], da["adres"] = "telefoonnummer", "0201234567"
		k.post("digitaleadressen", da)
	})
}
