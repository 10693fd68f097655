package catalogi

import (
	"context"
	"fmt"
	"sync"
)

// The lists of a zaaktype that come from other tables (its statustypen, roltypen,
// resultaattypen, eigenschappen, zaakobjecttypen and informatieobjecttypen) are most of
// what a page of zaaktypen reads: some 1,200 rows for 100 rich zaaktypen. Any write to the
// catalogue ends the rendered answers (renderCache), but these lists only change with the
// tables they are read from. So they are kept per zaaktype for one version of those tables
// (their counters in catalogi_wijziging, which every node's writes raise), and the first
// page after a write elsewhere reads only what did change. Another node's write to one of
// the tables raises its counter, so the list is read again: never older than the render
// cache would serve.

// deelTabellen are the tables each kept list is read from.
var deelTabellen = [zkIOT + 1][]string{
	zkStatustype:     {"statustype"},
	zkRoltype:        {"roltype"},
	zkResultaattype:  {"resultaattype"},
	zkEigenschap:     {"eigenschap"},
	zkZaakobjecttype: {"zaakobjecttype"},
	// A zaaktype's catalogus never changes, so the join with zaaktype needs no version.
	zkIOT: {"zaaktypeinformatieobjecttype", "informatieobjecttype"},
}

// deelSleutel is the state a list was read in: the versions of its tables and, for the
// informatieobjecttypen valid on it, the peildatum.
type deelSleutel struct {
	versies [2]int64
	datum   string
}

// ouder reports whether k names an earlier state of the tables than o.
func (k deelSleutel) ouder(o deelSleutel) bool {
	return k.versies[0] < o.versies[0] || k.versies[1] < o.versies[1]
}

// deelCache keeps per kind the uuid lists of the zaaktypen read in one state; a zaaktype
// that has none is kept with a nil list.
type deelCache struct {
	mu      sync.Mutex
	sleutel [zkIOT + 1]deelSleutel
	lijsten [zkIOT + 1]map[int64][]string
}

// deelCacheMax bounds the zaaktypen kept per kind (every version of every zaaktype of a
// large municipality fits); past it the kind starts afresh.
const deelCacheMax = 1 << 16

// deelLijsten returns for each kind the lists of all of ids kept in the current state, or
// nil when they must be read; sleutels are the states to keep what is read under.
func (r *register) deelLijsten(ctx context.Context, ids []int64, date string) (lijsten [zkIOT + 1]map[int64][]string, sleutels [zkIOT + 1]deelSleutel, err error) {
	// Read before the lists: what is read later is at least as new as these versions.
	versie := map[string]int64{}
	rows, err := r.db.Query(ctx, `SELECT tabel, versie FROM catalogi_wijziging`)
	if err != nil {
		return lijsten, sleutels, fmt.Errorf("catalogi versies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var v int64
		if err := rows.Scan(&t, &v); err != nil {
			return lijsten, sleutels, fmt.Errorf("catalogi versies: %w", err)
		}
		versie[t] = v
	}
	if err := rows.Err(); err != nil {
		return lijsten, sleutels, fmt.Errorf("catalogi versies: %w", err)
	}
	c := &r.deel
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, tabellen := range deelTabellen {
		for i, t := range tabellen {
			sleutels[k].versies[i] = versie[t]
		}
		if k == zkIOT {
			sleutels[k].datum = date
		}
		if c.sleutel[k] != sleutels[k] || c.lijsten[k] == nil {
			continue
		}
		m := make(map[int64][]string, len(ids))
		for _, id := range ids {
			l, ok := c.lijsten[k][id]
			if !ok {
				m = nil
				break
			}
			m[id] = l
		}
		lijsten[k] = m
	}
	return lijsten, sleutels, nil
}

// deelBewaar keeps the lists of kind k read for ids in state s; found holds the zaaktypen
// that have any.
func (r *register) deelBewaar(k int, s deelSleutel, ids []int64, found map[int64][]string) {
	c := &r.deel
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.lijsten[k] != nil && s.ouder(c.sleutel[k]):
		return // read in a state already superseded: do not keep
	case c.lijsten[k] == nil || c.sleutel[k] != s || len(c.lijsten[k]) > deelCacheMax:
		c.sleutel[k], c.lijsten[k] = s, map[int64][]string{}
	}
	for _, id := range ids {
		c.lijsten[k][id] = found[id]
	}
}

// deelQuery adds to q the lists of the kinds that subs lacks, for the zaaktypen ids, and
// gives those kinds an empty map to read them into; it returns the kinds it added.
func deelQuery(q *relq, subs *[zkIOT + 1]map[int64][]string, ids []int64, date string) []int {
	var lees []int
	var idIn string // bound only when used: PostgreSQL refuses a parameter no branch uses
	for k := range subs {
		if subs[k] != nil {
			continue
		}
		if idIn == "" {
			idIn = q.in(anys(ids))
		}
		subs[k], lees = map[int64][]string{}, append(lees, k)
		// One row per zaaktype, its uuids joined in the order they are rendered.
		if k == zkIOT {
			q.add(`SELECT %d, t.zaaktype_id, 0, %s, '', '', 1 FROM zaaktypeinformatieobjecttype t
			JOIN zaaktype z ON z.id = t.zaaktype_id
			JOIN informatieobjecttype i ON i.catalogus_id = z.catalogus_id AND i.omschrijving = t.informatieobjecttype_omschrijving
			WHERE t.zaaktype_id IN (%s) AND %s GROUP BY t.zaaktype_id`, zkIOT, q.agg("CAST(i.uuid AS TEXT)", "t.volgnummer"), idIn, q.geldig("i", date))
			continue
		}
		sort := "id"
		if k == zkStatustype {
			sort = "volgnummer"
		}
		q.add(`SELECT %d, zaaktype_id, 0, %s, '', '', 1 FROM %s WHERE zaaktype_id IN (%s) GROUP BY zaaktype_id`,
			k, q.agg("CAST(uuid AS TEXT)", sort), deelTabellen[k][0], idIn)
	}
	return lees
}
