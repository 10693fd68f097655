package notificaties

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// routes is an immutable copy of the abonnementen, by kanaal, that Route matches against.
type routes struct {
	byKanaal map[string][]route
	gen      uint64
	loaded   time.Time
}

// route is one filter group: the abonnement it belongs to and its filters.
type route struct {
	target  outbox.Target
	filters []kenmerk
}

// kenmerk is one name/value pair, the name in canonicalKey form.
type kenmerk struct{ key, value string }

// matches is the filter rule of notificaties.md §2 (Open Notificaties' behaviour): for every
// filter whose name also occurs among the kenmerken, the filter value is "*" or equals the
// kenmerk value exactly; filters on kenmerken the message does not carry are ignored, and a
// group without filters matches every message of its kanaal.
func matches(filters, kenmerken []kenmerk) bool {
	for _, f := range filters {
		for _, k := range kenmerken {
			if k.key == f.key {
				if f.value != "*" && f.value != k.value {
					return false
				}
				break
			}
		}
	}
	return true
}

// Route returns the abonnementen that must receive n: those with a filter group for its
// kanaal whose filters match its kenmerken, each once. It implements outbox.Router and runs
// on the delivery hot path, so it reads an in-memory copy of the abonnementen: reloaded after
// every write of this process and otherwise every RoutesTTL.
func (r *Register) Route(ctx context.Context, n zgw.Notificatie) ([]outbox.Target, error) {
	s, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	groups := s.byKanaal[n.Kanaal]
	if len(groups) == 0 {
		return nil, nil
	}
	var buf [8]kenmerk
	kenmerken := buf[:0]
	for k, v := range n.Kenmerken {
		kenmerken = append(kenmerken, kenmerk{canonicalKey(k), v})
	}
	// First the matching groups, then one allocation of exactly the targets.
	var ibuf [64]int32
	matched := ibuf[:0]
	for i := range groups {
		g := &groups[i]
		// The groups of one abonnement are adjacent: once it matched, skip its other groups.
		if len(matched) > 0 && groups[matched[len(matched)-1]].target.Abonnement == g.target.Abonnement {
			continue
		}
		if matches(g.filters, kenmerken) {
			matched = append(matched, int32(i))
		}
	}
	if len(matched) == 0 {
		return nil, nil
	}
	out := make([]outbox.Target, len(matched))
	for i, m := range matched {
		out[i] = groups[m].target
	}
	return out, nil
}

// current returns the copy of the abonnementen to route with, reloading it when this process
// wrote since it was loaded or when it is older than RoutesTTL.
func (r *Register) current(ctx context.Context) (*routes, error) {
	if s := r.routes.Load(); r.fresh(s) {
		return s, nil
	}
	r.loadMu.Lock()
	defer r.loadMu.Unlock()
	if s := r.routes.Load(); r.fresh(s) {
		return s, nil // another caller reloaded meanwhile
	}
	gen := r.gen.Load() // before reading: a write committed during the load forces another
	s, err := loadRoutes(ctx, r)
	if err != nil {
		return nil, err
	}
	s.gen, s.loaded = gen, time.Now()
	r.routes.Store(s)
	return s, nil
}

func (r *Register) fresh(s *routes) bool {
	return s != nil && s.gen == r.gen.Load() && time.Since(s.loaded) < r.RoutesTTL
}

// loadRoutes reads every filter group with its abonnement in one query.
func loadRoutes(ctx context.Context, r *Register) (*routes, error) {
	rows, err := r.db.Query(ctx, `SELECT a.uuid, a.callback_url, a.auth, k.naam, g.filters
		FROM abonnement_kanaal g JOIN abonnement a ON a.id = g.abonnement_id JOIN kanaal k ON k.id = g.kanaal_id
		ORDER BY a.id, g.id`)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	defer rows.Close()
	s := &routes{byKanaal: map[string][]route{}}
	for rows.Next() {
		var t outbox.Target
		var naam, raw string
		if err := rows.Scan(&t.Abonnement, &t.CallbackURL, &t.Auth, &naam, &raw); err != nil {
			return nil, err
		}
		var filters map[string]string
		if err := json.Unmarshal([]byte(raw), &filters); err != nil {
			return nil, fmt.Errorf("routes: filters of %s: %w", t.Abonnement, err)
		}
		s.byKanaal[naam] = append(s.byKanaal[naam], newRoute(t, filters))
	}
	return s, rows.Err()
}

func newRoute(t outbox.Target, filters map[string]string) route {
	rt := route{target: t, filters: make([]kenmerk, 0, len(filters))}
	for k, v := range filters {
		rt.filters = append(rt.filters, kenmerk{canonicalKey(k), v})
	}
	return rt
}
