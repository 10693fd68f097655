package documenten_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
)

func TestEIOCreateRetrieveDownload(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		o := d.doc(t, iot, map[string]any{"trefwoorden": []string{"aanvraag", "bouw"}})
		u := o["url"].(string)
		if o["versie"] != 1.0 || o["bestandsomvang"] != 12.0 || o["locked"] != false || o["lock"] != "" ||
			!strings.HasPrefix(o["identificatie"].(string), "DOCUMENT-") || o["inhoud"] != u+"/download?versie=1" {
			t.Fatalf("created %v", o)
		}
		if got := d.download(t, u, ""); got != "hallo wereld" {
			t.Errorf("download = %q", got)
		}
		r := d.do(t, "", http.MethodGet, u, nil)
		etag := r.Header.Get("ETag")
		if r.Status != http.StatusOK || etag == "" {
			t.Fatalf("GET %d etag %q", r.Status, etag)
		}
		if h := d.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: d.Admin}); h.Status != http.StatusOK || h.Header.Get("ETag") != etag || len(h.Body) != 0 {
			t.Errorf("HEAD %d %q", h.Status, h.Header.Get("ETag"))
		}
		if n := d.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: d.Admin, Header: map[string]string{"If-None-Match": etag}}); n.Status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d", n.Status)
		}
		d.doc(t, iot, map[string]any{"identificatie": "EIGEN-1", "trefwoorden": []string{"bouw"}})
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"identificatie": "EIGEN-1"}), "identificatie", "identificatie-niet-uniek")
		for q, want := range map[string]int{"": 2, "?identificatie=EIGEN-1": 1, "?bronorganisatie=002220647": 2,
			"?trefwoorden=bouw": 2, "?trefwoorden=aanvraag": 1, "?trefwoorden=aanvraag,bouw": 1, "?trefwoorden=nee": 0,
			"?trefwoorden=bouw,bouw&trefwoorden=aanvraag": 1,
			// More keywords than a statement takes parameters (32,766 on SQLite).
			"?trefwoorden=" + strings.Repeat("b,", 33000) + "bouw": 0} {
			var page struct {
				Count int `json:"count"`
			}
			d.must(t, http.MethodGet, eios+q, nil, http.StatusOK)
			d.do(t, "", http.MethodGet, eios+q, nil).Decode(t, &page)
			if page.Count != want {
				t.Errorf("list %s: %d, want %d", q, page.Count, want)
			}
		}
		d.bad(t, http.MethodGet, eios+"?onbekend=1", nil, "nonFieldErrors", "unknown-parameters")
		ns := d.notifications(t)
		if len(ns) != 2 || ns[0].Actie != "create" || ns[0].HoofdObject != u || ns[0].Kenmerken["informatieobjecttype"] != iot ||
			ns[0].Kenmerken["bronorganisatie"] != "002220647" || ns[0].Kenmerken["vertrouwelijkheidaanduiding"] != "openbaar" {
			t.Errorf("notifications %+v", ns)
		}
		var trail []map[string]any
		d.do(t, "", http.MethodGet, u+"/audittrail", nil).Decode(t, &trail)
		if len(trail) != 1 || trail[0]["actie"] != "create" || trail[0]["bron"] != "drc" {
			t.Errorf("audittrail %v", trail)
		}
		d.must(t, http.MethodGet, u+"/audittrail/"+trail[0]["uuid"].(string), nil, http.StatusOK)
		// _zoek
		var z struct {
			Count int `json:"count"`
		}
		d.do(t, "", http.MethodPost, eios+"/_zoek", map[string]any{"uuid__in": []string{uuidOf(u)}}).Decode(t, &z)
		if z.Count != 1 {
			t.Errorf("_zoek count %d", z.Count)
		}
		// More uuids than a statement takes parameters (65,535 on PostgreSQL).
		many := make([]string, 70000)
		for i := range many {
			many[i] = fmt.Sprintf("%08x-0000-4000-8000-000000000000", i)
		}
		many[len(many)-1] = uuidOf(u)
		if n := d.must(t, http.MethodPost, eios+"/_zoek", map[string]any{"uuid__in": many}, http.StatusOK)["count"]; n != 1.0 {
			t.Errorf("_zoek of 70,000 uuids: count %v", n)
		}
		d.bad(t, http.MethodPost, eios+"/_zoek", map[string]any{}, "uuid__in", "required")
	})
}

