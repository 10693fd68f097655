package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/meent/meent/internal/db"
)

// Dispatching: deliveries are claimed per subscriber, in batches of up to prefetch·PerSubscriber
// (so the database work is shared by many POSTs), and POSTed with at most PerSubscriber in flight
// per subscriber and Workers in all on this node, so a dead or slow receiver ties up only its own
// share of the workers and never delays the others. On PostgreSQL a claim sets a lease
// (lease_until): other nodes skip the delivery until the lease ends, and if this node dies
// mid-POST the delivery simply becomes due again when it does (at-least-once). A claim changes
// no indexed column, so it is a cheap write (a HOT update). While a delivery waits in this
// node's queue or is being posted, the node renews its lease (renew), so a lease can be short
// (Lease) however long the queue. On SQLite the claims live in memory (peek).
//
// A circuit per subscriber stops POSTing to a receiver after CircuitThreshold consecutive
// failures (handing back what it had claimed) and lets one probe through after a growing
// cool-down; the first success closes it and makes the subscriber's waiting retries due at
// once, so a receiver that comes back gets its backlog without waiting out every backoff.

// prefetch is how many rounds of PerSubscriber POSTs a subscriber may have claimed on a node:
// enough to keep its POSTs going while the next claim makes its round trip to the database.
const prefetch = 16

// lane is this node's view of one subscriber.
type lane struct {
	abonnement, callback, auth string
	queue                      []claim              // claimed, waiting for a worker
	running                    int                  // POSTs in flight
	hungry                     bool                 // more may be due: claim when the queue runs low
	ids                        map[string]time.Time // claimed and not yet recorded: their lease (PostgreSQL)

	fails     int       // consecutive failed attempts
	opens     int       // consecutive openings of the circuit without a success in between
	openUntil time.Time // zero: circuit closed; else open until then, then one probe at a time
	probing   bool
	swept     time.Time // last dead-letter sweep while the circuit was open
}

func (l *lane) held() int { return len(l.queue) + l.running }

