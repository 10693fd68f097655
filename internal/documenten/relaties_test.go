package documenten_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// zaaktype makes a published zaaktype in cat that allows informatieobjecttype iot (with the
// statustypen, roltype and resultaattype publishing requires).
func (d *dt) zaaktype(t testing.TB, cat, iot string) string {
	t.Helper()
	n := d.next()
	var procestypen []map[string]any
	d.Get(t, refRoot+"/procestypen?jaar=2020").Decode(t, &procestypen)
	var rto []map[string]any
	d.Get(t, refRoot+"/resultaattypeomschrijvingen").Decode(t, &rto)
	var procestype, nihil string
	for _, p := range procestypen {
		var page struct {
			Results []map[string]any `json:"results"`
		}
		d.Get(t, refRoot+"/resultaten?procesType="+p["url"].(string)).Decode(t, &page)
		for _, r := range page.Results {
			if r["procesType"] == p["url"] && r["bewaartermijn"] != nil && r["procestermijn"] == "nihil" {
				procestype, nihil = p["url"].(string), r["url"].(string)
				break
			}
		}
		if nihil != "" {
			break
		}
	}
	if nihil == "" {
		t.Fatal("no selectielijstklasse")
	}
	zt := d.Post(t, ztcRoot+"/zaaktypen", map[string]any{
		"identificatie": fmt.Sprintf("ZT-%d", n), "omschrijving": "Zaaktype", "vertrouwelijkheidaanduiding": "openbaar",
		"doel": "Testen", "aanleiding": "Test", "indicatieInternOfExtern": "extern", "handelingInitiator": "Aanvragen",
		"onderwerp": "Test", "handelingBehandelaar": "Behandelen", "doorlooptijd": "P30D", "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": false, "publicatieIndicatie": false, "productenOfDiensten": []string{"https://producten.example/a"},
		"referentieproces": map[string]any{"naam": "Test"}, "verantwoordelijke": "Gemeente", "versiedatum": "2024-01-01",
		"beginGeldigheid": "2024-01-01", "catalogus": cat, "besluittypen": []string{}, "deelzaaktypen": []string{},
		"gerelateerdeZaaktypen": []any{}, "selectielijstProcestype": procestype,
	})["url"].(string)
	for i, o := range []string{"Ontvangen", "Afgehandeld"} {
		d.Post(t, ztcRoot+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": o, "volgnummer": i + 1})
	}
	d.Post(t, ztcRoot+"/roltypen", map[string]any{"zaaktype": zt, "omschrijving": "initiator", "omschrijvingGeneriek": "initiator"})
	d.Post(t, ztcRoot+"/resultaattypen", map[string]any{
		"zaaktype": zt, "omschrijving": "Resultaat", "resultaattypeomschrijving": rto[0]["url"],
		"selectielijstklasse": nihil, "brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld"},
		"archiefactietermijn": "P10Y", "besluittypen": []string{}})
	var io map[string]any
	d.Get(t, iot).Decode(t, &io)
	d.Post(t, ztcRoot+"/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": zt, "informatieobjecttype": io["omschrijving"],
		"volgnummer": 1, "richting": "inkomend"})
	d.must(t, http.MethodPost, zt+"/publish", nil, http.StatusOK)
	return zt
}