func TestEIOVersions(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		o := d.doc(t, iot, map[string]any{"inhoud": b64("een"), "titel": "Eerste"})
		u := o["url"].(string)
		time.Sleep(20 * time.Millisecond)
		between := time.Now().UTC().Format(time.RFC3339Nano)
		time.Sleep(20 * time.Millisecond)
		lock := d.lock(t, u)
		p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "titel": "Tweede", "inhoud": b64("twee!")}, http.StatusOK)
		if p["versie"] != 2.0 || p["titel"] != "Tweede" || p["bestandsomvang"] != 5.0 || p["locked"] != true || p["auteur"] != "Ambtenaar" {
			t.Fatalf("patch %v", p)
		}
		// metadata only: the content stays
		p = d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "beschrijving": "derde"}, http.StatusOK)
		if p["versie"] != 3.0 || p["bestandsomvang"] != 5.0 || p["inhoud"] != u+"/download?versie=3" {
			t.Fatalf("patch 3 %v", p)
		}
		if got := d.download(t, u, ""); got != "twee!" {
			t.Errorf("latest content %q", got)
		}
		if got := d.download(t, u, "?versie=1"); got != "een" {
			t.Errorf("versie 1 content %q", got)
		}
		if got := d.download(t, u, "?registratieOp="+url.QueryEscape(between)); got != "een" {
			t.Errorf("registratieOp content %q", got)
		}
		if v1 := d.must(t, http.MethodGet, u+"?versie=1", nil, http.StatusOK); v1["titel"] != "Eerste" || v1["versie"] != 1.0 {
			t.Errorf("versie 1 %v", v1)
		}
		if v := d.must(t, http.MethodGet, u+"?registratieOp="+url.QueryEscape(between), nil, http.StatusOK); v["versie"] != 1.0 {
			t.Errorf("registratieOp %v", v["versie"])
		}
		d.must(t, http.MethodGet, u+"?versie=9", nil, http.StatusNotFound)
		var page struct {
			Count   int              `json:"count"`
			Results []map[string]any `json:"results"`
		}
		d.do(t, "", http.MethodGet, eios, nil).Decode(t, &page)
		if page.Count != 1 || page.Results[0]["versie"] != 3.0 {
			t.Errorf("list shows %d, %v", page.Count, page.Results)
		}
		// PUT: a full body, new version
		put := eioBody(iot, map[string]any{"lock": lock, "titel": "PUT", "inhoud": nil})
		if p := d.must(t, http.MethodPut, u, put, http.StatusOK); p["versie"] != 4.0 || p["titel"] != "PUT" {
			t.Errorf("put %v", p)
		}
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
	})
}

