package zaken_test

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
	zrcRoot = "/zaken/api/v1"
	ztcRoot = "/catalogi/api/v1"
	refRoot = "/referentielijsten/api/v1"
)

// zt is a running Meent with the helpers of the Zaken tests.
type zt struct {
	*apptest.Env
	mu  sync.Mutex
	seq int
}

func newZT(e *apptest.Env) *zt { return &zt{Env: e} }

func (z *zt) next() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.seq++
	return z.seq
}

// geo are the headers every zaak endpoint requires.
var geo = map[string]string{"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}

// do sends a request with token ("" = admin) and the geo headers.
func (z *zt) do(t testing.TB, token, method, u string, body any) *apptest.Resp {
	t.Helper()
	if token == "" {
		token = z.Admin
	}
	return z.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: token, Header: geo})
}

// must sends with the admin token and expects status want.
func (z *zt) must(t testing.TB, method, u string, body any, want int) map[string]any {
	t.Helper()
	r := z.do(t, "", method, u, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d, want %d:\n%s", method, u, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.JSON(t)
}

// bad sends a request that should fail with 400 on (name, code).
func (z *zt) bad(t testing.TB, method, u string, body any, name, code string) {
	t.Helper()
	r := z.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: z.Admin, Header: geo, BadInput: true})
	apptest.WantInvalid(t, r, name, code)
}

// typ is a published zaaktype with its sub-types.
type typ struct {
	zaaktype   string
	statustype []string // by volgnummer; the last is the end status
	roltype    map[string]string
	resultaat  map[string]string // afleidingswijze -> resultaattype
}

