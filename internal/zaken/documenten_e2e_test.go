package zaken_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

const drcRoot = "/documenten/api/v1"

// zrc-005 against Meent's own Documenten register: a zaakinformatieobject is mirrored into
// objectinformatieobjecten through the Documenten API, and unmirrored when deleted.
func TestZrc005_MirrorLocalDocumenten(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty := z.zaaktypeMetIOT(t)
		zaak := z.zaak(t, ty.zaaktype, nil)["url"].(string)
		io := z.Post(t, drcRoot+"/enkelvoudiginformatieobjecten", map[string]any{"bronorganisatie": "002220647",
			"creatiedatum": "2024-03-01", "titel": "Aanvraag", "auteur": "Burger", "taal": "nld",
			"informatieobjecttype": ty.iot, "vertrouwelijkheidaanduiding": "openbaar", "inhoud": "aGFsbG8=", "bestandsnaam": "a.txt"})["url"].(string)
		mirrors := func() int {
			var list []any
			q := url.Values{"object": {zaak}, "informatieobject": {io}}
			r := z.Do(t, apptest.Req{Method: http.MethodGet, URL: drcRoot + "/objectinformatieobjecten?" + q.Encode(), Token: z.Admin})
			if r.Status != http.StatusOK {
				t.Fatalf("objectinformatieobjecten: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &list)
			return len(list)
		}
		zio := z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(zaak, io), http.StatusCreated)["url"].(string)
		if n := mirrors(); n != 1 {
			t.Fatalf("%d objectinformatieobjecten after create, want 1", n)
		}
		z.must(t, http.MethodDelete, zio, nil, http.StatusNoContent)
		if n := mirrors(); n != 0 {
			t.Fatalf("%d objectinformatieobjecten after delete, want 0", n)
		}
	})
}
