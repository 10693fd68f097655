package notificaties_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
)

type abonnementJSON struct {
	URL         string `json:"url"`
	CallbackURL string `json:"callbackUrl"`
	Kanalen     []struct {
		Naam    string            `json:"naam"`
		Filters map[string]string `json:"filters"`
	} `json:"kanalen"`
}

// path is the URL of an abonnement below the API root.
func (n *nrc) path(u string) string { return strings.TrimPrefix(u, n.URL+root) }

func (n *nrc) createAbonnement(t *testing.T, token string, body any) abonnementJSON {
	t.Helper()
	r := n.post(t, "/abonnement", token, body)
	wantStatus(t, r, http.StatusCreated)
	var a abonnementJSON
	r.Decode(t, &a)
	if loc := r.Header.Get("Location"); loc != a.URL {
		t.Errorf("Location %q, url %q", loc, a.URL)
	}
	return a
}

// wantNoAuth fails when a response shows the write-only auth.
func wantNoAuth(t *testing.T, r *apptest.Resp) {
	t.Helper()
	if strings.Contains(string(r.Body), `"auth"`) || strings.Contains(string(r.Body), "geheim") {
		t.Errorf("auth is rendered:\n%s", r.Body)
	}
}

func TestAbonnementCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		rc := newReceiver(t, http.StatusNoContent)
		body := abonnementBody(rc.URL(),
			group("zaken", map[string]string{"bronorganisatie": "123456782", "zaaktype": "*"}),
			group("documenten", nil))
		a := n.createAbonnement(t, n.consumer, body)
		if a.CallbackURL != rc.URL() || len(a.Kanalen) != 2 || a.Kanalen[0].Naam != "zaken" || a.Kanalen[0].Filters["bronorganisatie"] != "123456782" ||
			a.Kanalen[1].Naam != "documenten" || a.Kanalen[1].Filters == nil || len(a.Kanalen[1].Filters) != 0 {
			t.Errorf("created %+v", a)
		}
		// The callback got the test message with the auth value.
		got := rc.received()
		if len(got) != 1 || got[0].auth != "Bearer geheim-abc" || got[0].body.Kanaal != "test" || got[0].body.Aanmaakdatum.IsZero() {
			t.Fatalf("callback received %+v", got)
		}

		read := n.get(t, n.path(a.URL), n.publisher)
		wantStatus(t, read, http.StatusOK)
		wantNoAuth(t, read)
		list := n.get(t, "/abonnement", n.consumer)
		wantStatus(t, list, http.StatusOK)
		wantNoAuth(t, list)
		var all []abonnementJSON
		list.Decode(t, &all)
		if len(all) != 1 || all[0].URL != a.URL {
			t.Errorf("list %+v", all)
		}

		// PUT replaces everything and test-POSTs with the new auth.
		rc2 := newReceiver(t, http.StatusOK)
		put := n.do(t, apptest.Req{Method: http.MethodPut, URL: n.path(a.URL), Token: n.consumer,
			Body: map[string]any{"callbackUrl": rc2.URL(), "auth": "Token nieuw-geheim", "kanalen": []any{group("besluiten", map[string]string{"verantwoordelijkeOrganisatie": "002220647"})}}})
		wantStatus(t, put, http.StatusOK)
		wantNoAuth(t, put)
		var updated abonnementJSON
		put.Decode(t, &updated)
		if updated.URL != a.URL || updated.CallbackURL != rc2.URL() || len(updated.Kanalen) != 1 || updated.Kanalen[0].Naam != "besluiten" {
			t.Errorf("updated %+v", updated)
		}
		if got := rc2.received(); len(got) != 1 || got[0].auth != "Token nieuw-geheim" {
			t.Errorf("PUT test-POST %+v", got)
		}

		// PATCH changes what is sent; the test-POST uses the stored auth.
		patch := n.do(t, apptest.Req{Method: http.MethodPatch, URL: n.path(a.URL), Token: n.consumer,
			Body: map[string]any{"kanalen": []any{group("zaken", nil), group("objecten", map[string]string{"objectType": "*"})}}})
		wantStatus(t, patch, http.StatusOK)
		var patched abonnementJSON
		patch.Decode(t, &patched)
		if patched.CallbackURL != rc2.URL() || len(patched.Kanalen) != 2 || patched.Kanalen[1].Filters["objectType"] != "*" {
			t.Errorf("patched %+v", patched)
		}
		if got := rc2.received(); len(got) != 2 || got[1].auth != "Token nieuw-geheim" {
			t.Errorf("PATCH test-POST %+v", got)
		}

		del := n.do(t, apptest.Req{Method: http.MethodDelete, URL: n.path(a.URL), Token: n.consumer})
		wantStatus(t, del, http.StatusNoContent)
		wantStatus(t, n.get(t, n.path(a.URL), n.consumer), http.StatusNotFound)
		if c := countRows(t, e, "abonnement_kanaal"); c != 0 {
			t.Errorf("%d filter groups left", c)
		}
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodDelete, URL: n.path(a.URL), Token: n.consumer}), http.StatusNotFound)
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodGet, URL: "/abonnement/niet-een-uuid", Token: n.consumer, BadInput: true}), http.StatusNotFound)
	})
}

