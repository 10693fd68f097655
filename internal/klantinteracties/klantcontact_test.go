package klantinteracties_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// TestKlantcontactFlow: a klantcontact with betrokkene, onderwerpobject, bijlage, actor and
// interne taak; the read-only lists, filters, expand and cascading delete.
func TestKlantcontactFlow(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon("111222333"))
		kc := k.post("klantcontacten", klantcontact("afval"))
		if kc["plaatsgevondenOp"] == nil || kc["hadBetrokkenen"] == nil {
			t.Fatalf("klantcontact = %v", kc)
		}
		b := k.post("betrokkenen", map[string]any{"hadKlantcontact": fk(kc), "wasPartij": fk(p), "rol": "klant", "initiator": true,
			"contactnaam": map[string]any{"voornaam": "Jan", "achternaam": "Dijk"}})
		if b["volledigeNaam"] != "Jan Dijk" {
			t.Errorf("volledigeNaam = %v", b["volledigeNaam"])
		}
		da := k.post("digitaleadressen", map[string]any{"verstrektDoorBetrokkene": fk(b), "verstrektDoorPartij": nil, "adres": "jan@example.nl", "soortDigitaalAdres": "email"})
		ow := k.post("onderwerpobjecten", map[string]any{"klantcontact": fk(kc), "wasKlantcontact": nil,
			"onderwerpobjectidentificator": map[string]any{"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": "0a1b"}})
		bl := k.post("bijlagen", map[string]any{"wasBijlageVanKlantcontact": fk(kc),
			"bijlageidentificator": map[string]any{"codeObjecttype": "document", "codeRegister": "drc", "codeSoortObjectId": "uuid", "objectId": "d1"}})
		a := k.post("actoren", medewerker("Mia"))
		akc := k.post("actorklantcontacten", map[string]any{"actor": fk(a), "klantcontact": fk(kc)})
		it := k.post("internetaken", map[string]any{"gevraagdeHandeling": "Terugbellen", "aanleidinggevendKlantcontact": fk(kc),
			"toegewezenAanActoren": []any{fk(a)}, "status": "te_verwerken"})
		if it["toegewezenAanActor"].(map[string]any)["uuid"] != a["uuid"] || it["afgehandeldOp"] != nil || it["toegewezenOp"] == nil {
			t.Errorf("internetaak = %v", it)
		}
		got := k.get("/klantcontacten/" + kc["uuid"].(string) + "?expand=hadBetrokkenen.wasPartij,hadBetrokkenen.digitaleAdressen,gingOverOnderwerpobjecten,omvatteBijlagen,leiddeTotInterneTaken")
		for _, f := range []string{"hadBetrokkenen", "gingOverOnderwerpobjecten", "omvatteBijlagen", "leiddeTotInterneTaken", "hadBetrokkenActoren"} {
			if n := len(got[f].([]any)); n != 1 {
				t.Errorf("%s has %d entries", f, n)
			}
		}
		ex := got["_expand"].(map[string]any)
		hb := ex["hadBetrokkenen"].([]any)[0].(map[string]any)
		if hb["uuid"] != b["uuid"] || hb["_expand"].(map[string]any)["wasPartij"].(map[string]any)["uuid"] != p["uuid"] {
			t.Errorf("expand hadBetrokkenen = %v", hb)
		}
		if d := hb["_expand"].(map[string]any)["digitaleAdressen"].([]any); len(d) != 1 || d[0].(map[string]any)["adres"] != "jan@example.nl" {
			t.Errorf("expand digitaleAdressen = %v", d)
		}
		// The partij knows its betrokkenen.
		pg := k.get("/partijen/" + p["uuid"].(string) + "?expand=betrokkenen.hadKlantcontact")
		if n := len(pg["betrokkenen"].([]any)); n != 1 {
			t.Errorf("partij betrokkenen: %d", n)
		}
		pb := pg["_expand"].(map[string]any)["betrokkenen"].([]any)[0].(map[string]any)
		if pb["_expand"].(map[string]any)["hadKlantcontact"].(map[string]any)["onderwerp"] != "afval" {
			t.Errorf("expand betrokkenen.hadKlantcontact = %v", pb["_expand"])
		}
		dg := k.get("/digitaleadressen/" + da["uuid"].(string) + "?expand=verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken")
		vb := dg["_expand"].(map[string]any)["verstrektDoorBetrokkene"].(map[string]any)
		hk := vb["_expand"].(map[string]any)["hadKlantcontact"].(map[string]any)
		if tk := hk["_expand"].(map[string]any)["leiddeTotInterneTaken"].([]any); len(tk) != 1 || tk[0].(map[string]any)["uuid"] != it["uuid"] {
			t.Errorf("expand digitaaladres chain = %v", hk["_expand"])
		}
		bl2 := k.get("/betrokkenen?expand=digitaleAdressen")
		if d := bl2["results"].([]any)[0].(map[string]any)["_expand"].(map[string]any)["digitaleAdressen"].([]any); len(d) != 1 {
			t.Errorf("betrokkenen expand = %v", d)
		}
		kl := k.get("/klantcontacten?expand=hadBetrokkenen,omvatteBijlagen")
		if x := kl["results"].([]any)[0].(map[string]any)["_expand"].(map[string]any); len(x["hadBetrokkenen"].([]any)) != 1 || len(x["omvatteBijlagen"].([]any)) != 1 {
			t.Errorf("klantcontacten list expand = %v", x)
		}
		// Filters.
		for q, want := range map[string]int{
			"/klantcontacten?hadBetrokkene__wasPartij__partijIdentificator__objectId=111222333": 1,
			"/klantcontacten?hadBetrokkene__wasPartij__uuid=" + p["uuid"].(string):              1,
			"/klantcontacten?hadBetrokkene__wasPartij__url=" + p["url"].(string):                1,
			"/klantcontacten?onderwerpobject__onderwerpobjectidentificatorObjectId=0a1b":        1,
			"/klantcontacten?hadBetrokkene__digitaaladres__adres__icontains=JAN@":               1,
			"/klantcontacten?kanaal=telefoon&vertrouwelijk=false":                               1,
			"/klantcontacten?kanaal=balie":                                                      0,
			"/klantcontacten?leiddeTotInterneTaken=true":                                        1,
			"/betrokkenen?wasPartij__partijIdentificator__objectId=111222333":                   1,
			"/betrokkenen?hadKlantcontact__uuid=" + kc["uuid"].(string):                         1,
			"/digitaleadressen?adres__icontains=example":                                        1,
			"/digitaleadressen?verstrektDoorBetrokkene__uuid=" + b["uuid"].(string):             1,
			"/digitaleadressen?isGeverifieerd=false":                                            1,
			"/onderwerpobjecten?klantcontact__uuid=" + kc["uuid"].(string):                      1,
			"/onderwerpobjecten?onderwerpobjectidentificatorCodeObjecttype=zaak":                1,
			"/bijlagen?klantcontact__uuid=" + kc["uuid"].(string):                               1,
			"/bijlagen?bijlageidentificatorObjectId=d1":                                         1,
			"/actoren?soortActor=medewerker&naam=Mia":                                           1,
			"/actorklantcontacten?actor__uuid=" + a["uuid"].(string):                            1,
			"/internetaken?toegewezenAanActor__uuid=" + a["uuid"].(string):                      1,
			"/internetaken?actoren__naam=Mia&status=te_verwerken":                               1,
			"/internetaken?status=verwerkt":                                                     0,
			"/partijen?pageSize=1":                                                              1,
		} {
			if n := count(t, k.get(q)); n != want {
				t.Errorf("%s: count %d, want %d", q, n, want)
			}
		}
		// kit-afgehandeld: verwerkt sets afgehandeldOp.
		r := k.do("PATCH", "/internetaken/"+it["uuid"].(string), map[string]any{"status": "verwerkt"})
		if r.Status != http.StatusOK || r.JSON(t)["afgehandeldOp"] == nil {
			t.Errorf("patch internetaak: %d %s", r.Status, r.Body)
		}
		// Deleting the klantcontact deletes what cannot exist without it.
		if r := k.do("DELETE", "/klantcontacten/"+kc["uuid"].(string), nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		for _, path := range []string{"/betrokkenen/" + b["uuid"].(string), "/bijlagen/" + bl["uuid"].(string),
			"/actorklantcontacten/" + akc["uuid"].(string), "/internetaken/" + it["uuid"].(string)} {
			if r := k.do("GET", path, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s after delete: %d", path, r.Status)
			}
		}
		if o := k.get("/onderwerpobjecten/" + ow["uuid"].(string)); o["klantcontact"] != nil {
			t.Errorf("onderwerpobject keeps klantcontact %v", o["klantcontact"])
		}
		if d := k.get("/digitaleadressen/" + da["uuid"].(string)); d["verstrektDoorBetrokkene"] != nil {
			t.Errorf("digitaal adres keeps betrokkene")
		}
		var kcN, itN int
		for _, row := range outbox(t, e) {
			switch row.Kanaal {
			case "klantcontacten":
				kcN++
			case "internetaken":
				itN++
			}
		}
		if kcN != 2 || itN != 2 {
			t.Errorf("notifications klantcontacten %d, internetaken %d; want 2, 2", kcN, itN)
		}
	})
}

