package notificaties_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/notificaties"
	"github.com/meent/meent/internal/oas"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/zgw"
)

const root = "/notificaties/api/v1"

// nrc is the Notificaties register under test, served over HTTP on the Env's database and
// autorisaties. Until app mounts the register, it runs on its own server built the way app
// builds a register's API; then URL becomes e.URL and Reg the app's register.
type nrc struct {
	e   *apptest.Env
	URL string // public base URL of the server that serves the register
	Reg *notificaties.Register
	Del *outbox.Deliverer

	publisher, consumer, outsider string // tokens with one nrc scope each, and one without any
}

func newNRC(t *testing.T, e *apptest.Env) *nrc {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	raw, _ := spec.JSON("notificaties")
	doc, err := oas.Compile(raw)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := spec.YAML("notificaties")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := &zgw.API{
		Name: "notificaties", Component: "nrc", Root: spec.Mount("notificaties"), Version: spec.Version("notificaties"),
		PublicURL: srv.URL, Auth: zgw.NewAuthenticator(e.App.Secrets, e.App.Auth, time.Hour), Secrets: e.App.Secrets,
		Refs: zgw.NewResolver(srv.URL, mux, nil), DB: e.App.DB, Log: log, Spec: doc, SpecYAML: y, SpecJSON: raw,
	}
	api.Mount(mux)
	reg := notificaties.NewRegister(e.App.DB)
	reg.CallbackTimeout = 500 * time.Millisecond
	// Fast retries, so that a test sees dead letters within a second; started by deliver.
	del := outbox.New(e.App.DB, reg, outbox.Config{Timeout: 2 * time.Second, BaseBackoff: 20 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, MaxAge: 400 * time.Millisecond, PollInterval: 50 * time.Millisecond}, log)
	reg.Mount(api, del)
	if err := reg.EnsureKanalen(context.Background(), notificaties.PlatformKanalen()); err != nil {
		t.Fatal(err)
	}
	n := &nrc{e: e, URL: srv.URL, Reg: reg, Del: del}
	scoped := func(id string, component string, scopes ...string) string {
		return e.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: id + "-secret-123", Label: id,
			Autorisaties: []autorisaties.Autorisatie{{Component: component, Scopes: scopes}}})
	}
	n.publisher = scoped("publisher", "nrc", "notificaties.publiceren")
	n.consumer = scoped("consumer", "nrc", "notificaties.consumeren")
	n.outsider = scoped("outsider", "ztc", "catalogi.lezen", "notificaties.consumeren")
	return n
}

// do sends r to the register, r.URL being a path below the API root. Traffic is validated
// against the bundled spec by the Env's client; extension routes against their own document.
func (n *nrc) do(t *testing.T, r apptest.Req) *apptest.Resp {
	t.Helper()
	r.URL = n.URL + root + r.URL
	if r.Body != nil {
		if _, ok := r.Body.(string); !ok {
			if _, ok := r.Body.([]byte); !ok {
				b, err := json.Marshal(r.Body)
				if err != nil {
					t.Fatal(err)
				}
				r.Body = b
			}
		}
	}
	if !strings.HasPrefix(strings.TrimPrefix(r.URL, n.URL), root+"/x-meent/") {
		return n.e.Do(t, r)
	}
	local := loadLocal(t, "x-meent", notificaties.ExtensionSpec())
	checked := r
	r.Unchecked = true
	resp := n.e.Do(t, r)
	local.check(t, checked, resp)
	return resp
}

// deliver starts the delivery engine of this node until the test ends.
func (n *nrc) deliver(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n.Del.Start(ctx)
	t.Cleanup(func() { cancel(); n.Del.Wait() })
}

// eventually polls cond until it holds, failing after a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (n *nrc) get(t *testing.T, path, token string) *apptest.Resp {
	t.Helper()
	return n.do(t, apptest.Req{Method: http.MethodGet, URL: path, Token: token})
}

func (n *nrc) post(t *testing.T, path, token string, body any) *apptest.Resp {
	t.Helper()
	return n.do(t, apptest.Req{Method: http.MethodPost, URL: path, Token: token, Body: body})
}

// bad sends a request that is wrong on purpose: only the response is checked.
func (n *nrc) bad(t *testing.T, method, path, token string, body any) *apptest.Resp {
	t.Helper()
	return n.do(t, apptest.Req{Method: method, URL: path, Token: token, Body: body, BadInput: true})
}

// wantStatus fails unless r has status.
func wantStatus(t *testing.T, r *apptest.Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d:\n%s", r.Status, status, r.Body)
	}
}

// receiver is a callback endpoint that records what it gets and answers with status.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	got    []received
}

type received struct {
	auth string
	body zgw.Notificatie
}

func newReceiver(t *testing.T, status int) *receiver {
	t.Helper()
	rc := &receiver{status: status}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m zgw.Notificatie
		_ = json.NewDecoder(r.Body).Decode(&m)
		rc.mu.Lock()
		rc.got = append(rc.got, received{auth: r.Header.Get("Authorization"), body: m})
		s := rc.status
		rc.mu.Unlock()
		w.WriteHeader(s)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) URL() string { return rc.srv.URL + "/callback" }

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func (rc *receiver) setStatus(s int) {
	rc.mu.Lock()
	rc.status = s
	rc.mu.Unlock()
}

// abonnementBody is a valid abonnement on callback.
func abonnementBody(callback string, kanalen ...map[string]any) map[string]any {
	if kanalen == nil {
		kanalen = []map[string]any{}
	}
	return map[string]any{"callbackUrl": callback, "auth": "Bearer geheim-abc", "kanalen": kanalen}
}

func group(naam string, filters map[string]string) map[string]any {
	g := map[string]any{"naam": naam}
	if filters != nil {
		g["filters"] = filters
	}
	return g
}

// countRows counts the rows of table.
func countRows(t *testing.T, e *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// localSpec validates traffic against a document that is not (yet) the bundled one.
type localSpec struct {
	router routers.Router
	err    error
}

var (
	localMu    sync.Mutex
	localSpecs = map[string]*localSpec{}
)

func loadLocal(t *testing.T, name string, raw []byte) *localSpec {
	t.Helper()
	localMu.Lock()
	defer localMu.Unlock()
	if l, ok := localSpecs[name]; ok {
		if l.err != nil {
			t.Fatal(l.err)
		}
		return l
	}
	l := &localSpec{}
	localSpecs[name] = l
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err == nil {
		if err = doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err == nil {
			l.router, err = legacy.NewRouter(doc)
		}
	}
	l.err = err
	if err != nil {
		t.Fatalf("spec %s: %v", name, err)
	}
	return l
}

func (l *localSpec) check(t *testing.T, r apptest.Req, resp *apptest.Resp) {
	t.Helper()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	switch b := r.Body.(type) {
	case string:
		body = []byte(b)
	case []byte:
		body = b
	}
	req, err := http.NewRequest(r.Method, (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := l.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: no operation in the spec: %v", r.Method, u.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if !r.BadInput {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: request does not match the spec: %v", r.Method, u.Path, err)
		}
	}
	// Only JSON bodies are checked; for the HTML and YAML pages status and media type are.
	json := strings.Contains(resp.Header.Get("Content-Type"), "json")
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.Status, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: !json}}
	out.SetBodyBytes(resp.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s -> %d: response does not match the spec: %v", r.Method, u.Path, resp.Status, err)
	}
}
