package besluiten_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/zgw"
)

const (
	brcRoot = "/besluiten/api/v1"
	zrcRoot = "/zaken/api/v1"
	ztcRoot = "/catalogi/api/v1"
	drcRoot = "/documenten/api/v1"
	refRoot = "/referentielijsten/api/v1"
	rsin    = "002220647"
)

// bt is a running Meent with the helpers of the Besluiten tests.
type bt struct {
	*apptest.Env
	mu  sync.Mutex
	seq int
}

func newBT(e *apptest.Env) *bt { return &bt{Env: e} }

func (b *bt) next() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	return b.seq
}

// geo are the headers the zaak endpoints require (harmless elsewhere).
var geo = map[string]string{"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}

// do sends a request with token ("" = admin).
// send is apptest.Send with the admin token.
func (b *bt) send(t testing.TB) apptest.Send {
	return func(method, u string, body any) *apptest.Resp { return b.do(t, "", method, u, body) }
}

func (b *bt) do(t testing.TB, token, method, u string, body any) *apptest.Resp {
	t.Helper()
	if token == "" {
		token = b.Admin
	}
	return b.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: token, Header: geo})
}

// must sends with the admin token and expects status want.
func (b *bt) must(t testing.TB, method, u string, body any, want int) map[string]any {
	t.Helper()
	r := b.do(t, "", method, u, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d, want %d:\n%s", method, u, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.JSON(t)
}

// bad sends a request that should fail with 400 on (name, code); badInput marks a request
// the spec itself forbids.
func (b *bt) bad(t testing.TB, method, u string, body any, badInput bool, name, code string) {
	t.Helper()
	r := b.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: b.Admin, Header: geo, BadInput: badInput})
	apptest.WantInvalid(t, r, name, code)
}

// fix is a published catalogue with what the besluiten need.
type fix struct {
	catalogus   string
	iot         string // informatieobjecttype of the besluittype
	iotAnder    string // informatieobjecttype not of the besluittype
	besluittype string // published, allowed for zaaktype, with iot
	ander       string // published besluittype not of zaaktype
	concept     string // besluittype still concept
	zaaktype    string // published, besluittypen = [besluittype]
}