var geo = map[string]string{"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}

func (d *dt) zaak(t testing.TB, zaaktype string) string {
	t.Helper()
	r := d.Do(t, apptest.Req{Method: http.MethodPost, URL: zrcRoot + "/zaken", Token: d.Admin, Header: geo, Body: map[string]any{
		"bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647", "startdatum": "2024-03-01",
		"zaaktype": zaaktype, "omschrijving": "Een zaak"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("zaak: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["url"].(string)
}

// oios lists the objectinformatieobjecten of query q.
func (d *dt) oios(t testing.TB, q string) []map[string]any {
	t.Helper()
	var list []map[string]any
	d.do(t, "", http.MethodGet, drcRoot+"/objectinformatieobjecten"+q, nil).Decode(t, &list)
	return list
}

// TestDRC002DRC003DRC004ObjectInformatieObject covers the mirror of a zaakinformatieobject:
// drc-004 refuses an OIO without the relation at the source, drc-002 checks the object,
// drc-003 the uniqueness; drc-008 keeps the document while the OIO exists.
func TestDRC002DRC003DRC004ObjectInformatieObject(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		cat := d.catalogus(t)
		iot := d.iot(t, cat, "openbaar", false)
		zaak := d.zaak(t, d.zaaktype(t, cat, iot))
		doc := d.doc(t, iot, nil)["url"].(string)
		oio := drcRoot + "/objectinformatieobjecten"
		body := map[string]any{"object": zaak, "informatieobject": doc, "objectType": "zaak"}
		// drc-004: no zaakinformatieobject yet
		d.bad(t, http.MethodPost, oio, body, "nonFieldErrors", "inconsistent-relation")
		// drc-002
		d.bad(t, http.MethodPost, oio, map[string]any{"object": d.URL + zrcRoot + "/zaken/6b7e2b2a-3a51-4c38-9d5c-9e2b5f1f0a01",
			"informatieobject": doc, "objectType": "zaak"}, "object", "bad-url")
		d.bad(t, http.MethodPost, oio, map[string]any{"object": doc, "informatieobject": doc, "objectType": "zaak"}, "object", "invalid-resource")
		d.bad(t, http.MethodPost, oio, map[string]any{"object": zaak, "informatieobject": d.URL + eios + "/6b7e2b2a-3a51-4c38-9d5c-9e2b5f1f0a01",
			"objectType": "zaak"}, "informatieobject", "bad-url")
		// the zaakinformatieobject in the Zaken API, which mirrors it here (zrc-005)
		r := d.Do(t, apptest.Req{Method: http.MethodPost, URL: zrcRoot + "/zaakinformatieobjecten", Token: d.Admin, Header: geo,
			Body: map[string]any{"zaak": zaak, "informatieobject": doc, "titel": "Aanvraag"}})
		if r.Status != http.StatusCreated {
			t.Fatalf("zaakinformatieobject: %d %s", r.Status, r.Body)
		}
		zio := r.JSON(t)["url"].(string)
		list := d.oios(t, "?object="+zaak)
		if len(list) != 1 || list[0]["informatieobject"] != doc || list[0]["objectType"] != "zaak" {
			t.Fatalf("oios %v", list)
		}
		if l := d.oios(t, "?informatieobject="+doc); len(l) != 1 {
			t.Errorf("by informatieobject %v", l)
		}
		d.must(t, http.MethodGet, list[0]["url"].(string), nil, http.StatusOK)
		// drc-003
		d.bad(t, http.MethodPost, oio, body, "nonFieldErrors", "unique")
		// drc-008
		d.bad(t, http.MethodDelete, doc, nil, "nonFieldErrors", "pending-relations")
		// deleting the mirror while the source relation exists is inconsistent
		d.bad(t, http.MethodDelete, list[0]["url"].(string), nil, "nonFieldErrors", "inconsistent-relation")
		if r := d.Do(t, apptest.Req{Method: http.MethodDelete, URL: zio, Token: d.Admin, Header: geo}); r.Status != http.StatusNoContent {
			t.Fatalf("delete zaakinformatieobject: %d %s", r.Status, r.Body)
		}
		// and the Zaken register removes the mirror with it
		if l := d.oios(t, "?object="+zaak); len(l) != 0 {
			t.Errorf("oio left: %v", l)
		}
		var acties []string
		for _, n := range d.notifications(t) {
			if n.Resource == "objectinformatieobject" && n.HoofdObject == doc {
				acties = append(acties, n.Actie)
			}
		}
		if fmt.Sprint(acties) != "[create destroy]" {
			t.Errorf("objectinformatieobject notifications %v", acties)
		}
		d.must(t, http.MethodDelete, doc, nil, http.StatusNoContent)
	})
}

// TestDRC006Gebruiksrechten: creating gebruiksrechten sets indicatieGebruiksrecht, deleting
// the last one clears it; a client cannot set it without them.
func TestDRC006Gebruiksrechten(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		doc := d.doc(t, iot, nil)
		u := doc["url"].(string)
		if doc["indicatieGebruiksrecht"] != nil {
			t.Fatalf("indicatie %v", doc["indicatieGebruiksrecht"])
		}
		base := drcRoot + "/gebruiksrechten"
		g := d.must(t, http.MethodPost, base, map[string]any{"informatieobject": u, "startdatum": "2024-01-01T00:00:00Z",
			"omschrijvingVoorwaarden": "Alleen intern"}, http.StatusCreated)
		g2 := d.must(t, http.MethodPost, base, map[string]any{"informatieobject": u, "startdatum": "2025-01-01T00:00:00Z",
			"einddatum": "2026-01-01T00:00:00Z", "omschrijvingVoorwaarden": "Later"}, http.StatusCreated)
		if o := d.must(t, http.MethodGet, u, nil, http.StatusOK); o["indicatieGebruiksrecht"] != true || o["versie"] != 1.0 {
			t.Errorf("after create: %v versie %v", o["indicatieGebruiksrecht"], o["versie"])
		}
		for q, want := range map[string]int{"": 2, "?informatieobject=" + u: 2, "?startdatum__gt=2024-06-01T00:00:00Z": 1,
			"?einddatum__lte=2026-01-01T00:00:00Z": 1} {
			var l []map[string]any
			d.do(t, "", http.MethodGet, base+q, nil).Decode(t, &l)
			if len(l) != want {
				t.Errorf("list %s: %d, want %d", q, len(l), want)
			}
		}
		lock := d.lock(t, u)
		d.bad(t, http.MethodPatch, u, map[string]any{"lock": lock, "indicatieGebruiksrecht": false}, "indicatieGebruiksrecht", "existing-gebruiksrechten")
		if p := d.must(t, http.MethodPatch, g["url"].(string), map[string]any{"omschrijvingVoorwaarden": "Nieuw"}, http.StatusOK); p["omschrijvingVoorwaarden"] != "Nieuw" {
			t.Errorf("patch %v", p)
		}
		if x := d.must(t, http.MethodGet, g["url"].(string)+"?expand=informatieobject", nil, http.StatusOK); x["_expand"] == nil {
			t.Errorf("expand %v", x)
		}
		d.must(t, http.MethodDelete, g["url"].(string), nil, http.StatusNoContent)
		if o := d.must(t, http.MethodGet, u, nil, http.StatusOK); o["indicatieGebruiksrecht"] != true {
			t.Errorf("one left: %v", o["indicatieGebruiksrecht"])
		}
		d.must(t, http.MethodDelete, g2["url"].(string), nil, http.StatusNoContent)
		if o := d.must(t, http.MethodGet, u, nil, http.StatusOK); o["indicatieGebruiksrecht"] != nil {
			t.Errorf("none left: %v", o["indicatieGebruiksrecht"])
		}
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "indicatieGebruiksrecht": false}, http.StatusOK)
		var acties []string
		for _, n := range d.notifications(t) {
			if n.Resource == "gebruiksrechten" {
				acties = append(acties, n.Actie)
			}
		}
		if fmt.Sprint(acties) != "[create create partial_update destroy destroy]" {
			t.Errorf("gebruiksrechten notifications %v", acties)
		}
	})
}

