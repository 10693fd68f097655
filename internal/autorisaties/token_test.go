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
