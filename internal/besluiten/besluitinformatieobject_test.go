package besluiten_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

const bioRoot = brcRoot + "/besluitinformatieobjecten"

// remoteEIO serves an enkelvoudiginformatieobject of iot at the remote Documenten register.
func remoteEIO(rm *remote, iot string) string {
	return rm.resource(drcRoot+"/enkelvoudiginformatieobjecten/"+zgw.NewUUID(), map[string]any{"informatieobjecttype": iot,
		"bronorganisatie": rsin, "titel": "Besluitbrief", "vertrouwelijkheidaanduiding": "openbaar"})
}

// TestBRC003Informatieobject: the informatieobject and besluit URLs must resolve, the pair is
// unique; a relation is listed by both filters.
func TestBRC003Informatieobject(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		post := func(io, besluit string) *apptest.Resp {
			return b.do(t, "", http.MethodPost, bioRoot, map[string]any{"informatieobject": io, "besluit": besluit})
		}
		apptest.WantInvalid(t, post(e.URL+drcRoot+"/enkelvoudiginformatieobjecten/00000000-0000-0000-0000-000000000000", besluit), "informatieobject", "bad-url")
		apptest.WantInvalid(t, post("https://elders.example/documenten/api/v1/enkelvoudiginformatieobjecten/1", besluit), "informatieobject", "bad-url")
		apptest.WantInvalid(t, post(f.besluittype, besluit), "informatieobject", "invalid-resource")
		io := remoteEIO(rm, f.iot)
		apptest.WantInvalid(t, post(io, e.URL+brcRoot+"/besluiten/00000000-0000-0000-0000-000000000000"), "besluit", "bad-url")
		r := post(io, besluit)
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		bio := r.JSON(t)
		apptest.WantInvalid(t, post(io, besluit), "nonFieldErrors", "unique")
		ander := b.besluit(t, f.besluittype, nil)["url"].(string)
		io2 := remoteEIO(rm, f.iot)
		post(io2, ander)
		for _, c := range []struct {
			query string
			want  int
		}{
			{"", 2}, {"besluit=" + url.QueryEscape(besluit), 1}, {"informatieobject=" + url.QueryEscape(io), 1},
			{"besluit=" + url.QueryEscape(besluit) + "&informatieobject=" + url.QueryEscape(io2), 0},
		} {
			if got := b.array(t, "", bioRoot+"?"+c.query); len(got) != c.want || (c.want == 1 && got[0]["besluit"] == ander) {
				t.Errorf("list %q = %v", c.query, got)
			}
		}
		read := b.must(t, http.MethodGet, bio["url"].(string), nil, http.StatusOK)
		if read["informatieobject"] != io || read["besluit"] != besluit {
			t.Errorf("read: %v", read)
		}
		trail := b.array(t, "", besluit+"/audittrail")
		if len(trail) != 2 || trail[1]["resource"] != "besluitinformatieobject" || trail[1]["resourceUrl"] != bio["url"] {
			t.Errorf("audittrail: %v", trail)
		}
		b.must(t, http.MethodDelete, bio["url"].(string), nil, http.StatusNoContent)
		b.must(t, http.MethodGet, bio["url"].(string), nil, http.StatusNotFound)
		var acties []string
		for _, n := range b.notifications(t, "besluiten") {
			if n.Resource == "besluitinformatieobject" && n.HoofdObject == besluit {
				acties = append(acties, n.Actie)
			}
		}
		if len(acties) != 2 || acties[0] != "create" || acties[1] != "destroy" {
			t.Errorf("notifications %v", acties)
		}
	}, rm.allow())
}

// TestBRC004RelatieData: the server records the relation as legt_vast, registered now.
func TestBRC004RelatieData(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": besluit}, http.StatusCreated)
		if n := b.count(t, `SELECT count(*) FROM besluitinformatieobject WHERE uuid = $1 AND aard_relatie = 'legt_vast'
			AND registratiedatum IS NOT NULL`, uuidOf(bio["url"].(string))); n != 1 {
			t.Errorf("relation data not set")
		}
		// No update operation exists.
		r := b.Do(t, apptest.Req{Method: http.MethodPatch, URL: bio["url"].(string), Body: map[string]any{}, Token: b.Admin, Unchecked: true})
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("PATCH = %d, want 405", r.Status)
		}
	}, rm.allow())
}

