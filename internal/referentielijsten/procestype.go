package referentielijsten

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/meent/meent/internal/zgw"
)

// procesType is one procestype (selectielijstcategorie) of the Selectielijst gemeenten en
// intergemeentelijke organen. Both editions are served; jaar (2017 or 2020) tells them apart.
type procesType struct {
	URL          string `json:"url"`
	Nummer       int    `json:"nummer"`
	Jaar         int    `json:"jaar"`
	Naam         string `json:"naam"`
	Omschrijving string `json:"omschrijving"`
	Toelichting  string `json:"toelichting"`
	Procesobject string `json:"procesobject"`

	uuid string
}

// loadProcestypen reads the 58 procestypen (29 per edition) and renders their URLs. They are
// ordered by nummer as the reference implementation orders them, then by jaar, so that the
// order does not depend on the source file.
func loadProcestypen(url urlFunc) (table[procesType], error) {
	var rows []procesType
	if err := decode(procestypenFile, &rows); err != nil {
		return table[procesType]{}, err
	}
	seen := map[[2]int]bool{}
	for i := range rows {
		p := &rows[i]
		id, err := uuidOfURL(p.URL)
		if err != nil {
			return table[procesType]{}, dataErr(procestypenFile, i, err)
		}
		// nummer is unique within an edition (the reference's unique_together).
		key := [2]int{p.Jaar, p.Nummer}
		if seen[key] {
			return table[procesType]{}, dataErr(procestypenFile, i, fmt.Errorf("second procestype %d of %d", p.Nummer, p.Jaar))
		}
		seen[key] = true
		p.uuid, p.URL = id, url("procestypen", id)
	}
	slices.SortFunc(rows, func(a, b procesType) int {
		return cmp.Or(cmp.Compare(a.Nummer, b.Nummer), cmp.Compare(a.Jaar, b.Jaar))
	})
	return newTable(rows, func(p *procesType) string { return p.uuid })
}

func (r *register) mountProcestype() {
	r.api.Handle("GET /procestypen", zgw.Public, r.procestypeList)
	r.api.Handle("GET /procestypen/{uuid}", zgw.Public, func(c *zgw.Call) error {
		return r.serveDetail(c, func(l *lists) (json.RawMessage, bool) { return l.procestypen.get(c.R.PathValue("uuid")) })
	})
}

// procestypeList answers GET /procestypen: a plain array, optionally filtered on jaar. The
// spec types jaar as a string; the reference filters it as a number, so a value that is not
// a whole number is a 400 and a year without procestypen gives an empty list.
func (r *register) procestypeList(c *zgw.Call) error {
	q := c.Query("jaar")
	jaar, filter := q.Int("jaar")
	if err := q.Err(); err != nil {
		return err
	}
	l, err := r.lists()
	if err != nil {
		return err
	}
	if !filter {
		return writeJSON(c, l.procestypenArray)
	}
	if b, ok := l.procestypenPerJaar[jaar]; ok {
		return writeJSON(c, b)
	}
	return writeJSON(c, array(nil))
}
