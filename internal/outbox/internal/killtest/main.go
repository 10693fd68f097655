// Command killtest is the process of the outbox crash test (TestSIGKILLMidStreamLosesNothing):
// it commits a stream of changes, each with its notification in the same transaction and
// every tenth one rolled back, while a Deliverer delivers them to -callback. The test kills
// it with SIGKILL in the middle and starts it again; the second run finishes the stream,
// waits until every delivery is done and prints "done".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// Abonnement is the one subscriber of the test.
const Abonnement = "4b1d0000-0000-4000-8000-00000000c0de"

type router struct{ callback string }

func (r router) Route(context.Context, zgw.Notificatie) ([]outbox.Target, error) {
	return []outbox.Target{{Abonnement: Abonnement, CallbackURL: r.callback, Auth: "Bearer killtest"}}, nil
}

var errRollback = errors.New("rolled back on purpose")

func main() {
	databaseURL := flag.String("database-url", "", "PostgreSQL URL; empty: SQLite in -data-dir")
	dataDir := flag.String("data-dir", "", "SQLite data dir")
	callback := flag.String("callback", "", "callback URL")
	total := flag.Int("n", 10000, "changes in the stream")
	flag.Parse()
	if err := run(*databaseURL, *dataDir, *callback, *total); err != nil {
		fmt.Fprintln(os.Stderr, "killtest:", err)
		os.Exit(1)
	}
}

func run(databaseURL, dataDir, callback string, total int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := db.Open(ctx, databaseURL, dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Update(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS killtest_change (seq BIGINT PRIMARY KEY)`)
		return err
	}); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// A short lease, so the restarted process retries the deliveries of the killed one soon.
	x := outbox.New(d, router{callback}, outbox.Config{Timeout: time.Second, Lease: 2 * time.Second}, log)
	x.Start(ctx)

	var last int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM killtest_change`).Scan(&last); err != nil {
		return err
	}
	fmt.Println("start", last)
	next := atomic.Int64{}
	next.Store(last)
	done := atomic.Int64{}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 { // a few concurrent writers, like request handlers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				seq := next.Add(1)
				if seq > int64(total) {
					return
				}
				err := d.Update(ctx, func(tx *db.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO killtest_change (seq) VALUES ($1)`, seq); err != nil {
						return err
					}
					u := fmt.Sprintf("http://killtest/changes/%d", seq)
					if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "zaken", HoofdObject: u, Resource: "zaak", ResourceURL: u, Actie: "create"}); err != nil {
						return err
					}
					if seq%10 == 7 {
						return errRollback
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					errs <- err
					return
				}
				if n := done.Add(1); n%500 == 0 {
					fmt.Println("progress", n)
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	fmt.Println("committed")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var open int
		if err := d.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox WHERE NOT routed) +
			(SELECT count(*) FROM delivery WHERE state <> 'delivered')`).Scan(&open); err != nil {
			return err
		}
		if open == 0 {
			fmt.Println("done")
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("deliveries still open after 60s")
}
