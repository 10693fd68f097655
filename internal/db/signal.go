package db

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Commit-time wake-ups. A transaction that wrote work for a background worker (an outbox row,
// a delivery) calls tx.Signal("delivery"); when, and only when, it commits, every listener of
// that channel is woken: in this process directly, and on PostgreSQL also on every other node
// through NOTIFY, which PostgreSQL delivers at commit and drops on rollback. tx.Wake does the
// first half only. A wake-up is a hint that carries no data: listeners look in the database
// for what to do, and keep a slow poll as a safety net, because a hint can be lost (a listener
// connection that reconnects, a node that dies between its commit and the work).

// signalPrefix keeps Meent's NOTIFY channels apart from anything else on the server.
const signalPrefix = "meent_"

type signal struct {
	channel string
	nodes   bool // also other nodes (PostgreSQL NOTIFY)
}

// Signal wakes the listeners of channel, on every node, once the transaction has committed.
// Signalling a channel several times in one transaction wakes its listeners once.
//
// On PostgreSQL a transaction that NOTIFYs holds a database-wide lock from just before its
// commit until the commit is on disk, so such transactions commit one at a time: measured
// here, 8 writers commit half as many transactions per second. Use Signal where other nodes
// must hear it and the transaction is not on a hot write path; Wake otherwise.
func (t *Tx) Signal(channel string) { t.addSignal(channel, true) }

// Wake wakes the listeners of channel in this process only, once the transaction has
// committed: the cheap form for hot write paths whose work this process picks up itself
// (other nodes find it at their next poll if this one dies first).
func (t *Tx) Wake(channel string) { t.addSignal(channel, false) }

func (t *Tx) addSignal(channel string, nodes bool) {
	for i, s := range t.signals {
		if s.channel == channel {
			t.signals[i].nodes = s.nodes || nodes
			return
		}
	}
	t.signals = append(t.signals, signal{channel, nodes})
}

// publishSignals queues the NOTIFYs inside the transaction, just before its commit, so that
// other nodes hear of it exactly when the data becomes visible to them.
func (t *Tx) publishSignals(ctx context.Context) error {
	if t.Dialect != Postgres {
		return nil
	}
	for _, s := range t.signals {
		if !s.nodes {
			continue
		}
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, signalPrefix+s.channel); err != nil {
			return fmt.Errorf("signal %s: %w", s.channel, err)
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

// wakeAll pokes every subscriber of the channels; it never blocks.
func (h *hub) wakeAll(signals []signal) {
	if len(signals) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range signals {
		for p := range h.subs[s.channel] {
			poke(*p)
		}
	}
}
