package outbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/zgw"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestDefaultBackoffDoublesUpToTheCapWithJitter(t *testing.T) {
	t.Parallel()
	c := Config{}.withDefaults(nil)
	for n, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 5: 80 * time.Second, 12: time.Hour, 40: time.Hour, 2000: time.Hour} {
		for range 50 {
			if got := c.backoff(n); got < want*9/10 || got > want*11/10 {
				t.Fatalf("backoff(%d) = %v, want %v ±10%%", n, got, want)
			}
		}
	}
	// With the defaults a failing delivery is tried for 24 hours.
	if c.MaxAge != 24*time.Hour {
		t.Errorf("MaxAge = %v", c.MaxAge)
	}
}

// A receiver that keeps failing gets retries with exponential backoff up to the cap; after
// MaxAge the delivery becomes a dead letter, with every attempt in its log.
func TestRetriesWithBackoffThenDeadLetter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.set(500, 0, false)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		exact := func(n int) time.Duration { return min(time.Minute<<min(n-1, 10), time.Hour) }
		x, clk := simulated(t, d, &router, Config{Backoff: exact, MaxAge: 24 * time.Hour, CircuitThreshold: 1000})
		start := clk.Now()
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		var gaps []time.Duration
		prev := clk.Now()
		for i := 0; i < 100; i++ {
			list, _, err := x.Deliveries(ctx, abo1, "", 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			if list[0].State != StatePending {
				break
			}
			next := *list[0].NextAttempt
			clk.Set(next)
			settle(t, x)
			gaps = append(gaps, next.Sub(prev))
			prev = next
		}
		list, _, err := x.Deliveries(ctx, abo1, "", 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		dl := list[0]
		if dl.State != StateDead {
			t.Fatalf("state = %s after %d retries", dl.State, len(gaps))
		}
		for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
			if gaps[i] != want {
				t.Fatalf("retry gaps %v, want doubling from 1m up to 1h", gaps)
			}
		}
		if end := clk.Now().Sub(start); end != 24*time.Hour {
			t.Errorf("dead after %v, want the last attempt at 24h", end)
		}
		if dl.Attempts != len(gaps)+1 || len(dl.AttemptsLog) != dl.Attempts || dl.LastStatus != 500 ||
			!strings.HasPrefix(dl.LastError, "HTTP 500") || dl.AttemptsLog[0].Status != 500 || dl.NextAttempt != nil {
			t.Errorf("dead letter = %+v", dl)
		}
		if rcv.attempts() != dl.Attempts {
			t.Errorf("receiver saw %d attempts, log has %d", rcv.attempts(), dl.Attempts)
		}
		if got := testutil.ToFloat64(x.metrics.dead); got != 1 {
			t.Errorf("dead metric = %v", got)
		}
		if got := testutil.ToFloat64(x.metrics.failed); got != float64(dl.Attempts) {
			t.Errorf("failed metric = %v", got)
		}
	})
}

// Dead letters are replayed one at a time or all at once.
func TestReplayDeadLetters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.set(503, 0, false)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, clk := simulated(t, d, &router, Config{MaxAge: time.Hour, CircuitThreshold: 1000})
		for _, u := range []string{"http://meent/zaken/1", "http://meent/zaken/2", "http://meent/zaken/3"} {
			notify(t, d, "zaken", u)
		}
		for range 30 {
			settle(t, x)
			clk.Add(10 * time.Minute)
		}
		if s := states(t, d); s[StateDead] != 3 {
			t.Fatalf("states = %v", s)
		}
		dead, count, err := x.Deliveries(ctx, abo1, StateDead, 1, 2)
		if err != nil || count != 3 || len(dead) != 2 {
			t.Fatalf("dead letters: %d %d %v", count, len(dead), err)
		}
		rcv.set(204, 0, false)
		if n, err := x.Replay(ctx, abo1, dead[0].ID); err != nil || n != 1 {
			t.Fatalf("replay one: %d, %v", n, err)
		}
		if n, err := x.Replay(ctx, abo1, dead[0].ID); err != nil || n != 0 {
			t.Fatalf("replay of a delivery that is no longer dead: %d, %v", n, err)
		}
		if n, err := x.Replay(ctx, abo2, dead[1].ID); err != nil || n != 0 {
			t.Fatalf("replay through another abonnement: %d, %v", n, err)
		}
		settle(t, x)
		if got := rcv.received(); len(got) != 1 || got[0].N.ResourceURL != dead[0].Notificatie.ResourceURL {
			t.Fatalf("after replaying one: %+v", got)
		}
		if n, err := x.Replay(ctx, abo1, ""); err != nil || n != 2 {
			t.Fatalf("replay all: %d, %v", n, err)
		}
		settle(t, x)
		if s := states(t, d); s[StateDelivered] != 3 || len(s) != 1 {
			t.Fatalf("states = %v", s)
		}
		list, _, _ := x.Deliveries(ctx, abo1, "", 1, 10)
		for _, dl := range list {
			if last := dl.AttemptsLog[len(dl.AttemptsLog)-1]; last.Status != 204 || dl.Attempts != len(dl.AttemptsLog) {
				t.Errorf("replayed delivery log = %+v", dl.AttemptsLog)
			}
		}
	})
}

