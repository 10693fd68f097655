package zgw

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fixedSecrets map[string]string

func (s fixedSecrets) Secret(_ context.Context, id string) ([]byte, error) {
	if v, ok := s[id]; ok {
		return []byte(v), nil
	}
	return nil, nil
}

type fixedGrants map[string]*Grants

func (g fixedGrants) Grants(_ context.Context, id string) (*Grants, error) { return g[id], nil }

func testAPI(t *testing.T) (*API, http.Handler, string) {
	t.Helper()
	auth := NewAuthenticator(fixedSecrets{"c": "secret-c"}, fixedGrants{"c": {Autorisaties: []Autorisatie{{Component: "ztc", Scopes: []string{"catalogi.lezen"}}}}}, time.Hour)
	api := &API{Name: "t", Component: "ztc", Root: "/t/api/v1", Version: "1.0.0", PublicURL: "http://meent.test", Auth: auth,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	api.Mount(mux)
	api.Handle("GET /dingen", Scopes("catalogi.lezen"), func(c *Call) error {
		q := c.Query("naam", "datum", "page")
		q.Date("datum")
		if err := q.Err(); err != nil {
			return err
		}
		items := make([]int, 0, PageSize)
		for i := 0; i < PageSize && (q.Page-1)*PageSize+i < 250; i++ {
			items = append(items, (q.Page-1)*PageSize+i)
		}
		p, err := Paginate(c, q.Page, 250, items)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	})
	api.Handle("GET /dingen/{uuid}", Scopes("catalogi.lezen"), func(c *Call) error {
		return c.Detail(map[string]string{"uuid": c.R.PathValue("uuid")})
	})
	api.Handle("POST /dingen", Scopes("catalogi.schrijven"), func(c *Call) error { return nil })
	api.Handle("GET /kapot", Public, func(c *Call) error { return errors.New("database password is hunter2") })
	tok, err := Token("c", "secret-c", "u", "U", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return api, mux, tok
}

func do(t *testing.T, h http.Handler, method, path, tok string, hdr ...string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, "http://meent.test"+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var m map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return w, m
}

func TestQueryUnknownAndMalformedParameters(t *testing.T) {
	_, h, tok := testAPI(t)
	w, m := do(t, h, "GET", "/t/api/v1/dingen?onbekend=1&datum=2024-13-01", tok)
	if w.Code != 400 || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	params := m["invalidParams"].([]any)
	got := map[string]string{}
	for _, p := range params {
		p := p.(map[string]any)
		got[p["name"].(string)] = p["code"].(string)
	}
	if got["nonFieldErrors"] != "unknown-parameters" || got["datum"] != "invalid" {
		t.Fatalf("invalidParams = %v", params)
	}
	if w.Header().Get("API-version") != "1.0.0" {
		t.Error("API-version header missing on errors")
	}
}

// A filter value that is not UTF-8 or holds a NUL cannot be bound as text on PostgreSQL:
// it is the client's mistake, a 400 on that parameter.
func TestQueryValueNotText(t *testing.T) {
	_, h, tok := testAPI(t)
	for _, v := range []string{"a%FFb", "a%00b"} {
		w, m := do(t, h, "GET", "/t/api/v1/dingen?naam="+v, tok)
		if w.Code != 400 {
			t.Fatalf("naam=%s: status %d", v, w.Code)
		}
		p := m["invalidParams"].([]any)[0].(map[string]any)
		if p["name"] != "naam" || p["code"] != "invalid" {
			t.Errorf("naam=%s: invalidParams = %v", v, m["invalidParams"])
		}
	}
}

func TestPaginationLinks(t *testing.T) {
	_, h, tok := testAPI(t)
	_, m := do(t, h, "GET", "/t/api/v1/dingen?naam=x", tok)
	if m["count"].(float64) != 250 || m["previous"] != nil || m["next"] != "http://meent.test/t/api/v1/dingen?naam=x&page=2" {
		t.Fatalf("page 1 = count %v next %v previous %v", m["count"], m["next"], m["previous"])
	}
	_, m = do(t, h, "GET", "/t/api/v1/dingen?naam=x&page=3", tok)
	if m["next"] != nil || m["previous"] != "http://meent.test/t/api/v1/dingen?naam=x&page=2" || len(m["results"].([]any)) != 50 {
		t.Fatalf("page 3 = next %v previous %v", m["next"], m["previous"])
	}
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen?page=4", tok); w.Code != 404 {
		t.Fatalf("page past the end = %d, want 404", w.Code)
	}
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen?page=0", tok); w.Code != 400 {
		t.Fatalf("page 0 = %d, want 400", w.Code)
	}
}

