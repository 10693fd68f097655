package zaken_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/zgw"
)

// zaaktypeMet makes a published zaaktype like zt.zaaktype (two statustypen, a roltype and a
// resultaattype afgehandeld) and lets extra add sub-types before it is published.
func (z *zt) zaaktypeMet(t testing.TB, vertrouwelijkheid string, extra func(zaaktype, catalogus string)) typ {
	t.Helper()
	n := z.next()
	cat := z.Post(t, ztcRoot+"/catalogussen", map[string]any{
		"domein": fmt.Sprintf("R%d", n), "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
	var procestypen []map[string]any
	z.Get(t, refRoot+"/procestypen?jaar=2020").Decode(t, &procestypen)
	var rto []map[string]any
	z.Get(t, refRoot+"/resultaattypeomschrijvingen").Decode(t, &rto)
	var procestype, nihil string
	for _, p := range procestypen {
		var page struct {
			Results []map[string]any `json:"results"`
		}
		z.Get(t, refRoot+"/resultaten?procesType="+p["url"].(string)).Decode(t, &page)
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
	zt := z.Post(t, ztcRoot+"/zaaktypen", map[string]any{
		"identificatie": fmt.Sprintf("RZT-%d", n), "omschrijving": "Zaaktype", "vertrouwelijkheidaanduiding": vertrouwelijkheid,
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
	out.roltype["initiator"] = z.Post(t, ztcRoot+"/roltypen", map[string]any{"zaaktype": zt, "omschrijving": "initiator", "omschrijvingGeneriek": "initiator"})["url"].(string)
	out.resultaat["afgehandeld"] = z.Post(t, ztcRoot+"/resultaattypen", map[string]any{
		"zaaktype": zt, "omschrijving": "Resultaat", "resultaattypeomschrijving": rto[0]["url"],
		"selectielijstklasse": nihil, "brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld"},
		"archiefactietermijn": "P10Y", "besluittypen": []string{},
	})["url"].(string)
	if extra != nil {
		extra(zt, cat)
	}
	z.must(t, http.MethodPost, zt+"/publish", nil, http.StatusOK)
	return out
}

// remote is a fake of the registers Meent does not have (yet): objects and documents at
// URLs the server may fetch (--allow-fetch).
type remote struct {
	srv  *httptest.Server
	mu   sync.Mutex
	docs map[string]map[string]any
	oios map[string]map[string]string // objectinformatieobjecten by url
	nOIO int
}

func newRemote(t *testing.T) *remote {
	rm := &remote{docs: map[string]map[string]any{}}
	rm.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rm.mu.Lock()
		doc, ok := rm.docs[r.URL.Path]
		rm.mu.Unlock()
		switch {
		case ok:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc)
		case strings.HasPrefix(r.URL.Path, "/documenten/api/v1/objectinformatieobjecten"):
			rm.oio(w, r)
		case strings.HasPrefix(r.URL.Path, "/objecten/"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"url": "` + rm.srv.URL + r.URL.Path + `", "type": "x", "record": {}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(rm.srv.Close)
	return rm
}

// oio is the objectinformatieobjecten collection of the fake Documenten API, where the
// Zaken register mirrors its zaakinformatieobjecten (zrc-005).
func (rm *remote) oio(w http.ResponseWriter, r *http.Request) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.oios == nil {
		rm.oios = map[string]map[string]string{}
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodPost:
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		rm.nOIO++
		body["url"] = fmt.Sprintf("%s/documenten/api/v1/objectinformatieobjecten/00000000-0000-4000-9000-%012d", rm.srv.URL, rm.nOIO)
		rm.oios[body["url"]] = body
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(body)
	case http.MethodGet:
		out := []map[string]string{}
		for _, o := range rm.oios {
			if o["object"] == r.URL.Query().Get("object") && o["informatieobject"] == r.URL.Query().Get("informatieobject") {
				out = append(out, o)
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	case http.MethodDelete:
		delete(rm.oios, rm.srv.URL+r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	}
}

// mirrors counts the objectinformatieobjecten of the fake Documenten API.
func (rm *remote) mirrors() int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return len(rm.oios)
}

// allow is the apptest option that lets the server fetch from the fake.
func (rm *remote) allow() apptest.Option {
	return func(c *config.Config) { c.AllowFetch = append(c.AllowFetch, rm.srv.URL) }
}

func (rm *remote) object(name string) string { return rm.srv.URL + "/objecten/" + name }

// document adds an enkelvoudiginformatieobject of informatieobjecttype and returns its URL.
func (rm *remote) document(iot string, gebruiksrecht any) string {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	path := fmt.Sprintf("/documenten/api/v1/enkelvoudiginformatieobjecten/00000000-0000-4000-8000-%012d", len(rm.docs)+1)
	rm.docs[path] = map[string]any{"url": rm.srv.URL + path, "identificatie": path, "bronorganisatie": "002220647",
		"informatieobjecttype": iot, "vertrouwelijkheidaanduiding": "openbaar", "indicatieGebruiksrecht": gebruiksrecht,
		"status": "definitief", "titel": "Document"}
	return rm.srv.URL + path
}

// resource adds a JSON resource at path and returns its URL.
func (rm *remote) resource(path string, doc map[string]any) string {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	doc["url"] = rm.srv.URL + path
	rm.docs[path] = doc
	return rm.srv.URL + path
}

// code returns the status of a request with token ("" = admin) that may be refused.
func (z *zt) code(t testing.TB, token, method, u string, body any) int {
	t.Helper()
	if token == "" {
		token = z.Admin
	}
	return z.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: token, Header: geo, BadInput: true}).Status
}

// lastNotification is the newest notification of kanaal zaken about resource; it checks
// the hoofdObject and kenmerken are those of zaak.
func (z *zt) lastNotification(t testing.TB, resource, zaak string) zgw.Notificatie {
	t.Helper()
	ns := z.notifications(t)
	for i := len(ns) - 1; i >= 0; i-- {
		if n := ns[i].Notificatie; n.Resource == resource && n.HoofdObject == zaak {
			if n.Kenmerken["bronorganisatie"] != "002220647" || n.Kenmerken["zaaktype"] == "" || n.Kenmerken["vertrouwelijkheidaanduiding"] == "" {
				t.Errorf("kenmerken %v", n.Kenmerken)
			}
			return n
		}
	}
	t.Fatalf("no notification of %s on %s", resource, zaak)
	return zgw.Notificatie{}
}

// trail returns the resources and acties of the audit trail of zaak.
func (z *zt) trail(t testing.TB, zaak string) []string {
	t.Helper()
	var entries []map[string]any
	z.do(t, "", http.MethodGet, zaak+"/audittrail", nil).Decode(t, &entries)
	var out []string
	for _, e := range entries {
		out = append(out, fmt.Sprint(e["resource"], " ", e["actie"]))
	}
	return out
}
