// Package apptest starts the whole Meent on 127.0.0.1:0 for end-to-end tests and drives it
// over HTTP as a client would, with every request and response checked against the spec.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/spec/spectest"
	"github.com/meent/meent/internal/zgw"
)

// Env is a running Meent and a client for it.
type Env struct {
	App *app.App
	URL string // public base URL, e.g. http://127.0.0.1:41234
	// Admin is a token of a client with heeftAlleAutorisaties.
	Admin   string
	client  *http.Client
	secrets map[string]string
}

// Option changes the configuration before start.
type Option func(*config.Config)

// MustStart starts Meent on SQLite in a temporary data dir, or on a fresh PostgreSQL schema
// when postgres is true (skipping when no test server is configured).
func MustStart(tb testing.TB, postgres bool, opts ...Option) *Env {
	tb.Helper()
	cfg := config.Config{Listen: "127.0.0.1:0", DataDir: tb.TempDir(), JWTLeeway: time.Hour, SecretKey: "test-secret-key"}
	if postgres {
		cfg.DatabaseURL = dbtest.PostgresURL(tb)
	}
	for _, o := range opts {
		o(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		tb.Fatalf("start meent: %v", err)
	}
	// Delivery stays off: a test that needs it starts it (e.App.StartDelivery) or runs its own.
	a.StartServer()
	tb.Cleanup(func() { a.Close() })
	// A transport of its own, closed before the server: a connection the client dialed but
	// never used would otherwise hold up the server's shutdown for five seconds.
	base := http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(base.CloseIdleConnections)
	e := &Env{App: a, URL: a.URL(), client: &http.Client{Transport: spectest.NewTransport(tb, base)}, secrets: map[string]string{}}
	e.Admin = e.AddClient(tb, autorisaties.Seed{ClientIDs: []string{"test-admin"}, Secret: "test-admin-secret", Label: "Test admin", HeeftAlleAutorisaties: true})
	return e
}

// Each runs f against a Meent on SQLite and one on PostgreSQL.
func Each(t *testing.T, f func(t *testing.T, e *Env), opts ...Option) {
	t.Run("sqlite", func(t *testing.T) { f(t, MustStart(t, false, opts...)) })
	t.Run("postgres", func(t *testing.T) { f(t, MustStart(t, true, opts...)) })
}

// AddClient seeds an applicatie with its secret and returns a fresh token for its first
// client id.
func (e *Env) AddClient(tb testing.TB, s autorisaties.Seed) string {
	tb.Helper()
	if err := e.App.Auth.Seed(context.Background(), []autorisaties.Seed{s}, e.App.Secrets); err != nil {
		tb.Fatalf("seed applicatie: %v", err)
	}
	for _, id := range s.ClientIDs {
		e.secrets[id] = s.Secret
	}
	return e.Token(tb, s.ClientIDs[0])
}

// Token mints a token for a client added with AddClient.
func (e *Env) Token(tb testing.TB, clientID string) string {
	tb.Helper()
	t, err := zgw.Token(clientID, e.secrets[clientID], "tester", "Test Gebruiker", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Resp is a response read whole.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r *Resp) JSON(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		tb.Fatalf("response %d is not a JSON object: %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// Decode decodes the body into v.
func (r *Resp) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode response %d: %v\n%s", r.Status, err, r.Body)
	}
}

// Req describes one request.
type Req struct {
	Method string
	URL    string // absolute, or a path below the public URL ("/catalogi/api/v1/zaaktypen")
	Body   any    // marshalled as JSON; a string or []byte is sent as is
	Token  string // "" sends no Authorization header
	Header map[string]string
	// BadInput sends a request that the spec does not allow (its response is still checked).
	BadInput bool
	// Unchecked skips validation altogether (routes outside any spec).
	Unchecked bool
}

// Do sends r and reads the whole response.
func (e *Env) Do(tb testing.TB, r Req) *Resp {
	tb.Helper()
	u := r.URL
	if !strings.HasPrefix(u, "http") {
		u = e.URL + u
	}
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(r.Method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	switch {
	case r.Unchecked:
		req = spectest.NoValidation(req)
	case r.BadInput:
		req = spectest.BadInput(req)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", r.Method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return &Resp{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Get is Do for a GET with the admin token.
func (e *Env) Get(tb testing.TB, url string) *Resp {
	tb.Helper()
	return e.Do(tb, Req{Method: http.MethodGet, URL: url, Token: e.Admin})
}

// Post is Do for a POST with the admin token, expecting 201; it returns the created object.
func (e *Env) Post(tb testing.TB, url string, body any) map[string]any {
	tb.Helper()
	r := e.Do(tb, Req{Method: http.MethodPost, URL: url, Body: body, Token: e.Admin})
	if r.Status != http.StatusCreated {
		tb.Fatalf("POST %s = %d, want 201:\n%s", url, r.Status, r.Body)
	}
	return r.JSON(tb)
}

// Root is the mount path of api ("/catalogi/api/v1").
func Root(api string) string { return spec.Mount(api) }

// WantInvalid fails tb unless r is a 400 whose invalidParams name the field name with code.
func WantInvalid(tb testing.TB, r *Resp, name, code string) {
	tb.Helper()
	if r.Status != http.StatusBadRequest {
		tb.Fatalf("status %d, want 400 %s/%s:\n%s", r.Status, name, code, r.Body)
	}
	var f struct {
		InvalidParams []zgw.InvalidParam `json:"invalidParams"`
	}
	r.Decode(tb, &f)
	for _, p := range f.InvalidParams {
		if p.Name == name && p.Code == code {
			return
		}
	}
	tb.Fatalf("invalidParams lack %s/%s: %s", name, code, r.Body)
}
