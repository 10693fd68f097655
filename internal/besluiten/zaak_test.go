package besluiten_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

// TestBRC006ZaakMirror: a besluit with a zaak has its zaakbesluit in the Zaken register; a
// change of zaak moves it, no zaak removes it, and deleting the besluit removes it.
func TestBRC006ZaakMirror(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		z1, z2 := b.zaak(t, f.zaaktype), b.zaak(t, f.zaaktype)
		u := b.besluit(t, f.besluittype, map[string]any{"zaak": z1})["url"].(string)
		check := func(step string, want1, want2 bool) {
			t.Helper()
			for _, c := range []struct {
				zaak string
				want bool
			}{{z1, want1}, {z2, want2}} {
				got := b.zaakbesluiten(t, c.zaak)
				if has := len(got) == 1 && got[0] == u; has != c.want || len(got) > 1 {
					t.Errorf("%s: zaakbesluiten of %s = %v, want besluit: %v", step, c.zaak, got, c.want)
				}
			}
		}
		check("create", true, false)
		if n, urls := b.list(t, "", brcRoot+"/besluiten?zaak="+url.QueryEscape(z1)); n != 1 || urls[0] != u {
			t.Errorf("besluiten?zaak = %d %v", n, urls)
		}
		b.must(t, http.MethodPatch, u, map[string]any{"zaak": z2}, http.StatusOK)
		check("move", false, true)
		b.must(t, http.MethodPatch, u, map[string]any{"zaak": ""}, http.StatusOK)
		check("unset", false, false)
		b.must(t, http.MethodPut, u, besluitBody(f.besluittype, map[string]any{"zaak": z1}), http.StatusOK)
		check("put", true, false)
		b.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		check("delete", false, false)
	})
}

// TestBRC006ZaakMirrorRefused: when the Zaken register (here a remote one) does not take the
// zaakbesluit, the besluit is undone and the client gets a 400; its create notification,
// written with it, is followed by a destroy; when it does, it got the besluit URL.
func TestBRC006ZaakMirrorRefused(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		path := zrcRoot + "/zaken/" + zgw.NewUUID()
		zaak := rm.resource(path, map[string]any{"zaaktype": f.zaaktype, "bronorganisatie": rsin, "startdatum": "2024-03-01",
			"vertrouwelijkheidaanduiding": "openbaar"})
		rm.taken()
		rm.fail(http.StatusInternalServerError)
		r := b.do(t, "", http.MethodPost, brcRoot+"/besluiten", besluitBody(f.besluittype, map[string]any{"zaak": zaak}))
		apptest.WantInvalid(t, r, "zaak", "inconsistent-relation")
		if n := b.count(t, `SELECT count(*) FROM besluit`); n != 0 {
			t.Errorf("%d besluiten stored after a refused mirror", n)
		}
		if n := b.count(t, `SELECT count(*) FROM audittrail WHERE bron = 'brc'`); n != 0 {
			t.Errorf("%d audit entries left after a refused mirror", n)
		}
		var acties []string
		for _, n := range b.notifications(t, "besluiten") {
			acties = append(acties, n.Actie)
		}
		if strings.Join(acties, ",") != "create,destroy" {
			t.Errorf("notifications %v, want the create undone", acties)
		}
		rm.fail(http.StatusCreated)
		rm.taken()
		u := b.besluit(t, f.besluittype, map[string]any{"zaak": zaak})["url"].(string)
		w := rm.taken()
		if len(w) != 1 || w[0].Method != http.MethodPost || w[0].Path != path+"/besluiten" || w[0].Body["besluit"] != u {
			t.Errorf("writes at the zaken register: %+v", w)
		}
		// Moving a besluit to a zaak whose register refuses the zaakbesluit changes nothing.
		lokaal := b.besluit(t, f.besluittype, nil)["url"].(string)
		rm.fail(http.StatusBadRequest)
		b.noTrace(t, "a refused move", func() {
			b.bad(t, http.MethodPatch, lokaal, map[string]any{"zaak": zaak, "toelichting": "verplaatst"}, false, "zaak", "inconsistent-relation")
		})
		if got := b.must(t, http.MethodGet, lokaal, nil, http.StatusOK); got["zaak"] != "" || got["toelichting"] != "" {
			t.Errorf("besluit changed by a refused move: %v", got)
		}
		rm.fail(http.StatusCreated)
		rm.taken()
		// Deleting the besluit finds the zaakbesluit by its besluit and deletes it.
		rm.serve(path+"/besluiten", []map[string]any{
			{"url": rm.srv.URL + path + "/besluiten/x", "besluit": "https://ander.example/besluit"},
			{"url": rm.srv.URL + path + "/besluiten/y", "besluit": u}})
		b.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		w = rm.taken()
		if len(w) != 1 || w[0].Method != http.MethodDelete || w[0].Path != path+"/besluiten/y" {
			t.Errorf("writes at the zaken register on delete: %+v", w)
		}
	}, rm.allow())
}

