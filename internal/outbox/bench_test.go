package outbox

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/zgw"
)

// The delivery benchmarks; docs/performance.md has the numbers and the command:
//
//	MEENT_TEST_DATABASE_URL=... go test -run '^$' -bench . -benchtime 1x ./internal/outbox/
//
// Each runs on SQLite and PostgreSQL (when configured) with a receiver on loopback (httptest)
// that answers 204 at once. One iteration is one bounded run; -benchtime 1x is enough.
//
//   - BenchmarkSustained offers a steady load: notifications committed at a fixed rate for 5
//     seconds by 4 writers, 10 per transaction, while the Deliverer runs. It reports the
//     offered and the delivered rate (all notifications over the time from the first commit
//     to the last receipt) and the lag of the last receipt after the last commit. The load
//     is sustained when the delivered rate matches the offered one and the lag stays short.
//   - BenchmarkDrain commits a backlog first and then starts the Deliverer: its capacity.
//   - BenchmarkLatency commits 100 notifications per second, one per transaction, for 3
//     seconds and reports the median and 99th percentile from commit to receipt.
//   - BenchmarkPrune times a pruning pass over 60,000 rows past Retention.
//
// docs/notificaties-delivery.md (## Performance) has the runs and what they showed.

// countingReceiver counts POSTs and notes when each resourceUrl first arrived.
type countingReceiver struct {
	srv   *httptest.Server
	n     atomic.Int64
	want  int64
	all   chan struct{}
	mu    sync.Mutex
	first map[string]time.Time
}

