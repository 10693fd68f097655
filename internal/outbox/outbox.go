// Package outbox delivers notifications: every row that a business transaction wrote to the
// outbox table (zgw.Notify) is routed to the matching abonnementen and POSTed to each callback,
// at least once, with retries, a circuit per subscriber and dead letters that beheer can replay.
//
// The path of a notification: the business transaction inserts the outbox row and wakes its
// own process at commit (db.Tx.Wake); the router claims unrouted rows, asks the Router for the
// targets and inserts one delivery row per target, in one transaction, which wakes the
// dispatchers of every node (db.Tx.Signal); they claim due deliveries per subscriber (a lease on
// PostgreSQL, so a crash leads to a retry, never to loss), POST them, and record the outcomes in
// batches. docs/notificaties-delivery.md describes the design and its guarantees.
package outbox

import (
	"context"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// States of a delivery.
const (
	StatePending   = "pending"   // waiting for its (next) attempt, or being attempted
	StateDelivered = "delivered" // the callback answered 2xx
	StateDead      = "dead"      // given up after MaxAge; Replay puts it back
)

// deliverySignal wakes the dispatchers of every node when deliveries become due.
const deliverySignal = "delivery"

// Enqueue writes a notification that an external publisher sent (POST /notificaties) to the
// outbox inside tx, keeping its own Aanmaakdatum. It is delivered like the platform's own
// notifications once tx commits.
func Enqueue(ctx context.Context, tx *db.Tx, n zgw.Notificatie) error {
	return zgw.Publish(ctx, tx, n)
}

// Target is one subscriber that a notification must reach.
type Target struct {
	Abonnement  string // uuid of the abonnement
	CallbackURL string
	Auth        string // the literal Authorization header value
}

// Router tells which subscribers must receive a notification. The Notificaties register
// implements it (kanaal + kenmerk filters).
type Router interface {
	Route(ctx context.Context, n zgw.Notificatie) ([]Target, error)
}

// Delivery is one notification on its way to one subscriber, as the delivery log shows it.
type Delivery struct {
	ID          string // uuid
	Abonnement  string
	Notificatie zgw.Notificatie
	State       string // StatePending, StateDelivered, StateDead
	Attempts    int
	NextAttempt *time.Time
	DeliveredAt *time.Time
	LastStatus  int       // HTTP status of the last attempt, 0 when it did not get one
	LastError   string    // why the last attempt failed
	AttemptsLog []Attempt // oldest first; the last maxLog attempts
}

// Attempt is one POST to a callback.
type Attempt struct {
	At       time.Time     `json:"at"`
	Status   int           `json:"status"` // 0 when no HTTP response came
	Duration time.Duration `json:"duration"`
	Error    string        `json:"error,omitempty"`
}
