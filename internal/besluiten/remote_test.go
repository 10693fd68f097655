package besluiten_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
)

// remote is a register that runs elsewhere: it serves fixed resources and records the writes
// it gets, answering them with status (201 unless set).
type remote struct {
	srv *httptest.Server

	mu        sync.Mutex
	resources map[string]any
	status    int
	writes    []write
}

type write struct {
	Method, Path string
	Body         map[string]any
}

func newRemote(t *testing.T) *remote {
	rm := &remote{resources: map[string]any{}, status: http.StatusCreated}
	rm.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rm.mu.Lock()
		defer rm.mu.Unlock()
		if r.Method == http.MethodGet {
			v, ok := rm.resources[r.URL.Path]
			if !ok {
				if r.URL.Query().Has("object") { // a mirror list: what was posted
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`[{"url": "` + rm.srv.URL + r.URL.Path + `/1"}]`))
					return
				}
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(v)
			return
		}
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		rm.writes = append(rm.writes, write{r.Method, r.URL.Path, body})
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodDelete && rm.status < 300 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(rm.status)
		_, _ = w.Write([]byte(`{"url": "` + rm.srv.URL + r.URL.Path + `/1"}`))
	}))
	t.Cleanup(rm.srv.Close)
	return rm
}

// resource serves v at path and returns its URL.
func (rm *remote) resource(path string, v map[string]any) string {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	u := rm.srv.URL + path
	v["url"] = u
	rm.resources[path] = v
	return u
}

// serve serves any JSON value at path.
func (rm *remote) serve(path string, v any) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.resources[path] = v
}

func (rm *remote) fail(status int) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.status = status
}

func (rm *remote) taken() []write {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	out := rm.writes
	rm.writes = nil
	return out
}

// allow lets Meent fetch from the remote register.
func (rm *remote) allow() apptest.Option {
	return func(c *config.Config) { c.AllowFetch = append(c.AllowFetch, rm.srv.URL) }
}
