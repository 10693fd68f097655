package outbox

import (
	"context"
	"encoding/json"
	"fmt"
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
	id         int64
	n          zgw.Notificatie
	enqueuedAt time.Time
}

type newDelivery struct {
	id, abonnement string
	outboxID       int64
	body           string
	enqueuedAt     time.Time
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
	rows, err := q.Query(ctx, `SELECT id, kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum, kenmerken, created_at
		FROM outbox WHERE NOT routed ORDER BY id LIMIT $1`+lock, x.cfg.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		var kenmerken string
		if err := rows.Scan(&r.id, &r.n.Kanaal, &r.n.HoofdObject, &r.n.Resource, &r.n.ResourceURL, &r.n.Actie,
			timeScanner{&r.n.Aanmaakdatum}, &kenmerken, timeScanner{&r.enqueuedAt}); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		if err := json.Unmarshal([]byte(kenmerken), &r.n.Kenmerken); err != nil {
			return nil, fmt.Errorf("outbox row %d: kenmerken: %w", r.id, err)
		}
		if r.n.Kenmerken == nil {
			r.n.Kenmerken = map[string]string{}
		}
		r.n.Aanmaakdatum = r.n.Aanmaakdatum.UTC()
		if r.enqueuedAt.IsZero() {
			r.enqueuedAt = r.n.Aanmaakdatum
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
		body, err := json.Marshal(r.n)
		if err != nil {
			return nil, err
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
				id: x.ids.next(now), abonnement: t.Abonnement, outboxID: r.id, body: string(body), enqueuedAt: r.enqueuedAt,
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
	const cols = 7
	for start := 0; start < len(keep); start += 100 {
		chunk := keep[start:min(start+100, len(keep))]
		var sql strings.Builder
		sql.WriteString(`INSERT INTO delivery (id, abonnement, outbox_id, body, enqueued_at, retry_from, next_attempt, state) VALUES `)
		args := make([]any, 0, cols*len(chunk))
		for i, d := range chunk {
			if i > 0 {
				sql.WriteByte(',')
			}
			sql.WriteString("(" + db.Placeholders(i*cols+1, cols) + ",'pending')")
			args = append(args, d.id, d.abonnement, d.outboxID, d.body, d.enqueuedAt, now, now)
		}
		if _, err := tx.Exec(ctx, sql.String(), args...); err != nil {
			return fmt.Errorf("insert deliveries: %w", err)
		}
	}
	marked, err := db.Affected(tx.Exec(ctx, `UPDATE outbox SET routed = TRUE WHERE NOT routed AND id IN (`+db.Placeholders(1, len(p.ids))+`)`,
		db.Int64s(p.ids)...))
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
	ids := make([]any, 0, len(targets))
	for _, t := range targets {
		if err := upsertTarget(ctx, tx, t); err != nil {
			return nil, err
		}
		ids = append(ids, t.Abonnement)
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

func upsertTarget(ctx context.Context, tx *db.Tx, t Target) error {
	_, err := tx.Exec(ctx, `INSERT INTO delivery_subscriber (abonnement, callback_url, auth) VALUES ($1, $2, $3)
		ON CONFLICT (abonnement) DO UPDATE SET callback_url = excluded.callback_url, auth = excluded.auth
		WHERE NOT delivery_subscriber.deleted
		  AND (delivery_subscriber.callback_url <> excluded.callback_url OR delivery_subscriber.auth <> excluded.auth)`,
		t.Abonnement, t.CallbackURL, t.Auth)
	if err != nil {
		return fmt.Errorf("subscriber %s: %w", t.Abonnement, err)
	}
	return nil
}
