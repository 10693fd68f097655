package db

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Commit-time wake-ups. A transaction that wrote work for a background worker (an outbox row,
// a delivery) calls tx.Signal("outbox"); when, and only when, it commits, every listener of
// that channel is woken: in this process directly, and on PostgreSQL also on every other node
// through NOTIFY, which PostgreSQL delivers at commit and drops on rollback. A wake-up is a
// hint that carries no data: listeners look in the database for what to do, and keep a slow
// poll as a safety net, because a hint can be lost (a listener connection that reconnects).

// signalPrefix keeps Meent's NOTIFY channels apart from anything else on the server.
const signalPrefix = "meent_"

// Signal wakes the listeners of channel once the transaction has committed. Signalling the
// same channel several times in one transaction wakes them once.
func (t *Tx) Signal(channel string) {
	if !slices.Contains(t.signals, channel) {
		t.signals = append(t.signals, channel)
	}
}

// publishSignals queues the NOTIFYs inside the transaction, just before its commit, so that
// other nodes hear of it exactly when the data becomes visible to them.
func (t *Tx) publishSignals(ctx context.Context) error {
	if t.Dialect != Postgres {
		return nil
	}
	for _, c := range t.signals {
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, signalPrefix+c); err != nil {
			return fmt.Errorf("signal %s: %w", c, err)
		}
	}
	return nil
}

// Listen returns a channel that receives a value after each commit that signalled channel
// (wake-ups that arrive while the previous one is unread are merged into it). On PostgreSQL it
// also hears the commits of other nodes, over a dedicated connection that is re-established
// when it breaks; after every (re)connect it delivers one wake-up, since signals may have been
// missed meanwhile. The returned channel is closed when ctx ends.
func (d *DB) Listen(ctx context.Context, channel string) <-chan struct{} {
	out := make(chan struct{}, 1)
	local := d.hub.subscribe(channel, out)
	var wg sync.WaitGroup
	if d.Dialect == Postgres {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.listenPostgres(ctx, channel, out)
		}()
	}
	go func() {
		<-ctx.Done()
		d.hub.unsubscribe(channel, local)
		wg.Wait()
		close(out)
	}()
	return out
}

func (d *DB) listenPostgres(ctx context.Context, channel string, out chan struct{}) {
	const minWait, maxWait = 100 * time.Millisecond, 10 * time.Second
	wait := minWait
	for ctx.Err() == nil {
		if d.listenOnce(ctx, channel, out) {
			wait = minWait
		}
		// The connection broke or could not be made: try again with growing pauses, so a
		// database restart is survived without a storm of connection attempts.
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, maxWait)
	}
}

// listenOnce connects, LISTENs and forwards notifications until the connection fails or ctx
// ends. It reports whether it got as far as listening.
func (d *DB) listenOnce(ctx context.Context, channel string, out chan struct{}) (listened bool) {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return false
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{signalPrefix + channel}.Sanitize()); err != nil {
		return false
	}
	poke(out)
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true
		}
		poke(out)
	}
}

// poke sends a wake-up unless one is already waiting.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// hub is the in-process side of the wake-ups. Its zero value is ready for use.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[*chan struct{}]struct{}
}

func (h *hub) subscribe(channel string, c chan struct{}) *chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[string]map[*chan struct{}]struct{}{}
	}
	if h.subs[channel] == nil {
		h.subs[channel] = map[*chan struct{}]struct{}{}
	}
	p := &c
	h.subs[channel][p] = struct{}{}
	return p
}

func (h *hub) unsubscribe(channel string, p *chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[channel], p)
}

// wake pokes every subscriber of the channels; it never blocks.
func (h *hub) wake(channels []string) {
	if len(channels) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range channels {
		for p := range h.subs[ch] {
			poke(*p)
		}
	}
}
