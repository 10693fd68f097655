package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/spec/spectest"
)

// servedAPIs are the registers this build serves; every operation of their specs must have a
// handler.
var servedAPIs = []string{"autorisaties", "besluiten", "catalogi", "documenten", "klantinteracties", "notificaties", "objecten", "objecttypen", "referentielijsten", "zaken"}

func TestRouteCoverage(t *testing.T) {
	a, err := New(context.Background(), config.Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), SecretKey: "k"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, api := range servedAPIs {
		ops := spectest.Operations(t, api)
		if len(ops) == 0 {
			t.Fatalf("%s: no operations in the spec", api)
		}
		for _, op := range ops {
			path := op.Path
			for strings.Contains(path, "{") {
				i, j := strings.Index(path, "{"), strings.Index(path, "}")
				path = path[:i] + "3fa85f64-5717-4562-b3fc-2c963f66afa6" + path[j+1:]
			}
			req, err := http.NewRequest(op.Method, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, pattern := a.mux.Handler(req); pattern == "" || strings.HasSuffix(pattern, "/{$}") {
				t.Errorf("%s %s (%s): no handler", op.Method, op.Path, op.OperationID)
			}
		}
	}
}
