package zgw

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestResolverRefusesURLsOutsideAllowList(t *testing.T) {
	hits := 0
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://127.0.0.2:1/elsewhere", http.StatusFound)
			return
		}
		w.Write([]byte(`{"url": "x", "naam": "n"}`))
	}))
	defer remote.Close()
	local := http.NewServeMux()
	local.HandleFunc("GET /api/thing", func(w http.ResponseWriter, r *http.Request) {
		if principalFrom(r.Context()) == nil {
			http.Error(w, "no system principal", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"url": "local"}`))
	})
	ctx := context.Background()

	r := NewResolver("http://meent.test", local, nil)
	if _, err := r.Get(ctx, remote.URL+"/x"); !errors.Is(err, errBadURL) || hits != 0 {
		t.Fatalf("remote URL without allow-fetch: err=%v hits=%d, want bad url and no request", err, hits)
	}
	if b, err := r.Get(ctx, "http://meent.test/api/thing"); err != nil || string(b) != `{"url": "local"}` {
		t.Fatalf("local URL = %s, %v", b, err)
	}
	if _, err := r.Get(ctx, "http://meent.test/api/missing"); !errors.Is(err, errBadURL) {
		t.Fatalf("local 404 = %v, want bad url", err)
	}

	r = NewResolver("http://meent.test", local, []string{remote.URL + "/"})
	if _, err := r.Get(ctx, remote.URL+"/x"); err != nil {
		t.Fatalf("allowed remote: %v", err)
	}
	if _, err := r.Get(ctx, remote.URL+"/x"); err != nil || hits != 1 {
		t.Fatalf("second fetch should be cached: hits=%d err=%v", hits, err)
	}
	if _, err := r.Get(ctx, remote.URL+"/redirect"); !errors.Is(err, errBadURL) {
		t.Fatalf("redirect out of the allow list = %v, want bad url", err)
	}
	err := r.Resource(ctx, "veld", remote.URL+"/x", nil, "url", "omschrijving")
	var e *Error
	if !errors.As(err, &e) || e.InvalidParams[0].Code != "invalid-resource" || e.InvalidParams[0].Name != "veld" {
		t.Fatalf("missing field = %v, want invalid-resource", err)
	}
	err = r.Resource(ctx, "veld", "http://169.254.169.254/latest", nil)
	if !errors.As(err, &e) || e.InvalidParams[0].Code != "bad-url" {
		t.Fatalf("metadata address = %v, want bad-url", err)
	}
}

// TestResolverSend: writes go in process with system rights to local URLs and over HTTP,
// with Meent's own credentials, to allowed remote ones; a non-2xx answer is a *SendError.
func TestResolverSend(t *testing.T) {
	var gotAuth, gotBody string
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"code": "invalid"}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"url": "remote-created"}`))
	}))
	defer remote.Close()
	local := http.NewServeMux()
	local.HandleFunc("POST /api/things", func(w http.ResponseWriter, r *http.Request) {
		if principalFrom(r.Context()) == nil || r.Header.Get("Content-Crs") == "" {
			http.Error(w, "no system principal or crs", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"url": "local-created"}`))
	})
	ctx := context.Background()
	r := NewResolver("http://meent.test", local, []string{remote.URL + "/"})
	r.Authorization = func() (string, error) { return "Bearer meent-token", nil }

	var out struct{ URL string }
	if err := r.Send(ctx, http.MethodPost, "http://meent.test/api/things", map[string]string{"a": "b"}, &out); err != nil || out.URL != "local-created" {
		t.Fatalf("local send: %v, %q", err, out.URL)
	}
	if err := r.Send(ctx, http.MethodPost, remote.URL+"/things", map[string]string{"a": "b"}, &out); err != nil || out.URL != "remote-created" {
		t.Fatalf("remote send: %v, %q", err, out.URL)
	}
	if gotAuth != "Bearer meent-token" || gotBody != `{"a":"b"}` {
		t.Fatalf("remote got Authorization %q body %q", gotAuth, gotBody)
	}
	var se *SendError
	if err := r.Send(ctx, http.MethodPost, remote.URL+"/fail", nil, nil); !errors.As(err, &se) || se.Status != http.StatusBadRequest {
		t.Fatalf("failing remote = %v, want *SendError 400", err)
	}
	if err := r.Send(ctx, http.MethodDelete, "http://elsewhere.test/x", nil, nil); !errors.Is(err, errBadURL) {
		t.Fatalf("URL outside the allow list = %v, want bad url", err)
	}
}
