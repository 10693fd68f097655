package autorisaties_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The admin of apptest: client id and secret as apptest.MustStart seeds them.
const (
	adminID     = "test-admin"
	adminSecret = "test-admin-secret"
)

func claims(clientID string, iat time.Time) jwt.MapClaims {
	return jwt.MapClaims{"iss": clientID, "client_id": clientID, "iat": iat.Unix(), "user_id": "tester", "user_representation": "Tester"}
}

func sign(t *testing.T, m jwt.SigningMethod, c jwt.Claims, key any) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAuthentication: the ZGW JWT rules of algemeen §3, through the Autorisaties API.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	noIat := claims(adminID, now)
	delete(noIat, "iat")
	noClient := claims("", now)
	delete(noClient, "client_id")
	delete(noClient, "iss")
	cases := []struct {
		name   string
		header string // Authorization header; "" sends none
	}{
		{"no token", ""},
		{"not bearer", "Basic " + adminSecret},
		{"empty bearer", "Bearer "},
		{"garbage", "Bearer abc.def.ghi"},
		{"alg none", "Bearer " + sign(t, jwt.SigningMethodNone, claims(adminID, now), jwt.UnsafeAllowNoneSignatureType)},
		{"RS256", "Bearer " + sign(t, jwt.SigningMethodRS256, claims(adminID, now), rsaKey)},
		{"HS512 with the right secret", "Bearer " + sign(t, jwt.SigningMethodHS512, claims(adminID, now), []byte(adminSecret))},
		{"HS384 with the right secret", "Bearer " + sign(t, jwt.SigningMethodHS384, claims(adminID, now), []byte(adminSecret))},
		{"wrong secret", "Bearer " + sign(t, jwt.SigningMethodHS256, claims(adminID, now), []byte("not-the-secret"))},
		{"unknown client_id", "Bearer " + sign(t, jwt.SigningMethodHS256, claims("onbekend", now), []byte(adminSecret))},
		{"no client_id", "Bearer " + sign(t, jwt.SigningMethodHS256, noClient, []byte(adminSecret))},
		{"iat older than the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, claims(adminID, now.Add(-2*time.Hour)), []byte(adminSecret))},
		{"iat beyond the leeway in the future", "Bearer " + sign(t, jwt.SigningMethodHS256, claims(adminID, now.Add(2*time.Hour)), []byte(adminSecret))},
		{"no iat", "Bearer " + sign(t, jwt.SigningMethodHS256, noIat, []byte(adminSecret))},
		{"expired exp", "Bearer " + sign(t, jwt.SigningMethodHS256, func() jwt.MapClaims {
			c := claims(adminID, now)
			c["exp"] = now.Add(-2 * time.Hour).Unix()
			return c
		}(), []byte(adminSecret))},
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, c := range cases {
			h := map[string]string{}
			if c.header != "" {
				h["Authorization"] = c.header
			}
			r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Header: h})
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401: %s", c.name, r.Status, r.Body)
				continue
			}
			if code := r.JSON(t)["code"]; code != "not_authenticated" {
				t.Errorf("%s: code %v", c.name, code)
			}
		}
		// The control: the same claims, HS256 with the right secret, a little old, pass.
		ok := sign(t, jwt.SigningMethodHS256, claims(adminID, now.Add(-30*time.Minute)), []byte(adminSecret))
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: ok}); r.Status != http.StatusOK {
			t.Errorf("valid HS256 token: %d %s", r.Status, r.Body)
		}
		// A client id in iss alone (older clients) is accepted.
		iss := jwt.MapClaims{"iss": adminID, "iat": now.Unix()}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: sign(t, jwt.SigningMethodHS256, iss, []byte(adminSecret))}); r.Status != http.StatusOK {
			t.Errorf("token with iss only: %d %s", r.Status, r.Body)
		}
	})
}

