package autorisaties_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
)

const testToken = "0123456789abcdef0123456789abcdef01234567"

func tokenGet(t *testing.T, e *apptest.Env, token string) int {
	t.Helper()
	r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Header: map[string]string{"Authorization": "Token " + token}})
	return r.Status
}

// TestAPIToken: a seeded token authenticates as its applicatie's client, with that
// applicatie's grants; unknown, removed and too short tokens do not.
func TestAPIToken(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		reader := autorisaties.Seed{ClientIDs: []string{"token-lezer"}, Label: "Lezer", Tokens: []string{testToken},
			Autorisaties: []autorisaties.Autorisatie{{Component: "ac", Scopes: []string{"autorisaties.lezen"}}}}
		if err := e.App.Auth.Seed(ctx, []autorisaties.Seed{reader}, e.App.Secrets); err != nil {
			t.Fatal(err)
		}
		if got := tokenGet(t, e, testToken); got != http.StatusOK {
			t.Fatalf("seeded token: status %d, want 200", got)
		}
		if got := tokenGet(t, e, strings.Repeat("f", 40)); got != http.StatusUnauthorized {
			t.Fatalf("unknown token: status %d, want 401", got)
		}
		// The token carries the applicatie's grants, not more.
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", BadInput: true,
			Body:   map[string]any{"clientIds": []string{"x"}, "label": "x", "heeftAlleAutorisaties": true},
			Header: map[string]string{"Authorization": "Token " + testToken}})
		if r.Status != http.StatusForbidden {
			t.Fatalf("write with a read-only token: status %d, want 403", r.Status)
		}
		// Seeding is configuration as code: a token left out of the file stops working.
		reader.Tokens = nil
		if err := e.App.Auth.Seed(ctx, []autorisaties.Seed{reader}, e.App.Secrets); err != nil {
			t.Fatal(err)
		}
		if got := tokenGet(t, e, testToken); got != http.StatusUnauthorized {
			t.Fatalf("removed token: status %d, want 401", got)
		}
		reader.Tokens = []string{"short"}
		if err := e.App.Auth.Seed(ctx, []autorisaties.Seed{reader}, e.App.Secrets); err == nil {
			t.Fatal("seeding a short token: no error")
		}
	})
}

// TestTokenOutlivesNoApplicatie: deleting an applicatie through the API, or taking a client
// id from it, ends the tokens of its client ids.
func TestTokenOutlivesNoApplicatie(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		seed := func(clientIDs ...string) string {
			t.Helper()
			s := autorisaties.Seed{ClientIDs: clientIDs, Label: "Lezer", Tokens: []string{testToken},
				Autorisaties: []autorisaties.Autorisatie{{Component: "ac", Scopes: []string{"autorisaties.lezen"}}}}
			if err := e.App.Auth.Seed(ctx, []autorisaties.Seed{s}, e.App.Secrets); err != nil {
				t.Fatal(err)
			}
			if got := tokenGet(t, e, testToken); got != http.StatusOK {
				t.Fatalf("seeded token: status %d, want 200", got)
			}
			r := e.Get(t, root+"/applicaties/consumer?clientId="+clientIDs[0])
			return r.JSON(t)["url"].(string)
		}
		u := seed("token-lezer")
		if r := e.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: e.Admin}); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if got := tokenGet(t, e, testToken); got != http.StatusUnauthorized {
			t.Fatalf("token of a deleted applicatie: status %d, want 401", got)
		}
		// The token authenticates as the first client id; the applicatie keeps another one.
		u = seed("token-lezer", "andere-client")
		r := e.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Token: e.Admin, Body: map[string]any{"clientIds": []string{"andere-client"}}})
		if r.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if got := tokenGet(t, e, testToken); got != http.StatusUnauthorized {
			t.Fatalf("token of a client id taken from its applicatie: status %d, want 401", got)
		}
	})
}
