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

// POSTing a claimed delivery, the circuit per subscriber, and the dead letters of a receiver
// whose circuit stays open.

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
	low := l.hungry && runsLow(l.held(), x.cfg.PerSubscriber)
	x.mu.Unlock()
	x.results.put(r)
	for _, c := range handBack {
		x.results.put(result{claim: c, released: true})
	}
	if low {
		poke(x.kick)
	}
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
	// The transport directly: redirects are never followed (a 3xx is a failure), and
	// http.Client.Do would copy the headers of every request in case it had to.
	rt := x.cfg.Client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(req)
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
			last_error = $1 WHERE abonnement = $2 AND state = 'pending' AND next_attempt <= $3 AND retry_from <= $4
			AND (lease_until IS NULL OR lease_until <= $3)`,
			"not delivered within "+x.cfg.MaxAge.String()+": the receiver kept failing", abonnement, now, now.Add(-x.cfg.MaxAge)))
		return err
	})
	if err != nil {
		return fmt.Errorf("expire deliveries: %w", err)
	}
	x.metrics.dead.Add(float64(n))
	return nil
}