// TestMaakKlantcontact: the klantcontact, betrokkene and onderwerpobject in one call, or
// nothing at all.
func TestMaakKlantcontact(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon(""))
		body := map[string]any{
			"klantcontact": klantcontact("paspoort"),
			"betrokkene":   map[string]any{"wasPartij": fk(p), "rol": "klant", "initiator": true},
			"onderwerpobject": map[string]any{"wasKlantcontact": nil,
				"onderwerpobjectidentificator": map[string]any{"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": "z1"}},
		}
		out := k.post("maak-klantcontact", body)
		kc := out["klantcontact"].(map[string]any)
		if out["betrokkene"].(map[string]any)["hadKlantcontact"].(map[string]any)["uuid"] != kc["uuid"] ||
			out["onderwerpobject"].(map[string]any)["klantcontact"].(map[string]any)["uuid"] != kc["uuid"] {
			t.Errorf("maak-klantcontact = %v", out)
		}
		if n := len(kc["hadBetrokkenen"].([]any)); n != 1 {
			t.Errorf("hadBetrokkenen %d", n)
		}
		// A bad betrokkene: nothing is created.
		body["betrokkene"] = map[string]any{"wasPartij": map[string]any{"uuid": "8d5a1d4e-9a3e-4a51-9b3e-3a0f0c7d1e2f"}, "rol": "klant", "initiator": true}
		k.invalid("POST", "/maak-klantcontact", body, "betrokkene.wasPartij.uuid", "does_not_exist")
		if l := k.get("/klantcontacten"); count(t, l) != 1 {
			t.Errorf("klantcontacten after failed call: %d", count(t, l))
		}
	})
}

