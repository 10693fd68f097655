package referentielijsten

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/meent/meent/internal/zgw"
)

// BenchmarkResultatenPerProcestype measures GET /resultaten?procesType=... in process: the
// handler behind the zgw kit, without a network or the spec-checking client.
func BenchmarkResultatenPerProcestype(b *testing.B) {
	api := &zgw.API{Name: "referentielijsten", Root: "/referentielijsten/api/v1", Version: "0.6.0",
		PublicURL: "http://meent.test", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	api.Mount(mux)
	Mount(api)
	// Procestype 11/2020 "Toestemming verlenen" has one of the longest lists.
	target := "/referentielijsten/api/v1/resultaten?procesType=" + api.URL("procestypen", "7ff2b005-4d84-47fe-983a-732bfa958ff5")
	warm := httptest.NewRecorder()
	mux.ServeHTTP(warm, httptest.NewRequest(http.MethodGet, target, nil))
	if warm.Code != http.StatusOK {
		b.Fatalf("GET %s = %d: %s", target, warm.Code, warm.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
