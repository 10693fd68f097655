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
}

// route routes one batch of unrouted outbox rows and returns how many rows it took.
func (x *Deliverer) route(ctx context.Context) (int, error) {
	var p *plan
	if x.db.Dialect != db.Postgres {
		rows, err := x.unrouted(ctx, x.db, "")
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
			rows, err := x.unrouted(ctx, tx, " FOR UPDATE SKIP LOCKED")
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
	if err != nil {
		return 0, err
	}
	return n, nil
}

// unrouted reads the oldest unrouted rows; lock is the PostgreSQL row-locking clause.
func (x *Deliverer) unrouted(ctx context.Context, q db.Querier, lock string) ([]outboxRow, error) {
	rows, err := q.Query(ctx, `SELECT o.id, `+messageColumns+` FROM outbox o WHERE NOT o.routed ORDER BY o.id LIMIT $1`+lock,
		x.cfg.BatchSize)
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
	p := &plan{targets: map[string]Target{}}
	for _, r := range rows {
		p.ids = append(p.ids, r.id)
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
	gone, err := x.upsertTargets(ctx, tx, p.targets)
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
		rows := make([][]any, len(keep))
		for i, d := range keep {
			rows[i] = []any{d.id, d.abonnement, d.outboxID}
		}
		param, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO delivery (id, abonnement, outbox_id, retry_from, next_attempt, state)
			SELECT v.c1, v.c2, v.c3, $2, $2, 'pending' FROM `+x.rowsParam(1, "UUID", "UUID", "BIGINT")+` AS v`,
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
	marked, err := db.Affected(tx.Exec(ctx, `UPDATE outbox SET routed = TRUE WHERE CAST(routed AS INTEGER) = 0 AND id IN (SELECT c1 FROM `+
		x.rowsParam(1, "BIGINT")+` AS v)`, string(ids)))
	if err != nil {
		return fmt.Errorf("mark outbox rows routed: %w", err)
	}
	if int(marked) != len(p.ids) {
		// Another Deliverer on this SQLite database routed some of them meanwhile.
		return fmt.Errorf("outbox rows routed concurrently (%d of %d)", marked, len(p.ids))
	}
	if len(keep) > 0 {
		tx.Signal(deliverySignal)
	}
	return nil
}

// upsertTargets records where each abonnement's deliveries go and returns the abonnementen
// that were deleted (Forget) meanwhile. The upsert locks the subscriber row on PostgreSQL even
// when nothing changes, which orders it against a concurrent Forget: either Forget runs after
// this transaction and removes its deliveries, or it ran before and its tombstone is seen here.
func (x *Deliverer) upsertTargets(ctx context.Context, tx *db.Tx, targets map[string]Target) (map[string]bool, error) {
	if len(targets) == 0 {
		return nil, nil
	}
	// In key order, so two nodes routing for the same subscribers lock their rows in the same
	// order and cannot deadlock.
	list := slices.SortedFunc(maps.Values(targets), func(a, b Target) int { return strings.Compare(a.Abonnement, b.Abonnement) })
	if err := x.upsert(ctx, tx, list); err != nil {
		return nil, err
	}
	ids := make([]any, len(list))
	for i, t := range list {
		ids[i] = t.Abonnement
	}
	rows, err := tx.Query(ctx, `SELECT abonnement FROM delivery_subscriber WHERE deleted AND abonnement IN (`+db.Placeholders(1, len(ids))+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gone := map[string]bool{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		gone[a] = true
	}
	return gone, rows.Err()
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
