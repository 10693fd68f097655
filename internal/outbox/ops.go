package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/meent/meent/internal/db"
)

// ErrState is returned by Deliveries for a state filter other than "", pending, delivered or dead.
var ErrState = errors.New("unknown delivery state")

// Deliveries lists the deliveries of one abonnement, newest first; state filters ("" = all).
// page counts from 1; size is capped at 1000. It returns the page and the total.
func (x *Deliverer) Deliveries(ctx context.Context, abonnement, state string, page, size int) ([]Delivery, int, error) {
	switch state {
	case "", StatePending, StateDelivered, StateDead:
	default:
		return nil, 0, fmt.Errorf("%w %q", ErrState, state)
	}
	a, ok := normID(abonnement)
	if !ok {
		return nil, 0, nil // no abonnement has that id
	}
	page, size = max(page, 1), min(max(size, 1), 1000)
	var w db.Where
	w.And("d.abonnement = ?", a)
	if state != "" {
		w.And("d.state = ?", state)
	}
	var count int
	if err := x.db.QueryRow(ctx, `SELECT count(*) FROM delivery d`+w.SQL(), w.Args...).Scan(&count); err != nil {
		return nil, 0, fmt.Errorf("count deliveries: %w", err)
	}
	if (page-1)*size >= count {
		return []Delivery{}, count, nil
	}
	n := len(w.Args)
	rows, err := x.db.Query(ctx, fmt.Sprintf(`SELECT d.id, d.abonnement, d.state, d.attempts, d.next_attempt, d.delivered_at,
		d.last_status, d.last_error, d.log, %s FROM delivery d JOIN outbox o ON o.id = d.outbox_id%s
		ORDER BY d.id DESC LIMIT $%d OFFSET $%d`, messageColumns, w.SQL(), n+1, n+2),
		append(w.Args, size, (page-1)*size)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var d Delivery
		var log string
		var next, delivered time.Time
		var m message
		if err := rows.Scan(append([]any{&d.ID, &d.Abonnement, &d.State, &d.Attempts, timeScanner{&next}, timeScanner{&delivered},
			&d.LastStatus, &d.LastError, &log}, m.dest()...)...); err != nil {
			return nil, 0, fmt.Errorf("list deliveries: %w", err)
		}
		if err := m.finish(); err != nil {
			return nil, 0, fmt.Errorf("delivery %s: %w", d.ID, err)
		}
		d.Notificatie = m.n
		if err := json.Unmarshal([]byte(log), &d.AttemptsLog); err != nil {
			return nil, 0, fmt.Errorf("delivery %s: log: %w", d.ID, err)
		}
		if d.State == StatePending && !next.IsZero() {
			d.NextAttempt = &next
		}
		if !delivered.IsZero() {
			d.DeliveredAt = &delivered
		}
		out = append(out, d)
	}
	return out, count, rows.Err()
}

