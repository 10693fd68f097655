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

// The delivery benchmarks (docs/performance.md):
//
//	MEENT_TEST_DATABASE_URL=... go test -run '^$' -bench . -benchtime 20000x ./internal/outbox/
//
// BenchmarkThroughput commits b.N notifications from 4 concurrent writers (10 per transaction,
// like concurrent requests) while the Deliverer runs, and reports notifications and
// deliveries per second from the first commit to the last receipt. BenchmarkLatency commits
// 100 notifications per second, one per transaction, for 3 seconds and reports the median and
// 99th percentile from commit to receipt. The receiver is an httptest server on loopback.

// countingReceiver counts POSTs and notes when each resourceUrl first arrived.
type countingReceiver struct {
	srv   *httptest.Server
	n     atomic.Int64
	mu    sync.Mutex
	first map[string]time.Time
	all   chan struct{}
	want  int64
}

func newCountingReceiver(b *testing.B, want int64, track bool) *countingReceiver {
	r := &countingReceiver{first: map[string]time.Time{}, all: make(chan struct{}), want: want}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var buf [2048]byte
		n, _ := req.Body.Read(buf[:])
		if track {
			at := time.Now()
			key := resourceURL(buf[:n])
			r.mu.Lock()
			if _, ok := r.first[key]; !ok {
				r.first[key] = at
			}
			r.mu.Unlock()
		}
		if r.n.Add(1) == r.want {
			close(r.all)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(r.srv.Close)
	return r
}

// resourceURL picks the resourceUrl out of a message without a full decode.
func resourceURL(body []byte) string {
	const key = `"resourceUrl":"`
	s := string(body)
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	if j := strings.Index(s, `"`); j >= 0 {
		return s[:j]
	}
	return s
}

func benchDBs(b *testing.B, f func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { f(b, dbtest.MustOpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { f(b, dbtest.MustOpenPostgres(b)) })
}

func BenchmarkThroughput(b *testing.B) {
	for _, subs := range []int{1, 5} {
		b.Run(fmt.Sprintf("subscribers=%d", subs), func(b *testing.B) {
			benchDBs(b, func(b *testing.B, d *db.DB) {
				n := max(b.N, 1000)
				rcv := newCountingReceiver(b, int64(n*subs), false)
				var router fakeRouter
				for i := range subs {
					router.add("zaken", Target{Abonnement: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), CallbackURL: rcv.srv.URL})
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				x := New(d, &router, Config{}, nil)
				x.Start(ctx)
				b.ResetTimer()
				start := time.Now()
				var next atomic.Int64
				var wg sync.WaitGroup
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							first := next.Add(10) - 10
							if first >= int64(n) {
								return
							}
							err := d.Update(ctx, func(tx *db.Tx) error {
								for i := first; i < min(first+10, int64(n)); i++ {
									u := fmt.Sprintf("http://meent/zaken/%d", i)
									if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "zaken", HoofdObject: u, Resource: "zaak", ResourceURL: u,
										Actie: "create", Kenmerken: map[string]string{"bronorganisatie": "002220647", "zaaktype": "http://meent/zt/1"}}); err != nil {
										return err
									}
								}
								return nil
							})
							if err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				committed := time.Since(start)
				select {
				case <-rcv.all:
				case <-time.After(2 * time.Minute):
					b.Fatalf("%d of %d deliveries after 2 minutes", rcv.n.Load(), n*subs)
				}
				el := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(n)/el.Seconds(), "notifications/s")
				b.ReportMetric(float64(n*subs)/el.Seconds(), "deliveries/s")
				b.ReportMetric(float64(n)/committed.Seconds(), "commits/s")
				cancel()
				x.Wait()
			})
		})
	}
}

func BenchmarkLatency(b *testing.B) {
	benchDBs(b, func(b *testing.B, d *db.DB) {
		const rate, seconds = 100, 3
		n := rate * seconds
		rcv := newCountingReceiver(b, int64(n), true)
		var router fakeRouter
		router.add("zaken", Target{Abonnement: abo1, CallbackURL: rcv.srv.URL})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		x := New(d, &router, Config{}, nil)
		x.Start(ctx)
		time.Sleep(100 * time.Millisecond)
		b.ResetTimer()
		committed := make(map[string]time.Time, n)
		tick := time.NewTicker(time.Second / rate)
		defer tick.Stop()
		for i := range n {
			<-tick.C
			u := fmt.Sprintf("http://meent/zaken/%d", i)
			if err := d.Update(ctx, func(tx *db.Tx) error {
				return zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "zaken", HoofdObject: u, Resource: "zaak", ResourceURL: u, Actie: "create"})
			}); err != nil {
				b.Fatal(err)
			}
			committed[u] = time.Now()
		}
		select {
		case <-rcv.all:
		case <-time.After(30 * time.Second):
			b.Fatalf("%d of %d deliveries", rcv.n.Load(), n)
		}
		b.StopTimer()
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
	})
}
