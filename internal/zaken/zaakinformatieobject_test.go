package zaken_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// iotType is a zaaktype whose zaaktype-informatieobjecttypen allow one informatieobjecttype.
type iotType struct {
	typ
	iot string
}

// zaaktypeMetIOT makes a published zaaktype that allows a published informatieobjecttype.
func (z *zt) zaaktypeMetIOT(t testing.TB) iotType {
	t.Helper()
	var out iotType
	out.typ = z.zaaktypeMet(t, "openbaar", func(zt, cat string) {
		oms := fmt.Sprintf("Brief %d", z.next())
		out.iot = z.Post(t, ztcRoot+"/informatieobjecttypen", map[string]any{"catalogus": cat, "omschrijving": oms,
			"vertrouwelijkheidaanduiding": "openbaar", "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "brief"})["url"].(string)
		z.must(t, http.MethodPost, out.iot+"/publish", nil, http.StatusOK)
		z.Post(t, ztcRoot+"/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": zt, "informatieobjecttype": oms,
			"volgnummer": 1, "richting": "inkomend"})
	})
	return out
}

func zioBody(zaak, io string) map[string]any {
	return map[string]any{"zaak": zaak, "informatieobject": io, "titel": "Aanvraag", "beschrijving": "De aanvraag"}
}

func TestZaakinformatieobject_CRUD(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		doc1, doc2 := rm.document(ty.iot, true), rm.document(ty.iot, false)
		base := zrcRoot + "/zaakinformatieobjecten"
		zio := z.must(t, http.MethodPost, base, zioBody(a, doc1), http.StatusCreated)
		u := zio["url"].(string)
		z.must(t, http.MethodPost, base, zioBody(a, doc2), http.StatusCreated)
		z.must(t, http.MethodPost, base, zioBody(b, doc1), http.StatusCreated)
		if n := z.lastNotification(t, "zaakinformatieobject", a); n.Actie != "create" {
			t.Errorf("notification %+v", n)
		}
		if got := z.must(t, http.MethodGet, a, nil, http.StatusOK)["zaakinformatieobjecten"].([]any); len(got) != 2 || got[0] != u {
			t.Errorf("zaak.zaakinformatieobjecten: %v", got)
		}
		for q, want := range map[string]int{"": 3, "?zaak=" + a: 2, "?informatieobject=" + doc1: 2, "?zaak=" + b + "&informatieobject=" + doc2: 0} {
			var list []map[string]any
			z.do(t, "", http.MethodGet, base+q, nil).Decode(t, &list)
			if len(list) != want {
				t.Errorf("list %s: %d, want %d", q, len(list), want)
			}
		}
		p := z.must(t, http.MethodPatch, u, map[string]any{"titel": "Nieuwe titel", "vernietigingsdatum": "2030-01-01T00:00:00Z"}, http.StatusOK)
		if p["titel"] != "Nieuwe titel" || p["beschrijving"] != "De aanvraag" || p["vernietigingsdatum"] == nil {
			t.Errorf("patch: %v", p)
		}
		// The status must be one of the same zaak.
		st := z.status(t, a, ty.statustype[0], "2024-03-02T10:00:00Z")["url"].(string)
		stB := z.status(t, b, ty.statustype[0], "2024-03-02T10:00:00Z")["url"].(string)
		if p := z.must(t, http.MethodPatch, u, map[string]any{"status": st}, http.StatusOK); p["status"] != st {
			t.Errorf("status: %v", p)
		}
		z.bad(t, http.MethodPatch, u, map[string]any{"status": stB}, "status", "bad-url")
		if p := z.must(t, http.MethodPut, u, map[string]any{"zaak": a, "informatieobject": doc1, "titel": "PUT"}, http.StatusOK); p["titel"] != "PUT" || p["status"] != nil {
			t.Errorf("put: %v", p)
		}
		// zrc-005: the three relations are mirrored in the (remote) Documenten API, and a
		// deleted one is unmirrored.
		before := rm.mirrors()
		z.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		if after := rm.mirrors(); after != before-1 || before < 3 {
			t.Errorf("objectinformatieobjecten: %d before the delete, %d after", before, after)
		}
		if got := z.trail(t, a); !slices.Contains(got, "zaakinformatieobject destroy") || !slices.Contains(got, "zaakinformatieobject update") {
			t.Errorf("trail %v", got)
		}
		if c := z.code(t, "", http.MethodGet, u, nil); c != http.StatusNotFound {
			t.Errorf("deleted: %d", c)
		}
	}, rm.allow())
}

func TestZrc003_InformatieobjectValid(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		base := zrcRoot + "/zaakinformatieobjecten"
		z.bad(t, http.MethodPost, base, zioBody(a, rm.srv.URL+"/documenten/api/v1/enkelvoudiginformatieobjecten/weg"), "informatieobject", "bad-url")
		z.bad(t, http.MethodPost, base, zioBody(a, "https://elders.example/document/1"), "informatieobject", "bad-url")
		z.bad(t, http.MethodPost, base, zioBody(a, rm.object("geen-document")), "informatieobject", "invalid-resource")
		var list []any
		z.do(t, "", http.MethodGet, base+"?zaak="+a, nil).Decode(t, &list)
		if len(list) != 0 {
			t.Errorf("failed creates left %d", len(list))
		}
	}, rm.allow())
}

