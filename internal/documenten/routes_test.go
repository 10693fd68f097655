package documenten_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/spec/spectest"
)

// TestRouteCoverage: every operation of the served Documenten spec has a handler (an
// unauthenticated call gets the API's 401, not the mux's 404 or 405).
func TestRouteCoverage(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, false)
	for _, op := range spectest.Operations(t, "documenten") {
		path := op.Path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "3fa85f64-5717-4562-b3fc-2c963f66afa6" + path[j+1:]
		}
		r := e.Do(t, apptest.Req{Method: op.Method, URL: path, Unchecked: true})
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s %s (%s): %d, want 401", op.Method, op.Path, op.OperationID, r.Status)
		}
	}
}