func TestDRC009LockUnlock(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, nil)["url"].(string)
		d.bad(t, http.MethodPatch, u, map[string]any{"titel": "x"}, "nonFieldErrors", "missing-lock-id")
		d.bad(t, http.MethodPatch, u, map[string]any{"titel": "x", "lock": "abc"}, "nonFieldErrors", "unlocked")
		lock := d.lock(t, u)
		if len(lock) < 32 {
			t.Errorf("lock %q is guessable", lock)
		}
		d.bad(t, http.MethodPost, u+"/lock", nil, "nonFieldErrors", "existing-lock")
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["locked"] != true {
			t.Errorf("locked = %v", g["locked"])
		}
		d.bad(t, http.MethodPatch, u, map[string]any{"titel": "x", "lock": "fout"}, "nonFieldErrors", "incorrect-lock-id")
		d.bad(t, http.MethodPut, u, eioBody(iot, nil), "lock", "required")
		d.must(t, http.MethodPatch, u, map[string]any{"titel": "x", "lock": lock}, http.StatusOK)
		// the lock stays after an update
		d.must(t, http.MethodPatch, u, map[string]any{"titel": "y", "lock": lock}, http.StatusOK)
		// a client with documenten.lock only cannot force
		locker := d.client(t, drc(iot, "zeer_geheim", "documenten.lock", "documenten.lezen"))
		r := d.Do(t, apptest.Req{Method: http.MethodPost, URL: u + "/unlock", Body: map[string]any{"lock": "fout"}, Token: locker, BadInput: true})
		apptest.WantInvalid(t, r, "nonFieldErrors", "incorrect-lock-id")
		r = d.Do(t, apptest.Req{Method: http.MethodPost, URL: u + "/unlock", Body: map[string]any{}, Token: locker, BadInput: true})
		apptest.WantInvalid(t, r, "nonFieldErrors", "incorrect-lock-id")
		forcer := d.client(t, drc(iot, "zeer_geheim", "documenten.geforceerd-unlock"))
		if r := d.do(t, forcer, http.MethodPost, u+"/unlock", map[string]any{}); r.Status != http.StatusNoContent {
			t.Fatalf("forced unlock %d %s", r.Status, r.Body)
		}
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["locked"] != false {
			t.Errorf("after unlock locked = %v", g["locked"])
		}
		lock = d.lock(t, u)
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		// the lock does not generate notifications; the two updates do
		var acties []string
		for _, n := range d.notifications(t) {
			acties = append(acties, n.Actie)
		}
		if strings.Join(acties, ",") != "create,partial_update,partial_update" {
			t.Errorf("notifications %v", acties)
		}
	})
}

func TestDRC001Informatieobjecttype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		cat := d.catalogus(t)
		concept := d.iot(t, cat, "openbaar", true)
		d.bad(t, http.MethodPost, eios, eioBody(concept, nil), "informatieobjecttype", "not-published")
		d.bad(t, http.MethodPost, eios, eioBody(d.URL+ztcRoot+"/informatieobjecttypen/6b7e2b2a-3a51-4c38-9d5c-9e2b5f1f0a01", nil), "informatieobjecttype", "bad-url")
		d.bad(t, http.MethodPost, eios, eioBody(cat, nil), "informatieobjecttype", "invalid-resource")
		if keys := d.blobKeys(t, ""); len(keys) != 0 {
			t.Errorf("refused creates left content: %v", keys)
		}
		// drc-010 / 1.3.0: the type may change on update, to a published one
		iot := d.iot(t, cat, "openbaar", false)
		other := d.iot(t, cat, "intern", false)
		u := d.doc(t, iot, nil)["url"].(string)
		lock := d.lock(t, u)
		d.bad(t, http.MethodPatch, u, map[string]any{"lock": lock, "informatieobjecttype": concept}, "informatieobjecttype", "not-published")
		p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "informatieobjecttype": other}, http.StatusOK)
		if p["informatieobjecttype"] != other || p["vertrouwelijkheidaanduiding"] != "intern" {
			t.Errorf("type change %v", p)
		}
	})
}

func TestDRC005StatusOntvangstdatum(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		for _, s := range []string{"in_bewerking", "ter_vaststelling"} {
			d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"status": s, "ontvangstdatum": "2024-03-01"}), "status", "invalid_for_received")
		}
		d.doc(t, iot, map[string]any{"status": "definitief", "ontvangstdatum": "2024-03-01"})
	})
}

func TestDRC007Vertrouwelijkheid(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "zaakvertrouwelijk", false)
		if o := d.doc(t, iot, nil); o["vertrouwelijkheidaanduiding"] != "zaakvertrouwelijk" {
			t.Errorf("copied from type: %v", o["vertrouwelijkheidaanduiding"])
		}
		if o := d.doc(t, iot, map[string]any{"vertrouwelijkheidaanduiding": "geheim"}); o["vertrouwelijkheidaanduiding"] != "geheim" {
			t.Errorf("client value: %v", o["vertrouwelijkheidaanduiding"])
		}
	})
}