// TestOnderwerpobjectCascade: DELETE ?cascade=true removes the klantcontact (and the digitale
// adressen of its betrokkenen) unless another onderwerpobject still uses it.
func TestOnderwerpobjectCascade(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		a := k.post("klantcontacten", klantcontact("a"))
		b := k.post("klantcontacten", klantcontact("b"))
		bt := k.post("betrokkenen", map[string]any{"hadKlantcontact": fk(a), "wasPartij": nil, "rol": "klant", "initiator": true})
		da := k.post("digitaleadressen", map[string]any{"verstrektDoorBetrokkene": fk(bt), "verstrektDoorPartij": nil, "adres": "x@example.nl", "soortDigitaalAdres": "email"})
		o1 := k.post("onderwerpobjecten", map[string]any{"klantcontact": fk(a), "wasKlantcontact": fk(b), "onderwerpobjectidentificator": nil})
		k.post("onderwerpobjecten", map[string]any{"klantcontact": fk(b), "wasKlantcontact": nil, "onderwerpobjectidentificator": nil})
		r := k.do("DELETE", "/onderwerpobjecten/"+o1["uuid"].(string)+"?cascade=true", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("cascade: %d %s", r.Status, r.Body)
		}
		if got := r.JSON(t)["behouden"].([]any); len(got) != 1 || got[0] != b["url"] {
			t.Errorf("behouden = %v", got)
		}
		for path, want := range map[string]int{
			"/klantcontacten/" + a["uuid"].(string):    http.StatusNotFound,
			"/digitaleadressen/" + da["uuid"].(string): http.StatusNotFound,
			"/klantcontacten/" + b["uuid"].(string):    http.StatusOK,
		} {
			if r := k.do("GET", path, nil); r.Status != want {
				t.Errorf("%s: %d, want %d", path, r.Status, want)
			}
		}
	})
}

// Concurrent PATCHes of different fields of one klantcontact all keep their change.
func TestKlantcontactConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		for range 3 {
			kc := k.post("klantcontacten", klantcontact("paspoort"))
			e.PatchAtOnce(t, kc["url"].(string), map[string]any{"onderwerp": "rijbewijs", "inhoud": "Nieuwe vraag",
				"reactie": "Beantwoord", "kanaal": "balie"}, k.send)
		}
	})
}
