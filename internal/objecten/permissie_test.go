package objecten_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/objecten"
)

// Permissions per objecttype: lists show only permitted types (filtered in SQL), other
// types answer 403, read_only cannot write, use_fields trims record.data.
func TestObjectPermissions(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		boom := o.objecttype(t, "boom", boomSchema)
		lamp := o.objecttype(t, "lamp", map[string]any{"type": "object"})
		eik := o.object(t, boom, map[string]any{"naam": "eik", "hoogte": 12}, "2024-01-01")
		lantaarn := o.object(t, lamp, map[string]any{"naam": "lantaarn"}, "2024-01-01")

		lezer := o.client(t, "boom-lezer", objecten.Permissie{Objecttype: boom, Mode: "read"})
		schrijver := o.client(t, "lamp-schrijver", objecten.Permissie{Objecttype: lamp, Mode: objecten.ModeReadAndWrite})
		velden := o.client(t, "boom-velden", objecten.Permissie{Objecttype: boom, Mode: objecten.ModeReadOnly, UseFields: true, Fields: []string{"naam"}})
		niemand := o.client(t, "niemand")

		if got := uuids(o.list(t, lezer, "")); got != "eik" {
			t.Fatalf("lezer list: %q", got)
		}
		if got := uuids(o.list(t, schrijver, "")); got != "lantaarn" {
			t.Fatalf("schrijver list: %q", got)
		}
		if got := o.list(t, niemand, ""); len(got) != 0 {
			t.Fatalf("niemand list: %v", got)
		}
		if got := o.list(t, lezer, "type="+url.QueryEscape(lamp)); len(got) != 0 {
			t.Fatalf("lezer list of lamp: %v", got)
		}
		status := func(tok, method, u string, body any) int {
			return o.do(t, tok, method, u, body).Status
		}
		if s := status(lezer, http.MethodGet, lantaarn["url"].(string), nil); s != http.StatusForbidden {
			t.Fatalf("lezer reads lamp: %d", s)
		}
		if s := status(lezer, http.MethodGet, eik["url"].(string)+"/history", nil); s != http.StatusOK {
			t.Fatalf("lezer reads boom history: %d", s)
		}
		patch := map[string]any{"record": map[string]any{"data": map[string]any{"naam": "eik2"}}}
		if s := status(lezer, http.MethodPatch, eik["url"].(string), patch); s != http.StatusForbidden {
			t.Fatalf("read_only writes: %d", s)
		}
		create := map[string]any{"type": boom, "record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "es"}, "startAt": "2024-01-01"}}
		if s := status(lezer, http.MethodPost, objRoot+"/objects", create); s != http.StatusForbidden {
			t.Fatalf("read_only creates: %d", s)
		}
		if s := status(schrijver, http.MethodPatch, lantaarn["url"].(string), patch); s != http.StatusOK {
			t.Fatalf("read_and_write writes: %d", s)
		}
		if s := status(schrijver, http.MethodDelete, eik["url"].(string), nil); s != http.StatusForbidden {
			t.Fatalf("schrijver deletes boom: %d", s)
		}
		// Field-based authorisation.
		r := o.do(t, velden, http.MethodGet, eik["url"].(string), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("velden read: %d", r.Status)
		}
		d := data(r.JSON(t))
		if _, ok := d["hoogte"]; ok || d["naam"] != "eik" {
			t.Fatalf("velden data: %v", d)
		}
		if h := r.Header.Get("X-Unauthorized-Fields"); h != boom+":hoogte" {
			t.Fatalf("X-Unauthorized-Fields: %q", h)
		}
		// GET /permissions lists the caller's own.
		var perms struct {
			Results []map[string]any `json:"results"`
		}
		o.do(t, velden, http.MethodGet, objRoot+"/permissions", nil).Decode(t, &perms)
		if len(perms.Results) != 1 || perms.Results[0]["type"] != boom || perms.Results[0]["mode"] != "read_only" || perms.Results[0]["use_fields"] != true {
			t.Fatalf("permissions: %v", perms.Results)
		}
		// SeedPermissies replaces a client's permissions.
		if err := objecten.SeedPermissies(context.Background(), e.App.DB, []objecten.Permissie{{ClientID: "boom-lezer", Objecttype: lamp, Mode: "read"}}); err != nil {
			t.Fatal(err)
		}
		if got := uuids(o.list(t, lezer, "")); got != "eik2" { // the lantaarn, renamed by schrijver
			t.Fatalf("lezer after reseed: %q", got)
		}
		if err := objecten.SeedPermissies(context.Background(), e.App.DB, []objecten.Permissie{{ClientID: "x", Objecttype: lamp, Mode: "alles"}}); err == nil {
			t.Fatal("bad mode accepted")
		}
	})
}

// Open Object's clients authenticate with "Authorization: Token <key>".
func TestObjectTokenAuth(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		boom := o.objecttype(t, "boom", boomSchema)
		o.object(t, boom, map[string]any{"naam": "eik"}, "2024-01-01")
		e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"portaal"}, Secret: "secret-portaal", Label: "Portaal", Tokens: []string{"portaal-token-0123456789abcdef0123456789"}, Autorisaties: catalogusLezen})
		if err := objecten.SeedPermissies(context.Background(), e.App.DB, []objecten.Permissie{{ClientID: "portaal", Objecttype: boom, Mode: "read"}}); err != nil {
			t.Fatal(err)
		}
		h := map[string]string{"Authorization": "Token portaal-token-0123456789abcdef0123456789"}
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: objRoot + "/objects", Header: h})
		if r.Status != http.StatusOK || r.JSON(t)["count"] != float64(1) {
			t.Fatalf("token list: %d %s", r.Status, r.Body)
		}
		h["Authorization"] = "Token verkeerd"
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: objRoot + "/objects", Header: h}); r.Status != http.StatusUnauthorized {
			t.Fatalf("bad token: %d", r.Status)
		}
	})
}
