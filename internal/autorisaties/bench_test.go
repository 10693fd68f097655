package autorisaties

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/zgw"
)

// benchRegister is a register on a fresh SQLite database with one applicatie that holds
// 50 zaaktype autorisaties, the way a real zaaksysteem is set up.
func benchRegister(b *testing.B) (*Register, *zgw.SecretStore) {
	b.Helper()
	d := dbtest.MustOpenSQLite(b)
	secrets, err := zgw.NewSecretStore(d, []byte("bench-key"))
	if err != nil {
		b.Fatal(err)
	}
	r := NewRegister(d)
	s := Seed{ClientIDs: []string{"bench"}, Secret: "bench-secret", Label: "Bench"}
	for i := range 50 {
		s.Autorisaties = append(s.Autorisaties, Autorisatie{Component: "zrc", Scopes: []string{"zaken.lezen", "zaken.bijwerken"},
			Zaaktype: "https://c.example/zaaktypen/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), MaxVertrouwelijkheidaanduiding: "vertrouwelijk"})
	}
	if err := r.Seed(context.Background(), []Seed{s}, secrets); err != nil {
		b.Fatal(err)
	}
	return r, secrets
}

// BenchmarkGrantsCached is the grants lookup of a request once the cache is warm.
func BenchmarkGrantsCached(b *testing.B) {
	r, _ := benchRegister(b)
	ctx := context.Background()
	if _, err := r.Grants(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := r.Grants(ctx, "bench")
		if err != nil || g == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGrantsUncached is the same lookup from the database (three queries), for scale.
func BenchmarkGrantsUncached(b *testing.B) {
	r, _ := benchRegister(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.forget()
		if g, err := r.Grants(ctx, "bench"); err != nil || g == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate is the per-request cost of authentication: parse and verify the
// HS256 JWT, look up the client's secret and its grants, both from warm caches.
func BenchmarkAuthenticate(b *testing.B) {
	r, secrets := benchRegister(b)
	auth := zgw.NewAuthenticator(secrets, r, time.Hour)
	tok, err := zgw.Token("bench", "bench-secret", "u", "U", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/autorisaties/api/v1/applicaties", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := auth.Authenticate(req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := auth.Authenticate(req)
		if err != nil || p.Grants == nil {
			b.Fatal(err)
		}
	}
}
