package objecten_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

func TestObjectCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		before, err := zgw.Outbox(context.Background(), e.App.DB, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		after := int64(0)
		if len(before) > 0 {
			after = before[len(before)-1].ID
		}
		obj := o.object(t, typ, map[string]any{"naam": "eik", "hoogte": 12}, "2024-01-01")
		u := obj["url"].(string)
		rec := obj["record"].(map[string]any)
		if rec["index"] != float64(1) || rec["endAt"] != nil || rec["correctedBy"] != nil || obj["type"] != typ {
			t.Fatalf("created: %v", obj)
		}
		got := o.must(t, http.MethodGet, u, nil, http.StatusOK)
		if data(got)["naam"] != "eik" {
			t.Fatalf("read: %v", got)
		}
		// A supplied uuid is kept.
		own := o.must(t, http.MethodPost, objRoot+"/objects", map[string]any{"uuid": "6a0c3e3f-6f07-4a5b-9a8e-8ef0ae1e6c11", "type": typ,
			"record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "beuk"}, "startAt": "2024-01-01"}}, http.StatusCreated)
		if own["uuid"] != "6a0c3e3f-6f07-4a5b-9a8e-8ef0ae1e6c11" {
			t.Fatalf("uuid: %v", own["uuid"])
		}
		// PUT replaces data; PATCH merges it (RFC 7396: null removes a key).
		put := o.must(t, http.MethodPut, u, map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1,
			"data": map[string]any{"naam": "eik", "hoogte": 13, "soort": map[string]any{"nl": "zomereik", "la": "quercus"}}, "startAt": "2024-02-01"}}, http.StatusOK)
		if put["record"].(map[string]any)["index"] != float64(2) {
			t.Fatalf("put: %v", put)
		}
		patch := o.must(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"hoogte": nil,
			"soort": map[string]any{"la": nil, "en": "oak"}}, "startAt": "2024-03-01"}}, http.StatusOK)
		d := data(patch)
		soort := d["soort"].(map[string]any)
		if _, ok := d["hoogte"]; ok || d["naam"] != "eik" || soort["nl"] != "zomereik" || soort["en"] != "oak" || soort["la"] != nil {
			t.Fatalf("merge patch: %v", d)
		}
		// The type of an object never changes.
		other := o.objecttype(t, "lamp", map[string]any{"type": "object"})
		o.bad(t, http.MethodPatch, u, map[string]any{"type": other}, "type", "immutable-field")
		// Geo headers: Content-Crs is required on writes.
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: objRoot + "/objects", Token: e.Admin, BadInput: true,
			Body: map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "x"}, "startAt": "2024-01-01"}}})
		if r.Status != http.StatusPreconditionFailed {
			t.Fatalf("no Content-Crs = %d", r.Status)
		}
		o.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		o.must(t, http.MethodGet, u, nil, http.StatusNotFound)
		// Notifications on kanaal objecten with kenmerk objectType, in the same transaction.
		rows, err := zgw.Outbox(context.Background(), e.App.DB, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		var acties []string
		for _, n := range rows {
			if n.Kanaal != "objecten" || n.Resource != "object" || n.Kenmerken["objectType"] == "" {
				t.Fatalf("notification: %+v", n)
			}
			if n.ResourceURL == u {
				acties = append(acties, n.Actie)
			}
		}
		if want := "create,update,partial_update,destroy"; join(acties) != want {
			t.Fatalf("acties %v, want %s", acties, want)
		}
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// Record data are validated against the JSON Schema of their objecttype version; a failed
// request changes nothing.
func TestObjectSchemaValidation(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		create := func(rec map[string]any) map[string]any {
			return map[string]any{"type": typ, "record": rec}
		}
		o.bad(t, http.MethodPost, objRoot+"/objects", create(map[string]any{"typeVersion": 1, "data": map[string]any{"hoogte": 3}, "startAt": "2024-01-01"}),
			"record.data", "invalid_jsonschema")
		o.bad(t, http.MethodPost, objRoot+"/objects", create(map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "x", "hoogte": -1}, "startAt": "2024-01-01"}),
			"record.data.hoogte", "invalid_jsonschema")
		o.bad(t, http.MethodPost, objRoot+"/objects", create(map[string]any{"typeVersion": 7, "data": map[string]any{"naam": "x"}, "startAt": "2024-01-01"}),
			"record.typeVersion", "invalid_key")
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": "http://elders.example/objecttypes/3b3f3e2e-1111-4222-8333-444455556666",
			"record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": "x"}, "startAt": "2024-01-01"}}, "type", "bad-url")
		if n := len(o.list(t, e.Admin, "")); n != 0 {
			t.Fatalf("failed creates left %d objects", n)
		}
		obj := o.object(t, typ, map[string]any{"naam": "eik"}, "2024-01-01")
		// A merge patch that breaks the schema is refused and leaves the object as it was.
		o.bad(t, http.MethodPatch, obj["url"].(string), map[string]any{"record": map[string]any{"data": map[string]any{"naam": nil}}},
			"record.data", "invalid_jsonschema")
		// Malformed merge patches and bodies are a 400, never a 500.
		for _, body := range []any{
			map[string]any{"record": map[string]any{"data": "geen object"}},
			map[string]any{"record": map[string]any{"data": []any{1, 2}}},
			map[string]any{"record": "x"},
			`{"record": {"data": {"naam": }}`,
		} {
			r := e.Do(t, apptest.Req{Method: http.MethodPatch, URL: obj["url"].(string), Body: body, Token: e.Admin, Header: geoHeaders, BadInput: true})
			if r.Status != http.StatusBadRequest {
				t.Fatalf("PATCH %v = %d: %s", body, r.Status, r.Body)
			}
		}
		hist := o.must(t, http.MethodGet, obj["url"].(string)+"/history", nil, http.StatusOK)
		if hist["count"] != float64(1) {
			t.Fatalf("history after refused patch: %v", hist)
		}
		// Geometry: only valid GeoJSON, only when the type allows it.
		o.bad(t, http.MethodPatch, obj["url"].(string), map[string]any{"record": map[string]any{"geometry": map[string]any{"type": "Polygon",
			"coordinates": []any{[]any{[]any{5.0, 52.0}, []any{5.1, 52.0}, []any{5.1, 52.1}}}}}}, "record.geometry", "invalid")
		flat := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "plat", "namePlural": "platten", "allowGeometry": false}, http.StatusCreated)
		v := o.must(t, http.MethodPost, flat["url"].(string)+"/versions", map[string]any{"jsonSchema": map[string]any{"type": "object"}}, http.StatusCreated)
		o.must(t, http.MethodPatch, v["url"].(string), map[string]any{"status": "published"}, http.StatusOK)
		o.bad(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": flat["url"], "record": map[string]any{"typeVersion": 1, "data": map[string]any{},
			"geometry": map[string]any{"type": "Point", "coordinates": []any{5.0, 52.0}}, "startAt": "2024-01-01"}}, "record.geometry", "geometry-not-allowed")
	})
}