func newCountingReceiver(b testing.TB, want int64) *countingReceiver {
	r := &countingReceiver{first: map[string]time.Time{}, all: make(chan struct{}), want: want}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var buf [2048]byte
		n, _ := req.Body.Read(buf[:])
		at := time.Now()
		key := resourceURL(string(buf[:n]))
		r.mu.Lock()
		if _, ok := r.first[key]; !ok {
			r.first[key] = at
		}
		r.mu.Unlock()
		if r.n.Add(1) == r.want {
			close(r.all)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(r.srv.Close)
	return r
}

func (r *countingReceiver) wait(b *testing.B, within time.Duration) time.Time {
	select {
	case <-r.all:
		return time.Now()
	case <-time.After(within):
		b.Fatalf("%d of %d deliveries after %v", r.n.Load(), r.want, within)
		return time.Time{}
	}
}

// resourceURL picks the resourceUrl out of a message without a full decode.
func resourceURL(body string) string {
	const key = `"resourceUrl":"`
	i := strings.Index(body, key)
	if i < 0 {
		return ""
	}
	body = body[i+len(key):]
	if j := strings.IndexByte(body, '"'); j >= 0 {
		return body[:j]
	}
	return body
}

// benchSetup opens the databases and builds a Deliverer routing kanaal zaken to subs
// subscribers of one receiver that expects n notifications each.
func benchSetup(b *testing.B, f func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { f(b, dbtest.MustOpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { f(b, dbtest.MustOpenPostgres(b)) })
}

func benchDeliverer(d *db.DB, rcv *countingReceiver, subs int) *Deliverer {
	var router fakeRouter
	for i := range subs {
		router.add("zaken", Target{Abonnement: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), CallbackURL: rcv.srv.URL, Auth: "Bearer x"})
	}
	return New(d, &router, Config{}, nil)
}

// commit writes notifications [from, to) in one transaction, the way a register does.
func commit(ctx context.Context, d *db.DB, from, to int) error {
	return d.Update(ctx, func(tx *db.Tx) error {
		for i := from; i < to; i++ {
			u := fmt.Sprintf("http://meent/zaken/api/v1/zaken/%d", i)
			if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "zaken", HoofdObject: u, Resource: "zaak", ResourceURL: u, Actie: "create",
				Kenmerken: map[string]string{"bronorganisatie": "002220647", "zaaktype": "http://meent/catalogi/api/v1/zaaktypen/1",
					"vertrouwelijkheidaanduiding": "openbaar"}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// produce commits n notifications from 4 writers, 10 per transaction, at rate per second
// (0: as fast as they can). It returns when the last one committed.
func produce(ctx context.Context, b testing.TB, d *db.DB, n, rate int) {
	const perTx = 10
	batches := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range batches {
				if err := commit(ctx, d, from, min(from+perTx, n)); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	start := time.Now()
	for from := 0; from < n; from += perTx {
		if rate > 0 {
			if wait := time.Duration(float64(from) / float64(rate) * float64(time.Second)); time.Since(start) < wait {
				time.Sleep(wait - time.Since(start))
			}
		}
		batches <- from
	}
	close(batches)
	wg.Wait()
}

func BenchmarkSustained(b *testing.B) {
	for _, c := range []struct{ subs, rate int }{{1, 2000}, {5, 1000}} {
		b.Run(fmt.Sprintf("subscribers=%d/rate=%d", c.subs, c.rate), func(b *testing.B) {
			benchSetup(b, func(b *testing.B, d *db.DB) {
				for range b.N {
					const seconds = 5
					n := c.rate * seconds
					rcv := newCountingReceiver(b, int64(n*c.subs))
					ctx, cancel := context.WithCancel(context.Background())
					x := benchDeliverer(d, rcv, c.subs)
					x.Start(ctx)
					start := time.Now()
					produce(ctx, b, d, n, c.rate)
					committed := time.Now()
					done := rcv.wait(b, time.Minute)
					b.ReportMetric(float64(n)/committed.Sub(start).Seconds(), "offered/s")
					b.ReportMetric(float64(n)/done.Sub(start).Seconds(), "notifications/s")
					b.ReportMetric(float64(n*c.subs)/done.Sub(start).Seconds(), "deliveries/s")
					b.ReportMetric(float64(done.Sub(committed).Milliseconds()), "ms-lag")
					cancel()
					x.Wait()
				}
			})
		})
	}
}

func BenchmarkDrain(b *testing.B) {
	for _, subs := range []int{1, 5} {
		b.Run(fmt.Sprintf("subscribers=%d", subs), func(b *testing.B) {
			benchSetup(b, func(b *testing.B, d *db.DB) {
				for range b.N {
					const n = 10000
					rcv := newCountingReceiver(b, int64(n*subs))
					ctx, cancel := context.WithCancel(context.Background())
					produce(ctx, b, d, n, 0)
					x := benchDeliverer(d, rcv, subs)
					start := time.Now()
					x.Start(ctx)
					done := rcv.wait(b, time.Minute)
					b.ReportMetric(float64(n)/done.Sub(start).Seconds(), "notifications/s")
					b.ReportMetric(float64(n*subs)/done.Sub(start).Seconds(), "deliveries/s")
					cancel()
					x.Wait()
				}
			})
		})
	}
}

func BenchmarkLatency(b *testing.B) {
	benchSetup(b, func(b *testing.B, d *db.DB) {
		for range b.N {
			const rate, seconds = 100, 3
			n := rate * seconds
			rcv := newCountingReceiver(b, int64(n))
			ctx, cancel := context.WithCancel(context.Background())
			x := benchDeliverer(d, rcv, 1)
			x.Start(ctx)
			time.Sleep(100 * time.Millisecond) // start-up pass done, listeners connected
			committed := make(map[string]time.Time, n)
			tick := time.NewTicker(time.Second / rate)
			for i := range n {
				<-tick.C
				if err := commit(ctx, d, i, i+1); err != nil {
					b.Fatal(err)
				}
				committed[fmt.Sprintf("http://meent/zaken/api/v1/zaken/%d", i)] = time.Now()
			}
			tick.Stop()
			rcv.wait(b, 30*time.Second)
			var lat []time.Duration
			rcv.mu.Lock()
			for u, at := range rcv.first {
				lat = append(lat, at.Sub(committed[u]))
			}
			rcv.mu.Unlock()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
			cancel()
			x.Wait()
		}
	})
}

// BenchmarkPrune measures a pruning pass: 10,000 notifications delivered to 5 subscribers
// (60,000 rows: outbox and deliveries), all past Retention, removed in batches with their
// pauses. It reports rows removed per second.
func BenchmarkPrune(b *testing.B) {
	benchSetup(b, func(b *testing.B, d *db.DB) {
		for range b.N {
			const n, subs = 10000, 5
			ctx := context.Background()
			rcv := newCountingReceiver(b, int64(n*subs))
			clk := newClock()
			d.Clock = clk.Now
			var router fakeRouter
			for i := range subs {
				router.add("zaken", Target{Abonnement: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), CallbackURL: rcv.srv.URL, Auth: "Bearer x"})
			}
			x := New(d, &router, Config{Clock: clk.Now}, nil)
			produce(ctx, b, d, n, 0)
			if err := x.settle(ctx); err != nil {
				b.Fatal(err)
			}
			rcv.wait(b, time.Minute)
			clk.Add(8 * 24 * time.Hour)
			start := time.Now()
			if err := x.prune(ctx); err != nil {
				b.Fatal(err)
			}
			took := time.Since(start)
			var left int
			if err := d.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM delivery)`).Scan(&left); err != nil {
				b.Fatal(err)
			}
			if left != 0 {
				b.Fatalf("%d rows left", left)
			}
			b.ReportMetric(float64(n*(subs+1))/took.Seconds(), "rows/s")
			b.ReportMetric(took.Seconds(), "s-pass")
		}
	})
}
