package referentielijsten

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/meent/meent/internal/zgw"
)

// communicatiekanaal is a channel through which a zaak can come in; Zaak.communicatiekanaal
// points to one (zrc-010).
type communicatiekanaal struct {
	URL          string `json:"url"`
	Naam         string `json:"naam"`
	Omschrijving string `json:"omschrijving"`

	uuid string
}

// loadCommunicatiekanalen reads the communicatiekanalen, ordered by naam.
func loadCommunicatiekanalen(url urlFunc) (table[communicatiekanaal], error) {
	var rows []communicatiekanaal
	if err := decode(kanalenFile, &rows); err != nil {
		return table[communicatiekanaal]{}, err
	}
	for i := range rows {
		id, err := uuidOfURL(rows[i].URL)
		if err != nil {
			return table[communicatiekanaal]{}, dataErr(kanalenFile, i, err)
		}
		rows[i].uuid, rows[i].URL = id, url("communicatiekanalen", id)
	}
	slices.SortFunc(rows, func(a, b communicatiekanaal) int { return cmp.Compare(a.Naam, b.Naam) })
	return newTable(rows, func(k *communicatiekanaal) string { return k.uuid })
}

func (r *register) mountCommunicatiekanaal() {
	r.api.Handle("GET /communicatiekanalen", zgw.Public, r.communicatiekanaalList)
	r.api.Handle("GET /communicatiekanalen/{uuid}", zgw.Public, func(c *zgw.Call) error {
		return r.serveDetail(c, func(l *lists) (json.RawMessage, bool) { return l.kanalen.get(c.R.PathValue("uuid")) })
	})
}

// communicatiekanaalList answers GET /communicatiekanalen, paginated.
func (r *register) communicatiekanaalList(c *zgw.Call) error {
	q := c.Query("page")
	if err := q.Err(); err != nil {
		return err
	}
	l, err := r.lists()
	if err != nil {
		return err
	}
	return servePage(c, q.Page, l.kanalenPages)
}