func TestDetailETagHeadAndNotModified(t *testing.T) {
	_, h, tok := testAPI(t)
	w, _ := do(t, h, "GET", "/t/api/v1/dingen/abc", tok)
	etag := w.Header().Get("ETag")
	if w.Code != 200 || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("GET = %d etag %q", w.Code, etag)
	}
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen/abc", tok, "If-None-Match", `"other", `+etag); w.Code != 304 || w.Body.Len() != 0 {
		t.Fatalf("If-None-Match match = %d, body %q", w.Code, w.Body.String())
	}
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen/abc", tok, "If-None-Match", `"other"`); w.Code != 200 {
		t.Fatalf("If-None-Match other = %d", w.Code)
	}
	if w, _ := do(t, h, "HEAD", "/t/api/v1/dingen/abc", tok); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
		t.Fatalf("HEAD = %d body %q etag %q", w.Code, w.Body.String(), w.Header().Get("ETag"))
	}
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen/abd", tok); w.Header().Get("ETag") == etag {
		t.Fatal("different bodies, same ETag")
	}
}

func TestAuthenticationAndScopes(t *testing.T) {
	_, h, tok := testAPI(t)
	if w, m := do(t, h, "GET", "/t/api/v1/dingen", ""); w.Code != 401 || m["code"] != "not_authenticated" {
		t.Fatalf("no token = %d %v", w.Code, m["code"])
	}
	if w, m := do(t, h, "POST", "/t/api/v1/dingen", tok); w.Code != 403 || m["code"] != "permission_denied" {
		t.Fatalf("missing scope = %d %v", w.Code, m["code"])
	}
	old, _ := Token("c", "secret-c", "", "", time.Now().Add(-2*time.Hour))
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen", old); w.Code != 401 {
		t.Fatalf("old iat = %d, want 401", w.Code)
	}
	forged, _ := Token("c", "not-the-secret", "", "", time.Now())
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen", forged); w.Code != 401 {
		t.Fatalf("wrong secret = %d, want 401", w.Code)
	}
	none := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJjbGllbnRfaWQiOiJjIiwiaWF0IjoxNzAwMDAwMDAwfQ."
	if w, _ := do(t, h, "GET", "/t/api/v1/dingen", none); w.Code != 401 {
		t.Fatalf("alg none = %d, want 401", w.Code)
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	_, h, _ := testAPI(t)
	w, m := do(t, h, "GET", "/t/api/v1/kapot", "")
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") || m["code"] != "error" {
		t.Fatalf("500 = %d %s", w.Code, w.Body.String())
	}
}

// A handler that returns ErrChanged runs again with the same body; one that keeps losing
// the race, or that read no body, answers 409.
func TestErrChangedRunsAgain(t *testing.T) {
	api, h, _ := testAPI(t)
	runs, seen := 0, []string{}
	api.Handle("PATCH /race/{n}", Public, func(c *Call) error {
		var in struct{ Naam string }
		if c.R.PathValue("n") != "geen-body" {
			if _, err := c.BodySchema("", &in); err != nil {
				return err
			}
		}
		runs++
		seen = append(seen, in.Naam)
		if c.R.PathValue("n") == "3" && runs == 3 {
			return c.JSON(http.StatusOK, in)
		}
		return ErrChanged
	})
	for _, c := range []struct {
		path       string
		status     int
		wantRuns   int
		wantBodies bool
	}{{"/t/api/v1/race/3", http.StatusOK, 3, true}, {"/t/api/v1/race/nooit", http.StatusConflict, maxRuns, true}, {"/t/api/v1/race/geen-body", http.StatusConflict, 1, false}} {
		runs, seen = 0, nil
		req := httptest.NewRequest(http.MethodPatch, "http://meent.test"+c.path, strings.NewReader(`{"naam": "x"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.status || runs != c.wantRuns {
			t.Errorf("%s: %d after %d runs, want %d after %d", c.path, w.Code, runs, c.status, c.wantRuns)
		}
		for _, n := range seen {
			if c.wantBodies && n != "x" {
				t.Errorf("%s: a run read body %q", c.path, n)
			}
		}
	}
}
