package outbox

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Config tunes delivery. Zero fields take the defaults named in their comments.
type Config struct {
	Workers     int           // concurrent POSTs per node (64)
	Timeout     time.Duration // per POST (10s)
	BaseBackoff time.Duration // first retry delay (5s); it doubles per failed attempt
	MaxBackoff  time.Duration // cap on one delay (1h)
	MaxAge      time.Duration // after this long without success a delivery becomes a dead letter (24h)

	PerSubscriber      int           // concurrent POSTs to one abonnement per node (8)
	Lease              time.Duration // how long a claim keeps other nodes off a delivery; renewed while held (Timeout + 30s)
	PollInterval       time.Duration // safety-net poll beside the commit-time wake-ups (2s)
	BatchSize          int           // outbox rows routed per transaction (500)
	CircuitThreshold   int           // consecutive failures that open a subscriber's circuit (5)
	CircuitMaxCooldown time.Duration // longest wait of an open circuit before its next probe (1m)
	Retention          time.Duration // delivered and dead deliveries, and routed outbox rows, are removed after this (7 days; < 0 keeps them)
	PruneInterval      time.Duration // how often the rows Retention no longer keeps are removed (1m)

	// Clock is the time source (the database's clock); tests simulate hours with it.
	Clock func() time.Time
	// Backoff returns the delay after the n-th failed attempt (n >= 1); by default
	// BaseBackoff·2^(n-1), capped at MaxBackoff, with ±10% jitter.
	Backoff func(n int) time.Duration
	// Client sends the POSTs through its Transport (http.DefaultTransport when nil); redirects
	// are never followed. By default a transport sized for Workers.
	Client *http.Client
}