// A replay is tried at once, also when the failures before it opened the subscriber's
// circuit: the beheerder's "try now" does not wait out the cool-down.
func TestReplayClosesTheCircuit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.set(503, 0, false)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, clk := simulated(t, d, &router, Config{MaxAge: 30 * time.Minute, CircuitMaxCooldown: time.Hour})
		notify(t, d, "zaken", "http://meent/zaken/1")
		var dead []Delivery
		for range 60 {
			settle(t, x)
			var err error
			if dead, _, err = x.Deliveries(ctx, abo1, StateDead, 1, 10); err != nil {
				t.Fatal(err)
			}
			if len(dead) == 1 {
				break // replayed while this node still remembers the open circuit
			}
			clk.Add(time.Minute)
		}
		if len(dead) != 1 {
			t.Fatalf("no dead letter: %v", states(t, d))
		}
		rcv.set(204, 0, false)
		if n, err := x.Replay(ctx, abo1, dead[0].ID); err != nil || n != 1 {
			t.Fatalf("replay: %d, %v", n, err)
		}
		settle(t, x)
		if got := rcv.received(); len(got) != 1 {
			t.Fatalf("after the replay, without waiting: %d received, want 1", len(got))
		}
	})
}

// A paused abonnement's deliveries wait (and do not age into dead letters); after Resume they
// are delivered.
func TestPauseAndResume(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		router.add("zaken", testTarget(rcv, abo2))
		x, clk := simulated(t, d, &router, Config{})
		if err := x.Pause(ctx, abo1); err != nil {
			t.Fatal(err)
		}
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		clk.Add(48 * time.Hour)
		settle(t, x)
		if got := rcv.received(); len(got) != 1 || got[0].Auth != "Bearer secret-2000" {
			t.Fatalf("while paused: %+v", got)
		}
		if list, _, _ := x.Deliveries(ctx, abo1, StatePending, 1, 10); len(list) != 1 {
			t.Fatalf("paused delivery not pending: %+v", list)
		}
		if err := x.Resume(ctx, abo1); err != nil {
			t.Fatal(err)
		}
		settle(t, x)
		if got := rcv.received(); len(got) != 2 || got[1].Auth != "Bearer secret-1000" {
			t.Fatalf("after resume: %+v", got)
		}
	})
}

// Forget drops what waits for a deleted abonnement, and a routing that still names it later
// creates nothing.
func TestForgetDropsPendingDeliveries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.set(500, 0, false)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, _ := simulated(t, d, &router, Config{})
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		if err := d.Update(ctx, func(tx *db.Tx) error { return x.Forget(ctx, tx, abo1) }); err != nil {
			t.Fatal(err)
		}
		notify(t, d, "zaken", "http://meent/zaken/2")
		settle(t, x)
		if s := states(t, d); len(s) != 0 {
			t.Fatalf("deliveries after Forget: %v", s)
		}
	})
}

// SetTarget moves waiting retries to the abonnement's new callback.
func TestSetTargetRedirectsWaitingRetries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		old, moved := newReceiver(t), newReceiver(t)
		old.set(500, 0, false)
		var router fakeRouter
		router.add("zaken", testTarget(old, abo1))
		x, clk := simulated(t, d, &router, Config{})
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		if err := d.Update(ctx, func(tx *db.Tx) error { return x.SetTarget(ctx, tx, testTarget(moved, abo1)) }); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute)
		settle(t, x)
		if len(moved.received()) != 1 {
			t.Fatal("the retry did not go to the new callback")
		}
	})
}

