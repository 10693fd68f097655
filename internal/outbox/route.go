package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Routing: each outbox row becomes one delivery per target, exactly once. On PostgreSQL the
// rows are claimed with FOR UPDATE SKIP LOCKED inside the transaction that writes their
// deliveries and marks them routed, so concurrent nodes take different rows and a crash
// leaves them unrouted. SQLite has one writer per database and one Deliverer per process: it
// reads and routes outside the write transaction (so the single writer connection is not held
// while the Router works) and the write marks only rows that are still unrouted.

type outboxRow struct {
	id int64
	message
}

type newDelivery struct {
	id, abonnement string
	outboxID       int64
}

// messageColumns are the columns of a notification in the outbox (alias o), read by message.
const messageColumns = `o.kanaal, o.hoofd_object, o.resource, o.resource_url, o.actie, o.aanmaakdatum, o.kenmerken,
	COALESCE(o.created_at, o.aanmaakdatum)`

// message is a notification as stored in the outbox, and when its transaction ran.
type message struct {
	n          zgw.Notificatie
	enqueuedAt time.Time
	kenmerken  string
}

// dest are the scan destinations of messageColumns.
func (m *message) dest() []any {
	return []any{&m.n.Kanaal, &m.n.HoofdObject, &m.n.Resource, &m.n.ResourceURL, &m.n.Actie,
		timeScanner{&m.n.Aanmaakdatum}, &m.kenmerken, timeScanner{&m.enqueuedAt}}
}

// finish decodes what dest scanned.
func (m *message) finish() error {
	if err := json.Unmarshal([]byte(m.kenmerken), &m.n.Kenmerken); err != nil {
		return fmt.Errorf("kenmerken: %w", err)
	}
	if m.n.Kenmerken == nil {
		m.n.Kenmerken = map[string]string{}
	}
	m.n.Aanmaakdatum = m.n.Aanmaakdatum.UTC()
	return nil
}

// plan is the routing of a batch of rows.
type plan struct {
	ids        []int64
	targets    map[string]Target
	deliveries []newDelivery
	messages   map[int64]message // by outbox id, for the deliveries this node takes at once
	taken      []claim           // deliveries claimed in the routing transaction (take)
}

// routeScan remembers where routing may start reading the outbox. The partial index of
// unrouted rows keeps an entry for every routed row until the table is vacuumed, and a scan
// from its start reads them all: measured, 9 ms for a pass that found nothing after 5,000
// rows had been routed, on every pass, growing with the table. So a pass starts after the
// highest id that passes of at least straggle ago routed. A row with a lower id can still
// commit after that only if its transaction ran longer than straggle after writing it; such
// a row is found by the pass from the start that runs every fullScan (and at start-up).
type routeScan struct {
	passes []routePass // recent passes that routed rows
	base   int64       // highest id routed by passes older than straggle
	full   time.Time   // last pass from the start
}

type routePass struct {
	at  time.Time
	max int64
}

const (
	straggle = 5 * time.Second
	fullScan = 30 * time.Second
)

// from returns the id after which the pass starting now reads (0: from the start).
func (s *routeScan) from(now time.Time) int64 {
	if s.full.IsZero() || now.Sub(s.full) >= fullScan {
		s.full = now
		return 0
	}
	i := 0
	for ; i < len(s.passes) && now.Sub(s.passes[i].at) >= straggle; i++ {
		s.base = max(s.base, s.passes[i].max)
	}
	s.passes = s.passes[i:]
	return s.base
}

// routed notes a pass that started at and routed rows up to id max.
func (s *routeScan) routed(at time.Time, max int64) {
	s.passes = append(s.passes, routePass{at, max})
}

// route routes one batch of unrouted outbox rows and returns how many rows it took.
func (x *Deliverer) route(ctx context.Context) (int, error) {
	var p *plan
	start := time.Now()
	from := x.scan.from(start)
	if x.db.Dialect != db.Postgres {
		rows, err := x.unrouted(ctx, x.db, from, "")
		if err != nil || len(rows) == 0 {
			return 0, err
		}
		if p, err = x.plan(ctx, rows); err != nil {
			return 0, err
		}
	}
	n := 0
	err := x.update(ctx, func(tx *db.Tx) error {
		if p == nil {
			rows, err := x.unrouted(ctx, tx, from, " FOR UPDATE SKIP LOCKED")
			if err != nil || len(rows) == 0 {
				return err
			}
			if p, err = x.plan(ctx, rows); err != nil {
				return err
			}
		}
		n = len(p.ids)
		return x.write(ctx, tx, p)
	})
	if p != nil && len(p.taken) > 0 {
		if err != nil {
			x.untake(p.taken)
		} else {
			x.enqueue(ctx, p.taken)
		}
	}
	if err != nil {
		return 0, err
	}
	if n > 0 {
		x.scan.routed(start, p.ids[len(p.ids)-1])
	}
	return n, nil
}

