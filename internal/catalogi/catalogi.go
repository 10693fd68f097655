// Package catalogi is the Catalogi API 1.3.1 (ZTC): catalogussen and the versioned types that
// describe zaken, documenten and besluiten.
package catalogi

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// register is the Catalogi register mounted on one API.
type register struct {
	api *zgw.API
	db  *db.DB
	// selectielijst is the root of the Referentielijsten API that selectielijst URLs must
	// point into (ztc-001, ztc-002).
	selectielijst string
	// loc is the time zone of "today", the default date at which relations by name are
	// resolved and validity is judged: the municipality's, not the server's.
	loc *time.Location
	// cache holds rendered responses of the read endpoints, for the state of the catalogue
	// they were rendered in.
	cache renderCache
	// deel holds the uuid lists of zaaktypen read from their sub-type tables.
	deel deelCache
}

// Mount adds the routes of the Catalogi API to api. selectielijst is the root of the
// Referentielijsten API whose procestypen and resultaten the types refer to.
func Mount(api *zgw.API, selectielijst string) {
	r := &register{api: api, db: api.DB, selectielijst: selectielijst, loc: time.Local}
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		r.loc = loc
	}
	r.mountCatalogus()
	r.mountZaaktype()
	r.mountInformatieobjecttype()
	r.mountBesluittype()
	r.mountZaaktypeInformatieobjecttype()
	r.mountStatustype()
	r.mountRoltype()
	r.mountResultaattype()
	r.mountEigenschap()
	r.mountZaakobjecttype()
}

// renderCache keeps rendered JSON of the read endpoints. An entry belongs to one state of the
// catalogue, the stamp: the sum of the per-table write counters that triggers keep in
// catalogi_wijziging. The counters only grow, so the stamp changes with every committed
// write to any catalogi table, by any node; every read fetches the stamp first (one cheap
// query) and only uses entries of the same stamp. So a node never serves what another node
// has since changed, and a write here needs no invalidation of its own.
type renderCache struct {
	mu      sync.Mutex
	stamp   int64
	entries map[string][]byte
	size    int
}

// renderCacheMax bounds the memory of the cache; it starts afresh when full.
const renderCacheMax = 32 << 20

// cached returns the JSON rendered for key in the current state of the catalogue, rendering
// it when it is not kept. key must name everything the rendering depends on besides the
// stored data (path, query, peildatum).
func (r *register) cached(ctx context.Context, key string, render func() ([]byte, error)) ([]byte, error) {
	var stamp int64
	// Read before rendering: data read later is at least as new as the stamp says.
	if err := r.db.QueryRow(ctx, `SELECT COALESCE(SUM(versie), 0) FROM catalogi_wijziging`).Scan(&stamp); err != nil {
		return nil, fmt.Errorf("catalogi stamp: %w", err)
	}
	c := &r.cache
	c.mu.Lock()
	if c.stamp == stamp {
		if b, ok := c.entries[key]; ok {
			c.mu.Unlock()
			return b, nil
		}
	}
	c.mu.Unlock()
	b, err := render()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if stamp < c.stamp {
		return b, nil // rendered in a state already superseded: do not keep
	}
	if stamp > c.stamp || c.entries == nil || c.size+len(b) > renderCacheMax {
		c.stamp, c.entries, c.size = stamp, map[string][]byte{}, 0
	}
	c.entries[key] = b
	c.size += len(key) + len(b)
	return b, nil
}
