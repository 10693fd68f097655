package outbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Issue 5, reliability (a): the receiver is down for 10 minutes of simulated time while
// notifications keep coming; after it returns every notification arrives, none is lost, and
// meanwhile the circuit kept the dead receiver from being hammered.
func TestReceiverDownTenMinutesLosesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rcv := newReceiver(t)
		var router fakeRouter
		router.add("zaken", testTarget(rcv, abo1))
		x, clk := simulated(t, d, &router, Config{})
		sent := map[string]bool{}
		step := func(i int) {
			u := fmt.Sprintf("http://meent/zaken/%d", i)
			sent[u] = true
			notify(t, d, "zaken", u)
			settle(t, x)
			clk.Add(5 * time.Second)
		}
		rcv.set(503, 0, false)
		i := 0
		for ; i < 120; i++ { // 10 minutes, a notification every 5 seconds
			step(i)
		}
		during := rcv.attempts()
		rcv.set(204, 0, false)
		returned := clk.Now()
		for ; i < 144 && len(rcv.received()) < len(sent); i++ { // at most 2 more minutes
			step(i)
		}
		got := map[string]bool{}
		for _, r := range rcv.received() {
			got[r.N.ResourceURL] = true
		}
		for u := range sent {
			if !got[u] {
				t.Errorf("%s never arrived", u)
			}
		}
		t.Logf("all %d arrived %v after the receiver returned; %d POSTs to the dead receiver", len(sent), clk.Now().Sub(returned), during)
		if during > 40 {
			t.Errorf("%d POSTs to the dead receiver in 10 minutes: the circuit did not hold them back", during)
		}
		if s := states(t, d); s[StateDelivered] != len(sent) {
			t.Errorf("states = %v", s)
		}
	})
}

// Issue 5, reliability (c): a receiver that answers 500, one that hangs and one that is slow
// never delay delivery to a healthy receiver by more than their own timeout: here the healthy
// one gets every message well within it.
func TestBadReceiversDoNotDelayAHealthyOne(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		healthy, failing, hanging, slow := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
		failing.set(500, 0, false)
		hanging.set(204, 0, true)
		slow.set(204, 1500*time.Millisecond, false)
		var router fakeRouter
		router.add("zaken", testTarget(failing, abo1))
		router.add("zaken", testTarget(hanging, abo2))
		router.add("zaken", testTarget(slow, abo3))
		router.add("zaken", testTarget(healthy, abo4))
		const timeout = 2 * time.Second
		x := New(d, &router, Config{Workers: 8, PerSubscriber: 2, Timeout: timeout, BaseBackoff: 100 * time.Millisecond}, nil)
		x.Start(ctx)
		defer x.Wait()
		defer cancel()
		committed := map[string]time.Time{}
		for i := range 30 {
			u := fmt.Sprintf("http://meent/zaken/%d", i)
			committed[u] = time.Now()
			notify(t, d, "zaken", u)
			if i%3 == 0 {
				time.Sleep(20 * time.Millisecond)
			}
		}
		var worst time.Duration
		for _, r := range healthy.waitFor(t, 30, 10*time.Second) {
			worst = max(worst, r.At.Sub(committed[r.N.ResourceURL]))
		}
		t.Logf("slowest delivery to the healthy receiver: %v", worst)
		if worst >= timeout/2 {
			t.Errorf("the healthy receiver waited %v (the bad ones' timeout is %v)", worst, timeout)
		}
		if hanging.attempts() == 0 || failing.attempts() == 0 || slow.attempts() == 0 {
			t.Error("the bad receivers were not tried at all")
		}
	})
}

// Two nodes on one PostgreSQL share the work and deliver every notification once.
func TestTwoNodesShareTheWorkWithoutDoubleDelivery(t *testing.T) {
	t.Parallel()
	url := dbtest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rcv := newReceiver(t)
	rcv.set(204, 2*time.Millisecond, false)
	var router fakeRouter
	router.add("zaken", testTarget(rcv, abo1))
	var nodes []*Deliverer
	var dbs []*db.DB
	for range 2 {
		d, err := db.Open(ctx, url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		x := New(d, &router, Config{PerSubscriber: 4}, nil)
		x.Start(ctx)
		nodes = append(nodes, x)
		dbs = append(dbs, d)
	}
	const n = 600
	for i := range n {
		notify(t, dbs[i%2], "zaken", fmt.Sprintf("http://meent/zaken/%d", i))
	}
	rcv.waitFor(t, n, 30*time.Second)
	time.Sleep(200 * time.Millisecond)
	seen := map[string]int{}
	for _, r := range rcv.received() {
		seen[r.N.ResourceURL]++
	}
	if len(seen) != n {
		t.Errorf("%d distinct notifications arrived, want %d", len(seen), n)
	}
	for u, c := range seen {
		if c != 1 {
			t.Errorf("%s arrived %d times", u, c)
		}
	}
	a, b := testutil.ToFloat64(nodes[0].metrics.delivered), testutil.ToFloat64(nodes[1].metrics.delivered)
	t.Logf("node 1 delivered %v, node 2 %v", a, b)
	if a == 0 || b == 0 || a+b != n {
		t.Errorf("deliveries per node: %v and %v, want both > 0 and %d in all", a, b, n)
	}
	cancel()
	for _, x := range nodes {
		x.Wait()
	}
}

// A node renews the leases of what it holds, so a delivery that waits in its queue longer than
// Lease is not taken (and sent again) by another node.
func TestLeasesOfQueuedDeliveriesAreRenewed(t *testing.T) {
	t.Parallel()
	url := dbtest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rcv := newReceiver(t)
	rcv.set(204, 150*time.Millisecond, false)
	var router fakeRouter
	router.add("zaken", testTarget(rcv, abo1))
	cfg := Config{Workers: 1, PerSubscriber: 1, Timeout: time.Second, Lease: 1500 * time.Millisecond}
	first, err := db.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	const n = 16 // one claim of the first node: 16 × 150ms, longer than the lease
	for i := range n {
		notify(t, first, "zaken", fmt.Sprintf("http://meent/zaken/%d", i))
	}
	a := New(first, &router, cfg, nil)
	a.Start(ctx)
	rcv.waitFor(t, 1, 5*time.Second) // the first node holds them all now
	second, err := db.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	b := New(second, &router, cfg, nil)
	b.Start(ctx)
	rcv.waitFor(t, n, 20*time.Second)
	time.Sleep(300 * time.Millisecond)
	seen := map[string]int{}
	for _, r := range rcv.received() {
		seen[r.N.ResourceURL]++
	}
	for u, c := range seen {
		if c != 1 {
			t.Errorf("%s arrived %d times", u, c)
		}
	}
	if got := testutil.ToFloat64(b.metrics.delivered); got != 0 {
		t.Errorf("the second node delivered %v of the first node's deliveries", got)
	}
	cancel()
	a.Wait()
	b.Wait()
}
