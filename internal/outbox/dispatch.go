package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meent/meent/internal/db"
)

// Dispatching: deliveries are claimed per subscriber, in batches of up to prefetch·PerSubscriber
// (so the database work is shared by many POSTs), and POSTed with at most PerSubscriber in flight
// per subscriber and Workers in all on this node, so a dead or slow receiver ties up only its own
// share of the workers and never delays the others. A claim sets a lease (next_attempt =
// lease_until): other workers skip the delivery until the lease ends, and if this node dies
// mid-POST the delivery simply becomes due again when it does (at-least-once). The lease covers
// the worst case of the batch: Lease plus one Timeout for every round of PerSubscriber POSTs
// that is queued before it on this node.
//
// A circuit per subscriber stops POSTing to a receiver after CircuitThreshold consecutive
// failures (handing back what it had claimed) and lets one probe through after a growing
// cool-down; the first success closes it and makes the subscriber's waiting retries due at
// once, so a receiver that comes back gets its backlog without waiting out every backoff.

// prefetch is how many rounds of PerSubscriber POSTs a subscriber may have claimed on a node.
const prefetch = 4

// lane is this node's view of one subscriber.
type lane struct {
	abonnement, callback, auth string
	queue                      []claim // claimed, waiting for a worker
	running                    int     // POSTs in flight
	hungry                     bool    // more may be due: claim when the queue runs low

	fails     int       // consecutive failed attempts
	opens     int       // consecutive openings of the circuit without a success in between
	openUntil time.Time // zero: circuit closed; else open until then, then one probe at a time
	probing   bool
	swept     time.Time // last dead-letter sweep while the circuit was open
}

func (l *lane) held() int { return len(l.queue) + l.running }

// subscriber is a row of delivery_subscriber with the time its first pending delivery is due.
type subscriber struct {
	abonnement, callback, auth string
	due                        time.Time // zero: nothing pending
}

// claim is a delivery this node holds the lease of.
type claim struct {
	id, abonnement, callback, auth string
	body                           string
	attempts                       int
	enqueuedAt, retryFrom          time.Time
	log                            string
}

// result is the outcome of one POST.
type result struct {
	claim
	at        time.Time // start, on the delivery clock
	end       time.Time // end, on the delivery clock
	dur       time.Duration
	status    int
	err       string
	ok        bool // 2xx
	released  bool // not attempted (shutdown, circuit opened): due again at once
	recovered bool // this success closed an open circuit
}