func TestVerzendingen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, nil)["url"].(string)
		base := drcRoot + "/verzendingen"
		body := map[string]any{"betrokkene": "https://klanten.example/partijen/1", "informatieobject": u, "aardRelatie": "geadresseerde",
			"contactPersoon": "https://medewerkers.example/1", "emailadres": "a@example.com", "verzenddatum": "2024-03-02"}
		v := d.must(t, http.MethodPost, base, body, http.StatusCreated)
		body["telefoonnummer"] = "0612345678"
		d.bad(t, http.MethodPost, base, body, "nonFieldErrors", "invalid-address")
		var page struct {
			Count int `json:"count"`
		}
		d.do(t, "", http.MethodGet, base+"?aardRelatie=geadresseerde&informatieobject="+u, nil).Decode(t, &page)
		if page.Count != 1 {
			t.Errorf("list count %d", page.Count)
		}
		d.do(t, "", http.MethodGet, base+"?aardRelatie=afzender", nil).Decode(t, &page)
		if page.Count != 0 {
			t.Errorf("afzender count %d", page.Count)
		}
		if p := d.must(t, http.MethodPatch, v["url"].(string), map[string]any{"toelichting": "Per mail"}, http.StatusOK); p["toelichting"] != "Per mail" || p["emailadres"] != "a@example.com" {
			t.Errorf("patch %v", p)
		}
		if x := d.must(t, http.MethodGet, base+"?expand=informatieobject", nil, http.StatusOK); x["results"].([]any)[0].(map[string]any)["_expand"] == nil {
			t.Errorf("expand %v", x)
		}
		g := d.must(t, http.MethodPost, drcRoot+"/gebruiksrechten", map[string]any{"informatieobject": u, "startdatum": "2024-01-01T00:00:00Z",
			"omschrijvingVoorwaarden": "Geen"}, http.StatusCreated)
		for _, x := range []string{v["url"].(string), g["url"].(string), u} {
			r := d.Do(t, apptest.Req{Method: http.MethodHead, URL: x, Token: d.Admin})
			etag := r.Header.Get("ETag")
			if r.Status != http.StatusOK || etag == "" || len(r.Body) != 0 {
				t.Errorf("HEAD %s: %d %q", x, r.Status, etag)
			}
			if r := d.Do(t, apptest.Req{Method: http.MethodGet, URL: x, Token: d.Admin, Header: map[string]string{"If-None-Match": etag}}); r.Status != http.StatusNotModified {
				t.Errorf("If-None-Match %s: %d", x, r.Status)
			}
		}
		d.must(t, http.MethodDelete, v["url"].(string), nil, http.StatusNoContent)
		d.must(t, http.MethodGet, v["url"].(string), nil, http.StatusNotFound)
	})
}

