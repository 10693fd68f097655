package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
)

// maxLog is how many attempts a delivery keeps in its log (the newest).
const maxLog = 100

// outcome is the new state of a delivery after an attempt.
type outcome struct {
	abonnement  string
	id, state   string
	attempts    int
	next        *time.Time
	deliveredAt *time.Time
	status      int
	err         string
	log         string
}

// decide applies the retry policy to r: delivered after a 2xx; otherwise retried after the
// backoff, but never later than MaxAge after the retry period started, and a dead letter once
// an attempt at or after that moment failed. So with the defaults a delivery is tried for 24
// hours, the last attempt falling at the 24-hour mark.
func (x *Deliverer) decide(r result) (outcome, error) {
	var log []Attempt
	if err := json.Unmarshal([]byte(r.log), &log); err != nil {
		return outcome{}, fmt.Errorf("delivery %s: log: %w", r.id, err)
	}
	log = append(log, Attempt{At: r.at, Status: r.status, Duration: r.dur, Error: r.err})
	if len(log) > maxLog {
		log = log[len(log)-maxLog:]
	}
	b, err := json.Marshal(log)
	if err != nil {
		return outcome{}, err
	}
	o := outcome{abonnement: r.abonnement, id: r.id, attempts: r.attempts + 1, status: r.status, err: r.err, log: string(b)}
	switch deadline := r.retryFrom.Add(x.cfg.MaxAge); {
	case r.ok:
		o.state = StateDelivered
		o.deliveredAt = &r.end
	case !r.end.Before(deadline):
		o.state = StateDead
	default:
		// The exponent counts the failures of this retry period (a replay starts afresh).
		n := 0
		for _, a := range log {
			if !a.At.Before(r.retryFrom) {
				n++
			}
		}
		next := r.end.Add(x.cfg.backoff(n))
		if next.After(deadline) {
			next = deadline
		}
		o.state = StatePending
		o.next = &next
	}
	return o, nil
}