func TestCollectorsExposeTheDeliveryMetrics(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rcv := newReceiver(t)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, _ := simulated(t, d, &router, Config{})
		notify(t, d, "zaken", "http://meent/zaken/1")
		notify(t, d, "zaken", "http://meent/zaken/2")
		if err := x.Pause(context.Background(), abo1); err != nil {
			t.Fatal(err)
		}
		settle(t, x)
		reg := prometheus.NewRegistry()
		reg.MustRegister(x.Collectors()...)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP meent_notificaties_deliveries_pending Deliveries waiting for their first or next attempt, or being attempted (all nodes).
# TYPE meent_notificaties_deliveries_pending gauge
meent_notificaties_deliveries_pending 2
# HELP meent_notificaties_outbox_unrouted Notifications committed but not yet turned into deliveries (all nodes).
# TYPE meent_notificaties_outbox_unrouted gauge
meent_notificaties_outbox_unrouted 0
`), "meent_notificaties_deliveries_pending", "meent_notificaties_outbox_unrouted"); err != nil {
			t.Error(err)
		}
		if err := x.Resume(context.Background(), abo1); err != nil {
			t.Fatal(err)
		}
		settle(t, x)
		if got := testutil.ToFloat64(x.metrics.delivered); got != 2 {
			t.Errorf("delivered = %v", got)
		}
		if n := testutil.CollectAndCount(x.metrics.latency); n != 1 {
			t.Errorf("latency histogram: %d series", n)
		}
		names := map[string]bool{}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			names[mf.GetName()] = true
		}
		for _, n := range []string{"meent_notificaties_delivered_total", "meent_notificaties_delivery_failures_total",
			"meent_notificaties_dead_letters_total", "meent_notificaties_delivery_latency_seconds",
			"meent_notificaties_deliveries_pending", "meent_notificaties_deliveries_dead"} {
			if !names[n] {
				t.Errorf("metric %s missing", n)
			}
		}
	})
}

// Delivered deliveries and dead letters older than Retention are removed; pending ones stay.
func TestPruneRemovesOldDeliveries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rcv := newReceiver(t)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		router.add("zaken", testTarget(rcv, abo2))
		x, clk := simulated(t, d, &router, Config{Retention: 7 * 24 * time.Hour})
		if err := x.Pause(context.Background(), abo2); err != nil {
			t.Fatal(err)
		}
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		clk.Add(6 * 24 * time.Hour)
		notify(t, d, "zaken", "http://meent/zaken/2")
		settle(t, x)
		clk.Add(2 * 24 * time.Hour)
		if err := x.prune(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := states(t, d); s[StateDelivered] != 1 || s[StatePending] != 2 {
			t.Fatalf("after prune: %v", s)
		}
	})
}

// Routed outbox rows go once Retention has passed since they were routed, unless an
// undelivered delivery still needs the message; unrouted rows always stay. Pruning works in
// batches until nothing is left.
func TestPruneRemovesRoutedOutboxRows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rcv := newReceiver(t)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		router.add("zaken", testTarget(rcv, abo2))
		x, clk := simulated(t, d, &router, Config{Retention: 7 * 24 * time.Hour})
		if err := x.Pause(ctx, abo2); err != nil {
			t.Fatal(err)
		}
		outboxRows := func() int {
			t.Helper()
			var n int
			if err := d.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		notify(t, d, "zaken", "http://meent/zaken/1") // abo2 keeps it pending
		// More rows than one pruning batch, on a kanaal nobody subscribes to.
		if err := d.Update(ctx, func(tx *db.Tx) error {
			for i := range pruneBatch + 500 {
				u := fmt.Sprintf("http://meent/x/%d", i)
				if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "besluiten", HoofdObject: u, Resource: "besluit", ResourceURL: u, Actie: "create"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		settle(t, x)
		clk.Add(6 * 24 * time.Hour)
		notify(t, d, "zaken", "http://meent/zaken/2")
		settle(t, x)
		// Written but never routed (the Deliverer is not running): pruning must leave it.
		notify(t, d, "zaken", "http://meent/zaken/3")
		clk.Add(2 * 24 * time.Hour)
		if err := x.prune(ctx); err != nil {
			t.Fatal(err)
		}
		// Left: zaken/1 (pending for abo2), zaken/2 (routed 2 days ago), zaken/3 (unrouted).
		if n := outboxRows(); n != 3 {
			t.Fatalf("%d outbox rows after prune, want 3", n)
		}
		if s := states(t, d); s[StateDelivered] != 1 || s[StatePending] != 2 {
			t.Fatalf("deliveries after prune: %v", s)
		}
		// The message of a pending delivery is still there to send.
		if err := x.Resume(ctx, abo2); err != nil {
			t.Fatal(err)
		}
		settle(t, x)
		got := 0
		for _, r := range rcv.received() {
			if r.Auth == testTarget(rcv, abo2).Auth {
				got++
			}
		}
		if got != 3 {
			t.Fatalf("abo2 got %d, want 3", got)
		}
		clk.Add(8 * 24 * time.Hour)
		if err := x.prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := outboxRows(); n != 0 {
			t.Errorf("%d outbox rows after the last prune, want 0", n)
		}
		if s := states(t, d); len(s) != 0 {
			t.Errorf("deliveries after the last prune: %v", s)
		}
		// However old, a row that was never routed stays.
		notify(t, d, "zaken", "http://meent/zaken/4")
		clk.Add(30 * 24 * time.Hour)
		if err := x.prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := outboxRows(); n != 1 {
			t.Errorf("%d outbox rows, want the unrouted one", n)
		}
	})
}

// A redirect is not a 2xx: it counts as a failed attempt and is not followed.
func TestRedirectIsAFailure(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		target := newReceiver(t)
		rcv := newReceiver(t)
		rcv.Config.Handler = http.RedirectHandler(target.URL+"/hook", http.StatusFound)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, _ := simulated(t, d, &router, Config{})
		notify(t, d, "zaken", "http://meent/zaken/1")
		settle(t, x)
		if n := target.attempts(); n != 0 {
			t.Errorf("the redirect was followed: %d POSTs at its target", n)
		}
		ds, _, err := x.Deliveries(context.Background(), abo1, "", 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].State != StatePending || ds[0].LastStatus != http.StatusFound || ds[0].Attempts != 1 {
			t.Fatalf("deliveries %+v", ds)
		}
	})
}
