package objecten_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

// request is one request of a concurrent batch, sent after a pause of wait.
type request struct {
	method, url string
	body        any
	wait        time.Duration
}

// all sends the requests at once and returns their answers, in the order given.
func (o *ot) all(t *testing.T, reqs []request) []*apptest.Resp {
	t.Helper()
	out := make([]*apptest.Resp, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, q := range reqs {
		wg.Go(func() {
			<-start
			time.Sleep(q.wait)
			r := o.do(t, o.token, q.method, q.url, q.body)
			out[i] = r
			if r.Status >= 500 {
				t.Errorf("%s %s = %d:\n%s", q.method, q.url, r.Status, r.Body)
			}
		})
	}
	close(start)
	wg.Wait()
	return out
}

func statusesOf(rs []*apptest.Resp) []int {
	var s []int
	for _, r := range rs {
		s = append(s, r.Status)
	}
	return s
}

// Writers of one object take turns: concurrent partial updates and a DELETE ?zaak= each add
// their own record, in order, each on top of the one before (nothing lost), and a correction
// still marks the record it corrects.
func TestObjectConcurrentUpdates(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		z1, z2 := "https://zaken.example/zaken/api/v1/zaken/1", "https://zaken.example/zaken/api/v1/zaken/2"
		u := o.objectOfZaken(t, typ, map[string]any{"naam": "eik"}, z1, z2)
		const patches = 8
		var reqs []request
		for i := range patches {
			rec := map[string]any{"data": map[string]any{"soort": map[string]any{fmt.Sprint("k", i): i}}}
			if i == 0 {
				rec["correctionFor"] = 1
			}
			reqs = append(reqs, request{http.MethodPatch, u, map[string]any{"record": rec}, 0})
		}
		reqs = append(reqs, request{http.MethodDelete, u + "?zaak=" + z1, nil, 0})
		rs := o.all(t, reqs)
		if got, want := statusesOf(rs), slices.Repeat([]int{http.StatusOK}, patches+1); !slices.Equal(got, want) {
			t.Fatalf("statuses %v, want %v", got, want)
		}
		// Each update answers with the record it added.
		var indexes []int
		for i, r := range rs[:patches] {
			rec := r.JSON(t)["record"].(map[string]any)
			if _, ok := rec["data"].(map[string]any)["soort"].(map[string]any)[fmt.Sprint("k", i)]; !ok {
				t.Errorf("PATCH %d answered with a record without its change: %v", i, rec)
			}
			indexes = append(indexes, int(rec["index"].(float64)))
		}
		slices.Sort(indexes)
		if len(slices.Compact(slices.Clone(indexes))) != patches {
			t.Errorf("updates answered with records %v, want %d different ones", indexes, patches)
		}
		hist := o.must(t, http.MethodGet, u+"/history", nil, http.StatusOK)["results"].([]any)
		correctedBy := 0
		for i, h := range hist {
			rec := h.(map[string]any)
			if rec["index"] != float64(i+1) {
				t.Fatalf("record %d has index %v:\n%v", i+1, rec["index"], hist)
			}
			if rec["correctionFor"] == float64(1) {
				correctedBy = i + 1
			}
		}
		if len(hist) != patches+2 {
			t.Fatalf("%d records, want %d", len(hist), patches+2)
		}
		if r1 := hist[0].(map[string]any); correctedBy == 0 || r1["correctedBy"] != float64(correctedBy) {
			t.Fatalf("record 1 correctedBy %v, the correction is record %d", r1["correctedBy"], correctedBy)
		}
		last := o.must(t, http.MethodGet, u, nil, http.StatusOK)
		if soort := data(last)["soort"].(map[string]any); len(soort) != patches || data(last)["naam"] != "eik" {
			t.Fatalf("last record lost a write: %v", data(last))
		}
		if refs := last["record"].(map[string]any)["references"].([]any); len(refs) != 1 || refs[0].(map[string]any)["url"] != z2 {
			t.Fatalf("references %v, want only %s", refs, z2)
		}
	})
}

// An update racing a destroy either comes first or finds the object gone (404); it never
// adds a record to a destroyed object.
func TestObjectConcurrentDestroy(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		u := o.object(t, typ, map[string]any{"naam": "eik"}, "2024-01-01")["url"].(string)
		const patches = 8
		reqs := []request{{http.MethodDelete, u, nil, 0}}
		for i := range patches {
			reqs = append(reqs, request{http.MethodPatch, u, map[string]any{"record": map[string]any{"data": map[string]any{"hoogte": i}}}, 0})
		}
		statuses := statusesOf(o.all(t, reqs))
		if statuses[0] != http.StatusNoContent {
			t.Fatalf("DELETE = %d", statuses[0])
		}
		for _, s := range statuses[1:] {
			if s != http.StatusOK && s != http.StatusNotFound {
				t.Fatalf("PATCH racing DELETE = %d, want 200 or 404 (all: %v)", s, statuses)
			}
		}
		o.must(t, http.MethodGet, u, nil, http.StatusNotFound)
		rows, err := zgw.Outbox(context.Background(), e.App.DB, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var acties []string
		for _, n := range rows {
			if n.ResourceURL == u {
				acties = append(acties, n.Actie)
			}
		}
		if len(acties) == 0 || acties[len(acties)-1] != "destroy" || slices.Index(acties, "destroy") != len(acties)-1 {
			t.Fatalf("notifications %v: destroy must be the one last", acties)
		}
	})
}