// Material history (startAt/endAt, ?date=) and formal history (registrationAt,
// ?registrationDate=, corrections).
func TestObjectHistoryMaterial(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		obj := o.object(t, typ, map[string]any{"naam": "v1"}, "2020-01-01")
		u := obj["url"].(string)
		o.must(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"naam": "v2"}, "startAt": "2021-01-01"}}, http.StatusOK)
		o.must(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"naam": "v3"}, "startAt": "2022-01-01"}}, http.StatusOK)
		for date, want := range map[string]string{"2020-06-01": "v1", "2021-01-01": "v2", "2021-12-31": "v2", "2023-01-01": "v3", "2019-01-01": ""} {
			got := uuids(o.list(t, e.Admin, "date="+date))
			if got != want {
				t.Errorf("date=%s: %q, want %q", date, got, want)
			}
		}
		hist := o.must(t, http.MethodGet, u+"/history", nil, http.StatusOK)
		rs := hist["results"].([]any)
		if len(rs) != 3 {
			t.Fatalf("history: %v", hist)
		}
		first := rs[0].(map[string]any)
		if first["endAt"] != "2021-01-01" || first["startAt"] != "2020-01-01" || rs[2].(map[string]any)["endAt"] != nil {
			t.Fatalf("periods: %v", rs)
		}
		r2 := o.must(t, http.MethodGet, u+"/2", nil, http.StatusOK)
		if r2["data"].(map[string]any)["naam"] != "v2" {
			t.Fatalf("record 2: %v", r2)
		}
		o.must(t, http.MethodGet, u+"/9", nil, http.StatusNotFound)
		// A record that starts before the last one did wins from its startAt on; the
		// records it overlaps end there.
		o.must(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"naam": "v4"}, "startAt": "2021-06-01"}}, http.StatusOK)
		for date, want := range map[string]string{"2021-03-01": "v2", "2021-07-01": "v4", "2023-01-01": "v4", "2020-06-01": "v1"} {
			if got := uuids(o.list(t, e.Admin, "date="+date)); got != want {
				t.Errorf("after v4, date=%s: %q, want %q", date, got, want)
			}
		}
	})
}