// Open Notificaties shows every abonnement to a client with the scope, not only its own.
func TestAbonnementVisibleToEveryClientWithScope(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		rc := newReceiver(t, http.StatusNoContent)
		a := n.createAbonnement(t, e.Admin, abonnementBody(rc.URL(), group("zaken", nil)))
		var all []abonnementJSON
		list := n.get(t, "/abonnement", n.publisher)
		wantStatus(t, list, http.StatusOK)
		list.Decode(t, &all)
		if len(all) != 1 || all[0].URL != a.URL {
			t.Errorf("publisher sees %+v", all)
		}
		wantStatus(t, n.get(t, n.path(a.URL), n.consumer), http.StatusOK)
	})
}

func TestAbonnementScopes(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		rc := newReceiver(t, http.StatusNoContent)
		body := abonnementBody(rc.URL(), group("zaken", nil))
		a := n.createAbonnement(t, n.consumer, body)
		p := n.path(a.URL)
		for _, tc := range []struct {
			method, path, token string
			body                any
			want                int
		}{
			{http.MethodGet, "/abonnement", "", nil, http.StatusUnauthorized},
			{http.MethodGet, "/abonnement", n.outsider, nil, http.StatusForbidden},
			{http.MethodGet, p, n.outsider, nil, http.StatusForbidden},
			{http.MethodPost, "/abonnement", n.publisher, body, http.StatusForbidden},
			{http.MethodPut, p, n.publisher, body, http.StatusForbidden},
			{http.MethodPatch, p, n.publisher, map[string]any{"auth": "x"}, http.StatusForbidden},
			{http.MethodDelete, p, n.publisher, nil, http.StatusForbidden},
			{http.MethodDelete, p, n.outsider, nil, http.StatusForbidden},
		} {
			r := n.do(t, apptest.Req{Method: tc.method, URL: tc.path, Token: tc.token, Body: tc.body})
			if r.Status != tc.want {
				t.Errorf("%s %s: %d, want %d:\n%s", tc.method, tc.path, r.Status, tc.want, r.Body)
			}
		}
		if got := len(rc.received()); got != 1 {
			t.Errorf("a refused request test-POSTed the callback (%d POSTs)", got)
		}
	})
}

// unreachableURL is a callback on a port where nothing listens.
func unreachableURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String() + "/callback"
	ln.Close()
	return u
}