// zaaktype makes a published zaaktype with two statustypen, two roltypen and resultaattypen
// for the afleidingswijzen asked (default afgehandeld).
func (z *zt) zaaktype(t testing.TB, vertrouwelijkheid string, afleidingen ...string) typ {
	t.Helper()
	n := z.next()
	cat := z.Post(t, ztcRoot+"/catalogussen", map[string]any{
		"domein": fmt.Sprintf("Z%d", n), "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
	var procestypen []map[string]any
	z.Get(t, refRoot+"/procestypen?jaar=2020").Decode(t, &procestypen)
	procestype := procestypen[0]["url"].(string)
	var rto []map[string]any
	z.Get(t, refRoot+"/resultaattypeomschrijvingen").Decode(t, &rto)
	// afgehandeld goes with a selectielijstklasse of procestermijn nihil, the other
	// afleidingswijzen with one that has a procestermijn (ztc-003): take a procestype that
	// has both.
	var nihil, anders string
	for _, p := range procestypen {
		nihil, anders = "", ""
		var page struct {
			Results []map[string]any `json:"results"`
		}
		z.Get(t, refRoot+"/resultaten?procesType="+p["url"].(string)).Decode(t, &page)
		for _, r := range page.Results {
			if r["procesType"] != p["url"] || r["bewaartermijn"] == nil {
				continue
			}
			if r["procestermijn"] == "nihil" && nihil == "" {
				nihil = r["url"].(string)
			}
			if r["procestermijn"] != "nihil" && anders == "" {
				anders = r["url"].(string)
			}
		}
		if nihil != "" && anders != "" {
			procestype = p["url"].(string)
			break
		}
	}
	if nihil == "" || anders == "" {
		t.Fatal("no selectielijstklassen")
	}
	zt := z.Post(t, ztcRoot+"/zaaktypen", map[string]any{
		"identificatie": fmt.Sprintf("ZT-%d", n), "omschrijving": "Zaaktype", "vertrouwelijkheidaanduiding": vertrouwelijkheid,
		"doel": "Testen", "aanleiding": "Test", "indicatieInternOfExtern": "extern", "handelingInitiator": "Aanvragen",
		"onderwerp": "Test", "handelingBehandelaar": "Behandelen", "doorlooptijd": "P30D", "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": false, "publicatieIndicatie": false, "productenOfDiensten": []string{"https://producten.example/a"},
		"referentieproces": map[string]any{"naam": "Test"}, "verantwoordelijke": "Gemeente", "versiedatum": "2024-01-01",
		"beginGeldigheid": "2024-01-01", "catalogus": cat, "besluittypen": []string{}, "deelzaaktypen": []string{},
		"gerelateerdeZaaktypen": []any{}, "selectielijstProcestype": procestype,
	})["url"].(string)
	out := typ{zaaktype: zt, roltype: map[string]string{}, resultaat: map[string]string{}}
	for i, o := range []string{"Ontvangen", "Afgehandeld"} {
		out.statustype = append(out.statustype, z.Post(t, ztcRoot+"/statustypen", map[string]any{
			"zaaktype": zt, "omschrijving": o, "volgnummer": i + 1})["url"].(string))
	}
	for _, g := range []string{"initiator", "behandelaar"} {
		out.roltype[g] = z.Post(t, ztcRoot+"/roltypen", map[string]any{"zaaktype": zt, "omschrijving": g, "omschrijvingGeneriek": g})["url"].(string)
	}
	if len(afleidingen) == 0 {
		afleidingen = []string{"afgehandeld"}
	}
	for i, a := range afleidingen {
		b := map[string]any{"afleidingswijze": a}
		klasse := anders
		if a == "afgehandeld" {
			klasse = nihil
		}
		switch a {
		case "termijn":
			b["procestermijn"] = "P1Y"
		case "eigenschap", "zaakobject", "ander_datumkenmerk":
			b["datumkenmerk"] = "datum"
		}
		if a == "zaakobject" || a == "ander_datumkenmerk" {
			b["objecttype"] = "overige"
			b["registratie"] = "Test"
		}
		out.resultaat[a] = z.Post(t, ztcRoot+"/resultaattypen", map[string]any{
			"zaaktype": zt, "omschrijving": fmt.Sprintf("Resultaat %d", i), "resultaattypeomschrijving": rto[0]["url"],
			"selectielijstklasse": klasse, "brondatumArchiefprocedure": b, "archiefactietermijn": "P10Y", "besluittypen": []string{},
		})["url"].(string)
	}
	z.must(t, http.MethodPost, zt+"/publish", nil, http.StatusOK)
	return out
}

// zaakBody is a valid zaak body of zaaktype.
func zaakBody(zaaktype string, over map[string]any) map[string]any {
	b := map[string]any{"bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
		"startdatum": "2024-03-01", "zaaktype": zaaktype, "omschrijving": "Een zaak"}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

// zaak creates a zaak and returns it.
func (z *zt) zaak(t testing.TB, zaaktype string, over map[string]any) map[string]any {
	t.Helper()
	return z.must(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(zaaktype, over), http.StatusCreated)
}

// client returns a token of a client with zrc autorisaties.
func (z *zt) client(t testing.TB, as ...autorisaties.Autorisatie) string {
	t.Helper()
	id := fmt.Sprintf("zrc-%d", z.next())
	return z.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: id + "-secret", Label: id, Autorisaties: as})
}

func zrc(zaaktype, max string, scopes ...string) autorisaties.Autorisatie {
	return autorisaties.Autorisatie{Component: "zrc", Scopes: scopes, Zaaktype: zaaktype, MaxVertrouwelijkheidaanduiding: max}
}

// list returns count and result urls of a list.
func (z *zt) list(t testing.TB, token, u string) (int, []string) {
	t.Helper()
	r := z.do(t, token, http.MethodGet, u, nil)
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

// notifications returns the outbox rows of kanaal zaken.
func (z *zt) notifications(t testing.TB) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), z.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []zgw.OutboxRow
	for _, r := range rows {
		if r.Kanaal == "zaken" {
			out = append(out, r)
		}
	}
	return out
}

func uuidOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }
