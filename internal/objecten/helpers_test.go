package objecten_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/objecten"
)

const (
	otRoot  = "/objecttypen/api/v2"
	objRoot = "/objecten/api/v2"
)

// ot drives the objecten APIs of one test app as the admin unless told otherwise.
type ot struct {
	e     *apptest.Env
	token string
}

func newOT(e *apptest.Env) *ot { return &ot{e: e, token: e.Admin} }

var geoHeaders = map[string]string{"Content-Crs": "EPSG:4326", "Accept-Crs": "EPSG:4326"}

func (o *ot) do(t testing.TB, token, method, url string, body any) *apptest.Resp {
	t.Helper()
	h := map[string]string{}
	if strings.Contains(url, "/objects") {
		h = geoHeaders
	}
	return o.e.Do(t, apptest.Req{Method: method, URL: url, Body: body, Token: token, Header: h})
}

func (o *ot) must(t testing.TB, method, url string, body any, status int) map[string]any {
	t.Helper()
	r := o.do(t, o.token, method, url, body)
	if r.Status != status {
		t.Fatalf("%s %s = %d, want %d:\n%s", method, url, r.Status, status, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.JSON(t)
}

// bad expects a 400 with an invalidParam name/code.
func (o *ot) bad(t testing.TB, method, url string, body any, name, code string) {
	t.Helper()
	o.badReq(t, o.do(t, o.token, method, url, body), method, url, name, code)
}

// badSpec is bad for a request the spec itself forbids.
func (o *ot) badSpec(t testing.TB, method, url string, body any, name, code string) {
	t.Helper()
	r := o.e.Do(t, apptest.Req{Method: method, URL: url, Body: body, Token: o.token, Header: geoHeaders, BadInput: true})
	o.badReq(t, r, method, url, name, code)
}

func (o *ot) badReq(t testing.TB, r *apptest.Resp, method, url, name, code string) {
	t.Helper()
	if r.Status != http.StatusBadRequest {
		t.Fatalf("%s %s = %d, want 400 %s/%s:\n%s", method, url, r.Status, name, code, r.Body)
	}
	for _, p := range r.JSON(t)["invalidParams"].([]any) {
		p := p.(map[string]any)
		if p["name"] == name && p["code"] == code {
			return
		}
	}
	t.Fatalf("%s %s: no invalidParam %s/%s in %s", method, url, name, code, r.Body)
}

// objecttype creates an objecttype with one published version holding schema; it returns
// the objecttype URL.
func (o *ot) objecttype(t testing.TB, name string, schema map[string]any) string {
	t.Helper()
	typ := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": name, "namePlural": name + "s"}, http.StatusCreated)
	u := typ["url"].(string)
	v := o.must(t, http.MethodPost, u+"/versions", map[string]any{"jsonSchema": schema}, http.StatusCreated)
	o.must(t, http.MethodPatch, v["url"].(string), map[string]any{"status": "published"}, http.StatusOK)
	return u
}

// object creates an object of typ with data at startAt.
func (o *ot) object(t testing.TB, typ string, data map[string]any, startAt string) map[string]any {
	t.Helper()
	return o.must(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ,
		"record": map[string]any{"typeVersion": 1, "data": data, "startAt": startAt}}, http.StatusCreated)
}

// objectOfZaken creates an object of typ at 2024-01-01 that refers to the zaken; it returns
// the object URL.
func (o *ot) objectOfZaken(t testing.TB, typ string, data map[string]any, zaken ...string) string {
	t.Helper()
	refs := []any{}
	for _, z := range zaken {
		refs = append(refs, map[string]any{"type": "zaak", "url": z})
	}
	return o.must(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1,
		"data": data, "startAt": "2024-01-01", "references": refs}}, http.StatusCreated)["url"].(string)
}

// list GETs objects with a query and returns the results.
func (o *ot) list(t testing.TB, token, query string) []map[string]any {
	t.Helper()
	r := o.do(t, token, http.MethodGet, objRoot+"/objects?"+query, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list %s = %d:\n%s", query, r.Status, r.Body)
	}
	var env struct {
		Count   int              `json:"count"`
		Results []map[string]any `json:"results"`
	}
	r.Decode(t, &env)
	if env.Count != len(env.Results) && len(env.Results) < 100 {
		t.Fatalf("list %s: count %d, %d results", query, env.Count, len(env.Results))
	}
	return env.Results
}

// client adds a client without all rights, with object permissions ps (client id set here).
func (o *ot) client(t testing.TB, id string, ps ...objecten.Permissie) string {
	t.Helper()
	tok := o.e.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: "secret-" + id, Label: id, Autorisaties: catalogusLezen})
	for i := range ps {
		ps[i].ClientID = id
	}
	if err := objecten.SeedPermissies(context.Background(), o.e.App.DB, ps); err != nil {
		t.Fatal(err)
	}
	return tok
}

// catalogusLezen is an autorisatie that says nothing about objects (an applicatie needs one).
var catalogusLezen = []autorisaties.Autorisatie{{Component: "ztc", Scopes: []string{"catalogi.lezen"}}}

func data(r map[string]any) map[string]any {
	return r["record"].(map[string]any)["data"].(map[string]any)
}

func uuids(rs []map[string]any) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprint(data(r)["naam"]))
	}
	return strings.Join(s, ",")
}

// boomSchema is the schema of the tests' tree objecttype.
var boomSchema = map[string]any{
	"$schema":  "https://json-schema.org/draft/2020-12/schema",
	"type":     "object",
	"required": []any{"naam"},
	"properties": map[string]any{
		"naam":    map[string]any{"type": "string"},
		"hoogte":  map[string]any{"type": "number", "minimum": 0},
		"geplant": map[string]any{"type": "string"},
		"soort":   map[string]any{"type": "object"},
	},
}