func TestAbonnementRules(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		ok := newReceiver(t, http.StatusNoContent)
		failing := newReceiver(t, http.StatusInternalServerError)
		refusing := newReceiver(t, http.StatusForbidden)
		redirecting := newReceiver(t, http.StatusFound)
		hang := make(chan struct{})
		hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(hanging.Close)
		t.Cleanup(func() { close(hang) })

		for _, tc := range []struct {
			name        string
			body        any
			field, code string
		}{
			{"unknown kanaal", abonnementBody(ok.URL(), group("bestaat-niet", nil)), "naam", "kanaal_naam"},
			{"inconsistent filters", abonnementBody(ok.URL(), group("zaken", map[string]string{"bronorganisatie": "1", "kleur": "rood"})), "filters", "inconsistent-abonnement-filters"},
			{"filters on a kanaal with other kenmerken", abonnementBody(ok.URL(), group("besluiten", map[string]string{"zaaktype": "*"})), "filters", "inconsistent-abonnement-filters"},
			{"callback answers 500", abonnementBody(failing.URL(), group("zaken", nil)), "nonFieldErrors", "invalid-callback-url"},
			{"callback refuses the auth", abonnementBody(refusing.URL(), group("zaken", nil)), "nonFieldErrors", "invalid-callback-url"},
			{"callback redirects", abonnementBody(redirecting.URL(), group("zaken", nil)), "nonFieldErrors", "invalid-callback-url"},
			{"callback unreachable", abonnementBody(unreachableURL(t), group("zaken", nil)), "nonFieldErrors", "invalid-callback-url"},
			{"callback hangs", abonnementBody(hanging.URL+"/callback", group("zaken", nil)), "nonFieldErrors", "invalid-callback-url"},
			{"callback not http", abonnementBody("ftp://127.0.0.1/callback", group("zaken", nil)), "callbackUrl", "invalid"},
			{"callback file", abonnementBody("file:///etc/passwd", group("zaken", nil)), "callbackUrl", "invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				start := time.Now()
				apptest.WantInvalid(t, n.post(t, "/abonnement", n.consumer, tc.body), tc.field, tc.code)
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("took %s", d)
				}
			})
		}
		for _, body := range []any{
			map[string]any{"auth": "x", "kanalen": []any{}},
			map[string]any{"callbackUrl": ok.URL(), "kanalen": []any{}},
			map[string]any{"callbackUrl": ok.URL(), "auth": "x"},
			map[string]any{"callbackUrl": "geen url", "auth": "x", "kanalen": []any{}},
			map[string]any{"callbackUrl": ok.URL(), "auth": "", "kanalen": []any{}},
			map[string]any{"callbackUrl": ok.URL(), "auth": "x", "kanalen": []any{map[string]any{"filters": map[string]string{}}}},
			map[string]any{"callbackUrl": ok.URL(), "auth": "x", "kanalen": []any{map[string]any{"naam": "zaken", "filters": map[string]any{"zaaktype": 1}}}},
			map[string]any{"callbackUrl": ok.URL(), "auth": "x", "kanalen": "zaken"},
			`{"callbackUrl": `,
		} {
			if r := n.bad(t, http.MethodPost, "/abonnement", n.consumer, body); r.Status != http.StatusBadRequest {
				t.Errorf("%v: %d:\n%s", body, r.Status, r.Body)
			}
		}
		if c := countRows(t, e, "abonnement"); c != 0 {
			t.Errorf("bad input stored %d abonnementen", c)
		}
		if got := len(ok.received()); got != 0 {
			t.Errorf("invalid abonnementen were test-POSTed (%d)", got)
		}

		// Consistent: fewer filters than the kanaal declares, camelCase names, and more (a
		// superset of the kanaal's) are all accepted, as in Open Notificaties.
		for _, filters := range []map[string]string{
			{"vertrouwelijkheidaanduiding": "openbaar"},
			{"Bronorganisatie": "1", "zaak_type": "*"},
			{"bronorganisatie": "1", "zaaktype": "*", "vertrouwelijkheidaanduiding": "*", "extra": "x"},
		} {
			n.createAbonnement(t, n.consumer, abonnementBody(ok.URL(), group("zaken", filters)))
		}
		n.createAbonnement(t, n.consumer, abonnementBody(ok.URL(), group("besluiten", map[string]string{"verantwoordelijkeOrganisatie": "1"})))

		// The same rules on update; the abonnement stays as it was.
		a := n.createAbonnement(t, n.consumer, abonnementBody(ok.URL(), group("zaken", nil)))
		apptest.WantInvalid(t, n.do(t, apptest.Req{Method: http.MethodPatch, URL: n.path(a.URL), Token: n.consumer,
			Body: map[string]any{"kanalen": []any{group("bestaat-niet", nil)}}}), "naam", "kanaal_naam")
		apptest.WantInvalid(t, n.do(t, apptest.Req{Method: http.MethodPatch, URL: n.path(a.URL), Token: n.consumer,
			Body: map[string]any{"callbackUrl": failing.URL()}}), "nonFieldErrors", "invalid-callback-url")
		apptest.WantInvalid(t, n.do(t, apptest.Req{Method: http.MethodPut, URL: n.path(a.URL), Token: n.consumer,
			Body: abonnementBody(unreachableURL(t), group("documenten", nil))}), "nonFieldErrors", "invalid-callback-url")
		r := n.get(t, n.path(a.URL), n.consumer)
		var still abonnementJSON
		r.Decode(t, &still)
		if still.CallbackURL != ok.URL() || len(still.Kanalen) != 1 || still.Kanalen[0].Naam != "zaken" {
			t.Errorf("a refused update changed the abonnement: %+v", still)
		}

		// A receiver that recovers is accepted.
		failing.setStatus(http.StatusAccepted)
		n.createAbonnement(t, n.consumer, abonnementBody(failing.URL(), group("zaken", nil)))
	})
}