// Replay puts dead letters of an abonnement back in the queue: one (id) or all (id == "").
// It returns how many were requeued. A replayed delivery is due at once and gets a fresh
// retry period of MaxAge with its backoff starting over; its log keeps the earlier attempts.
func (x *Deliverer) Replay(ctx context.Context, abonnement, id string) (int, error) {
	a, ok := normID(abonnement)
	if !ok {
		return 0, nil
	}
	var w db.Where
	now := x.now()
	w.And("abonnement = ?", a)
	w.And("state = 'dead'")
	if id != "" {
		d, ok := normID(id)
		if !ok {
			return 0, nil
		}
		w.And("id = ?", d)
	}
	var n int64
	err := x.db.Update(ctx, func(tx *db.Tx) error {
		var err error
		n, err = db.Affected(tx.Exec(ctx, fmt.Sprintf(`UPDATE delivery SET state = 'pending', next_attempt = $%d, retry_from = $%d,
			lease_until = NULL%s`, len(w.Args)+1, len(w.Args)+1, w.SQL()), append(w.Args, now)...))
		if n > 0 {
			tx.Signal(deliverySignal)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	if n > 0 {
		x.closeCircuit(a)
	}
	return int(n), nil
}

// closeCircuit forgets this node's failures of a subscriber: a replay is a beheerder saying
// "try now", which an open circuit (up to CircuitMaxCooldown) would otherwise postpone. A
// receiver that still fails opens it again after CircuitThreshold attempts.
func (x *Deliverer) closeCircuit(abonnement string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if l := x.lanes[abonnement]; l != nil {
		l.fails, l.opens, l.openUntil = 0, 0, time.Time{}
	}
}

// Pause stops deliveries to an abonnement (they wait, they are not dropped); Resume restarts them.
// POSTs already in flight finish. A paused delivery does not age into a dead letter while it
// waits; after Resume, one that is older than MaxAge gets one more attempt.
func (x *Deliverer) Pause(ctx context.Context, abonnement string) error {
	return x.setPaused(ctx, abonnement, true)
}

// Resume restarts the deliveries of a paused abonnement.
func (x *Deliverer) Resume(ctx context.Context, abonnement string) error {
	return x.setPaused(ctx, abonnement, false)
}

func (x *Deliverer) setPaused(ctx context.Context, abonnement string, paused bool) error {
	a, ok := normID(abonnement)
	if !ok {
		return fmt.Errorf("abonnement %q is not a uuid", abonnement)
	}
	return x.db.Update(ctx, func(tx *db.Tx) error {
		// The subscriber row may not exist yet (nothing routed to it so far); routing fills in
		// its callback later and keeps the flag.
		if _, err := tx.Exec(ctx, `INSERT INTO delivery_subscriber (abonnement, callback_url, auth, paused) VALUES ($1, '', '', $2)
			ON CONFLICT (abonnement) DO UPDATE SET paused = excluded.paused`, a, paused); err != nil {
			return fmt.Errorf("pause: %w", err)
		}
		if !paused {
			tx.Signal(deliverySignal)
		}
		return nil
	})
}

// Forget drops the pending deliveries of a deleted abonnement, and its dead letters, inside
// the transaction that deletes it. Its delivered log stays until Retention removes it.
func (x *Deliverer) Forget(ctx context.Context, tx *db.Tx, abonnement string) error {
	a, ok := normID(abonnement)
	if !ok {
		return nil
	}
	// The tombstone first: on PostgreSQL it locks the subscriber row, so a routing
	// transaction that is writing deliveries for it finishes before the DELETE looks.
	if _, err := tx.Exec(ctx, `INSERT INTO delivery_subscriber (abonnement, callback_url, auth, deleted) VALUES ($1, '', '', TRUE)
		ON CONFLICT (abonnement) DO UPDATE SET deleted = TRUE, callback_url = '', auth = ''`, a); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM delivery WHERE abonnement = $1 AND state <> 'delivered'`, a); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	return nil
}

// SetTarget records at once where the deliveries of an abonnement go, inside the transaction
// that creates or changes it. Without it the new callbackUrl and auth are taken over when the
// next notification for the abonnement is routed; with it, waiting retries use them too.
func (x *Deliverer) SetTarget(ctx context.Context, tx *db.Tx, t Target) error {
	a, ok := normID(t.Abonnement)
	if !ok {
		return fmt.Errorf("abonnement %q is not a uuid", t.Abonnement)
	}
	t.Abonnement = a
	return x.upsert(ctx, tx, []Target{t})
}

// pruneBatch is how many rows one pruning transaction removes: small enough that a batch
// takes milliseconds and never holds up routing or recording for long.
const pruneBatch = 1000

// prune removes what Retention no longer keeps, in small transactions with a pause between
// them (pruneGap) until nothing is left to remove:
//   - delivered deliveries and dead letters older than Retention; the UUIDv7 ids make "older
//     than" a range of the primary key (abonnement, id);
//   - routed outbox rows routed longer than Retention ago to which no undelivered delivery
//     refers: a delivery still pending (for a paused abonnement, or replayed) keeps its
//     message. Their delivered log went with the first step.
//
// Rows that no abonnement matched are kept as long, as the archive of what was published.
func (x *Deliverer) prune(ctx context.Context) error {
	if x.cfg.Retention < 0 {
		return nil
	}
	now := x.now()
	cutoff := v7(now.Add(-x.cfg.Retention).UnixMilli(), 0, false)
	var subs []string
	rows, err := x.db.Query(ctx, `SELECT abonnement FROM delivery_subscriber`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range subs {
		for {
			var n int64
			err := x.update(ctx, func(tx *db.Tx) error {
				var err error
				n, err = db.Affected(tx.Exec(ctx, `DELETE FROM delivery WHERE abonnement = $1 AND id IN (SELECT id FROM delivery
					WHERE abonnement = $1 AND id < $2 AND state IN ('delivered', 'dead') ORDER BY id LIMIT $3)`, a, cutoff, pruneBatch))
				return err
			})
			if err != nil {
				return fmt.Errorf("prune deliveries: %w", err)
			}
			if n < pruneBatch || !x.pause(ctx) {
				break
			}
		}
	}
	// The outbox in id order, a range of ids at a time; a row routed (or, unrouted, written)
	// too recently ends the pass: the rows after it are younger, give or take concurrent
	// writers, which the next pass catches. Rows that must stay (unrouted, or needed by an
	// undelivered delivery) are passed over.
	routedBefore := now.Add(-x.cfg.Retention - pruneMargin)
	var after int64
	for {
		var last int64
		var young bool
		err := x.update(ctx, func(tx *db.Tx) error {
			var upto sql.NullInt64
			var unripe int
			if err := tx.QueryRow(ctx, `SELECT max(id), sum(CASE WHEN COALESCE(routed_at, created_at, aanmaakdatum) < $3 THEN 0 ELSE 1 END)
				FROM (SELECT id, routed_at, created_at, aanmaakdatum FROM outbox WHERE id > $1 ORDER BY id LIMIT $2) AS b`,
				after, pruneBatch, routedBefore).Scan(&upto, &unripeScanner{&unripe}); err != nil {
				return err
			}
			if !upto.Valid {
				young = true
				return nil
			}
			last, young = upto.Int64, unripe > 0
			_, err := tx.Exec(ctx, `DELETE FROM outbox WHERE id > $1 AND id <= $2 AND routed
				AND COALESCE(routed_at, created_at, aanmaakdatum) < $3
				AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.outbox_id = outbox.id AND d.state <> 'delivered')`,
				after, last, routedBefore)
			return err
		})
		if err != nil {
			return fmt.Errorf("prune outbox: %w", err)
		}
		after = last
		if young || !x.pause(ctx) {
			return nil
		}
	}
}

// pruneMargin keeps an outbox row a little longer than the deliveries made from it, whose
// ids were taken a moment after the row was marked routed.
const pruneMargin = time.Minute

// pruneGap is the pause between two pruning transactions.
const pruneGap = 10 * time.Millisecond

// pause waits pruneGap between two pruning transactions, so that routing and recording, which
// share the database, go first; false when ctx ended.
func (x *Deliverer) pause(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(pruneGap):
		return true
	}
}

// unripeScanner reads a SUM that is NULL over no rows as 0.
type unripeScanner struct{ n *int }

func (s *unripeScanner) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.n = int(n.Int64)
	return nil
}
