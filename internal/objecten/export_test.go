package objecten

import (
	"net/url"

	"github.com/meent/meent/internal/db"
)

// ListQuery is the id query of GET /objects?query for a caller with all rights, for the
// query-plan tests.
func ListQuery(d *db.DB, query url.Values, today string) (string, []any, error) {
	r := &register{db: d}
	p := &listParams{Type: query.Get("type"), DataAttrs: query.Get("data_attrs"), dataAttr: query["data_attr"]}
	w, order, err := r.where(p, &access{all: true}, today)
	if err != nil {
		return "", nil, err
	}
	return "SELECT r.id FROM object_record r" + w.SQL() + " ORDER BY " + order + " LIMIT 100", w.Args, nil
}