func TestDRC010UpdateDefinitief(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, map[string]any{"status": "definitief"})["url"].(string)
		lock := d.lock(t, u)
		// 1.4.0: a definitief document can still be updated; only the lock counts
		if p := d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "titel": "Aangepast"}, http.StatusOK); p["titel"] != "Aangepast" {
			t.Errorf("patch %v", p)
		}
	})
}

func TestDRC008Destroy(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		u := d.doc(t, iot, nil)["url"].(string)
		lock := d.lock(t, u)
		d.must(t, http.MethodPatch, u, map[string]any{"lock": lock, "inhoud": b64("versie twee")}, http.StatusOK)
		d.bad(t, http.MethodDelete, u, nil, "nonFieldErrors", "destroy-locked")
		d.must(t, http.MethodPost, u+"/unlock", map[string]any{"lock": lock}, http.StatusNoContent)
		d.must(t, http.MethodPost, drcRoot+"/gebruiksrechten", map[string]any{"informatieobject": u, "startdatum": "2024-01-01T00:00:00Z",
			"omschrijvingVoorwaarden": "Geen"}, http.StatusCreated)
		if keys := d.blobKeys(t, u); len(keys) != 2 {
			t.Fatalf("content of two versions: %v", keys)
		}
		d.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		d.must(t, http.MethodGet, u, nil, http.StatusNotFound)
		d.must(t, http.MethodGet, u+"/audittrail", nil, http.StatusNotFound)
		if keys := d.blobKeys(t, u); len(keys) != 0 {
			t.Errorf("content left after delete: %v", keys)
		}
		var rechten []any
		d.do(t, "", http.MethodGet, drcRoot+"/gebruiksrechten", nil).Decode(t, &rechten)
		if len(rechten) != 0 {
			t.Errorf("gebruiksrechten left: %v", rechten)
		}
		ns := d.notifications(t)
		if last := ns[len(ns)-1]; last.Actie != "destroy" || last.Resource != "enkelvoudiginformatieobject" {
			t.Errorf("last notification %+v", last)
		}
	})
}

func TestEIOBadInputLeavesNothing(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"inhoud": "!!geen base64!!"}), "inhoud", "invalid")
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"bestandsomvang": 99}), "bestandsomvang", "file-size")
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"titel": nil}), "titel", "required")
		d.bad(t, http.MethodPost, eios, `{"inhoud": "aGFsbG8=", "titel": `, "nonFieldErrors", "parse_error")
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"indicatieGebruiksrecht": true}), "indicatieGebruiksrecht", "missing-gebruiksrechten")
		if keys := d.blobKeys(t, ""); len(keys) != 0 {
			t.Errorf("orphaned content: %v", keys)
		}
		var page struct {
			Count int `json:"count"`
		}
		d.do(t, "", http.MethodGet, eios, nil).Decode(t, &page)
		if page.Count != 0 || len(d.notifications(t)) != 0 {
			t.Errorf("rows %d, notifications %d after refused requests", page.Count, len(d.notifications(t)))
		}
		// an update with broken content keeps the document as it was
		u := d.doc(t, iot, nil)["url"].(string)
		lock := d.lock(t, u)
		d.bad(t, http.MethodPatch, u, map[string]any{"lock": lock, "inhoud": "@@@@"}, "inhoud", "invalid")
		d.bad(t, http.MethodPatch, u, map[string]any{"lock": "fout", "inhoud": b64("nieuw")}, "nonFieldErrors", "incorrect-lock-id")
		if keys := d.blobKeys(t, u); len(keys) != 1 {
			t.Errorf("content after refused updates: %v", keys)
		}
		if g := d.must(t, http.MethodGet, u, nil, http.StatusOK); g["versie"] != 1.0 {
			t.Errorf("versie %v", g["versie"])
		}
	})
}

