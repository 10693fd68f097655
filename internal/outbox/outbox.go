// Package outbox delivers notifications: every row that a business transaction wrote to the
// outbox table (zgw.Notify) is routed to the matching abonnementen and POSTed to each callback,
// at least once, with retries, a circuit per subscriber and dead letters that beheer can replay.
package outbox

import (
	"context"
	"time"

	"github.com/meent/meent/internal/zgw"
)

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
	ID           string // uuid
	Abonnement   string
	Notificatie  zgw.Notificatie
	State        string // pending, delivered, dead
	Attempts     int
	NextAttempt  *time.Time
	DeliveredAt  *time.Time
	LastStatus   int    // HTTP status of the last attempt, 0 when it did not get one
	LastError    string // why the last attempt failed
	AttemptsLog  []Attempt
}

// Attempt is one POST to a callback.
type Attempt struct {
	At       time.Time
	Status   int
	Duration time.Duration
	Error    string
}