// TestDRC011DRC014Expand: expand only into the informatieobjecttype (and from gebruiksrechten
// and verzendingen into the document); an unknown name is an error.
func TestDRC011DRC014Expand(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, nil)["url"].(string)
		o := d.must(t, http.MethodGet, u+"?expand=informatieobjecttype", nil, http.StatusOK)
		x, _ := o["_expand"].(map[string]any)
		if t2, _ := x["informatieobjecttype"].(map[string]any); t2["url"] != iot {
			t.Errorf("expand %v", o["_expand"])
		}
		l := d.must(t, http.MethodGet, eios+"?expand=informatieobjecttype", nil, http.StatusOK)
		if r := l["results"].([]any)[0].(map[string]any); r["_expand"] == nil {
			t.Errorf("list expand %v", r)
		}
		d.bad(t, http.MethodGet, u+"?expand=auteur", nil, "expand", "invalid-expand")
		d.bad(t, http.MethodGet, eios+"?expand=zaak", nil, "expand", "invalid-expand")
		if o := d.must(t, http.MethodGet, u, nil, http.StatusOK); o["_expand"] != nil {
			t.Errorf("no expand asked: %v", o["_expand"])
		}
		// nested: gebruiksrechten -> informatieobject -> informatieobjecttype
		g := d.must(t, http.MethodPost, drcRoot+"/gebruiksrechten", map[string]any{"informatieobject": u, "startdatum": "2024-01-01T00:00:00Z",
			"omschrijvingVoorwaarden": "Geen"}, http.StatusCreated)
		var list []map[string]any
		d.do(t, "", http.MethodGet, drcRoot+"/gebruiksrechten?expand=informatieobject.informatieobjecttype", nil).Decode(t, &list)
		io, _ := list[0]["_expand"].(map[string]any)["informatieobject"].(map[string]any)
		if io["url"] != u || io["_expand"].(map[string]any)["informatieobjecttype"].(map[string]any)["url"] != iot {
			t.Errorf("nested expand %v", list[0]["_expand"])
		}
		d.bad(t, http.MethodGet, g["url"].(string)+"?expand=informatieobject.zaak", nil, "expand", "invalid-expand")
		// the writes on gebruiksrechten are in the document's audit trail
		var trail []map[string]any
		d.do(t, "", http.MethodGet, u+"/audittrail", nil).Decode(t, &trail)
		if len(trail) != 2 || trail[1]["resource"] != "gebruiksrechten" || trail[1]["resourceUrl"] != g["url"] {
			t.Errorf("audittrail %v", trail)
		}
	})
}
