package klantinteracties_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func ident(register, objecttype, soort, id string) map[string]any {
	return map[string]any{"partijIdentificator": map[string]any{
		"codeRegister": register, "codeObjecttype": objecttype, "codeSoortObjectId": soort, "objectId": id}}
}

// TestPartijIdentificatorBSN11Proef: kpi-waarde, a BSN is 9 digits passing the 11-proef.
func TestPartijIdentificatorBSN11Proef(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		k.post("partij-identificatoren", ident("brp", "natuurlijk_persoon", "bsn", "111222333"))
		k.invalid("POST", "/partij-identificatoren", ident("brp", "natuurlijk_persoon", "bsn", "111222334"), "partijIdentificator.objectId", "invalid")
		k.invalid("POST", "/partij-identificatoren", ident("brp", "natuurlijk_persoon", "bsn", "12345678"), "partijIdentificator.objectId", "invalid")
		k.invalid("POST", "/partij-identificatoren", ident("brp", "natuurlijk_persoon", "bsn", "12345678a"), "partijIdentificator.objectId", "invalid")
		// Nested in a partij: the partij is not created either.
		k.invalid("POST", "/partijen", persoon("111222334"), "partijIdentificatoren.0.partijIdentificator.objectId", "invalid")
		if l := k.get("/partijen"); count(t, l) != 0 {
			t.Errorf("partij created despite invalid bsn: %d", count(t, l))
		}
	})
}

// TestPartijIdentificatorRSIN11Proef: kpi-waarde for RSIN.
func TestPartijIdentificatorRSIN11Proef(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		k.post("partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "rsin", "002564440"))
		k.invalid("POST", "/partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "rsin", "002564441"), "partijIdentificator.objectId", "invalid")
	})
}

// TestPartijIdentificatorKVKEnVestiging: kpi-waarde (KVK 8 digits, vestigingsnummer 12) and
// kpi-vestiging (a vestigingsnummer hangs under a KVK-nummer).
func TestPartijIdentificatorKVKEnVestiging(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		k.invalid("POST", "/partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "1234567"), "partijIdentificator.objectId", "invalid")
		kvk := k.post("partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "12345678"))
		v := ident("hr", "vestiging", "vestigingsnummer", "000012345678")
		k.invalid("POST", "/partij-identificatoren", v, "subIdentificatorVan", "required")
		v["subIdentificatorVan"] = fk(kvk)
		k.invalid("POST", "/partij-identificatoren", ident("hr", "vestiging", "vestigingsnummer", "12345"), "partijIdentificator.objectId", "invalid")
		vest := k.post("partij-identificatoren", v)
		if vest["subIdentificatorVan"].(map[string]any)["url"] != kvk["url"] {
			t.Errorf("subIdentificatorVan = %v", vest["subIdentificatorVan"])
		}
		// Only a vestigingsnummer hangs under another identificator.
		b := ident("brp", "natuurlijk_persoon", "bsn", "111222333")
		b["subIdentificatorVan"] = fk(kvk)
		k.invalid("POST", "/partij-identificatoren", b, "subIdentificatorVan", "invalid")
		// The soort of a parent cannot change.
		k.invalid("PUT", "/partij-identificatoren/"+kvk["uuid"].(string), ident("hr", "niet_natuurlijk_persoon", "rsin", "002564440"), "partijIdentificator.codeSoortObjectId", "invalid")
	})
}

// TestPartijIdentificatorCombinatie: kpi-combinatie, register/objecttype/soort fit together.
func TestPartijIdentificatorCombinatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		k.invalid("POST", "/partij-identificatoren", ident("brp", "niet_natuurlijk_persoon", "bsn", "111222333"), "partijIdentificator.codeObjecttype", "invalid")
		k.invalid("POST", "/partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "bsn", "111222333"), "partijIdentificator.codeSoortObjectId", "invalid")
		k.bad("POST", "/partij-identificatoren", ident("gba", "natuurlijk_persoon", "bsn", "111222333"), "partijIdentificator.codeRegister", "invalid_choice")
	})
}

// TestPartijIdentificatorUniek: kpi-uniek, one BSN across partijen.
func TestPartijIdentificatorUniek(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		p := k.post("partijen", persoon("111222333"))
		k.invalid("POST", "/partijen", persoon("111222333"), "partijIdentificatoren.0.partijIdentificator", "unique")
		k.invalid("POST", "/partij-identificatoren", ident("brp", "natuurlijk_persoon", "bsn", "111222333"), "partijIdentificator", "unique")
		// Updating the partij with its own identificator (by uuid) is no conflict.
		id := p["partijIdentificatoren"].([]any)[0].(map[string]any)
		put := persoon("")
		put["partijIdentificatoren"] = []any{map[string]any{"uuid": id["uuid"], "partijIdentificator": id["partijIdentificator"]}}
		if r := k.do("PUT", "/partijen/"+p["uuid"].(string), put); r.Status != http.StatusOK {
			t.Fatalf("put own identificator: %d %s", r.Status, r.Body)
		}
		if l := k.get("/partij-identificatoren?partijIdentificatorObjectId=111222333"); count(t, l) != 1 {
			t.Errorf("identificatoren: %d", count(t, l))
		}
	})
}

