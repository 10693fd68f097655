// Package notificaties is the Notificaties API 1.0.0 (NRC): kanalen, abonnementen and the
// publication of messages by external publishers. It is also the router of the delivery
// engine: Register.Route tells internal/outbox which abonnementen a notification must reach
// (kanaal + kenmerk filters), from an in-memory copy of the abonnementen.
package notificaties

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// The nrc scopes (algemeen §4: component-wide).
const (
	scopePubliceren = "notificaties.publiceren"
	scopeConsumeren = "notificaties.consumeren"
)

// Register is the Notificaties register.
type Register struct {
	db         *db.DB
	api        *zgw.API
	deliveries *outbox.Deliverer

	// CallbackTimeout bounds the test-POST to a callback on abonnement create and update.
	CallbackTimeout time.Duration
	// RoutesTTL is how long Route trusts its copy of the abonnementen when nothing was written
	// in this process; writes on other nodes of the same PostgreSQL take effect within it.
	RoutesTTL time.Duration
	client    *http.Client

	// routes is the copy of the abonnementen that Route matches against; gen counts the writes
	// of this process, so that a copy loaded before a write is not used after it.
	routes atomic.Pointer[routes]
	gen    atomic.Uint64
	loadMu sync.Mutex

	// docs describes the kanalen whose documentatieLink is Meent's own page.
	docsMu sync.RWMutex
	docs   map[string]Kanaal
}

// NewRegister returns the register over d; Mount adds its API.
func NewRegister(d *db.DB) *Register {
	r := &Register{db: d, CallbackTimeout: 5 * time.Second, RoutesTTL: 3 * time.Second, docs: map[string]Kanaal{}}
	r.client = &http.Client{
		// A callback must answer the POST itself: a redirect is not a 2xx.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, k := range PlatformKanalen() {
		r.docs[k.Naam] = k
	}
	return r
}

// Mount adds the routes of the Notificaties API to api, and the extension routes of the
// delivery log (which use deliveries; nil leaves them answering 404).
func (r *Register) Mount(api *zgw.API, deliveries *outbox.Deliverer) {
	r.api, r.deliveries = api, deliveries
	pub := zgw.Scopes(scopePubliceren)
	con := zgw.Scopes(scopeConsumeren)
	either := zgw.Scopes(scopePubliceren, scopeConsumeren)

	api.Handle("GET /kanaal", either, r.kanaalList)
	api.Handle("POST /kanaal", pub, r.kanaalCreate)
	api.Handle("GET /kanaal/{uuid}", either, r.kanaalRead)

	api.Handle("GET /abonnement", either, r.abonnementList)
	api.Handle("POST /abonnement", con, r.abonnementCreate)
	api.Handle("GET /abonnement/{uuid}", either, r.abonnementRead)
	api.Handle("PUT /abonnement/{uuid}", con, r.abonnementUpdate)
	api.Handle("PATCH /abonnement/{uuid}", con, r.abonnementPartialUpdate)
	api.Handle("DELETE /abonnement/{uuid}", con, r.abonnementDelete)

	api.Handle("POST /notificaties", pub, r.notificatieCreate)

	r.mountExtensions(api)
}

// changed makes the next Route reload the abonnementen: a write of this process is in force
// for the next notification routed here.
func (r *Register) changed() { r.gen.Add(1) }

// canonicalKey is the form in which kenmerk and filter names are compared: snake_case and
// camelCase spellings of one name are the same kenmerk (notificaties.md §2: the Besluiten API
// documents verantwoordelijke_organisatie, Open Notificaties camelizes both sides).
func canonicalKey(k string) string {
	plain := true
	for i := 0; i < len(k); i++ {
		if c := k[i]; c == '_' || c == '-' || c >= 'A' && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return k
	}
	var b strings.Builder
	b.Grow(len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// consistentNames is Open Notificaties' rule for filter and kenmerk names against the
// kanaal's declared filters: the names sent are all declared, or they include every declared
// one (a subset or a superset, compared by canonicalKey). A kanaal without filters accepts
// any names.
func consistentNames(kanaal []string, names []string) bool {
	declared := make(map[string]bool, len(kanaal))
	for _, f := range kanaal {
		declared[canonicalKey(f)] = true
	}
	sent := make(map[string]bool, len(names))
	subset := true // every name sent is declared
	for _, n := range names {
		c := canonicalKey(n)
		sent[c] = true
		if !declared[c] {
			subset = false
		}
	}
	if subset {
		return true
	}
	for d := range declared {
		if !sent[d] {
			return false
		}
	}
	return true // superset
}