// TestAuthorisation: authenticated but not allowed is 403 (algemeen §3-4).
func TestAuthorisation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		// A client with a secret but without applicatie.
		if err := e.App.DB.Update(ctx, func(tx *db.Tx) error {
			return e.App.Secrets.Set(ctx, tx, "zonder-applicatie", "zonder-applicatie-secret")
		}); err != nil {
			t.Fatal(err)
		}
		orphan, err := zgw.Token("zonder-applicatie", "zonder-applicatie-secret", "", "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		catalogi := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"catalogus-lezer"}, Secret: "catalogus-lezer-secret", Label: "Lezer",
			Autorisaties: []autorisaties.Autorisatie{{Component: "ztc", Scopes: []string{"catalogi.lezen"}}}})
		// The right scope name on the wrong component grants nothing here.
		wrongComponent := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"verkeerd-component"}, Secret: "verkeerd-component-secret", Label: "Verkeerd",
			Autorisaties: []autorisaties.Autorisatie{{Component: "ztc", Scopes: []string{"autorisaties.lezen", "autorisaties.bijwerken"}}}})
		lezer := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"ac-lezer"}, Secret: "ac-lezer-secret", Label: "AC lezer",
			Autorisaties: []autorisaties.Autorisatie{{Component: "ac", Scopes: []string{"autorisaties.lezen"}}}})
		u := e.Get(t, root+"/applicaties/consumer?clientId=ac-lezer").JSON(t)["url"].(string)

		cases := []struct {
			name, token, method, url string
			body                     any
			want                     int
		}{
			{"no applicatie", orphan, http.MethodGet, root + "/applicaties", nil, http.StatusForbidden},
			{"other component's scope", catalogi, http.MethodGet, root + "/applicaties", nil, http.StatusForbidden},
			{"scope on the wrong component", wrongComponent, http.MethodGet, root + "/applicaties", nil, http.StatusForbidden},
			{"lezen may read the list", lezer, http.MethodGet, root + "/applicaties", nil, http.StatusOK},
			{"lezen may read one", lezer, http.MethodGet, u, nil, http.StatusOK},
			{"lezen may look up a consumer", lezer, http.MethodGet, root + "/applicaties/consumer?clientId=catalogus-lezer", nil, http.StatusOK},
			{"lezen may not create", lezer, http.MethodPost, root + "/applicaties", zrcApplicatie("X", "x"), http.StatusForbidden},
			{"lezen may not put", lezer, http.MethodPut, u, acApplicatie("X", []string{"autorisaties.bijwerken"}, "ac-lezer"), http.StatusForbidden},
			{"lezen may not patch", lezer, http.MethodPatch, u, map[string]any{"label": "Meer"}, http.StatusForbidden},
			{"lezen may not delete", lezer, http.MethodDelete, u, nil, http.StatusForbidden},
		}
		for _, c := range cases {
			r := e.Do(t, apptest.Req{Method: c.method, URL: c.url, Body: c.body, Token: c.token, BadInput: c.method == http.MethodPatch})
			if r.Status != c.want {
				t.Errorf("%s: %s %s = %d, want %d: %s", c.name, c.method, c.url, r.Status, c.want, r.Body)
				continue
			}
			if c.want == http.StatusForbidden && r.JSON(t)["code"] != "permission_denied" {
				t.Errorf("%s: %s", c.name, r.Body)
			}
		}
		if got := e.Get(t, u).JSON(t)["label"]; got != "AC lezer" {
			t.Errorf("a forbidden write changed the applicatie: label %v", got)
		}
	})
}

