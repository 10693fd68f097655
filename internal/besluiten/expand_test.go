package besluiten_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
)

func expanded(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	e, ok := m["_expand"].(map[string]any)
	if !ok {
		t.Fatalf("no _expand in %v", m)
	}
	v, ok := e[key].(map[string]any)
	if !ok {
		t.Fatalf("_expand.%s missing in %v", key, e)
	}
	return v
}

// TestBesluitExpand: besluittype and zaak (with nested zaak paths, done by the Zaken
// register) on besluiten, besluit (nested) on besluitinformatieobjecten; a null reference and
// a zaak the client may not read expand to {}; an unknown path is a 400.
func TestBesluitExpand(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		z := b.zaak(t, f.zaaktype)
		met := b.besluit(t, f.besluittype, map[string]any{"zaak": z})["url"].(string)
		zonder := b.besluit(t, f.besluittype, nil)["url"].(string)
		got := b.must(t, http.MethodGet, met+"?expand=besluittype,zaak.zaaktype", nil, http.StatusOK)
		if expanded(t, got, "besluittype")["url"] != f.besluittype {
			t.Errorf("besluittype: %v", got["_expand"])
		}
		zaak := expanded(t, got, "zaak")
		if zaak["url"] != z || expanded(t, zaak, "zaaktype")["url"] != f.zaaktype {
			t.Errorf("zaak: %v", zaak)
		}
		if got := b.must(t, http.MethodGet, zonder+"?expand=zaak", nil, http.StatusOK); len(expanded(t, got, "zaak")) != 0 {
			t.Errorf("null zaak expands to %v", got["_expand"])
		}
		r := b.do(t, "", http.MethodGet, brcRoot+"/besluiten?expand=zaak,besluittype", nil)
		var page struct {
			Results []map[string]any `json:"results"`
		}
		r.Decode(t, &page)
		if len(page.Results) != 2 || expanded(t, page.Results[0], "zaak")["url"] != z || len(expanded(t, page.Results[1], "zaak")) != 0 {
			t.Errorf("list expand: %s", r.Body)
		}
		for _, bad := range []string{"onbekend", "zaak.hoofdzaak", "besluittype.catalogus.x"} {
			r := b.Do(t, apptest.Req{Method: http.MethodGet, URL: met + "?expand=" + bad, Token: b.Admin, BadInput: true})
			apptest.WantInvalid(t, r, "expand", "invalid-expand")
		}
		// A client without zaken.lezen on the zaaktype does not see the zaak through expand.
		lezer := b.client(t, brc(f.besluittype, "besluiten.lezen"))
		if got := b.do(t, lezer, http.MethodGet, met+"?expand=zaak", nil).JSON(t); len(expanded(t, got, "zaak")) != 0 {
			t.Errorf("zaak shown to a client without zaken.lezen: %v", got["_expand"])
		}
		zaaklezer := b.client(t, brc(f.besluittype, "besluiten.lezen"), autorisaties.Autorisatie{Component: "zrc",
			Scopes: []string{"zaken.lezen"}, Zaaktype: f.zaaktype, MaxVertrouwelijkheidaanduiding: "openbaar"})
		if got := b.do(t, zaaklezer, http.MethodGet, met+"?expand=zaak", nil).JSON(t); expanded(t, got, "zaak")["url"] != z {
			t.Errorf("zaak hidden from a client with zaken.lezen: %v", got["_expand"])
		}
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": met}, http.StatusCreated)["url"].(string)
		got = b.must(t, http.MethodGet, bio+"?expand=besluit.besluittype,besluit.zaak", nil, http.StatusOK)
		besluit := expanded(t, got, "besluit")
		if besluit["url"] != met || expanded(t, besluit, "besluittype")["url"] != f.besluittype || expanded(t, besluit, "zaak")["url"] != z {
			t.Errorf("besluit: %v", besluit)
		}
		list := b.array(t, "", bioRoot+"?expand=besluit")
		if len(list) != 1 || expanded(t, list[0], "besluit")["url"] != met {
			t.Errorf("list expand: %v", list)
		}
	}, rm.allow())
}

// TestBesluitinformatieobjectExpandInformatieobject: informatieobject (and its type) from the
// Documenten register of this process.
func TestBesluitinformatieobjectExpandInformatieobject(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		io := b.eio(t, f.iot)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": io, "besluit": besluit}, http.StatusCreated)["url"].(string)
		got := b.must(t, http.MethodGet, bio+"?expand=informatieobject.informatieobjecttype", nil, http.StatusOK)
		doc := expanded(t, got, "informatieobject")
		if doc["url"] != io || expanded(t, doc, "informatieobjecttype")["url"] != f.iot {
			t.Errorf("informatieobject: %v", doc)
		}
		lezer := b.client(t, brc(f.besluittype, "besluiten.lezen"))
		if got := b.do(t, lezer, http.MethodGet, bio+"?expand=informatieobject", nil).JSON(t); len(expanded(t, got, "informatieobject")) != 0 {
			t.Errorf("document shown to a client without documenten.lezen: %v", got["_expand"])
		}
	})
}