// unrouted reads the oldest unrouted rows with an id above from; lock is the PostgreSQL
// row-locking clause.
func (x *Deliverer) unrouted(ctx context.Context, q db.Querier, from int64, lock string) ([]outboxRow, error) {
	rows, err := q.Query(ctx, `SELECT o.id, `+messageColumns+` FROM outbox o WHERE NOT o.routed AND o.id > $2 ORDER BY o.id LIMIT $1`+lock,
		x.cfg.BatchSize, from)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(append([]any{&r.id}, r.dest()...)...); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		if err := r.finish(); err != nil {
			return nil, fmt.Errorf("outbox row %d: %w", r.id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// plan asks the Router for the targets of each row, against the abonnementen as they are now.
func (x *Deliverer) plan(ctx context.Context, rows []outboxRow) (*plan, error) {
	p := &plan{targets: map[string]Target{}, messages: map[int64]message{}}
	for _, r := range rows {
		p.ids = append(p.ids, r.id)
		p.messages[r.id] = r.message
		targets, err := x.router.Route(ctx, r.n)
		if err != nil {
			return nil, fmt.Errorf("route outbox row %d: %w", r.id, err)
		}
		if len(targets) == 0 {
			continue
		}
		now := x.now()
		seen := map[string]bool{}
		for _, t := range targets {
			a, ok := normID(t.Abonnement)
			if !ok || t.CallbackURL == "" {
				x.log.Error("notificaties: router returned an unusable target; skipped", "abonnement", t.Abonnement)
				continue
			}
			if seen[a] {
				continue // one delivery per abonnement, even if several filter groups match
			}
			t.Abonnement = a
			seen[a] = true
			p.targets[t.Abonnement] = t
			p.deliveries = append(p.deliveries, newDelivery{
				id: x.ids.next(now), abonnement: t.Abonnement, outboxID: r.id,
			})
		}
	}
	return p, nil
}

// write stores the deliveries of p and marks its rows routed.
func (x *Deliverer) write(ctx context.Context, tx *db.Tx, p *plan) error {
	gone, paused, err := x.upsertTargets(ctx, tx, p.targets)
	if err != nil {
		return err
	}
	now := x.now()
	var keep []newDelivery
	for _, d := range p.deliveries {
		if !gone[d.abonnement] {
			keep = append(keep, d)
		}
	}
	if len(keep) > 0 {
		var lease time.Time
		if p.taken, lease, err = x.take(p, keep, paused, now); err != nil {
			return err
		}
		taken := make(map[string]bool, len(p.taken))
		for _, c := range p.taken {
			taken[c.id] = true
		}
		rows := make([][]any, len(keep))
		for i, d := range keep {
			rows[i] = []any{d.id, d.abonnement, d.outboxID, nil}
			if taken[d.id] && x.db.Dialect == db.Postgres {
				rows[i][3] = x.jsonTime(&lease)
			}
		}
		param, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO delivery (id, abonnement, outbox_id, retry_from, next_attempt, state, lease_until)
			SELECT v.c1, v.c2, v.c3, $2, $2, 'pending', v.c4 FROM `+x.rowsParam(1, "UUID", "UUID", "BIGINT", "TIMESTAMPTZ")+` AS v`,
			string(param), now); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
	}
	idRows := make([][1]int64, len(p.ids))
	for i, id := range p.ids {
		idRows[i][0] = id
	}
	ids, err := json.Marshal(idRows)
	if err != nil {
		return err
	}
	// As with stillPending: CAST keeps the planner off the partial index of unrouted rows.
	marked, err := db.Affected(tx.Exec(ctx, `UPDATE outbox SET routed = TRUE, routed_at = $2 WHERE CAST(routed AS INTEGER) = 0 AND id IN (SELECT c1 FROM `+
		x.rowsParam(1, "BIGINT")+` AS v)`, string(ids), now))
	if err != nil {
		return fmt.Errorf("mark outbox rows routed: %w", err)
	}
	if int(marked) != len(p.ids) {
		// Another Deliverer on this SQLite database routed some of them meanwhile.
		return fmt.Errorf("outbox rows routed concurrently (%d of %d)", marked, len(p.ids))
	}
	if len(keep) > len(p.taken) {
		// Deliveries that this node did not take: any node may claim them.
		tx.Signal(deliverySignal)
	}
	return nil
}

// upsertTargets records where each abonnement's deliveries go and returns the abonnementen
// that were deleted (Forget) meanwhile. The upsert locks the subscriber row on PostgreSQL even
// when nothing changes, which orders it against a concurrent Forget: either Forget runs after
// this transaction and removes its deliveries, or it ran before and its tombstone is seen here.
func (x *Deliverer) upsertTargets(ctx context.Context, tx *db.Tx, targets map[string]Target) (gone, paused map[string]bool, err error) {
	if len(targets) == 0 {
		return nil, nil, nil
	}
	// In key order, so two nodes routing for the same subscribers lock their rows in the same
	// order and cannot deadlock.
	list := slices.SortedFunc(maps.Values(targets), func(a, b Target) int { return strings.Compare(a.Abonnement, b.Abonnement) })
	if err := x.upsert(ctx, tx, list); err != nil {
		return nil, nil, err
	}
	ids := make([]any, len(list))
	for i, t := range list {
		ids[i] = t.Abonnement
	}
	rows, err := tx.Query(ctx, `SELECT abonnement, deleted FROM delivery_subscriber WHERE (deleted OR paused) AND abonnement IN (`+
		db.Placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	gone, paused = map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var a string
		var deleted bool
		if err := rows.Scan(&a, &deleted); err != nil {
			return nil, nil, err
		}
		if deleted {
			gone[a] = true
		} else {
			paused[a] = true
		}
	}
	return gone, paused, rows.Err()
}

// take claims, for this node, the new deliveries of subscribers whose lanes can use them now:
// not paused, circuit closed, no older deliveries due that the lane has yet to claim (so the
// new ones do not overtake a backlog), and room under the lane's claim limits. The routing
// transaction writes them with this node's lease; after the commit they go straight into the
// lanes' queues (enqueue), with the message the router already read. This spares, per
// delivery, the claim that would read it back and lease it, and the wait for that claim: under
// load most deliveries are taken this way. The ids are reserved in the lanes at once, so that
// a concurrent claim (SQLite: a peek) skips them; untake drops the reservations if the
// transaction fails.
func (x *Deliverer) take(p *plan, keep []newDelivery, paused map[string]bool, now time.Time) ([]claim, time.Time, error) {
	var lease time.Time
	if x.db.Dialect == db.Postgres {
		lease = now.Add(x.cfg.Lease).Truncate(time.Microsecond)
	}
	bodies := map[int64]string{}
	per := x.cfg.PerSubscriber
	var out []claim
	x.mu.Lock()
	defer x.mu.Unlock()
	room := map[string]int{}
	for _, d := range keep {
		if paused[d.abonnement] {
			continue
		}
		l := x.lanes[d.abonnement]
		if l == nil {
			t := p.targets[d.abonnement]
			l = &lane{abonnement: t.Abonnement, callback: t.CallbackURL, auth: t.Auth, ids: map[string]time.Time{}}
			x.lanes[d.abonnement] = l
		}
		n, ok := room[d.abonnement]
		if !ok {
			n = 0
			if l.openUntil.IsZero() && !l.hungry {
				n = min(prefetch*per-l.held(), 2*prefetch*per-len(l.ids))
			}
		}
		if n <= 0 {
			room[d.abonnement] = 0
			continue
		}
		room[d.abonnement] = n - 1
		body, ok := bodies[d.outboxID]
		m := p.messages[d.outboxID]
		if !ok {
			b, err := json.Marshal(m.n)
			if err != nil {
				for _, c := range out {
					delete(x.lanes[c.abonnement].ids, c.id)
				}
				return nil, lease, err
			}
			body = string(b)
			bodies[d.outboxID] = body
		}
		t := p.targets[d.abonnement]
		out = append(out, claim{id: d.id, abonnement: d.abonnement, callback: t.CallbackURL, auth: t.Auth, body: body,
			enqueuedAt: m.enqueuedAt, retryFrom: now, log: "[]"})
		l.ids[d.id] = lease
	}
	return out, lease, nil
}

// untake drops the reservations of take after a failed routing transaction.
func (x *Deliverer) untake(cs []claim) {
	if len(cs) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range cs {
		if l := x.lanes[c.abonnement]; l != nil {
			delete(l.ids, c.id)
		}
	}
}

// enqueue puts the deliveries that routing took into their lanes' queues and starts POSTs.
func (x *Deliverer) enqueue(ctx context.Context, cs []claim) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range cs {
		l := x.lanes[c.abonnement]
		if l == nil {
			continue // cannot happen: a lane with reserved ids is not removed
		}
		l.queue = append(l.queue, c)
		x.ready[l] = struct{}{}
	}
	if ctx.Err() == nil {
		x.launch(ctx)
	}
}

// upsert records the callback and auth of the targets; a deleted (tombstoned) subscriber
// stays deleted, and an unchanged one is not rewritten.
func (x *Deliverer) upsert(ctx context.Context, tx *db.Tx, targets []Target) error {
	rows := make([][3]string, len(targets))
	for i, t := range targets {
		rows[i] = [3]string{t.Abonnement, t.CallbackURL, t.Auth}
	}
	param, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	// WHERE TRUE: SQLite needs it to tell ON CONFLICT from a join's ON.
	_, err = tx.Exec(ctx, `INSERT INTO delivery_subscriber (abonnement, callback_url, auth)
		SELECT v.c1, v.c2, v.c3 FROM `+x.rowsParam(1, "UUID", "TEXT", "TEXT")+` AS v WHERE TRUE
		ON CONFLICT (abonnement) DO UPDATE SET callback_url = excluded.callback_url, auth = excluded.auth
		WHERE NOT delivery_subscriber.deleted
		  AND (delivery_subscriber.callback_url <> excluded.callback_url OR delivery_subscriber.auth <> excluded.auth)`, string(param))
	if err != nil {
		return fmt.Errorf("subscribers: %w", err)
	}
	return nil
}
