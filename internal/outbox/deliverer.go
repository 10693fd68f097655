package outbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/meent/meent/internal/db"
)

// Config tunes delivery.
type Config struct {
	Workers     int           // concurrent POSTs per node
	Timeout     time.Duration // per POST
	BaseBackoff time.Duration // first retry delay
	MaxBackoff  time.Duration // cap on one delay
	MaxAge      time.Duration // after this long without success a delivery becomes a dead letter
}

// Deliverer routes outbox rows and delivers them.
type Deliverer struct {
	db     *db.DB
	router Router
	cfg    Config
	log    *slog.Logger
}

// New returns a Deliverer; Start runs it.
func New(d *db.DB, r Router, cfg Config, log *slog.Logger) *Deliverer {
	return &Deliverer{db: d, router: r, cfg: cfg, log: log}
}

// Start runs the workers until ctx ends.
func (x *Deliverer) Start(ctx context.Context) {}

// Deliveries lists the deliveries of one abonnement, newest first; state filters ("" = all).
func (x *Deliverer) Deliveries(ctx context.Context, abonnement, state string, page, size int) ([]Delivery, int, error) {
	return nil, 0, nil
}

// Replay puts dead letters of an abonnement back in the queue: one (id) or all (id == "").
// It returns how many were requeued.
func (x *Deliverer) Replay(ctx context.Context, abonnement, id string) (int, error) { return 0, nil }

// Pause stops deliveries to an abonnement (they wait, they are not dropped); Resume restarts them.
func (x *Deliverer) Pause(ctx context.Context, abonnement string) error  { return nil }
func (x *Deliverer) Resume(ctx context.Context, abonnement string) error { return nil }

// Forget drops the pending deliveries of a deleted abonnement.
func (x *Deliverer) Forget(ctx context.Context, tx *db.Tx, abonnement string) error { return nil }
