package besluiten_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
)

// TestBRCAutorisaties: every operation is allowed per besluittype for the scope the OAS names,
// lists are filtered in SQL (count included), and besluitinformatieobjecten follow their besluit.
func TestBRCAutorisaties(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		mijn := b.besluit(t, f.besluittype, nil)["url"].(string)
		ander := b.besluit(t, f.ander, nil)["url"].(string)
		bio := b.must(t, http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": mijn}, http.StatusCreated)["url"].(string)
		lezer := b.client(t, brc(f.besluittype, "besluiten.lezen"))
		if n, urls := b.list(t, lezer, brcRoot+"/besluiten"); n != 1 || urls[0] != mijn {
			t.Errorf("lezer lists %d %v", n, urls)
		}
		if n, _ := b.list(t, lezer, brcRoot+"/besluiten?besluittype="+url.QueryEscape(f.ander)); n != 0 {
			t.Errorf("lezer lists %d besluiten of another besluittype", n)
		}
		if got := b.array(t, lezer, bioRoot); len(got) != 1 || got[0]["url"] != bio {
			t.Errorf("lezer lists relations %v", got)
		}
		status := func(token, method, u string, body any) int {
			t.Helper()
			return b.do(t, token, method, u, body).Status
		}
		for _, c := range []struct {
			token, method, u string
			body             any
			want             int
		}{
			{lezer, http.MethodGet, mijn, nil, http.StatusOK},
			{lezer, http.MethodGet, ander, nil, http.StatusForbidden},
			{lezer, http.MethodGet, bio, nil, http.StatusOK},
			{lezer, http.MethodPost, brcRoot + "/besluiten", besluitBody(f.besluittype, nil), http.StatusForbidden},
			{lezer, http.MethodPatch, mijn, map[string]any{"toelichting": "x"}, http.StatusForbidden},
			{lezer, http.MethodDelete, mijn, nil, http.StatusForbidden},
			{lezer, http.MethodDelete, bio, nil, http.StatusForbidden},
			{lezer, http.MethodGet, mijn + "/audittrail", nil, http.StatusForbidden},
		} {
			if got := status(c.token, c.method, c.u, c.body); got != c.want {
				t.Errorf("lezer %s %s = %d, want %d", c.method, c.u, got, c.want)
			}
		}
		schrijver := b.client(t, brc(f.besluittype, "besluiten.aanmaken", "besluiten.bijwerken", "besluiten.verwijderen", "audittrails.lezen"))
		if got := status(schrijver, http.MethodPost, brcRoot+"/besluiten", besluitBody(f.ander, nil)); got != http.StatusForbidden {
			t.Errorf("create of another besluittype = %d", got)
		}
		if got := status(schrijver, http.MethodPost, bioRoot, map[string]any{"informatieobject": remoteEIO(rm, f.iot), "besluit": ander}); got != http.StatusForbidden {
			t.Errorf("relation to a besluit of another besluittype = %d", got)
		}
		nieuw := b.do(t, schrijver, http.MethodPost, brcRoot+"/besluiten", besluitBody(f.besluittype, nil))
		if nieuw.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", nieuw.Status, nieuw.Body)
		}
		u := nieuw.JSON(t)["url"].(string)
		if got := status(schrijver, http.MethodPatch, u, map[string]any{"toelichting": "x"}); got != http.StatusOK {
			t.Errorf("patch = %d", got)
		}
		if got := status(schrijver, http.MethodPatch, ander, map[string]any{"toelichting": "x"}); got != http.StatusForbidden {
			t.Errorf("patch of another besluittype = %d", got)
		}
		if got := status(schrijver, http.MethodGet, u+"/audittrail", nil); got != http.StatusOK {
			t.Errorf("audittrail = %d", got)
		}
		if got := status(schrijver, http.MethodGet, ander+"/audittrail", nil); got != http.StatusForbidden {
			t.Errorf("audittrail of another besluittype = %d", got)
		}
		if got := status(schrijver, http.MethodGet, u, nil); got != http.StatusForbidden {
			t.Errorf("read without besluiten.lezen = %d", got)
		}
		if got := status(schrijver, http.MethodDelete, bio, nil); got != http.StatusNoContent {
			t.Errorf("delete relation = %d", got)
		}
		if got := status(schrijver, http.MethodDelete, u, nil); got != http.StatusNoContent {
			t.Errorf("delete = %d", got)
		}
		zaken := b.client(t, autorisaties.Autorisatie{Component: "zrc", Scopes: []string{"besluiten.lezen"}, Zaaktype: f.zaaktype,
			MaxVertrouwelijkheidaanduiding: "geheim"})
		if got := status(zaken, http.MethodGet, brcRoot+"/besluiten", nil); got != http.StatusForbidden {
			t.Errorf("list with a scope of another component = %d", got)
		}
	}, rm.allow())
}