func TestEIOAutorisaties(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		cat := d.catalogus(t)
		a, b := d.iot(t, cat, "openbaar", false), d.iot(t, cat, "openbaar", false)
		open := d.doc(t, a, nil)["url"].(string)
		geheim := d.doc(t, a, map[string]any{"vertrouwelijkheidaanduiding": "geheim"})["url"].(string)
		anders := d.doc(t, b, nil)["url"].(string)
		reader := d.client(t, drc(a, "intern", "documenten.lezen"))
		var page struct {
			Count   int              `json:"count"`
			Results []map[string]any `json:"results"`
		}
		d.do(t, reader, http.MethodGet, eios, nil).Decode(t, &page)
		if page.Count != 1 || page.Results[0]["url"] != open {
			t.Errorf("reader sees %d", page.Count)
		}
		for _, u := range []string{geheim, anders} {
			if r := d.do(t, reader, http.MethodGet, u, nil); r.Status != http.StatusForbidden {
				t.Errorf("GET %s = %d", u, r.Status)
			}
			if r := d.do(t, reader, http.MethodGet, u+"/download", nil); r.Status != http.StatusForbidden {
				t.Errorf("download %s = %d", u, r.Status)
			}
		}
		// the unpaged lists of the document's resources filter on the document the same way
		for _, u := range []string{open, geheim, anders} {
			d.must(t, http.MethodPost, drcRoot+"/gebruiksrechten", map[string]any{"informatieobject": u, "startdatum": "2024-01-01T00:00:00Z",
				"omschrijvingVoorwaarden": "Geen"}, http.StatusCreated)
		}
		var rechten []map[string]any
		d.do(t, reader, http.MethodGet, drcRoot+"/gebruiksrechten", nil).Decode(t, &rechten)
		if len(rechten) != 1 || rechten[0]["informatieobject"] != open {
			t.Errorf("reader sees gebruiksrechten %v", rechten)
		}
		if r := d.do(t, reader, http.MethodPost, eios, eioBody(a, nil)); r.Status != http.StatusForbidden {
			t.Errorf("create without aanmaken = %d", r.Status)
		}
		maker := d.client(t, drc(a, "intern", "documenten.aanmaken"))
		if r := d.do(t, maker, http.MethodPost, eios, eioBody(b, nil)); r.Status != http.StatusForbidden {
			t.Errorf("create of other type = %d", r.Status)
		}
		if r := d.do(t, maker, http.MethodPost, eios, eioBody(a, map[string]any{"vertrouwelijkheidaanduiding": "geheim"})); r.Status != http.StatusForbidden {
			t.Errorf("create above max = %d", r.Status)
		}
		if r := d.do(t, maker, http.MethodPost, eios, eioBody(a, nil)); r.Status != http.StatusCreated {
			t.Errorf("create = %d %s", r.Status, r.Body)
		}
		if keys := d.blobKeys(t, ""); len(keys) != 4 {
			t.Errorf("forbidden creates left content: %d keys", len(keys))
		}
	})
}

func TestEIOMaxSize(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d := newDT(e)
		iot := d.iot(t, d.catalogus(t), "openbaar", false)
		d.doc(t, iot, map[string]any{"inhoud": b64("0123456789")})
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"inhoud": b64("0123456789A")}), "inhoud", "file-size")
		d.bad(t, http.MethodPost, eios, eioBody(iot, map[string]any{"inhoud": nil, "bestandsomvang": 11}), "bestandsomvang", "max_value")
		if keys := d.blobKeys(t, ""); len(keys) != 1 {
			t.Errorf("keys %v", keys)
		}
		// sub-resources refuse what is not a document of this API
		d.bad(t, http.MethodPost, drcRoot+"/gebruiksrechten", map[string]any{"informatieobject": "https://elders.example/documenten/1",
			"startdatum": "2024-01-01T00:00:00Z", "omschrijvingVoorwaarden": "x"}, "informatieobject", "bad-url")
	}, func(c *config.Config) { c.MaxDocumentSize = 10 })
}
