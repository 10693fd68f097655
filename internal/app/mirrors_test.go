package app_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// TestMirrorsBetweenRegisters: with Zaken, Documenten and Besluiten in one process, every
// relation is mirrored in both directions through the standard APIs (zrc-005, brc-005,
// brc-006, drc-004, drc-008).
func TestMirrorsBetweenRegisters(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		first := func(path string) map[string]any {
			t.Helper()
			res := e.Get(t, path).JSON(t)["results"].([]any)
			if len(res) == 0 {
				t.Fatalf("%s: nothing found", path)
			}
			return res[0].(map[string]any)
		}
		do := func(method, target string, body any, want int) map[string]any {
			t.Helper()
			r := e.Do(t, apptest.Req{Method: method, URL: target, Body: body, Token: e.Admin, Header: geoHeaders})
			if r.Status != want {
				t.Fatalf("%s %s = %d, want %d:\n%s", method, target, r.Status, want, r.Body)
			}
			if len(r.Body) == 0 {
				return nil
			}
			return r.JSON(t)
		}
		count := func(path string) int {
			t.Helper()
			r := e.Get(t, path)
			var list []any
			r.Decode(t, &list)
			return len(list)
		}
		zaaktype := first("/catalogi/api/v1/zaaktypen?identificatie=PARKEERVERGUNNING")["url"].(string)
		besluittype := first("/catalogi/api/v1/besluittypen?omschrijving=Parkeervergunning")["url"].(string)
		beschikking := first("/catalogi/api/v1/informatieobjecttypen?omschrijving=Beschikking")["url"].(string)

		eio := do(http.MethodPost, "/documenten/api/v1/enkelvoudiginformatieobjecten", map[string]any{
			"bronorganisatie": "002220647", "creatiedatum": "2026-03-01", "titel": "Beschikking parkeervergunning",
			"auteur": "Gemeente", "taal": "nld", "informatieobjecttype": beschikking, "formaat": "text/plain",
			"bestandsnaam": "beschikking.txt", "inhoud": base64.StdEncoding.EncodeToString([]byte("U krijgt een parkeervergunning.")),
		}, http.StatusCreated)["url"].(string)
		zaak := do(http.MethodPost, "/zaken/api/v1/zaken", map[string]any{
			"zaaktype": zaaktype, "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647", "startdatum": "2026-03-01",
		}, http.StatusCreated)["url"].(string)
		oios := "/documenten/api/v1/objectinformatieobjecten?informatieobject=" + url.QueryEscape(eio)

		// zrc-005 / drc-004: the zaakinformatieobject is mirrored as an objectinformatieobject.
		zio := do(http.MethodPost, "/zaken/api/v1/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": eio}, http.StatusCreated)["url"].(string)
		if n := count(oios + "&object=" + url.QueryEscape(zaak)); n != 1 {
			t.Fatalf("objectinformatieobjecten of the zaak: %d, want 1", n)
		}
		// drc-004: nobody creates an objectinformatieobject without its leading relation.
		other := do(http.MethodPost, "/zaken/api/v1/zaken", map[string]any{
			"zaaktype": zaaktype, "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647", "startdatum": "2026-03-01",
		}, http.StatusCreated)["url"].(string)
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: "/documenten/api/v1/objectinformatieobjecten", Token: e.Admin,
			Body: map[string]any{"object": other, "informatieobject": eio, "objectType": "zaak"}})
		if r.Status != http.StatusBadRequest {
			t.Fatalf("objectinformatieobject without a zaakinformatieobject = %d, want 400:\n%s", r.Status, r.Body)
		}

		// brc-006: a besluit on the zaak is mirrored as a zaakbesluit.
		besluit := do(http.MethodPost, "/besluiten/api/v1/besluiten", map[string]any{
			"verantwoordelijkeOrganisatie": "002220647", "besluittype": besluittype, "zaak": zaak,
			"datum": "2026-03-02", "ingangsdatum": "2026-03-02",
		}, http.StatusCreated)["url"].(string)
		if n := count(zaak + "/besluiten"); n != 1 {
			t.Fatalf("zaakbesluiten: %d, want 1", n)
		}
		// brc-005: the besluitinformatieobject is mirrored as an objectinformatieobject.
		bio := do(http.MethodPost, "/besluiten/api/v1/besluitinformatieobjecten", map[string]any{"besluit": besluit, "informatieobject": eio}, http.StatusCreated)["url"].(string)
		if n := count(oios + "&object=" + url.QueryEscape(besluit)); n != 1 {
			t.Fatalf("objectinformatieobjecten of the besluit: %d, want 1", n)
		}

		// drc-008: the document cannot go while relations point to it.
		r = e.Do(t, apptest.Req{Method: http.MethodDelete, URL: eio, Token: e.Admin})
		if r.Status != http.StatusBadRequest {
			t.Fatalf("delete of a related document = %d, want 400:\n%s", r.Status, r.Body)
		}

		// Deleting the leading relations removes the mirrors.
		do(http.MethodDelete, zio, nil, http.StatusNoContent)
		if n := count(oios + "&object=" + url.QueryEscape(zaak)); n != 0 {
			t.Fatalf("after the zaakinformatieobject went: %d objectinformatieobjecten of the zaak", n)
		}
		do(http.MethodDelete, bio, nil, http.StatusNoContent)
		if n := count(oios); n != 0 {
			t.Fatalf("after the besluitinformatieobject went: %d objectinformatieobjecten", n)
		}
		do(http.MethodDelete, besluit, nil, http.StatusNoContent)
		if n := count(zaak + "/besluiten"); n != 0 {
			t.Fatalf("after the besluit went: %d zaakbesluiten", n)
		}
		do(http.MethodDelete, eio, nil, http.StatusNoContent)
	})
}