// subscribers lists the subscribers that may receive deliveries now.
func (x *Deliverer) subscribers(ctx context.Context) ([]subscriber, error) {
	rows, err := x.db.Query(ctx, `SELECT s.abonnement, s.callback_url, s.auth,
			(SELECT d.next_attempt FROM delivery d WHERE d.abonnement = s.abonnement AND d.state = 'pending'
			 ORDER BY d.next_attempt LIMIT 1)
		FROM delivery_subscriber s WHERE NOT s.paused AND NOT s.deleted AND s.callback_url <> ''`)
	if err != nil {
		return nil, fmt.Errorf("subscribers: %w", err)
	}
	defer rows.Close()
	var out []subscriber
	for rows.Next() {
		var s subscriber
		if err := rows.Scan(&s.abonnement, &s.callback, &s.auth, timeScanner{&s.due}); err != nil {
			return nil, fmt.Errorf("subscribers: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// dispatch claims due deliveries and starts their POSTs. A full pass first reads every
// subscriber's earliest due time; a partial one (a lane's queue ran low) only claims for lanes
// that may have more. It returns how many deliveries it claimed and, for a full pass, the
// earliest future time at which more may become due (zero: none known).
func (x *Deliverer) dispatch(ctx context.Context, full bool) (int, time.Time, error) {
	var subs []subscriber
	if full {
		var err error
		if subs, err = x.subscribers(ctx); err != nil {
			return 0, time.Time{}, err
		}
	}
	now := x.now()
	var next time.Time
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	type want struct {
		l                          *lane
		abonnement, callback, auth string
		n, held                    int
		probe                      bool
	}
	var wants []want
	var sweep []string

	x.mu.Lock()
	if full {
		present := make(map[string]bool, len(subs))
		for _, s := range subs {
			present[s.abonnement] = true
			l := x.lanes[s.abonnement]
			if l == nil {
				l = &lane{abonnement: s.abonnement}
				x.lanes[s.abonnement] = l
			}
			l.callback, l.auth = s.callback, s.auth
			l.hungry = !s.due.IsZero() && !s.due.After(now)
			if s.due.After(now) {
				later(s.due)
			}
		}
		for a, l := range x.lanes {
			if !present[a] {
				l.hungry = false // paused or deleted
				if l.held() == 0 {
					delete(x.lanes, a) // its circuit starts afresh
				}
			}
		}
	}
	per := x.cfg.PerSubscriber
	for _, l := range x.lanes {
		if !l.hungry {
			continue
		}
		w := want{l: l, abonnement: l.abonnement, callback: l.callback, auth: l.auth, held: l.held()}
		switch {
		case !l.openUntil.IsZero() && now.Before(l.openUntil):
			later(l.openUntil)
			if now.Sub(l.swept) >= x.cfg.CircuitMaxCooldown {
				l.swept = now
				sweep = append(sweep, l.abonnement)
			}
			continue
		case !l.openUntil.IsZero():
			if l.probing || w.held > 0 {
				continue
			}
			l.probing = true
			w.n, w.probe = 1, true
		case w.held > 0 && prefetch*per-w.held < per:
			continue // enough in hand; claim again when it runs low
		default:
			w.n = prefetch*per - w.held
		}
		wants = append(wants, w)
	}
	x.mu.Unlock()

	for _, a := range sweep {
		if err := x.expire(ctx, a, now); err != nil {
			return 0, next, err
		}
	}
	if len(wants) == 0 {
		return 0, next, nil
	}
	claims := make([][]claim, len(wants))
	err := x.update(ctx, func(tx *db.Tx) error {
		for i, w := range wants {
			rounds := (w.held + w.n + per - 1) / per
			lease := now.Add(x.cfg.Lease + time.Duration(rounds-1)*x.cfg.Timeout)
			c, err := x.claim(ctx, tx, w.abonnement, w.n, now, lease)
			if err != nil {
				return err
			}
			for j := range c {
				c[j].callback, c[j].auth = w.callback, w.auth
			}
			claims[i] = c
		}
		return nil
	})
	claimed := 0
	x.mu.Lock()
	for i, w := range wants {
		got := claims[i]
		if err != nil {
			got = nil
		}
		if w.probe && len(got) == 0 {
			w.l.probing = false
		}
		if err == nil && len(got) < w.n {
			w.l.hungry = false // took everything that is due now
		}
		if len(got) > 0 {
			w.l.queue = append(w.l.queue, got...)
			x.ready[w.l] = struct{}{}
		}
		claimed += len(got)
	}
	if ctx.Err() == nil {
		x.launch(ctx)
	}
	x.mu.Unlock()
	if err != nil {
		return 0, next, fmt.Errorf("claim deliveries: %w", err)
	}
	return claimed, next, nil
}

// claim takes the lease of up to n due deliveries of a subscriber.
func (x *Deliverer) claim(ctx context.Context, tx *db.Tx, abonnement string, n int, now, lease time.Time) ([]claim, error) {
	lock := ""
	if x.db.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := tx.Query(ctx, `UPDATE delivery SET next_attempt = $1, lease_until = $1
		WHERE id IN (SELECT id FROM delivery WHERE abonnement = $2 AND state = 'pending' AND next_attempt <= $3
			AND NOT EXISTS (SELECT 1 FROM delivery_subscriber s WHERE s.abonnement = $2 AND (s.paused OR s.deleted))
			ORDER BY next_attempt LIMIT $4`+lock+`)
		RETURNING id, body, attempts, enqueued_at, retry_from, log`, lease, abonnement, now, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []claim
	for rows.Next() {
		c := claim{abonnement: abonnement}
		if err := rows.Scan(&c.id, &c.body, &c.attempts, timeScanner{&c.enqueuedAt}, timeScanner{&c.retryFrom}, &c.log); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// launch starts POSTs from the lanes' queues while there are free workers, one lane after the
// other so that every subscriber gets its turn. x.mu is held.
func (x *Deliverer) launch(ctx context.Context) {
	for x.inflight < x.cfg.Workers {
		started := false
		for l := range x.ready {
			if len(l.queue) == 0 {
				delete(x.ready, l)
				continue
			}
			if l.running >= x.cfg.PerSubscriber {
				continue
			}
			c := l.queue[0]
			l.queue = l.queue[1:]
			l.running++
			x.inflight++
			x.posts.Add(1)
			go x.deliver(ctx, l, c)
			started = true
			if x.inflight >= x.cfg.Workers {
				return
			}
		}
		if !started {
			return
		}
	}
}

// deliver POSTs one claimed delivery, hands the outcome to the recorder and starts the next.
func (x *Deliverer) deliver(ctx context.Context, l *lane, c claim) {
	defer x.posts.Done()
	r := x.post(ctx, c)
	var handBack []claim
	x.mu.Lock()
	l.running--
	x.inflight--
	if r.released {
		l.probing = false
	} else {
		x.trip(l, &r)
		if !l.openUntil.IsZero() && len(l.queue) > 0 {
			handBack, l.queue = l.queue, nil
		}
	}
	if ctx.Err() == nil {
		x.launch(ctx)
	}
	low := l.hungry && prefetch*x.cfg.PerSubscriber-l.held() >= x.cfg.PerSubscriber
	x.mu.Unlock()
	x.results <- r
	for _, c := range handBack {
		x.results <- result{claim: c, released: true}
	}
	if low {
		poke(x.kick)
	}
}

// releaseQueued hands back every claimed delivery that has not been started (shutdown).
func (x *Deliverer) releaseQueued() []result {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []result
	for _, l := range x.lanes {
		for _, c := range l.queue {
			out = append(out, result{claim: c, released: true})
		}
		l.queue = nil
	}
	clear(x.ready)
	return out
}

// trip updates the circuit of l with the outcome r.
func (x *Deliverer) trip(l *lane, r *result) {
	if r.ok {
		r.recovered = !l.openUntil.IsZero()
		l.fails, l.opens, l.openUntil, l.probing = 0, 0, time.Time{}, false
		return
	}
	l.fails++
	if l.probing || (l.openUntil.IsZero() && l.fails >= x.cfg.CircuitThreshold) {
		l.probing = false
		l.opens++
		l.openUntil = r.end.Add(min(x.cfg.backoff(l.opens), x.cfg.CircuitMaxCooldown))
	}
}

// post sends the notification to the callback.
func (x *Deliverer) post(ctx context.Context, c claim) result {
	r := result{claim: c, at: x.now()}
	start := time.Now()
	finish := func() result {
		r.dur = time.Since(start)
		r.end = x.now()
		return r
	}
	rctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.callback, strings.NewReader(c.body))
	if err != nil {
		r.err = "invalid callback: " + err.Error()
		return finish()
	}
	req.Header.Set("Content-Type", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	req.Header.Set("User-Agent", "Meent-Notificaties/1.0")
	resp, err := x.cfg.Client.Do(req)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			r.released = true
		case errors.Is(rctx.Err(), context.DeadlineExceeded):
			r.err = fmt.Sprintf("no response within %s", x.cfg.Timeout)
		default:
			r.err = err.Error()
		}
		return finish()
	}
	defer resp.Body.Close()
	r.status = resp.StatusCode
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		r.ok = true
	} else {
		// The start of the answer helps the beheerder see why the receiver refused.
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		r.err = "HTTP " + resp.Status
		if s := strings.TrimSpace(strings.ToValidUTF8(string(head), "?")); s != "" && utf8.ValidString(s) {
			r.err += ": " + s
		}
	}
	// Read the rest (within reason) so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return finish()
}

// expire turns the due deliveries of a subscriber whose circuit is open into dead letters once
// they are older than MaxAge: they are not claimed while the circuit is open, so the normal
// dead-lettering after a failed attempt does not reach them.
func (x *Deliverer) expire(ctx context.Context, abonnement string, now time.Time) error {
	var n int64
	err := x.update(ctx, func(tx *db.Tx) error {
		var err error
		n, err = db.Affected(tx.Exec(ctx, `UPDATE delivery SET state = 'dead', next_attempt = NULL, lease_until = NULL,
			last_error = $1 WHERE abonnement = $2 AND state = 'pending' AND next_attempt <= $3 AND retry_from <= $4`,
			"not delivered within "+x.cfg.MaxAge.String()+": the receiver kept failing", abonnement, now, now.Add(-x.cfg.MaxAge)))
		return err
	})
	if err != nil {
		return fmt.Errorf("expire deliveries: %w", err)
	}
	x.metrics.dead.Add(float64(n))
	return nil
}