// TestRequestValidation: bad query strings and bodies get a 400 and change nothing.
func TestRequestValidation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties?clientID=x", Token: e.Admin, BadInput: true})
		apptest.WantInvalid(t, r, "nonFieldErrors", "unknown-parameters")
		r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties?page=een", Token: e.Admin, BadInput: true})
		apptest.WantInvalid(t, r, "page", "invalid")
		r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties/consumer?clientId=x&client=y", Token: e.Admin, Unchecked: true})
		apptest.WantInvalid(t, r, "nonFieldErrors", "unknown-parameters")

		u := e.Post(t, root+"/applicaties", zrcApplicatie("Bestaand", "bestaand"))["url"].(string)
		before, err := zgw.Outbox(ctx, e.App.DB, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		big := `{"clientIds": ["groot"], "label": "` + strings.Repeat("x", zgw.MaxBody) + `", "heeftAlleAutorisaties": true}`
		cases := []struct {
			name, method, url string
			body              any
			field, code       string
		}{
			{"malformed JSON", http.MethodPost, root + "/applicaties", `{"clientIds": ["kapot"], "label": `, "nonFieldErrors", "parse_error"},
			{"not an object", http.MethodPost, root + "/applicaties", `["kapot"]`, "", ""},
			{"clientIds not a list", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": "kapot", "label": "K", "heeftAlleAutorisaties": true}, "clientIds", "not_a_list"},
			{"label not a string", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "label": 5, "heeftAlleAutorisaties": true}, "label", "invalid"},
			{"heeftAlleAutorisaties not a boolean", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "label": "K", "heeftAlleAutorisaties": "ja"}, "heeftAlleAutorisaties", "invalid"},
			{"label missing", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "heeftAlleAutorisaties": true}, "label", "required"},
			{"client id too long", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{strings.Repeat("k", 51)}, "label": "K", "heeftAlleAutorisaties": true}, "clientIds.0", "max_length"},
			{"unknown component", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "label": "K", "autorisaties": []map[string]any{{"component": "xyz", "scopes": []string{"a"}}}}, "autorisaties.0.component", "invalid_choice"},
			{"bad maxVertrouwelijkheidaanduiding", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "label": "K", "autorisaties": []map[string]any{{"component": "zrc", "scopes": []string{"zaken.lezen"}, "zaaktype": zaaktype, "maxVertrouwelijkheidaanduiding": "streng_geheim"}}}, "autorisaties.0.maxVertrouwelijkheidaanduiding", "invalid_choice"},
			{"zaaktype not a URL", http.MethodPost, root + "/applicaties", map[string]any{"clientIds": []string{"kapot"}, "label": "K", "autorisaties": []map[string]any{{"component": "zrc", "scopes": []string{"zaken.lezen"}, "zaaktype": "geen url", "maxVertrouwelijkheidaanduiding": "openbaar"}}}, "autorisaties.0.zaaktype", "invalid"},
			{"oversized body", http.MethodPost, root + "/applicaties", big, "nonFieldErrors", "max-size"},
			{"patch with wrong type", http.MethodPatch, u, map[string]any{"clientIds": []string{"bestaand"}, "label": "B", "autorisaties": "alles"}, "autorisaties.nonFieldErrors", "not_a_list"},
			{"put with malformed JSON", http.MethodPut, u, `{`, "nonFieldErrors", "parse_error"},
		}
		for _, c := range cases {
			r := e.Do(t, apptest.Req{Method: c.method, URL: c.url, Body: c.body, Token: e.Admin, BadInput: true})
			if c.field == "" {
				if r.Status != http.StatusBadRequest {
					t.Errorf("%s: status %d, want 400: %s", c.name, r.Status, r.Body)
				}
				continue
			}
			t.Run(c.name, func(t *testing.T) { apptest.WantInvalid(t, r, c.field, c.code) })
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: "clientIds=x", Token: e.Admin, BadInput: true,
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("form body: status %d, want 415", r.Status)
		}
		if n := count(t, e, ""); n != 2 {
			t.Errorf("%d applicaties after bad requests, want 2", n)
		}
		if got := e.Get(t, u).JSON(t); got["label"] != "Bestaand" || len(got["autorisaties"].([]any)) != 2 {
			t.Errorf("bad updates changed the applicatie: %v", got)
		}
		after, err := zgw.Outbox(ctx, e.App.DB, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("bad requests wrote %d notifications", len(after)-len(before))
		}
	})
}

// TestJWTSecret: the Meent extension POST /jwtsecret registers a client's secret; only a
// client with all rights may.
func TestJWTSecret(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		url := root + "/jwtsecret"
		body := map[string]any{"identifier": "nieuwe-client", "secret": "nieuw-geheim-123"}
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: url, Body: body, Token: e.Admin})
		if r.Status != http.StatusCreated || r.JSON(t)["identifier"] != "nieuwe-client" {
			t.Fatalf("register secret = %d %s", r.Status, r.Body)
		}
		e.Post(t, root+"/applicaties", acApplicatie("Nieuw", []string{"autorisaties.lezen"}, "nieuwe-client"))
		tok, err := zgw.Token("nieuwe-client", "nieuw-geheim-123", "", "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: tok}); r.Status != http.StatusOK {
			t.Fatalf("token with the registered secret = %d %s", r.Status, r.Body)
		}
		wrong, _ := zgw.Token("nieuwe-client", "ander-geheim-123", "", "", time.Now())
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: wrong}); r.Status != http.StatusUnauthorized {
			t.Fatalf("token with another secret = %d", r.Status)
		}

		// A client that may change autorisaties, but has not all rights, may not set secrets.
		beheer := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"ac-beheer"}, Secret: "ac-beheer-secret", Label: "AC beheer",
			Autorisaties: []autorisaties.Autorisatie{{Component: "ac", Scopes: []string{"autorisaties.lezen", "autorisaties.bijwerken"}}}})
		steal := map[string]any{"identifier": "test-admin", "secret": "overgenomen-123"}
		if r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: url, Body: steal, Token: beheer}); r.Status != http.StatusForbidden {
			t.Fatalf("secret set by a non-superuser = %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: url, Body: steal}); r.Status != http.StatusUnauthorized {
			t.Fatalf("secret set without a token = %d", r.Status)
		}
		// The admin's secret is unchanged.
		if r := e.Get(t, root+"/applicaties"); r.Status != http.StatusOK {
			t.Fatalf("admin after the refused secret change = %d", r.Status)
		}
	})
}
