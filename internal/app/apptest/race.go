package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/meent/meent/internal/zgw"
)

// Send sends one request as a register's tests do (their token and headers).
type Send func(method, u string, body any) *Resp

// DeleteAtOnce sends n DELETEs of u at the same time and fails tb unless one answered 204 and
// the others 404, and one destroy notification of u was written: a resource is deleted, and
// announced, once.
func (e *Env) DeleteAtOnce(tb testing.TB, u string, n int, send Send) {
	tb.Helper()
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() { codes[i] = send(http.MethodDelete, u, nil).Status })
	}
	wg.Wait()
	slices.Sort(codes)
	want := slices.Repeat([]int{http.StatusNotFound}, n)
	want[0] = http.StatusNoContent
	if !slices.Equal(codes, want) {
		tb.Errorf("concurrent deletes of %s answered %v, want one 204 and 404s", u, codes)
	}
	rows, err := zgw.Outbox(context.Background(), e.App.DB, 0, 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	destroys := 0
	for _, r := range rows {
		if r.ResourceURL == u && r.Actie == "destroy" {
			destroys++
		}
	}
	if destroys != 1 {
		tb.Errorf("%d destroy notifications of %s, want 1", destroys, u)
	}
}

// PatchAtOnce sends, at the same time, one PATCH of u per field of want, and fails tb unless
// each answered 200 and u now holds every field: concurrent updates each keep their change.
func (e *Env) PatchAtOnce(tb testing.TB, u string, want map[string]any, send Send) {
	tb.Helper()
	var wg sync.WaitGroup
	for k, v := range want {
		wg.Go(func() {
			if r := send(http.MethodPatch, u, map[string]any{k: v}); r.Status != http.StatusOK {
				tb.Errorf("PATCH %s of %s: %d %s", k, u, r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	r := send(http.MethodGet, u, nil)
	if r.Status != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", u, r.Status, r.Body)
	}
	got := r.JSON(tb)
	for k, v := range want {
		if !jsonEqual(got[k], v) {
			tb.Errorf("%s of %s: now %v, want %v", k, u, got[k], v)
		}
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
