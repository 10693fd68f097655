package referentielijsten

import (
	"encoding/json"

	"github.com/meent/meent/internal/zgw"
)

// resultaattypeomschrijving is one generic resultaattypeomschrijving (ResultaattypeOmschrijvingGeneriek).
// Catalogi copies its omschrijving into ResultaatType.omschrijvingGeneriek (ztc-002).
type resultaattypeomschrijving struct {
	URL          string `json:"url"`
	Omschrijving string `json:"omschrijving"`
	Definitie    string `json:"definitie"`
	Opmerking    string `json:"opmerking"`

	// uuid is the id the source file gives each record: it becomes the UUID in the URL, so
	// that the URLs stay the same from one release to the next.
	uuid string
}

// loadResultaattypeomschrijvingen reads the 38 omschrijvingen in the order of the source.
func loadResultaattypeomschrijvingen(url urlFunc) (table[resultaattypeomschrijving], error) {
	var src []struct {
		ID           string `json:"id"`
		Omschrijving string `json:"omschrijving"`
		Definitie    string `json:"definitie"`
		Opmerking    string `json:"opmerking"`
	}
	if err := decode(omschrijvingenFile, &src); err != nil {
		return table[resultaattypeomschrijving]{}, err
	}
	rows := make([]resultaattypeomschrijving, len(src))
	for i, s := range src {
		id, err := uuidOfURL(s.ID)
		if err != nil {
			return table[resultaattypeomschrijving]{}, dataErr(omschrijvingenFile, i, err)
		}
		rows[i] = resultaattypeomschrijving{URL: url("resultaattypeomschrijvingen", id), Omschrijving: s.Omschrijving,
			Definitie: s.Definitie, Opmerking: s.Opmerking, uuid: id}
	}
	return newTable(rows, func(o *resultaattypeomschrijving) string { return o.uuid })
}

func (r *register) mountResultaattypeomschrijving() {
	r.api.Handle("GET /resultaattypeomschrijvingen", zgw.Public, func(c *zgw.Call) error {
		return r.serveList(c, func(l *lists) []byte { return l.omschrijvingenArray })
	})
	r.api.Handle("GET /resultaattypeomschrijvingen/{uuid}", zgw.Public, func(c *zgw.Call) error {
		return r.serveDetail(c, func(l *lists) (json.RawMessage, bool) { return l.omschrijvingen.get(c.R.PathValue("uuid")) })
	})
}
