package zaken_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestZaak_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "zaakvertrouwelijk")
		created := z.zaak(t, ty.zaaktype, map[string]any{"toelichting": "Eerste",
			"kenmerken": []any{map[string]any{"kenmerk": "K1", "bron": "Test"}}})
		u := created["url"].(string)
		if created["vertrouwelijkheidaanduiding"] != "zaakvertrouwelijk" || created["archiefstatus"] != "nog_te_archiveren" ||
			created["registratiedatum"] == nil || created["einddatum"] != nil || created["status"] != nil {
			t.Fatalf("created: %v", created)
		}
		got := z.must(t, http.MethodGet, u, nil, http.StatusOK)
		if got["identificatie"] != created["identificatie"] {
			t.Fatalf("retrieve: %v", got)
		}
		// HEAD and If-None-Match.
		r := z.do(t, "", http.MethodGet, u, nil)
		etag := r.Header.Get("ETag")
		if etag == "" || r.Header.Get("Content-Crs") != "EPSG:4326" {
			t.Fatalf("headers: %v", r.Header)
		}
		r = z.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: e.Admin, Header: map[string]string{
			"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326", "If-None-Match": etag}})
		if r.Status != http.StatusNotModified {
			t.Fatalf("If-None-Match = %d", r.Status)
		}
		if r := z.do(t, "", http.MethodHead, u, nil); r.Status != http.StatusOK || len(r.Body) != 0 {
			t.Fatalf("HEAD = %d %q", r.Status, r.Body)
		}
		// PATCH and PUT.
		p := z.must(t, http.MethodPatch, u, map[string]any{"toelichting": "Tweede"}, http.StatusOK)
		if p["toelichting"] != "Tweede" || p["omschrijving"] != "Een zaak" {
			t.Fatalf("patch: %v", p)
		}
		put := zaakBody(ty.zaaktype, map[string]any{"omschrijving": "Vervangen", "identificatie": created["identificatie"]})
		if p := z.must(t, http.MethodPut, u, put, http.StatusOK); p["omschrijving"] != "Vervangen" || p["toelichting"] != "" {
			t.Fatalf("put: %v", p)
		}
		// Notifications: create, partial_update, update.
		ns := z.notifications(t)
		if len(ns) != 3 || ns[0].Actie != "create" || ns[1].Actie != "partial_update" || ns[2].Actie != "update" {
			t.Fatalf("notifications: %+v", ns)
		}
		k := ns[0].Kenmerken
		if ns[0].HoofdObject != u || k["zaaktype"] != ty.zaaktype || k["bronorganisatie"] != "002220647" || k["vertrouwelijkheidaanduiding"] != "zaakvertrouwelijk" {
			t.Fatalf("notification: %+v", ns[0])
		}
		// Audit trail: three entries.
		r = z.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/audittrail", Token: e.Admin})
		var trail []map[string]any
		r.Decode(t, &trail)
		if r.Status != http.StatusOK || len(trail) != 3 || trail[0]["actie"] != "create" {
			t.Fatalf("audittrail %d: %s", r.Status, r.Body)
		}
		one := z.Do(t, apptest.Req{Method: http.MethodGet, URL: u + "/audittrail/" + trail[1]["uuid"].(string), Token: e.Admin}).JSON(t)
		if one["actie"] != "partial_update" {
			t.Fatalf("audittrail entry: %v", one)
		}
		z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		z.must(t, http.MethodGet, u, nil, http.StatusNotFound)
	})
}

func TestZaak_GeoHeaders(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: zrcRoot + "/zaken", Token: e.Admin, BadInput: true})
		if r.Status != http.StatusPreconditionFailed {
			t.Fatalf("without Accept-Crs = %d", r.Status)
		}
		r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: zrcRoot + "/zaken", Token: e.Admin, BadInput: true,
			Header: map[string]string{"Accept-Crs": "EPSG:28992", "Content-Crs": "EPSG:4326"}})
		if r.Status != http.StatusNotAcceptable {
			t.Fatalf("other CRS = %d", r.Status)
		}
		_ = z
	})
}

func TestZrc001_ZaaktypeValid(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(e.URL+ztcRoot+"/zaaktypen/7e1f7a38-1111-4444-8888-000000000000", nil), "zaaktype", "bad-url")
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(e.URL+refRoot+"/procestypen", nil), "zaaktype", "invalid-resource")
		// A concept zaaktype is refused.
		cat := z.Post(t, ztcRoot+"/catalogussen", map[string]any{"domein": "CONC", "rsin": "002220647", "contactpersoonBeheerNaam": "B"})["url"]
		concept := z.Post(t, ztcRoot+"/zaaktypen", map[string]any{
			"identificatie": "C1", "omschrijving": "C", "vertrouwelijkheidaanduiding": "openbaar", "doel": "d", "aanleiding": "a",
			"indicatieInternOfExtern": "extern", "handelingInitiator": "h", "onderwerp": "o", "handelingBehandelaar": "h",
			"doorlooptijd": "P1D", "opschortingEnAanhoudingMogelijk": false, "verlengingMogelijk": false, "publicatieIndicatie": false,
			"productenOfDiensten": []string{}, "referentieproces": map[string]any{"naam": "x"}, "verantwoordelijke": "v",
			"versiedatum": "2024-01-01", "beginGeldigheid": "2024-01-01", "catalogus": cat, "besluittypen": []string{},
			"deelzaaktypen": []string{}, "gerelateerdeZaaktypen": []any{}})["url"].(string)
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(concept, nil), "zaaktype", "not-published")
		// Nothing was stored.
		if n, _ := z.list(t, "", zrcRoot+"/zaken"); n != 0 {
			t.Fatalf("%d zaken after failed creates", n)
		}
	})
}

