package zaken

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// valuesSrc is a filterSrc over plain query values, for the EXPLAIN tests.
type valuesSrc url.Values

func (s valuesSrc) str(n string) string { return url.Values(s).Get(n) }
func (s valuesSrc) list(n string) []string {
	if v := url.Values(s).Get(n); v != "" {
		return strings.Split(v, ",")
	}
	return nil
}
func (s valuesSrc) invalid(n, code, _ string) { panic("invalid " + n + ": " + code) }

// ZaakListSQL returns the count and first-page statements that GET /zaken runs for query q,
// for a client that may read zaaktypen up to vertrouwelijkheid max (the shapes of
// zaakPageTelling and db.List).
func ZaakListSQL(d *db.DB, q url.Values, zaaktypen []string, max string) (count, page string, args []any) {
	var w db.Where
	zaakFilter(d, valuesSrc(q), &w)
	order := zaakOrdering(valuesSrc(q), valuesSrc(q).list("ordering"))
	g := &zgw.Grants{}
	for _, t := range zaaktypen {
		g.Autorisaties = append(g.Autorisaties, zgw.Autorisatie{Component: component, Scopes: []string{scopeLezen}, Type: t, MaxVertrouwelijkheid: max})
	}
	if zt := q.Get("zaaktype"); zt != "" {
		authWhereZaaktype(&w, g, zt)
	} else {
		authWhere(&w, g, "", scopeLezen)
	}
	if tellable(q) {
		count = "SELECT CAST(COALESCE(SUM(aantal), 0) AS BIGINT) FROM zaak_telling" + w.SQL()
	} else {
		count = "SELECT count(*) FROM zaak" + w.SQL()
	}
	n := len(w.Args)
	page = fmt.Sprintf("SELECT id FROM zaak%s ORDER BY %s LIMIT $%d OFFSET $%d", w.SQL(), order, n+1, n+2)
	return count, page, append(w.Args, 100, 0)
}