// TestBRC006VerwijderenGeweigerd: as in Open Zaak, a besluit whose zaakbesluit the Zaken
// register does not let go is not deleted (400 zaak pending-relations), without a trace; a
// zaak that is gone has no zaakbesluit left, so its besluit is deleted.
func TestBRC006VerwijderenGeweigerd(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		zaak := func() (string, string) {
			path := zrcRoot + "/zaken/" + zgw.NewUUID()
			return path, rm.resource(path, map[string]any{"zaaktype": f.zaaktype, "bronorganisatie": rsin,
				"startdatum": "2024-03-01", "vertrouwelijkheidaanduiding": "openbaar"})
		}
		path, z := zaak()
		u := b.besluit(t, f.besluittype, map[string]any{"zaak": z})["url"].(string)
		rm.serve(path+"/besluiten", []map[string]any{{"url": rm.srv.URL + path + "/besluiten/1", "besluit": u}})
		rm.fail(http.StatusInternalServerError)
		rm.taken()
		b.noTrace(t, "a refused delete", func() {
			b.bad(t, http.MethodDelete, u, nil, false, "zaak", "pending-relations")
		})
		if w := rm.taken(); len(w) != 1 || w[0].Method != http.MethodDelete || w[0].Path != path+"/besluiten/1" {
			t.Errorf("writes at the zaken register: %+v", w)
		}
		b.must(t, http.MethodGet, u, nil, http.StatusOK)
		rm.fail(http.StatusCreated)
		b.must(t, http.MethodDelete, u, nil, http.StatusNoContent)

		_, weg := zaak() // its zaakbesluiten list answers 404: the zaak was deleted
		u = b.besluit(t, f.besluittype, map[string]any{"zaak": weg})["url"].(string)
		b.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		b.must(t, http.MethodGet, u, nil, http.StatusNotFound)
	}, rm.allow())
}

// TestBRC007Zaak: the zaak is a Zaken zaak whose zaaktype has the besluittype.
func TestBRC007Zaak(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		z := b.zaak(t, f.zaaktype)
		post := func(besluittype, zaak string) *apptest.Resp {
			return b.do(t, "", http.MethodPost, brcRoot+"/besluiten", besluitBody(besluittype, map[string]any{"zaak": zaak}))
		}
		apptest.WantInvalid(t, post(f.ander, z), "nonFieldErrors", "zaaktype-mismatch")
		apptest.WantInvalid(t, post(f.besluittype, e.URL+zrcRoot+"/zaken/00000000-0000-0000-0000-000000000000"), "zaak", "bad-url")
		apptest.WantInvalid(t, post(f.besluittype, f.besluittype), "zaak", "invalid-resource")
		u := b.besluit(t, f.ander, nil)["url"].(string)
		b.bad(t, http.MethodPatch, u, map[string]any{"zaak": z}, false, "nonFieldErrors", "zaaktype-mismatch")
		if n := b.count(t, `SELECT count(*) FROM besluit WHERE zaak <> ''`); n != 0 {
			t.Errorf("%d besluiten with a zaak stored", n)
		}
		if got := b.zaakbesluiten(t, z); len(got) != 0 {
			t.Errorf("zaakbesluiten %v", got)
		}
	})
}
