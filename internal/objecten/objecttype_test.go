package objecten_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestObjecttypeCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "boom", "namePlural": "bomen",
			"dataClassification": "intern", "labels": map[string]any{"domein": "groen"}}, http.StatusCreated)
		u := typ["url"].(string)
		if typ["allowGeometry"] != true || typ["updateFrequency"] != "unknown" || len(typ["versions"].([]any)) != 0 {
			t.Fatalf("defaults: %v", typ)
		}
		// The Objecten API serves the same objecttypen (Open Object 4).
		same := o.must(t, http.MethodGet, objRoot+"/objecttypes/"+typ["uuid"].(string), nil, http.StatusOK)
		if same["name"] != "boom" {
			t.Fatalf("objecten mount: %v", same)
		}
		got := o.must(t, http.MethodPatch, u, map[string]any{"description": "Bomen in de openbare ruimte"}, http.StatusOK)
		if got["description"] != "Bomen in de openbare ruimte" || got["name"] != "boom" || got["dataClassification"] != "intern" {
			t.Fatalf("patch: %v", got)
		}
		got = o.must(t, http.MethodPut, u, map[string]any{"name": "boom", "namePlural": "bomen"}, http.StatusOK)
		if got["description"] != "" || got["dataClassification"] != "open" {
			t.Fatalf("put resets: %v", got)
		}
		o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "lamp", "namePlural": "lampen", "dataClassification": "confidential"}, http.StatusCreated)
		var env struct {
			Count int `json:"count"`
		}
		e.Get(t, otRoot+"/objecttypes?dataClassification=confidential").Decode(t, &env)
		if env.Count != 1 {
			t.Fatalf("dataClassification filter: %d", env.Count)
		}
		o.bad(t, http.MethodGet, otRoot+"/objecttypes?foo=1", nil, "nonFieldErrors", "unknown-parameters")
		o.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		o.must(t, http.MethodGet, u, nil, http.StatusNotFound)
	})
}

// A published version is immutable and cannot be deleted; a draft can change; a schema
// that is no valid JSON Schema is refused.
func TestObjecttypeVersionPublishedImmutable(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "boom", "namePlural": "bomen"}, http.StatusCreated)
		u := typ["url"].(string)
		v1 := o.must(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": boomSchema}, http.StatusCreated)
		if v1["version"] != float64(1) || v1["status"] != "draft" || v1["publishedAt"] != nil || v1["objectType"] != u {
			t.Fatalf("v1: %v", v1)
		}
		vu := v1["url"].(string)
		// A draft changes freely.
		o.must(t, http.MethodPatch, vu, map[string]any{"jsonSchema": map[string]any{"type": "object"}}, http.StatusOK)
		pub := o.must(t, http.MethodPatch, vu, map[string]any{"status": "published", "jsonSchema": boomSchema}, http.StatusOK)
		if pub["status"] != "published" || pub["publishedAt"] == nil {
			t.Fatalf("publish: %v", pub)
		}
		o.bad(t, http.MethodPatch, vu, map[string]any{"jsonSchema": map[string]any{"type": "object"}}, "nonFieldErrors", "non-draft-version-update")
		o.bad(t, http.MethodPut, vu, map[string]any{"jsonSchema": boomSchema, "status": "draft"}, "nonFieldErrors", "non-draft-version-update")
		o.bad(t, http.MethodDelete, vu, nil, "nonFieldErrors", "non-draft-version-destroy")
		// Deprecating is the one change a published version takes.
		if got := o.must(t, http.MethodPatch, vu, map[string]any{"status": "deprecated"}, http.StatusOK); got["status"] != "deprecated" {
			t.Fatalf("deprecate: %v", got)
		}
		// The schema itself must be valid.
		o.bad(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": map[string]any{"type": "geen-type"}}, "jsonSchema", "invalid-json-schema")
		o.bad(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": map[string]any{"minimum": "tien"}}, "jsonSchema", "invalid-json-schema")
		// Remote references are not followed.
		o.bad(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": map[string]any{"$ref": "http://example.com/schema.json"}}, "jsonSchema", "invalid-json-schema")
		v2 := o.must(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": boomSchema}, http.StatusCreated)
		if v2["version"] != float64(2) {
			t.Fatalf("v2: %v", v2)
		}
		o.must(t, http.MethodDelete, v2["url"].(string), nil, http.StatusNoContent)
		got := o.must(t, http.MethodGet, u, nil, http.StatusOK)
		if vs := got["versions"].([]any); len(vs) != 1 || vs[0] != vu {
			t.Fatalf("versions: %v", vs)
		}
		var env struct {
			Count int `json:"count"`
		}
		e.Get(t, u+"/versions").Decode(t, &env)
		if env.Count != 1 {
			t.Fatalf("version list: %d", env.Count)
		}
		// Also on the Objecttypen API's own operation ids.
		o.must(t, http.MethodGet, objRoot+"/objecttypes/"+typ["uuid"].(string)+"/versions/1", nil, http.StatusOK)
		o.must(t, http.MethodGet, u+"/versions/9", nil, http.StatusNotFound)
	})
}