func TestZrc004_RelatieGegevens(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		doc, ander := rm.document(ty.iot, true), rm.document(ty.iot, true)
		base := zrcRoot + "/zaakinformatieobjecten"
		zio := z.must(t, http.MethodPost, base, zioBody(a, doc), http.StatusCreated)
		if zio["aardRelatieWeergave"] != "Hoort bij, omgekeerd: kent" || zio["registratiedatum"] == nil {
			t.Errorf("relatie: %v", zio)
		}
		z.bad(t, http.MethodPost, base, zioBody(a, doc), "nonFieldErrors", "unique")
		z.bad(t, http.MethodPatch, zio["url"].(string), map[string]any{"zaak": b}, "zaak", "wijzigen-niet-toegelaten")
		z.bad(t, http.MethodPut, zio["url"].(string), zioBody(a, ander), "informatieobject", "wijzigen-niet-toegelaten")
		archief := z.zaak(t, ty.zaaktype, map[string]any{"archiefstatus": "gearchiveerd", "archiefnominatie": "vernietigen",
			"archiefactiedatum": "2030-01-01"})["url"].(string)
		z.bad(t, http.MethodPost, base, zioBody(archief, doc), "nonFieldErrors", "zaak-archiefstatus-invalid")
	}, rm.allow())
}

func TestZrc017_InformatieobjecttypeOfZaaktype(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty, other := z.zaaktypeMetIOT(t), z.zaaktypeMetIOT(t)
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.bad(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, rm.document(other.iot, true)),
			"nonFieldErrors", "missing-zaaktype-informatieobjecttype-relation")
		z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, rm.document(ty.iot, true)), http.StatusCreated)
	}, rm.allow())
}

func TestZrc007_IndicatieGebruiksrechtUnset(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		gezet, open := rm.document(ty.iot, false), rm.document(ty.iot, nil)
		z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, gezet), http.StatusCreated)
		zio := z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, open), http.StatusCreated)
		z.resultaat(t, a, ty.resultaat["afgehandeld"])
		eind := map[string]any{"zaak": a, "statustype": ty.statustype[1], "datumStatusGezet": "2024-04-01T10:00:00Z"}
		z.bad(t, http.MethodPost, zrcRoot+"/statussen", eind, "nonFieldErrors", "indicatiegebruiksrecht-unset")
		if zaak := z.must(t, http.MethodGet, a, nil, http.StatusOK); zaak["einddatum"] != nil || zaak["status"] != nil {
			t.Errorf("refused closing changed the zaak: %v %v", zaak["einddatum"], zaak["status"])
		}
		// Without the document whose indicatie is unset the zaak closes. (Remote answers are
		// cached by the resolver, so the fake's document is not changed in place.)
		z.must(t, http.MethodDelete, zio["url"].(string), nil, http.StatusNoContent)
		z.must(t, http.MethodPost, zrcRoot+"/statussen", eind, http.StatusCreated)
		if zaak := z.must(t, http.MethodGet, a, nil, http.StatusOK); zaak["einddatum"] != "2024-04-01" {
			t.Errorf("einddatum %v", zaak["einddatum"])
		}
	}, rm.allow())
}

// zrc-022: an archiefstatus other than nog_te_archiveren needs every linked document to be
// gearchiveerd.
func TestZrc022_DocumentenGearchiveerd(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		gearchiveerd := func() string {
			u := rm.document(ty.iot, true)
			rm.mu.Lock()
			defer rm.mu.Unlock()
			rm.docs[strings.TrimPrefix(u, rm.srv.URL)]["status"] = "gearchiveerd"
			return u
		}
		archiveren := map[string]any{"archiefstatus": "gearchiveerd", "archiefnominatie": "vernietigen", "archiefactiedatum": "2030-01-01"}
		a := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, gearchiveerd()), http.StatusCreated)
		z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(a, rm.document(ty.iot, true)), http.StatusCreated)
		z.bad(t, http.MethodPatch, a, archiveren, "archiefstatus", "documents-not-archived")
		if got := z.must(t, http.MethodGet, a, nil, http.StatusOK)["archiefstatus"]; got != "nog_te_archiveren" {
			t.Errorf("refused archiving changed the zaak: %v", got)
		}
		// Back to nog_te_archiveren is always allowed.
		z.must(t, http.MethodPatch, a, map[string]any{"archiefstatus": "nog_te_archiveren"}, http.StatusOK)
		b := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(b, gearchiveerd()), http.StatusCreated)
		if got := z.must(t, http.MethodPatch, b, archiveren, http.StatusOK)["archiefstatus"]; got != "gearchiveerd" {
			t.Errorf("archiefstatus %v", got)
		}
	}, rm.allow())
}