func TestObjectHistoryFormal(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		obj := o.object(t, typ, map[string]any{"naam": "eik", "hoogte": 10}, "2020-01-01")
		u := obj["url"].(string)
		// A correction of record 1: same period, new data; record 1 says it was corrected.
		c := o.must(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"hoogte": 11},
			"correctionFor": 1}}, http.StatusOK)
		if c["record"].(map[string]any)["correctionFor"] != float64(1) {
			t.Fatalf("correction: %v", c)
		}
		r1 := o.must(t, http.MethodGet, u+"/1", nil, http.StatusOK)
		if r1["correctedBy"] != float64(2) {
			t.Fatalf("corrected record: %v", r1)
		}
		o.bad(t, http.MethodPatch, u, map[string]any{"record": map[string]any{"correctionFor": 5}}, "record.correctionFor", "invalid")
		// Formal view: both records are registered today; before today nothing was known.
		today := c["record"].(map[string]any)["registrationAt"].(string)
		if got := o.list(t, e.Admin, "registrationDate="+today); len(got) != 1 || data(got[0])["hoogte"] != float64(11) {
			t.Fatalf("registrationDate=today: %v", got)
		}
		if got := o.list(t, e.Admin, "registrationDate=2000-01-01"); len(got) != 0 {
			t.Fatalf("registrationDate in the past: %v", got)
		}
		// Material view: the correction wins over the record it corrects.
		if got := o.list(t, e.Admin, "date=2020-06-01"); len(got) != 1 || data(got[0])["hoogte"] != float64(11) {
			t.Fatalf("date after correction: %v", got)
		}
		o.badSpec(t, http.MethodGet, objRoot+"/objects?registrationDate=gisteren", nil, "registrationDate", "invalid")
	})
}

// DELETE ?zaak= keeps an object that other zaken still refer to (only that reference goes).
func TestObjectDeleteZaak(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		z1, z2 := "https://zaken.example/zaken/api/v1/zaken/1", "https://zaken.example/zaken/api/v1/zaken/2"
		u := o.objectOfZaken(t, typ, map[string]any{"naam": "eik"}, z1, z2)
		kept := o.must(t, http.MethodDelete, u+"?zaak="+z1, nil, http.StatusOK)
		if b := kept["behouden"].([]any); len(b) != 1 || b[0] != u {
			t.Fatalf("behouden: %v", kept)
		}
		got := o.must(t, http.MethodGet, u, nil, http.StatusOK)
		if refs := got["record"].(map[string]any)["references"].([]any); len(refs) != 1 || refs[0].(map[string]any)["url"] != z2 {
			t.Fatalf("references: %v", refs)
		}
		o.must(t, http.MethodDelete, u+"?zaak="+z2, nil, http.StatusNoContent)
		o.must(t, http.MethodGet, u, nil, http.StatusNotFound)
		// ?fields on a detail.
		obj := o.object(t, typ, map[string]any{"naam": "beuk", "hoogte": 20}, "2024-01-01")
		sel := o.must(t, http.MethodGet, obj["url"].(string)+"?fields=record__data__hoogte", nil, http.StatusOK)
		if d := data(sel); len(d) != 1 || d["hoogte"] != float64(20) || sel["uuid"] != nil {
			t.Fatalf("fields: %v", sel)
		}
	})
}
