package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
)

// woken reports whether c delivers a wake-up within d.
func woken(c <-chan struct{}, d time.Duration) bool {
	select {
	case _, ok := <-c:
		return ok
	case <-time.After(d):
		return false
	}
}

func TestSignalWakesListenersOnCommitOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := d.Listen(ctx, "test")
		other := d.Listen(ctx, "other")
		// PostgreSQL wakes once when the LISTEN connection is up; wait for it and drain it.
		if d.Dialect == db.Postgres && !woken(c, 5*time.Second) {
			t.Fatal("no wake-up after connecting")
		}
		woken(other, 100*time.Millisecond)

		failed := errors.New("rolled back")
		if err := d.Update(ctx, func(tx *db.Tx) error { tx.Signal("test"); return failed }); !errors.Is(err, failed) {
			t.Fatal(err)
		}
		if woken(c, 200*time.Millisecond) {
			t.Fatal("a rolled back transaction woke the listener")
		}
		if err := d.Update(ctx, func(tx *db.Tx) error { tx.Signal("test"); tx.Signal("test"); return nil }); err != nil {
			t.Fatal(err)
		}
		if !woken(c, 2*time.Second) {
			t.Fatal("commit did not wake the listener")
		}
		if woken(other, 200*time.Millisecond) {
			t.Error("a listener of another channel was woken")
		}
		cancel()
		for range c { // drains a possible late wake-up; ends when the channel is closed
		}
	})
}

// Another node (a second DB on the same PostgreSQL schema) hears a Signal, but not a Wake, and
// goes on hearing after its LISTEN connection was killed.
func TestSignalReachesOtherNodesAndSurvivesReconnect(t *testing.T) {
	base := dbtest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := "listen_" + uuid.NewString()[:8]
	a, err := db.Open(ctx, base, "")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := db.Open(ctx, base+"&application_name="+app, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c := b.Listen(ctx, "node")
	if !woken(c, 5*time.Second) {
		t.Fatal("no wake-up after connecting")
	}
	local := a.Listen(ctx, "node")
	if !woken(local, 5*time.Second) {
		t.Fatal("no wake-up after connecting")
	}
	// Wake stays in the process: the other node does not hear it.
	if err := a.Update(ctx, func(tx *db.Tx) error { tx.Wake("node"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !woken(local, time.Second) {
		t.Fatal("Wake did not wake this process")
	}
	if woken(c, 300*time.Millisecond) {
		t.Fatal("Wake reached the other node")
	}
	if err := a.Update(ctx, func(tx *db.Tx) error { tx.Wake("node"); tx.Signal("node"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !woken(c, 2*time.Second) {
		t.Fatal("the other node was not woken")
	}

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN%'`, app).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminate listener: %d, %v", killed, err)
	}
	// After reconnecting, the listener wakes once (signals may have been missed) and then
	// hears commits again.
	if !woken(c, 5*time.Second) {
		t.Fatal("no wake-up after reconnecting")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := a.Update(ctx, func(tx *db.Tx) error { tx.Signal("node"); return nil }); err != nil {
			t.Fatal(err)
		}
		if woken(c, 500*time.Millisecond) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no wake-up after the reconnect")
		}
	}
}