// Versions of one objecttype created at once get the numbers 1, 2, ... each once.
func TestObjecttypeConcurrentVersions(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "boom", "namePlural": "bomen"}, http.StatusCreated)
		u := typ["url"].(string)
		const n = 8
		reqs := make([]request, n)
		for i := range reqs {
			reqs[i] = request{http.MethodPost, u + "/versions", map[string]any{"jsonSchema": map[string]any{"type": "object"}}, 0}
		}
		if statuses := statusesOf(o.all(t, reqs)); !slices.Equal(statuses, slices.Repeat([]int{http.StatusCreated}, n)) {
			t.Fatalf("statuses %v", statuses)
		}
		vs := o.must(t, http.MethodGet, u+"/versions", nil, http.StatusOK)["results"].([]any)
		for i, v := range vs {
			if v.(map[string]any)["version"] != float64(i+1) {
				t.Fatalf("versions %v, want 1..%d", vs, n)
			}
		}
		if len(vs) != n {
			t.Fatalf("%d versions, want %d", len(vs), n)
		}
	})
}

// A publish racing a change of the schema of a draft publishes the changed schema, or comes
// first and the change is refused (non-draft-version-update); it never publishes the schema
// the change replaced while that change answers 200.
func TestObjecttypeConcurrentPublish(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "boom", "namePlural": "bomen"}, http.StatusCreated)
		const n = 8
		old, changed := map[string]any{"type": "object"}, map[string]any{"type": "object", "required": []any{"naam"}}
		var reqs []request
		for range n {
			v := o.must(t, http.MethodPost, typ["url"].(string)+"/versions", map[string]any{"jsonSchema": old}, http.StatusCreated)["url"].(string)
			reqs = append(reqs, request{http.MethodPatch, v, map[string]any{"jsonSchema": changed}, 0},
				request{http.MethodPatch, v, map[string]any{"status": "published"}, 0})
		}
		statuses := statusesOf(o.all(t, reqs))
		for i := 0; i < len(reqs); i += 2 {
			v := o.must(t, http.MethodGet, reqs[i].url, nil, http.StatusOK)
			_, isChanged := v["jsonSchema"].(map[string]any)["required"]
			switch {
			case statuses[i+1] != http.StatusOK || v["status"] != "published":
				t.Errorf("publish = %d, status %v", statuses[i+1], v["status"])
			case statuses[i] == http.StatusOK && !isChanged:
				t.Errorf("the schema change answered 200 but version %v was published with the old schema", v["version"])
			case statuses[i] != http.StatusOK && (statuses[i] != http.StatusBadRequest || isChanged):
				t.Errorf("schema change = %d, published schema %v", statuses[i], v["jsonSchema"])
			}
		}
	})
}

// Concurrent partial updates of one objecttype each keep what the others wrote.
func TestObjecttypeConcurrentUpdates(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		u := o.must(t, http.MethodPost, otRoot+"/objecttypes", map[string]any{"name": "boom", "namePlural": "bomen"}, http.StatusCreated)["url"].(string)
		fields := []string{"description", "maintainerOrganization", "maintainerDepartment", "contactPerson",
			"source", "providerOrganization", "documentationUrl", "contactEmail"}
		var reqs []request
		for _, f := range fields {
			v := "x"
			switch f {
			case "documentationUrl":
				v = "https://example.com/boom"
			case "contactEmail":
				v = "boom@example.com"
			}
			reqs = append(reqs, request{http.MethodPatch, u, map[string]any{f: v}, 0})
		}
		if statuses := statusesOf(o.all(t, reqs)); !slices.Equal(statuses, slices.Repeat([]int{http.StatusOK}, len(reqs))) {
			t.Fatalf("statuses %v", statuses)
		}
		got := o.must(t, http.MethodGet, u, nil, http.StatusOK)
		for _, f := range fields {
			if got[f] == "" {
				t.Errorf("%s lost: %v", f, got)
			}
		}
	})
}

// An objecttype deleted while objects of it are created is either in use (400, every object
// created) or deleted with no object of it left behind. The DELETE goes a little later in
// each round, so that some round meets creates in their transaction.
func TestObjecttypeConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		const rounds, n = 12, 4
		for round := range rounds {
			typ := o.objecttype(t, "boom", boomSchema)
			reqs := []request{{http.MethodDelete, typ, nil, time.Duration(round) * time.Millisecond}}
			for i := range n {
				reqs = append(reqs, request{http.MethodPost, objRoot + "/objects", map[string]any{"type": typ,
					"record": map[string]any{"typeVersion": 1, "data": map[string]any{"naam": fmt.Sprint("boom", i)}, "startAt": "2024-01-01"}}, 0})
			}
			statuses := statusesOf(o.all(t, reqs))
			created := 0
			for _, s := range statuses[1:] {
				if s == http.StatusCreated {
					created++
				}
			}
			left := len(o.list(t, e.Admin, "type="+url.QueryEscape(typ)))
			switch statuses[0] {
			case http.StatusNoContent:
				if created != 0 || left != 0 {
					t.Fatalf("round %d: objecttype deleted, yet %d objects created and %d left (%v)", round, created, left, statuses)
				}
			case http.StatusBadRequest:
				if created != n || left != n {
					t.Fatalf("round %d: objecttype in use: %d objects created, %d left, want %d (%v)", round, created, left, n, statuses)
				}
			default:
				t.Fatalf("round %d: DELETE = %d", round, statuses[0])
			}
		}
	})
}