func (c Config) withDefaults(d *db.DB) Config {
	def := func(v *time.Duration, x time.Duration) {
		if *v == 0 {
			*v = x
		}
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.PerSubscriber <= 0 {
		c.PerSubscriber = 8
	}
	c.PerSubscriber = min(c.PerSubscriber, c.Workers)
	def(&c.Timeout, 10*time.Second)
	def(&c.BaseBackoff, 5*time.Second)
	def(&c.MaxBackoff, time.Hour)
	def(&c.MaxAge, 24*time.Hour)
	def(&c.Lease, c.Timeout+30*time.Second)
	def(&c.PollInterval, 2*time.Second)
	def(&c.CircuitMaxCooldown, time.Minute)
	def(&c.Retention, 7*24*time.Hour)
	def(&c.PruneInterval, time.Minute)
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.CircuitThreshold <= 0 {
		c.CircuitThreshold = 5
	}
	if c.Clock == nil {
		c.Clock = func() time.Time { return d.Clock() }
	}
	if c.Client == nil {
		c.Client = &http.Client{
			Transport: &http.Transport{
				Proxy:               http.ProxyFromEnvironment,
				DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				ForceAttemptHTTP2:   true,
				MaxIdleConns:        4 * c.Workers,
				MaxIdleConnsPerHost: c.Workers, // several abonnementen often share one host
				IdleConnTimeout:     90 * time.Second,
				TLSHandshakeTimeout: 5 * time.Second,
			},
			// A redirect is not a 2xx: the subscriber must fix its callbackUrl.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c
}

// backoff is the delay after the n-th failed attempt.
func (c Config) backoff(n int) time.Duration {
	if c.Backoff != nil {
		return c.Backoff(n)
	}
	d := c.BaseBackoff
	for i := 1; i < n && d < c.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.MaxBackoff)
	// Jitter spreads the retries of many deliveries that failed together.
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

// Deliverer routes outbox rows and delivers them.
type Deliverer struct {
	db      *db.DB
	router  Router
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	ids     idGen

	mu       sync.Mutex
	lanes    map[string]*lane   // per abonnement: claims, POSTs in flight and circuit, this node only
	ready    map[*lane]struct{} // lanes with claimed deliveries waiting for a worker
	inflight int                // POSTs in flight on this node
	renewed  time.Time          // last lease renewal (dispatcher only)

	scan routeScan // where routing starts reading the outbox (router only)

	results outcomes       // outcomes of POSTs, recorded in batches
	posts   sync.WaitGroup // POSTs in flight
	kick    chan struct{}  // wakes the dispatcher: a subscriber's claimed work runs low
	started atomic.Bool
	done    chan struct{} // closed when Start's workers have stopped
}

// New returns a Deliverer; Start runs it.
func New(d *db.DB, r Router, cfg Config, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults(d)
	x := &Deliverer{
		db: d, router: r, cfg: cfg, log: log,
		lanes:   map[string]*lane{},
		ready:   map[*lane]struct{}{},
		results: outcomes{wake: make(chan struct{}, 1)},
		kick:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	x.metrics = newMetrics(x)
	return x
}

// now is the delivery clock, always in UTC (SQLite compares timestamps as text).
func (x *Deliverer) now() time.Time { return x.cfg.Clock().UTC() }

// Start runs the workers in the background until ctx ends; Wait waits for them to stop.
// On start it processes everything that is pending: unrouted outbox rows, due deliveries, and
// deliveries whose claim expired because a node died while posting them.
func (x *Deliverer) Start(ctx context.Context) {
	if !x.started.CompareAndSwap(false, true) {
		return
	}
	outboxWake := x.db.Listen(ctx, zgw.OutboxSignal)
	deliveryWake := x.db.Listen(ctx, deliverySignal)
	// dispatched is closed once routing and dispatching have stopped: no new claims after it.
	dispatched := make(chan struct{})
	var claimers sync.WaitGroup
	claimers.Add(2)
	go func() { claimers.Wait(); close(dispatched) }()
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); defer claimers.Done(); x.routeLoop(ctx, outboxWake) }()
	go func() { defer wg.Done(); x.pruneLoop(ctx) }()
	go func() { defer wg.Done(); defer claimers.Done(); x.dispatchLoop(ctx, deliveryWake) }()
	go func() { defer wg.Done(); x.recordLoop(ctx, dispatched) }()
	go func() { wg.Wait(); close(x.done) }()
}

// Wait blocks until the workers of Start have stopped after its ctx ended. POSTs in flight
// are cancelled and their deliveries released for an immediate retry (by this node after a
// restart, or by another node), so a restart does not wait for the claims to expire.
func (x *Deliverer) Wait() {
	if x.started.Load() {
		<-x.done
	}
}

// routeLoop turns outbox rows into deliveries whenever a commit signals new rows, and on
// every poll as a safety net.
func (x *Deliverer) routeLoop(ctx context.Context, wake <-chan struct{}) {
	tick := time.NewTicker(x.cfg.PollInterval)
	defer tick.Stop()
	var last time.Time
	for {
		if !pace(ctx, &last) {
			return
		}
		for {
			n, err := x.route(ctx)
			if err != nil {
				if ctx.Err() == nil {
					x.log.Error("notificaties: routing outbox rows", "err", err)
				}
				break
			}
			if n < x.cfg.BatchSize {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// pruneLoop removes what Retention no longer keeps, every PruneInterval, on its own so that
// a long pass never holds up routing.
func (x *Deliverer) pruneLoop(ctx context.Context) {
	tick := time.NewTicker(x.cfg.PruneInterval)
	defer tick.Stop()
	for {
		if err := x.prune(ctx); err != nil && ctx.Err() == nil {
			x.log.Error("notificaties: removing old deliveries and outbox rows", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// dispatchLoop claims due deliveries and starts their POSTs whenever deliveries become due:
// a commit that created or replayed them, the earliest retry time, a circuit that may be
// probed again, or the poll (full passes); and whenever a subscriber's claimed work runs low
// (a partial pass, for just those subscribers).
func (x *Deliverer) dispatchLoop(ctx context.Context, wake <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	full := true
	var last time.Time
	for {
		if full && !pace(ctx, &last) {
			return
		}
		_, next, err := x.dispatch(ctx, full)
		if err != nil && ctx.Err() == nil {
			x.log.Error("notificaties: claiming deliveries", "err", err)
		}
		if full {
			wait := min(x.cfg.PollInterval, x.cfg.Lease/3) // also the rhythm of the lease renewals
			if err == nil && !next.IsZero() {
				wait = min(wait, max(next.Sub(x.now()), time.Millisecond))
			}
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
			full = true
		case <-timer.C:
			full = true
		case <-x.kick:
			full = false
		}
	}
}

// minPass is the shortest time between two routing passes, and between two full dispatch
// passes. Under load, commits wake the workers far more often than that; making them wait a
// moment lets each pass take the work of many commits in one transaction. An idle worker
// starts at once, so it adds no latency at ordinary rates (below some 200 commits a second).
const minPass = 5 * time.Millisecond

// pace waits until minPass has passed since *last and sets *last; false when ctx ended.
func pace(ctx context.Context, last *time.Time) bool {
	if wait := minPass - time.Since(*last); wait > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
	*last = time.Now()
	return true
}

// outcomes is the queue of POST outcomes waiting to be recorded. Adding never blocks: a POST
// worker that had to wait while the recorder writes the previous batch would hold up the next
// POST, and on PostgreSQL a batch can take tens of milliseconds when the server is busy. The
// queue is bounded all the same, by maxUnrecorded per subscriber: a lane claims no more while
// that many of its deliveries wait to be recorded.
type outcomes struct {
	mu    sync.Mutex
	items []result
	wake  chan struct{}
}

func (q *outcomes) put(rs ...result) {
	q.mu.Lock()
	q.items = append(q.items, rs...)
	q.mu.Unlock()
	poke(q.wake)
}

// take removes and returns up to most outcomes (all when most <= 0), oldest first.
func (q *outcomes) take(most int) []result {
	q.mu.Lock()
	defer q.mu.Unlock()
	if most <= 0 || len(q.items) <= most {
		out := q.items
		q.items = nil
		return out
	}
	out := slices.Clone(q.items[:most])
	q.items = slices.Delete(q.items, 0, most)
	return out
}

func (q *outcomes) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// recordLoop writes the outcomes of POSTs in batches: whatever arrived while the previous
// batch was being written goes into the next one.
func (x *Deliverer) recordLoop(ctx context.Context, dispatched <-chan struct{}) {
	const linger, most = 5 * time.Millisecond, 1000
	for {
		select {
		case <-x.results.wake:
		case <-ctx.Done():
			x.shutdown(ctx, dispatched, nil)
			return
		}
		// Wait a moment for more, so that under load one transaction records many outcomes.
		if x.results.len() < most {
			select {
			case <-time.After(linger):
			case <-ctx.Done():
			}
		}
		batch := x.results.take(most)
		if x.results.len() > 0 {
			poke(x.results.wake)
		}
		for len(batch) > 0 {
			err := x.record(ctx, batch)
			if err == nil {
				batch = nil
				break
			}
			if ctx.Err() != nil {
				break
			}
			// The database is away: keep the outcomes and try again; the claims keep
			// other workers off these deliveries meanwhile.
			x.log.Error("notificaties: recording deliveries", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		if ctx.Err() != nil {
			x.shutdown(ctx, dispatched, batch)
			return
		}
	}
}

// shutdown waits for the cancelled POSTs and records what is left, with a short deadline of
// its own since ctx has ended.
func (x *Deliverer) shutdown(ctx context.Context, dispatched <-chan struct{}, batch []result) {
	<-dispatched // no new claims after this
	x.posts.Wait()
	batch = append(batch, x.results.take(0)...)
	batch = append(batch, x.releaseQueued()...)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := x.record(wctx, batch); err != nil {
		x.log.Warn("notificaties: recording deliveries at shutdown; they are retried when their claims expire", "err", err)
	}
}

// settle routes and delivers everything that is due at the clock's current time and records
// the outcomes, without background workers: tests step simulated time with it.
func (x *Deliverer) settle(ctx context.Context) error {
	for {
		routed := 0
		for {
			n, err := x.route(ctx)
			if err != nil {
				return err
			}
			routed += n
			if n < x.cfg.BatchSize {
				break
			}
		}
		claimed, _, err := x.dispatch(ctx, true)
		x.posts.Wait()
		batch := x.results.take(0)
		if err != nil {
			return err
		}
		if err := x.record(ctx, batch); err != nil {
			return err
		}
		if routed == 0 && claimed == 0 {
			return nil
		}
	}
}