// record writes the outcomes of a batch of POSTs in one transaction and then updates the
// metrics. A delivery that was replayed, forgotten or already recorded by another node
// meanwhile (state no longer pending) is left alone.
func (x *Deliverer) record(ctx context.Context, batch []result) error {
	if len(batch) == 0 {
		return nil
	}
	var outs []outcome
	var released [][2]string
	var recovered []string
	for _, r := range batch {
		if r.released {
			released = append(released, [2]string{r.abonnement, r.id})
			continue
		}
		o, err := x.decide(r)
		if err != nil {
			x.log.Error("notificaties: delivery log unreadable; recording the attempt without it", "err", err)
			r.log = "[]"
			if o, err = x.decide(r); err != nil {
				return err
			}
		}
		outs = append(outs, o)
		if r.recovered {
			recovered = append(recovered, r.abonnement)
		}
	}
	now := x.now()
	err := x.update(ctx, func(tx *db.Tx) error {
		for start := 0; start < len(outs); start += 100 {
			if err := x.writeOutcomes(ctx, tx, outs[start:min(start+100, len(outs))]); err != nil {
				return err
			}
		}
		if len(released) > 0 {
			param, err := json.Marshal(released)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE delivery SET lease_until = NULL FROM `+x.rowsParam(1, "UUID", "UUID")+` AS v
				WHERE delivery.abonnement = v.c1 AND delivery.id = v.c2 AND `+stillPending, string(param)); err != nil {
				return fmt.Errorf("release deliveries: %w", err)
			}
		}
		// The receiver is back: what waits for a retry is due now.
		for _, a := range recovered {
			if _, err := tx.Exec(ctx, `UPDATE delivery SET next_attempt = $1
				WHERE abonnement = $2 AND state = 'pending' AND lease_until IS NULL AND next_attempt > $1`, now, a); err != nil {
				return fmt.Errorf("resume retries: %w", err)
			}
		}
		if len(released) > 0 || len(recovered) > 0 {
			tx.Signal(deliverySignal)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Recorded deliveries no longer count against their lanes' claim limit: a lane that held
	// back for it may claim again.
	kick := false
	x.mu.Lock()
	for _, r := range batch {
		if l := x.lanes[r.abonnement]; l != nil {
			delete(l.ids, r.id)
			kick = kick || l.hungry && runsLow(l.held(), x.cfg.PerSubscriber)
		}
	}
	x.mu.Unlock()
	if kick {
		poke(x.kick)
	}
	for _, o := range outs {
		switch o.state {
		case StateDelivered:
			x.metrics.delivered.Inc()
		case StateDead:
			x.metrics.failed.Inc()
			x.metrics.dead.Inc()
		default:
			x.metrics.failed.Inc()
		}
	}
	for _, r := range batch {
		if r.ok {
			x.metrics.latency.Observe(r.end.Sub(r.enqueuedAt).Seconds())
		}
	}
	return nil
}

// stillPending guards the update of a batch of deliveries. It is written so that the
// PostgreSQL planner cannot use the partial index on pending deliveries for it: with the
// statistics of a table that grows fast, it would read every pending delivery through that
// index and hash-join the batch, instead of looking up each delivery by its key.
const stillPending = `delivery.state || '' = 'pending'`

// writeOutcomes updates the deliveries in one statement.
func (x *Deliverer) writeOutcomes(ctx context.Context, tx *db.Tx, outs []outcome) error {
	rows := make([][]any, len(outs))
	for i, o := range outs {
		rows[i] = []any{o.abonnement, o.id, o.state, o.attempts, x.jsonTime(o.next), x.jsonTime(o.deliveredAt), o.status, o.err, o.log}
	}
	param, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE delivery SET state = v.c3, attempts = v.c4, next_attempt = v.c5,
		lease_until = NULL, delivered_at = v.c6, last_status = v.c7, last_error = v.c8, log = v.c9
		FROM `+x.rowsParam(1, "UUID", "UUID", "TEXT", "INTEGER", "TIMESTAMPTZ", "TIMESTAMPTZ", "INTEGER", "TEXT", "TEXT")+` AS v
		WHERE delivery.abonnement = v.c1 AND delivery.id = v.c2 AND `+stillPending, string(param)); err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	return nil
}

// rowsParam is a row source (columns c1, c2, ...) that reads parameter n, a JSON array of
// arrays. Passing a batch as one JSON value keeps the statement short and its text constant,
// however many rows it has: statements are parsed on every execution, and a VALUES list with
// hundreds of placeholders costs more to parse than to run.
func (x *Deliverer) rowsParam(n int, types ...string) string {
	var b strings.Builder
	b.WriteString("(SELECT ")
	for i, typ := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		col := "value->>" + strconv.Itoa(i)
		if x.db.Dialect == db.Postgres {
			col = "CAST(" + col + " AS " + typ + ")"
		}
		b.WriteString(col + " AS c" + strconv.Itoa(i+1))
	}
	if x.db.Dialect == db.Postgres {
		b.WriteString(" FROM jsonb_array_elements(CAST($" + strconv.Itoa(n) + " AS JSONB)))")
	} else {
		b.WriteString(" FROM json_each($" + strconv.Itoa(n) + "))")
	}
	return b.String()
}

// jsonTime is a timestamp inside a JSON batch parameter: RFC 3339 for PostgreSQL; for SQLite
// the text its driver writes for a time.Time argument (time.Time.String in UTC), so that
// timestamps written either way compare correctly as text.
func (x *Deliverer) jsonTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	if x.db.Dialect == db.Postgres {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return t.UTC().String()
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// update runs fn in a write transaction of the engine's own bookkeeping (routing, claims,
// outcomes). On PostgreSQL:
//   - it commits asynchronously: losing such a transaction in a crash loses no notification
//     (the outbox row, written synchronously by the business transaction, is routed again; a
//     lost claim or outcome makes the delivery due again), it only causes a repeat, and it
//     spares a disk flush per transaction;
//   - it switches JIT compilation off: with sequential scans off a plan that still needs one
//     is costed above jit_above_cost, and compiling it took 340 ms where running it took 4;
//   - it steers the planner away from sequential scans: the batches are joined to delivery
//     and outbox by primary key, but the planner cannot know a JSON batch is small and, as the
//     tables grow faster than their statistics, picks a hash join over a scan of the table.
func (x *Deliverer) update(ctx context.Context, fn func(tx *db.Tx) error) error {
	return x.db.Update(ctx, func(tx *db.Tx) error {
		if x.db.Dialect == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true),
				set_config('jit', 'off', true)`); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}