// runsLow tells whether a subscriber with held deliveries claimed should claim more: when
// half of what it may hold is left, so claims come in batches of at least that half.
func runsLow(held, per int) bool { return held <= prefetch*per/2 }

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
func (x *Deliverer) subscribers(ctx context.Context, now time.Time) ([]subscriber, error) {
	rows, err := x.db.Query(ctx, `SELECT s.abonnement, s.callback_url, s.auth,
			(SELECT d.next_attempt FROM delivery d WHERE d.abonnement = s.abonnement AND d.state = 'pending'
			 AND (d.lease_until IS NULL OR d.lease_until <= $1) ORDER BY d.next_attempt LIMIT 1)
		FROM delivery_subscriber s WHERE NOT s.paused AND NOT s.deleted AND s.callback_url <> ''`, now)
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
	now := x.now()
	var subs []subscriber
	if full {
		var err error
		if subs, err = x.subscribers(ctx, now); err != nil {
			return 0, time.Time{}, err
		}
		if err := x.renew(ctx, now); err != nil {
			return 0, time.Time{}, err
		}
	}
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
		skip                       map[string]time.Time
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
				l = &lane{abonnement: s.abonnement, ids: map[string]time.Time{}}
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
				if l.held() == 0 && len(l.ids) == 0 {
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
		w := want{l: l, abonnement: l.abonnement, callback: l.callback, auth: l.auth, held: l.held(), skip: maps.Clone(l.ids)}
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
		case w.held > 0 && !runsLow(w.held, per):
			continue // enough in hand; claim again when it runs low
		default:
			// Claimed deliveries whose outcomes wait to be recorded count too, so a slow
			// database holds the POSTs back instead of letting outcomes pile up in memory.
			w.n = min(prefetch*per-w.held, 2*prefetch*per-len(l.ids))
			if w.n <= 0 {
				continue
			}
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
	var err error
	var lease time.Time // PostgreSQL; microseconds, as the database keeps it (renew compares)
	if x.db.Dialect == db.Postgres {
		lease = now.Add(x.cfg.Lease).Truncate(time.Microsecond)
		lanes := make([]laneClaim, len(wants))
		for i, w := range wants {
			lanes[i] = laneClaim{w.abonnement, w.n, lease}
		}
		var got map[string][]claim
		err = x.update(ctx, func(tx *db.Tx) error {
			got, err = x.claim(ctx, tx, lanes, now)
			return err
		})
		for i, w := range wants {
			claims[i] = got[w.abonnement]
		}
	} else {
		for i, w := range wants {
			if claims[i], err = x.peek(ctx, w.abonnement, w.n, now, w.skip); err != nil {
				break
			}
		}
	}
	for i, w := range wants {
		for j := range claims[i] {
			claims[i][j].callback, claims[i][j].auth = w.callback, w.auth
		}
	}
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
			for _, c := range got {
				w.l.ids[c.id] = lease
			}
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

// renew extends the leases of the deliveries this node holds (PostgreSQL), a third of Lease
// before they would end. A delivery whose lease ended all the same (the node stalled) and was
// taken by another node is not renewed: its row no longer has this node's lease.
func (x *Deliverer) renew(ctx context.Context, now time.Time) error {
	if x.db.Dialect != db.Postgres || now.Sub(x.renewed) < x.cfg.Lease/3 {
		return nil
	}
	x.renewed = now
	var rows [][]any
	x.mu.Lock()
	for _, l := range x.lanes {
		for id, lease := range l.ids {
			if lease.Sub(now) < 2*x.cfg.Lease/3 {
				rows = append(rows, []any{l.abonnement, id, x.jsonTime(&lease)})
			}
		}
	}
	x.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	param, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	lease := now.Add(x.cfg.Lease).Truncate(time.Microsecond)
	var renewed [][2]string
	err = x.update(ctx, func(tx *db.Tx) error {
		renewed = renewed[:0]
		res, err := tx.Query(ctx, `UPDATE delivery SET lease_until = $2 FROM `+x.rowsParam(1, "UUID", "UUID", "TIMESTAMPTZ")+` AS v
			WHERE delivery.abonnement = v.c1 AND delivery.id = v.c2 AND delivery.lease_until = v.c3 AND `+stillPending+`
			RETURNING delivery.abonnement, delivery.id`, string(param), lease)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var r [2]string
			if err := res.Scan(&r[0], &r[1]); err != nil {
				return err
			}
			renewed = append(renewed, r)
		}
		return res.Err()
	})
	if err != nil {
		return fmt.Errorf("renew leases: %w", err)
	}
	x.mu.Lock()
	for _, r := range renewed {
		if l := x.lanes[r[0]]; l != nil {
			if _, held := l.ids[r[1]]; held {
				l.ids[r[1]] = lease
			}
		}
	}
	x.mu.Unlock()
	return nil
}

// laneClaim asks for up to n deliveries of a subscriber, leased until lease.
type laneClaim struct {
	abonnement string
	n          int
	lease      time.Time
}

// claim takes the leases of due deliveries for each lane (PostgreSQL): SKIP LOCKED keeps
// concurrent nodes on different rows, the lease keeps them off these until it ends. One
// statement per subscriber: its plan is a short scan of the subscriber's due index, where a
// single statement for all subscribers (a LATERAL join) gets generic plans that scan the table.
func (x *Deliverer) claim(ctx context.Context, tx *db.Tx, lanes []laneClaim, now time.Time) (map[string][]claim, error) {
	out := map[string][]claim{}
	for _, l := range lanes {
		rows, err := tx.Query(ctx, `UPDATE delivery SET lease_until = $1 FROM outbox o
			WHERE o.id = delivery.outbox_id AND delivery.abonnement = $2 AND delivery.id IN (SELECT id FROM delivery
				WHERE abonnement = $2 AND state = 'pending' AND next_attempt <= $3 AND (lease_until IS NULL OR lease_until <= $3)
				AND NOT EXISTS (SELECT 1 FROM delivery_subscriber s WHERE s.abonnement = $2 AND (s.paused OR s.deleted))
				ORDER BY next_attempt LIMIT $4 FOR UPDATE SKIP LOCKED)
			RETURNING delivery.id, delivery.attempts, delivery.retry_from, delivery.log, `+messageColumns, l.lease, l.abonnement, now, l.n)
		if err != nil {
			return nil, err
		}
		if out[l.abonnement], err = scanClaims(rows, l.abonnement, l.n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// peek takes up to n due deliveries of a subscriber on SQLite, where this Deliverer is the
// only worker of the database (one process per data dir): its claims live in memory (skip:
// claimed and not yet recorded), a read instead of a write per batch. A crash loses them,
// which makes the deliveries due again at once on restart.
func (x *Deliverer) peek(ctx context.Context, abonnement string, n int, now time.Time, skip map[string]time.Time) ([]claim, error) {
	rows, err := x.db.Query(ctx, `SELECT d.id, d.attempts, d.retry_from, d.log, `+messageColumns+`
		FROM delivery d JOIN outbox o ON o.id = d.outbox_id
		WHERE d.abonnement = $1 AND d.state = 'pending' AND d.next_attempt <= $2
			AND NOT EXISTS (SELECT 1 FROM delivery_subscriber s WHERE s.abonnement = $1 AND (s.paused OR s.deleted))
		ORDER BY d.next_attempt LIMIT $3`, abonnement, now, n+len(skip))
	if err != nil {
		return nil, err
	}
	return scanClaims(rows, abonnement, n, skip)
}

func scanClaims(rows *sql.Rows, abonnement string, n int, skip map[string]time.Time) ([]claim, error) {
	defer rows.Close()
	var out []claim
	for rows.Next() {
		c := claim{abonnement: abonnement}
		var m message
		if err := rows.Scan(append([]any{&c.id, &c.attempts, timeScanner{&c.retryFrom}, &c.log}, m.dest()...)...); err != nil {
			return nil, err
		}
		if _, held := skip[c.id]; held || len(out) == n {
			continue
		}
		if err := c.setMessage(m); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// setMessage sets the body to POST from the outbox row.
func (c *claim) setMessage(m message) error {
	if err := m.finish(); err != nil {
		return fmt.Errorf("delivery %s: %w", c.id, err)
	}
	body, err := json.Marshal(m.n)
	if err != nil {
		return err
	}
	c.body, c.enqueuedAt = string(body), m.enqueuedAt
	return nil
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
