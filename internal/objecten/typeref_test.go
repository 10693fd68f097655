package objecten_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
)

// An objecttype on another Objecttypen API is read through the resolver (allowed prefixes
// only) and cached: two objects cost one fetch of the type and of the version.
func TestObjectRemoteObjecttype(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v2/objecttypes/5d1c0a57-3a7b-4b8e-9a62-2b9f4c3a1e10":
			w.Write([]byte(`{"url": "x", "name": "boom", "namePlural": "bomen", "allowGeometry": false}`))
		case "/api/v2/objecttypes/5d1c0a57-3a7b-4b8e-9a62-2b9f4c3a1e10/versions/1":
			w.Write([]byte(`{"version": 1, "status": "published", "jsonSchema": {"type": "object", "required": ["naam"]}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer remote.Close()
	allow := func(c *config.Config) { c.AllowFetch = []string{remote.URL + "/api/v2/"} }
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := remote.URL + "/api/v2/objecttypes/5d1c0a57-3a7b-4b8e-9a62-2b9f4c3a1e10"
		before := hits.Load()
		o.object(t, typ, map[string]any{"naam": "eik"}, "2024-01-01")
		o.object(t, typ, map[string]any{"naam": "beuk"}, "2024-01-01")
		if n := hits.Load() - before; n != 2 {
			t.Fatalf("remote fetches: %d, want 2 (type and version, cached)", n)
		}
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1, "data": map[string]any{}, "startAt": "2024-01-01"}},
			"record.data", "invalid_jsonschema")
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ, "record": map[string]any{"typeVersion": 2, "data": map[string]any{"naam": "x"}, "startAt": "2024-01-01"}},
			"record.typeVersion", "invalid_key")
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "x"},
			"geometry": map[string]any{"type": "Point", "coordinates": []any{5.0, 52.0}}, "startAt": "2024-01-01"}}, "record.geometry", "geometry-not-allowed")
	}, allow)
}