// TestBRC005DocumentenMirror: after a besluitinformatieobject is stored, the Documenten
// register (here a remote one) gets the objectinformatieobject; when it refuses, the relation
// is undone (a destroy notification after the create); deleting the relation deletes the
// mirror it finds.
func TestBRC005DocumentenMirror(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		io := remoteEIO(rm, f.iot)
		rm.taken()
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": io, "besluit": besluit}, http.StatusCreated)
		w := rm.taken()
		if len(w) != 1 || w[0].Method != http.MethodPost || w[0].Path != drcRoot+"/objectinformatieobjecten" ||
			w[0].Body["informatieobject"] != io || w[0].Body["object"] != besluit || w[0].Body["objectType"] != "besluit" {
			t.Errorf("writes at the documenten register: %+v", w)
		}
		b.must(t, http.MethodDelete, bio["url"].(string), nil, http.StatusNoContent)
		w = rm.taken()
		if len(w) != 1 || w[0].Method != http.MethodDelete || w[0].Path != drcRoot+"/objectinformatieobjecten/1" {
			t.Errorf("writes at the documenten register on delete: %+v", w)
		}
		rm.fail(http.StatusBadRequest)
		defer rm.fail(http.StatusCreated)
		r := b.do(t, "", http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": besluit})
		apptest.WantInvalid(t, r, "informatieobject", "inconsistent-relation")
		if n := b.count(t, `SELECT count(*) FROM besluitinformatieobject`); n != 0 {
			t.Errorf("%d relations left after a refused mirror", n)
		}
	}, rm.allow())
}

// TestBRC005DocumentenMirrorLocal: the same with the Documenten register of this process,
// which checks the relation back (drc-004).
func TestBRC005DocumentenMirrorLocal(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		io := b.eio(t, f.iot)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": io, "besluit": besluit}, http.StatusCreated)
		oios := b.array(t, "", drcRoot+"/objectinformatieobjecten?object="+url.QueryEscape(besluit))
		if len(oios) != 1 || oios[0]["informatieobject"] != io || oios[0]["objectType"] != "besluit" {
			t.Fatalf("objectinformatieobjecten: %v", oios)
		}
		b.must(t, http.MethodDelete, bio["url"].(string), nil, http.StatusNoContent)
		if oios := b.array(t, "", drcRoot+"/objectinformatieobjecten?object="+url.QueryEscape(besluit)); len(oios) != 0 {
			t.Errorf("objectinformatieobjecten after delete: %v", oios)
		}
		// brc-009: deleting the besluit takes the relation and its mirror along.
		b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": io, "besluit": besluit}, http.StatusCreated)
		b.must(t, http.MethodDelete, besluit, nil, http.StatusNoContent)
		if oios := b.array(t, "", drcRoot+"/objectinformatieobjecten?informatieobject="+url.QueryEscape(io)); len(oios) != 0 {
			t.Errorf("objectinformatieobjecten after besluit delete: %v", oios)
		}
		b.must(t, http.MethodDelete, io, nil, http.StatusNoContent)
	})
}

// TestBRC008Informatieobjecttype: the document's informatieobjecttype must be one of the
// besluittype's.
func TestBRC008Informatieobjecttype(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		besluit := b.besluit(t, f.besluittype, nil)["url"].(string)
		r := b.do(t, "", http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iotAnder), "besluit": besluit})
		apptest.WantInvalid(t, r, "nonFieldErrors", "missing-besluittype-informatieobjecttype-relation")
		if n := b.count(t, `SELECT count(*) FROM besluitinformatieobject`); n != 0 {
			t.Errorf("%d relations stored", n)
		}
	}, rm.allow())
}

// TestBRC009Verwijderen: deleting a besluit removes its relations, its audit trail and the
// mirrors in the Zaken and Documenten registers.
func TestBRC009Verwijderen(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		z := b.zaak(t, f.zaaktype)
		besluit := b.besluit(t, f.besluittype, map[string]any{"zaak": z})["url"].(string)
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": besluit}, http.StatusCreated)
		b.must(t, http.MethodPatch, besluit, map[string]any{"toelichting": "x"}, http.StatusOK)
		rm.taken()
		b.must(t, http.MethodDelete, besluit, nil, http.StatusNoContent)
		b.must(t, http.MethodGet, bio["url"].(string), nil, http.StatusNotFound)
		if n := b.count(t, `SELECT count(*) FROM besluitinformatieobject`); n != 0 {
			t.Errorf("%d relations left", n)
		}
		if n := b.count(t, `SELECT count(*) FROM audittrail WHERE hoofd_object = $1`, besluit); n != 0 {
			t.Errorf("%d audit entries left", n)
		}
		if trail := b.array(t, "", besluit+"/audittrail"); len(trail) != 0 {
			t.Errorf("audittrail after delete: %v", trail)
		}
		if got := b.zaakbesluiten(t, z); len(got) != 0 {
			t.Errorf("zaakbesluiten left: %v", got)
		}
		if w := rm.taken(); len(w) != 1 || w[0].Method != http.MethodDelete {
			t.Errorf("objectinformatieobject not deleted: %+v", w)
		}
	}, rm.allow())
}
