package outbox

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Prometheus metrics of a Deliverer. The counters and the histogram count
// what this node did; the gauges read the database, so every node reports the same totals.
type metrics struct {
	delivered prometheus.Counter
	failed    prometheus.Counter
	dead      prometheus.Counter
	latency   prometheus.Histogram
	gauges    []prometheus.Collector
}

func newMetrics(x *Deliverer) *metrics {
	count := func(query string) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var n int64
			if err := x.db.QueryRow(ctx, query).Scan(&n); err != nil {
				return math.NaN()
			}
			return float64(n)
		}
	}
	return &metrics{
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meent_notificaties_delivered_total",
			Help: "Deliveries that a callback accepted with a 2xx (this node).",
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meent_notificaties_delivery_failures_total",
			Help: "Delivery attempts that failed: no answer, a timeout or a non-2xx status (this node).",
		}),
		dead: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meent_notificaties_dead_letters_total",
			Help: "Deliveries given up after MaxAge and kept as dead letters (this node).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "meent_notificaties_delivery_latency_seconds",
			Help: "Time from the transaction that wrote the notification to the 2xx of the callback, retries included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60,
				300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600},
		}),
		gauges: []prometheus.Collector{
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "meent_notificaties_deliveries_pending",
				Help: "Deliveries waiting for their first or next attempt, or being attempted (all nodes).",
			}, count(`SELECT count(*) FROM delivery WHERE state = 'pending'`)),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "meent_notificaties_deliveries_dead",
				Help: "Dead letters waiting for a replay (all nodes).",
			}, count(`SELECT count(*) FROM delivery WHERE state = 'dead'`)),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "meent_notificaties_outbox_unrouted",
				Help: "Notifications committed but not yet turned into deliveries (all nodes).",
			}, count(`SELECT count(*) FROM outbox WHERE NOT routed`)),
		},
	}
}

// Collectors returns the delivery metrics, for the application's /metrics registry:
//
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(deliverer.Collectors()...)
//	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
func (x *Deliverer) Collectors() []prometheus.Collector {
	m := x.metrics
	return append([]prometheus.Collector{m.delivered, m.failed, m.dead, m.latency}, m.gauges...)
}
