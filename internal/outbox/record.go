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
	o := outcome{id: r.id, attempts: r.attempts + 1, status: r.status, err: r.err, log: string(b)}
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
	var released []any
	var recovered []string
	for _, r := range batch {
		if r.released {
			released = append(released, r.id)
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
			if _, err := tx.Exec(ctx, `UPDATE delivery SET next_attempt = $1, lease_until = NULL
				WHERE state = 'pending' AND id IN (`+db.Placeholders(2, len(released))+`)`, append([]any{now}, released...)...); err != nil {
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

// writeOutcomes updates up to 100 deliveries in one statement.
func (x *Deliverer) writeOutcomes(ctx context.Context, tx *db.Tx, outs []outcome) error {
	const cols = 8
	types := [cols]string{"UUID", "TEXT", "INTEGER", "TIMESTAMPTZ", "TIMESTAMPTZ", "INTEGER", "TEXT", "TEXT"}
	var sql strings.Builder
	sql.WriteString(`UPDATE delivery SET state = v.column2, attempts = v.column3, next_attempt = v.column4,
		lease_until = NULL, delivered_at = v.column5, last_status = v.column6, last_error = v.column7, log = v.column8
		FROM (VALUES `)
	args := make([]any, 0, cols*len(outs))
	for i, o := range outs {
		if i > 0 {
			sql.WriteByte(',')
		}
		sql.WriteByte('(')
		for c := range cols {
			if c > 0 {
				sql.WriteByte(',')
			}
			sql.WriteString(x.param(i*cols+c+1, types[c]))
		}
		sql.WriteByte(')')
		args = append(args, o.id, o.state, o.attempts, nullTime(o.next), nullTime(o.deliveredAt), o.status, o.err, o.log)
	}
	sql.WriteString(`) AS v WHERE delivery.id = v.column1 AND delivery.state = 'pending'`)
	if _, err := tx.Exec(ctx, sql.String(), args...); err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	return nil
}

// param is placeholder n; PostgreSQL needs the type of a parameter in a VALUES list, SQLite
// must not get it (a cast to a type it does not know would turn text into a number).
func (x *Deliverer) param(n int, typ string) string {
	if x.db.Dialect == db.Postgres {
		return "CAST($" + strconv.Itoa(n) + " AS " + typ + ")"
	}
	return "$" + strconv.Itoa(n)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// update runs fn in a write transaction of the engine's own bookkeeping (routing, claims,
// outcomes). On PostgreSQL it commits asynchronously: losing such a transaction in a crash
// loses no notification (the outbox row, written synchronously by the business transaction,
// is routed again; a lost claim or outcome makes the delivery due again), it only causes a
// repeat, and it spares a disk flush per transaction.
func (x *Deliverer) update(ctx context.Context, fn func(tx *db.Tx) error) error {
	return x.db.Update(ctx, func(tx *db.Tx) error {
		if x.db.Dialect == db.Postgres {
			if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}
