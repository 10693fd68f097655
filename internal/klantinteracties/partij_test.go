package klantinteracties_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestPartijCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon("111222333"))
		pi := p["partijIdentificatie"].(map[string]any)
		if pi["volledigeNaam"] != "Jan van Dijk" {
			t.Errorf("volledigeNaam = %v", pi["volledigeNaam"])
		}
		ids := p["partijIdentificatoren"].([]any)
		if len(ids) != 1 || ids[0].(map[string]any)["identificeerdePartij"].(map[string]any)["uuid"] != p["uuid"] {
			t.Fatalf("partijIdentificatoren = %v", ids)
		}
		got := k.get("/partijen/" + p["uuid"].(string))
		if got["url"] != p["url"] {
			t.Errorf("retrieve url = %v", got["url"])
		}
		// Filter by BSN.
		l := k.get("/partijen?partijIdentificator__objectId=111222333")
		if count(t, l) != 1 {
			t.Errorf("filter by bsn: count %d", count(t, l))
		}
		if l := k.get("/partijen?partijIdentificator__objectId=999999999"); count(t, l) != 0 {
			t.Errorf("filter other bsn: %d", count(t, l))
		}
		o := k.post("partijen", organisatie("Bakkerij"))
		if l := k.get("/partijen?soortPartij=organisatie"); count(t, l) != 1 {
			t.Errorf("soortPartij filter: %d", count(t, l))
		}
		// A contactpersoon works for an organisatie.
		cp := map[string]any{"soortPartij": "contactpersoon", "indicatieActief": true, "digitaleAdressen": nil, "rekeningnummers": nil,
			"voorkeursDigitaalAdres": nil, "voorkeursRekeningnummer": nil,
			"partijIdentificatie": map[string]any{"werkteVoorPartij": fk(o), "contactnaam": map[string]any{"voornaam": "Piet", "achternaam": "Bakker"}}}
		c := k.post("partijen", cp)
		if w := c["partijIdentificatie"].(map[string]any)["werkteVoorPartij"].(map[string]any); w["url"] != o["url"] {
			t.Errorf("werkteVoorPartij = %v", w)
		}
		cp["partijIdentificatie"].(map[string]any)["werkteVoorPartij"] = fk(p)
		k.invalid("POST", "/partijen", cp, "partijIdentificatie.werkteVoorPartij", "invalid")

		// PATCH keeps what is not sent; the identificatoren are replaced when sent.
		r := k.do("PATCH", "/partijen/"+p["uuid"].(string), map[string]any{"soortPartij": "persoon", "indicatieActief": true, "interneNotitie": "let op"})
		if r.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		pm := r.JSON(t)
		if pm["interneNotitie"] != "let op" || len(pm["partijIdentificatoren"].([]any)) != 1 {
			t.Errorf("patch result %v", pm)
		}
		put := persoon("")
		put["partijIdentificatoren"] = []any{}
		r = k.do("PUT", "/partijen/"+p["uuid"].(string), put)
		if r.Status != http.StatusOK {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		if n := len(r.JSON(t)["partijIdentificatoren"].([]any)); n != 0 {
			t.Errorf("put left %d identificatoren", n)
		}
		if l := k.get("/partij-identificatoren"); count(t, l) != 0 {
			t.Errorf("identificatoren after put: %d", count(t, l))
		}
		if r := k.do("DELETE", "/partijen/"+o["uuid"].(string), nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := k.do("GET", "/partijen/"+o["uuid"].(string), nil); r.Status != http.StatusNotFound {
			t.Errorf("after delete: %d", r.Status)
		}
		// Notifications on kanaal partijen.
		var n int
		for _, row := range outbox(t, e) {
			if row.Kanaal == "partijen" {
				n++
			}
		}
		if n != 6 {
			t.Errorf("partijen notifications = %d, want 6", n)
		}
	})
}

// TestPartijPatch: a PATCH sends only what changes; the identificatie group is checked
// against the soort.
func TestPartijPatch(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon("111222333"))
		path := "/partijen/" + p["uuid"].(string)
		r := k.do("PATCH", path, map[string]any{"voorkeurstaal": "eng"})
		if r.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		m := r.JSON(t)
		if m["voorkeurstaal"] != "eng" || m["soortPartij"] != "persoon" || len(m["partijIdentificatoren"].([]any)) != 1 {
			t.Errorf("patched = %v", m)
		}
		k.invalid("PATCH", path, map[string]any{"partijIdentificatie": map[string]any{"contactnaam": map[string]any{"achternaam": 12}}}, "partijIdentificatie.contactnaam.achternaam", "invalid")
		// Changing the soort needs the group of the new soort.
		r = k.do("PATCH", path, map[string]any{"soortPartij": "organisatie", "partijIdentificatie": map[string]any{"naam": "Dijk BV"}})
		if r.Status != http.StatusOK || r.JSON(t)["partijIdentificatie"].(map[string]any)["naam"] != "Dijk BV" {
			t.Errorf("patch soort: %d %s", r.Status, r.Body)
		}
		a := k.post("actoren", medewerker("Mia"))
		if r := k.do("PATCH", "/actoren/"+a["uuid"].(string), map[string]any{"indicatieActief": false}); r.Status != http.StatusOK || r.JSON(t)["indicatieActief"] != false {
			t.Errorf("patch actor: %d %s", r.Status, r.Body)
		}
		k.invalid("PATCH", "/actoren/"+a["uuid"].(string), map[string]any{"actorIdentificatie": map[string]any{"functie": "x", "telefoonnummer": "abc"}}, "actorIdentificatie.telefoonnummer", "invalid")
	})
}

// TestNummer: a partij, klantcontact or interne taak without nummer gets the next one (10
// digits); a sent nummer is kept, an update keeps it.
// TestNummerGelijktijdig: creates at the same moment get different generated nummers.
func TestNummerGelijktijdig(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const n = 8
		results := make(chan *apptest.Resp, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/partijen", Body: persoon(""), Token: e.Admin})
			}()
		}
		wg.Wait()
		close(results)
		seen := map[any]bool{}
		for r := range results {
			if r.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			nummer := r.JSON(t)["nummer"]
			if seen[nummer] {
				t.Fatalf("nummer %v handed out twice", nummer)
			}
			seen[nummer] = true
		}
	})
}

func TestNummer(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p1 := k.post("partijen", persoon(""))
		p2 := k.post("partijen", persoon(""))
		if p1["nummer"] != "0000000001" || p2["nummer"] != "0000000002" {
			t.Errorf("nummers %v, %v", p1["nummer"], p2["nummer"])
		}
		eigen := persoon("")
		eigen["nummer"] = "X12"
		if p := k.post("partijen", eigen); p["nummer"] != "X12" {
			t.Errorf("sent nummer: %v", p["nummer"])
		}
		r := k.do("PUT", "/partijen/"+p2["uuid"].(string), persoon(""))
		if r.Status != http.StatusOK || r.JSON(t)["nummer"] != "0000000002" {
			t.Errorf("put: %d %s", r.Status, r.Body)
		}
		if l := k.get("/partijen?nummer=0000000002"); count(t, l) != 1 {
			t.Errorf("nummer filter: %d", count(t, l))
		}
		if kc := k.post("klantcontacten", klantcontact("a")); kc["nummer"] != "0000000001" {
			t.Errorf("klantcontact nummer %v", kc["nummer"])
		}
	})
}

// Concurrent deletes of one partij: it is deleted and announced once.
func TestPartijConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon("111222333"))
		e.DeleteAtOnce(t, p["url"].(string), 8, k.send)
	})
}
