package klantinteracties_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

var root = apptest.Root("klantinteracties")

// ki wraps an Env with the requests the tests make.
type ki struct {
	*apptest.Env
	t *testing.T
}

func (k ki) post(coll string, body any) map[string]any {
	k.t.Helper()
	return k.Post(k.t, root+"/"+coll, body)
}

func (k ki) get(path string) map[string]any {
	k.t.Helper()
	r := k.Get(k.t, root+path)
	if r.Status != http.StatusOK {
		k.t.Fatalf("GET %s = %d:\n%s", path, r.Status, r.Body)
	}
	return r.JSON(k.t)
}

// do sends a request with the admin token and returns the response.
func (k ki) do(method, path string, body any) *apptest.Resp {
	k.t.Helper()
	return k.Do(k.t, apptest.Req{Method: method, URL: root + path, Body: body, Token: k.Admin})
}

// send is apptest.Send with the admin token.
func (k ki) send(method, u string, body any) *apptest.Resp {
	return k.Do(k.t, apptest.Req{Method: method, URL: u, Body: body, Token: k.Admin})
}

// bad sends a request the spec itself forbids and expects 400 with invalidParam name/code.
func (k ki) bad(method, path string, body any, name, code string) {
	k.t.Helper()
	r := k.Do(k.t, apptest.Req{Method: method, URL: root + path, Body: body, Token: k.Admin, BadInput: true})
	apptest.WantInvalid(k.t, r, name, code)
}

// invalid sends a spec-valid request and expects 400 with invalidParam name/code.
func (k ki) invalid(method, path string, body any, name, code string) {
	k.t.Helper()
	apptest.WantInvalid(k.t, k.do(method, path, body), name, code)
}

func count(t *testing.T, m map[string]any) int {
	t.Helper()
	return int(m["count"].(float64))
}

func fk(o map[string]any) map[string]any { return map[string]any{"uuid": o["uuid"]} }

func persoon(bsn string) map[string]any {
	p := map[string]any{
		"soortPartij": "persoon", "indicatieActief": true, "digitaleAdressen": nil, "rekeningnummers": nil,
		"voorkeursDigitaalAdres": nil, "voorkeursRekeningnummer": nil, "indicatieGeheimhouding": false,
		"voorkeurstaal": "nld",
		"partijIdentificatie": map[string]any{"contactnaam": map[string]any{
			"voorletters": "J", "voornaam": "Jan", "voorvoegselAchternaam": "van", "achternaam": "Dijk"}},
	}
	if bsn != "" {
		p["partijIdentificatoren"] = []any{map[string]any{"partijIdentificator": map[string]any{
			"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "objectId": bsn, "codeRegister": "brp"}}}
	}
	return p
}

func organisatie(naam string) map[string]any {
	return map[string]any{
		"soortPartij": "organisatie", "indicatieActief": true, "digitaleAdressen": nil, "rekeningnummers": nil,
		"voorkeursDigitaalAdres": nil, "voorkeursRekeningnummer": nil,
		"partijIdentificatie": map[string]any{"naam": naam},
	}
}

func klantcontact(onderwerp string) map[string]any {
	return map[string]any{"kanaal": "telefoon", "onderwerp": onderwerp, "taal": "nld", "vertrouwelijk": false, "inhoud": "Vraag over " + onderwerp}
}

func medewerker(naam string) map[string]any {
	return map[string]any{"naam": naam, "soortActor": "medewerker", "indicatieActief": true,
		"actorIdentificatie": map[string]any{"functie": "KCC", "telefoonnummer": "0201234567", "emailadres": "mw@example.nl"}}
}

// outbox returns the notifications written so far.
func outbox(t *testing.T, e *apptest.Env) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), e.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