// TestIdentificatorFiltersEenRij: the partijIdentificator__ (and subIdentificatorVan__)
// filters of one request hold for one and the same identificator of the partij.
func TestIdentificatorFiltersEenRij(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		of := func(p map[string]any, id map[string]any) map[string]any {
			id["identificeerdePartij"] = fk(p)
			return k.post("partij-identificatoren", id)
		}
		// a has BSN 111222333; b has another BSN and RSIN 111222333.
		a := k.post("partijen", persoon("111222333"))
		b := k.post("partijen", persoon("123456782"))
		of(b, ident("hr", "niet_natuurlijk_persoon", "rsin", "111222333"))
		var ofA []string // a's klantcontact, betrokkene and digitaal adres
		for _, p := range []map[string]any{a, b} {
			kc := k.post("klantcontacten", klantcontact("paspoort"))
			bt := k.post("betrokkenen", map[string]any{"hadKlantcontact": fk(kc), "wasPartij": fk(p), "rol": "klant", "initiator": true})
			da := k.post("digitaleadressen", map[string]any{"verstrektDoorBetrokkene": nil, "verstrektDoorPartij": fk(p), "adres": "x@example.nl", "soortDigitaalAdres": "email"})
			if p["uuid"] == a["uuid"] {
				ofA = []string{kc["uuid"].(string), bt["uuid"].(string), da["uuid"].(string)}
			}
		}
		bsn := func(prefix string) string {
			return prefix + "partijIdentificator__codeSoortObjectId=bsn&" + prefix + "partijIdentificator__objectId=111222333"
		}
		for path, want := range map[string]string{
			"/partijen?" + bsn(""):                                 a["uuid"].(string),
			"/klantcontacten?" + bsn("hadBetrokkene__wasPartij__"): ofA[0],
			"/betrokkenen?" + bsn("wasPartij__"):                   ofA[1],
			"/digitaleadressen?" + bsn("verstrektDoorPartij__"):    ofA[2],
		} {
			l := k.get(path)
			if count(t, l) != 1 {
				t.Errorf("%s: %d results, want 1", path, count(t, l))
			} else if got := l["results"].([]any)[0].(map[string]any)["uuid"]; got != want {
				t.Errorf("%s: found %v, want %s", path, got, want)
			}
		}

		// Vestiging 1 of KVK 1 belongs to c; d has vestiging 2 of KVK 2 and vestiging 3 of KVK 1.
		kvk1 := k.post("partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "12345678"))
		kvk2 := k.post("partij-identificatoren", ident("hr", "niet_natuurlijk_persoon", "kvk_nummer", "87654321"))
		c, d := k.post("partijen", organisatie("C")), k.post("partijen", organisatie("D"))
		for _, v := range []struct {
			p, kvk map[string]any
			nummer string
		}{{c, kvk1, "000000000001"}, {d, kvk2, "000000000002"}, {d, kvk1, "000000000003"}} {
			id := ident("hr", "vestiging", "vestigingsnummer", v.nummer)
			id["subIdentificatorVan"] = fk(v.kvk)
			of(v.p, id)
		}
		for q, want := range map[string]int{
			"partijIdentificator__objectId=000000000002&subIdentificatorVan__objectId=12345678":                   0,
			"partijIdentificator__objectId=000000000003&subIdentificatorVan__objectId=12345678":                   1,
			"subIdentificatorVan__codeSoortObjectId=kvk_nummer&subIdentificatorVan__objectId=12345678":            2,
			"partijIdentificator__codeSoortObjectId=vestigingsnummer&subIdentificatorVan__objectId=87654321":      1,
			"partijIdentificator__codeSoortObjectId=kvk_nummer&subIdentificatorVan__codeSoortObjectId=kvk_nummer": 0,
		} {
			if n := count(t, k.get("/partijen?"+q)); n != want {
				t.Errorf("/partijen?%s: %d results, want %d", q, n, want)
			}
		}
	})
}

// The onderwerpobject filters of one request hold for one onderwerpobject of the klantcontact.
func TestOnderwerpobjectFiltersEenRij(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		k := ki{e, t}
		over := func(kc map[string]any, objecttype, objectID string) {
			k.post("onderwerpobjecten", map[string]any{"klantcontact": fk(kc), "wasKlantcontact": nil,
				"onderwerpobjectidentificator": map[string]any{"codeObjecttype": objecttype, "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": objectID}})
		}
		// x is about zaak 0a1b and besluit ffff; y about zaak ffff.
		x := k.post("klantcontacten", klantcontact("paspoort"))
		over(x, "zaak", "0a1b")
		over(x, "besluit", "ffff")
		y := k.post("klantcontacten", klantcontact("rijbewijs"))
		over(y, "zaak", "ffff")
		l := k.get("/klantcontacten?onderwerpobject__onderwerpobjectidentificatorCodeObjecttype=zaak&onderwerpobject__onderwerpobjectidentificatorObjectId=ffff")
		if count(t, l) != 1 || l["results"].([]any)[0].(map[string]any)["uuid"] != y["uuid"] {
			t.Errorf("zaak ffff: %v, want only %s", l["results"], y["uuid"])
		}
	})
}