func TestZrc002_Identificatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)
		b := z.zaak(t, ty.zaaktype, nil)
		re := regexp.MustCompile(`^ZAAK-\d{4}-\d{10}$`)
		if !re.MatchString(a["identificatie"].(string)) || a["identificatie"] == b["identificatie"] {
			t.Fatalf("generated: %v, %v", a["identificatie"], b["identificatie"])
		}
		z.zaak(t, ty.zaaktype, map[string]any{"identificatie": "EIGEN-1"})
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"identificatie": "EIGEN-1"}), "identificatie", "identificatie-niet-uniek")
		// Another bronorganisatie may use it.
		z.zaak(t, ty.zaaktype, map[string]any{"identificatie": "EIGEN-1", "bronorganisatie": "517439943"})
		// It cannot change.
		z.bad(t, http.MethodPatch, a["url"].(string), map[string]any{"identificatie": "ANDERS"}, "identificatie", "wijzigen-niet-toegelaten")
	})
}

func TestZrc009_VertrouwelijkheidFromZaaktype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "vertrouwelijk")
		if v := z.zaak(t, ty.zaaktype, nil)["vertrouwelijkheidaanduiding"]; v != "vertrouwelijk" {
			t.Fatalf("derived: %v", v)
		}
		if v := z.zaak(t, ty.zaaktype, map[string]any{"vertrouwelijkheidaanduiding": "openbaar"})["vertrouwelijkheidaanduiding"]; v != "openbaar" {
			t.Fatalf("given: %v", v)
		}
	})
}

func TestZrc013_Hoofdzaak(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		hoofd := z.zaak(t, ty.zaaktype, nil)
		deel := z.zaak(t, ty.zaaktype, map[string]any{"hoofdzaak": hoofd["url"]})
		if got := z.must(t, http.MethodGet, hoofd["url"].(string), nil, http.StatusOK); len(got["deelzaken"].([]any)) != 1 {
			t.Fatalf("deelzaken: %v", got["deelzaken"])
		}
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"hoofdzaak": deel["url"]}), "hoofdzaak", "deelzaak-als-hoofdzaak")
		z.bad(t, http.MethodPatch, hoofd["url"].(string), map[string]any{"hoofdzaak": hoofd["url"]}, "hoofdzaak", "self-forbidden")
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"hoofdzaak": e.URL + zrcRoot + "/zaken/7e1f7a38-1111-4444-8888-000000000000"}), "hoofdzaak", "no_match")
	})
}

func TestZrc014_Betaling(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"betalingsindicatie": "nvt", "laatsteBetaaldatum": "2024-01-01T10:00:00Z"}), "laatsteBetaaldatum", "betaling-nvt")
		a := z.zaak(t, ty.zaaktype, map[string]any{"betalingsindicatie": "geheel", "laatsteBetaaldatum": "2024-01-01T10:00:00Z"})
		if a["betalingsindicatieWeergave"] == "" {
			t.Fatalf("weergave: %v", a)
		}
		p := z.must(t, http.MethodPatch, a["url"].(string), map[string]any{"betalingsindicatie": "nvt"}, http.StatusOK)
		if p["laatsteBetaaldatum"] != nil {
			t.Fatalf("laatsteBetaaldatum not cleared: %v", p["laatsteBetaaldatum"])
		}
	})
}

func TestZrc015_ProductenOfDiensten(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		z.zaak(t, ty.zaaktype, map[string]any{"productenOfDiensten": []string{"https://producten.example/a"}})
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"productenOfDiensten": []string{"https://producten.example/b"}}), "productenOfDiensten", "invalid-products-services")
	})
}

func TestZrc022_Archiefstatus(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		r := z.Do(t, apptest.Req{Method: http.MethodPost, URL: zrcRoot + "/zaken", Token: e.Admin, Header: geo, BadInput: true,
			Body: zaakBody(ty.zaaktype, map[string]any{"archiefstatus": "gearchiveerd"})})
		apptest.WantInvalid(t, r, "archiefnominatie", "archiefnominatie-not-set")
		apptest.WantInvalid(t, r, "archiefactiedatum", "archiefactiedatum-not-set")
		z.zaak(t, ty.zaaktype, map[string]any{"archiefstatus": "gearchiveerd", "archiefnominatie": "vernietigen", "archiefactiedatum": "2030-01-01"})
	})
}

func TestZrc011_RelevanteAndereZaken(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktype(t, "openbaar")
		a := z.zaak(t, ty.zaaktype, nil)
		z.zaak(t, ty.zaaktype, map[string]any{"relevanteAndereZaken": []any{map[string]any{"url": a["url"], "aardRelatie": "vervolg"}}})
		z.bad(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(ty.zaaktype, map[string]any{"relevanteAndereZaken": []any{
			map[string]any{"url": a["url"], "aardRelatie": "vervolg"},
			map[string]any{"url": e.URL + zrcRoot + "/zaken/7e1f7a38-1111-4444-8888-000000000000", "aardRelatie": "onderwerp"}}}),
			"relevanteAndereZaken.1", "bad-url")
	})
}
