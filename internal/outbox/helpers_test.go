package outbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// fakeClock is a settable clock for simulated time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fakeRouter routes by kanaal; "*" matches every kanaal. It can be changed while running.
type fakeRouter struct {
	mu      sync.Mutex
	targets map[string][]Target
}

func (r *fakeRouter) Route(_ context.Context, n zgw.Notificatie) ([]Target, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(append([]Target(nil), r.targets[n.Kanaal]...), r.targets["*"]...), nil
}

func (r *fakeRouter) add(kanaal string, t Target) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.targets == nil {
		r.targets = map[string][]Target{}
	}
	r.targets[kanaal] = append(r.targets[kanaal], t)
}

// received is one POST that a receiver accepted.
type received struct {
	N      zgw.Notificatie
	Raw    map[string]any
	Auth   string
	Type   string
	At     time.Time // real time
	Target string
}

// receiver is a local callback endpoint. Its behaviour can be switched while it runs:
// status (default 204), delay before answering, or hang (never answer until the request
// is cancelled).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	delay  time.Duration
	hang   bool
	got    []received
	tries  int
	notify chan struct{}
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{status: http.StatusNoContent, notify: make(chan struct{}, 1)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Server.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.tries++
	status, delay, hang := r.status, r.delay, r.hang
	r.mu.Unlock()
	if hang {
		<-req.Context().Done()
		return
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	if status >= 200 && status < 300 {
		var got received
		if err := json.Unmarshal(body, &got.N); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = json.Unmarshal(body, &got.Raw)
		got.Auth, got.Type, got.At, got.Target = req.Header.Get("Authorization"), req.Header.Get("Content-Type"), time.Now(), req.URL.Path
		r.mu.Lock()
		r.got = append(r.got, got)
		r.mu.Unlock()
		select {
		case r.notify <- struct{}{}:
		default:
		}
	}
	w.WriteHeader(status)
}

func (r *receiver) set(status int, delay time.Duration, hang bool) {
	r.mu.Lock()
	r.status, r.delay, r.hang = status, delay, hang
	r.mu.Unlock()
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (r *receiver) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tries
}

// waitFor waits (real time) until the receiver has accepted n POSTs.
func (r *receiver) waitFor(t testing.TB, n int, within time.Duration) []received {
	t.Helper()
	deadline := time.After(within)
	for {
		if got := r.received(); len(got) >= n {
			return got
		}
		select {
		case <-r.notify:
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("receiver got %d POSTs within %v, want %d", len(r.received()), within, n)
		}
	}
}

// testTarget returns a target for the receiver with a fixed abonnement id per name.
func testTarget(r *receiver, abonnement string) Target {
	return Target{Abonnement: abonnement, CallbackURL: r.URL + "/hook", Auth: "Bearer secret-" + abonnement[:4]}
}

const (
	abo1 = "10000000-0000-4000-8000-000000000001"
	abo2 = "20000000-0000-4000-8000-000000000002"
	abo3 = "30000000-0000-4000-8000-000000000003"
	abo4 = "40000000-0000-4000-8000-000000000004"
)

// notify commits one notification of kanaal with resourceUrl url.
func notify(t testing.TB, d *db.DB, kanaal, url string) {
	t.Helper()
	if err := d.Update(context.Background(), func(tx *db.Tx) error {
		return zgw.Notify(context.Background(), tx, zgw.Notificatie{
			Kanaal: kanaal, HoofdObject: url, Resource: "zaak", ResourceURL: url, Actie: "create",
			Kenmerken: map[string]string{"bronorganisatie": "002220647"},
		})
	}); err != nil {
		t.Fatal(err)
	}
}

// simulated returns a Deliverer on a simulated clock (also the database's), for tests that
// step time with settle.
func simulated(t testing.TB, d *db.DB, r Router, cfg Config) (*Deliverer, *fakeClock) {
	clk := newClock()
	d.Clock = clk.Now
	cfg.Clock = clk.Now
	return New(d, r, cfg, nil), clk
}

func settle(t testing.TB, x *Deliverer) {
	t.Helper()
	if err := x.settle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// states counts the deliveries per state.
func states(t testing.TB, d *db.DB) map[string]int {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT state, count(*) FROM delivery GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}