// fixture builds a catalogue: two informatieobjecttypen, three besluittypen and a zaaktype.
func (b *bt) fixture(t testing.TB) fix {
	t.Helper()
	n := b.next()
	var f fix
	f.catalogus = b.Post(t, ztcRoot+"/catalogussen", map[string]any{
		"domein": fmt.Sprintf("B%d", n), "rsin": rsin, "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
	iot := func(omschrijving string) string {
		u := b.Post(t, ztcRoot+"/informatieobjecttypen", map[string]any{"catalogus": f.catalogus, "omschrijving": omschrijving,
			"beginGeldigheid": "2024-01-01", "vertrouwelijkheidaanduiding": "openbaar", "informatieobjectcategorie": "Test"})["url"].(string)
		b.must(t, http.MethodPost, u+"/publish", nil, http.StatusOK)
		return u
	}
	f.iot, f.iotAnder = iot("Besluitdocument"), iot("Ander document")
	besluittype := func(omschrijving string, iots []string, publish bool) string {
		u := b.Post(t, ztcRoot+"/besluittypen", map[string]any{"catalogus": f.catalogus, "omschrijving": omschrijving,
			"beginGeldigheid": "2024-01-01", "publicatieIndicatie": false, "zaaktypen": []string{}, "informatieobjecttypen": iots})["url"].(string)
		if publish {
			b.must(t, http.MethodPost, u+"/publish", nil, http.StatusOK)
		}
		return u
	}
	f.besluittype = besluittype("Vergunning", []string{"Besluitdocument"}, true)
	f.ander = besluittype("Subsidie", []string{}, true)
	f.concept = besluittype("Concept", []string{}, false)
	f.zaaktype = b.zaaktype(t, f.catalogus, n, []string{"Vergunning"})
	return f
}

// zaaktype makes a published zaaktype with the besluittypen (by omschrijving).
func (b *bt) zaaktype(t testing.TB, catalogus string, n int, besluittypen []string) string {
	t.Helper()
	var procestypen []map[string]any
	b.Get(t, refRoot+"/procestypen?jaar=2020").Decode(t, &procestypen)
	var rto []map[string]any
	b.Get(t, refRoot+"/resultaattypeomschrijvingen").Decode(t, &rto)
	var procestype, nihil string
	for _, p := range procestypen {
		var page struct {
			Results []map[string]any `json:"results"`
		}
		b.Get(t, refRoot+"/resultaten?procesType="+p["url"].(string)).Decode(t, &page)
		for _, r := range page.Results {
			if r["procesType"] == p["url"] && r["bewaartermijn"] != nil && r["procestermijn"] == "nihil" {
				nihil = r["url"].(string)
				break
			}
		}
		if nihil != "" {
			procestype = p["url"].(string)
			break
		}
	}
	if nihil == "" {
		t.Fatal("no selectielijstklasse")
	}
	zt := b.Post(t, ztcRoot+"/zaaktypen", map[string]any{
		"identificatie": fmt.Sprintf("ZT-%d", n), "omschrijving": "Zaaktype", "vertrouwelijkheidaanduiding": "openbaar",
		"doel": "Testen", "aanleiding": "Test", "indicatieInternOfExtern": "extern", "handelingInitiator": "Aanvragen",
		"onderwerp": "Test", "handelingBehandelaar": "Behandelen", "doorlooptijd": "P30D", "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": false, "publicatieIndicatie": false, "productenOfDiensten": []string{"https://producten.example/a"},
		"referentieproces": map[string]any{"naam": "Test"}, "verantwoordelijke": "Gemeente", "versiedatum": "2024-01-01",
		"beginGeldigheid": "2024-01-01", "catalogus": catalogus, "besluittypen": besluittypen, "deelzaaktypen": []string{},
		"gerelateerdeZaaktypen": []any{}, "selectielijstProcestype": procestype,
	})["url"].(string)
	for i, o := range []string{"Ontvangen", "Afgehandeld"} {
		b.Post(t, ztcRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": o, "volgnummer": i + 1})
	}
	b.Post(t, ztcRoot+"/roltypen", map[string]any{"zaaktype": zt, "omschrijving": "initiator", "omschrijvingGeneriek": "initiator"})
	b.Post(t, ztcRoot+"/resultaattypen", map[string]any{
		"zaaktype": zt, "omschrijving": "Afgehandeld", "resultaattypeomschrijving": rto[0]["url"], "selectielijstklasse": nihil,
		"brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld"}, "archiefactietermijn": "P10Y", "besluittypen": []string{},
	})
	b.must(t, http.MethodPost, zt+"/publish", nil, http.StatusOK)
	return zt
}

// zaak creates a zaak of zaaktype and returns its URL.
func (b *bt) zaak(t testing.TB, zaaktype string) string {
	t.Helper()
	return b.must(t, http.MethodPost, zrcRoot+"/zaken", map[string]any{"bronorganisatie": rsin, "verantwoordelijkeOrganisatie": rsin,
		"startdatum": "2024-03-01", "zaaktype": zaaktype, "omschrijving": "Een zaak"}, http.StatusCreated)["url"].(string)
}

// besluitBody is a valid besluit body of besluittype.
func besluitBody(besluittype string, over map[string]any) map[string]any {
	m := map[string]any{"verantwoordelijkeOrganisatie": rsin, "besluittype": besluittype, "datum": "2024-03-01", "ingangsdatum": "2024-03-02"}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// besluit creates a besluit and returns it.
func (b *bt) besluit(t testing.TB, besluittype string, over map[string]any) map[string]any {
	t.Helper()
	return b.must(t, http.MethodPost, brcRoot+"/besluiten", besluitBody(besluittype, over), http.StatusCreated)
}

// eio creates an enkelvoudiginformatieobject of iot in the Documenten register.
func (b *bt) eio(t *testing.T, iot string) string {
	t.Helper()
	r := b.do(t, "", http.MethodPost, drcRoot+"/enkelvoudiginformatieobjecten", map[string]any{
		"bronorganisatie": rsin, "creatiedatum": "2024-03-01", "titel": "Besluitbrief", "auteur": "Tester", "taal": "nld",
		"informatieobjecttype": iot, "vertrouwelijkheidaanduiding": "openbaar", "inhoud": "aGFsbG8=", "formaat": "text/plain",
		"bestandsnaam": "brief.txt"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create enkelvoudiginformatieobject: %d %.300s", r.Status, r.Body)
	}
	return r.JSON(t)["url"].(string)
}

// client returns a token of a client with the autorisaties.
func (b *bt) client(t testing.TB, as ...autorisaties.Autorisatie) string {
	t.Helper()
	id := fmt.Sprintf("brc-%d", b.next())
	return b.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: id + "-secret", Label: id, Autorisaties: as})
}

func brc(besluittype string, scopes ...string) autorisaties.Autorisatie {
	return autorisaties.Autorisatie{Component: "brc", Scopes: scopes, Besluittype: besluittype}
}

// list returns count and result urls of GET /besluiten.
func (b *bt) list(t testing.TB, token, u string) (int, []string) {
	t.Helper()
	r := b.do(t, token, http.MethodGet, u, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", u, r.Status, r.Body)
	}
	var page struct {
		Count   int              `json:"count"`
		Results []map[string]any `json:"results"`
	}
	r.Decode(t, &page)
	var urls []string
	for _, x := range page.Results {
		urls = append(urls, x["url"].(string))
	}
	return page.Count, urls
}

// array returns the objects of a plain-array list.
func (b *bt) array(t testing.TB, token, u string) []map[string]any {
	t.Helper()
	r := b.do(t, token, http.MethodGet, u, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", u, r.Status, r.Body)
	}
	var out []map[string]any
	r.Decode(t, &out)
	return out
}

// notifications returns the outbox rows of kanaal.
func (b *bt) notifications(t testing.TB, kanaal string) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), b.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []zgw.OutboxRow
	for _, r := range rows {
		if r.Kanaal == kanaal {
			out = append(out, r)
		}
	}
	return out
}

// count returns the number of rows of a query.
func (b *bt) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.App.DB.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func uuidOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

// zaakbesluiten returns the besluit URLs of the zaakbesluiten of zaak.
func (b *bt) zaakbesluiten(t testing.TB, zaak string) []string {
	t.Helper()
	var out []string
	for _, zb := range b.array(t, "", zaak+"/besluiten") {
		out = append(out, zb["besluit"].(string))
	}
	return out
}

// noTrace runs f and fails when it left a notification (of any kanaal) or an audit entry:
// what a refused request must not leave behind.
func (b *bt) noTrace(t testing.TB, what string, f func()) {
	t.Helper()
	last := b.count(t, `SELECT COALESCE(MAX(id), 0) FROM outbox`)
	audit := b.count(t, `SELECT count(*) FROM audittrail`)
	f()
	if n := b.count(t, `SELECT count(*) FROM outbox WHERE id > $1`, last); n != 0 {
		t.Errorf("%s left %d notifications", what, n)
	}
	if n := b.count(t, `SELECT count(*) FROM audittrail`); n != audit {
		t.Errorf("%s changed the audit trail: %d entries, were %d", what, n, audit)
	}
}
