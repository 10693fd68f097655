package zgw

import (
	"context"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
)

// TestSecretReplacedOnAnotherNode: two nodes share a database; a secret replaced on one is
// used by the other once its cached copy expires, not only after a restart.
func TestSecretReplacedOnAnotherNode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := NewSecretStore(d, []byte("k"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewSecretStore(d, []byte("k"))
		set := func(s *SecretStore, v string) {
			if err := d.Update(ctx, func(tx *db.Tx) error { return s.Set(ctx, tx, "client", v) }); err != nil {
				t.Fatal(err)
			}
		}
		get := func(s *SecretStore) string {
			v, err := s.Secret(ctx, "client")
			if err != nil {
				t.Fatal(err)
			}
			return string(v)
		}
		set(a, "first-secret")
		if got := get(b); got != "first-secret" {
			t.Fatalf("node b reads %q", got)
		}
		set(a, "second-secret")
		if got := get(a); got != "second-secret" {
			t.Fatalf("node a reads %q after its own Set", got)
		}
		if got := get(b); got != "first-secret" {
			t.Fatalf("node b should still use its cached secret within the TTL, reads %q", got)
		}
		b.ttl = time.Millisecond
		b.cache.Clear()
		get(b)
		time.Sleep(5 * time.Millisecond)
		set(a, "third-secret")
		if got := get(b); got != "third-secret" {
			t.Fatalf("node b reads %q after its entry expired, want the replaced secret", got)
		}
	})
}
