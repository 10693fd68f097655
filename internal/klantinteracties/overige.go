package klantinteracties

import (
	"context"
	"strings"

	"github.com/meent/meent/internal/db"
)

// rekeningnummerResource: Rekeningnummer (iban, bic) of a partij.
func rekeningnummerResource() *resource {
	return &resource{
		coll: "rekeningnummers", table: "ki_rekeningnummer", op: "rekeningnummers", name: "rekeningnummer",
		refs: []ref{{field: "partij", col: "partij", to: "partijen"}},
		cols: []column{{col: "iban", path: []string{"iban"}}, {col: "bic", path: []string{"bic"}}},
		filters: []filter{
			{param: "bic", cond: "bic = ?"},
			{param: "iban", cond: "iban = ?"},
			{param: "uuid", typ: "uuid", cond: "uuid = ?"},
		},
	}
}

// vertegenwoordigingResource: Vertegenwoordigden, partij A represents partij B.
func vertegenwoordigingResource() *resource {
	return &resource{
		coll: "vertegenwoordigingen", table: "ki_vertegenwoordiging", op: "vertegenwoordigingen", name: "vertegenwoordiging",
		refs: []ref{
			{field: "vertegenwoordigendePartij", col: "vertegenwoordigende", to: "partijen", cascade: true},
			{field: "vertegenwoordigdePartij", col: "vertegenwoordigde", to: "partijen", cascade: true},
		},
		filters: []filter{
			{param: "vertegenwoordigdePartij__url", typ: "url:partijen", cond: "vertegenwoordigde = ?"},
			{param: "vertegenwoordigdePartij__uuid", typ: "uuid", cond: "vertegenwoordigde = ?"},
			{param: "vertegenwoordigendePartij__url", typ: "url:partijen", cond: "vertegenwoordigende = ?"},
			{param: "vertegenwoordigendePartij__uuid", typ: "uuid", cond: "vertegenwoordigende = ?"},
		},
		check: func(_ context.Context, _ *db.Tx, _ *register, w *write) error {
			if a := w.refs["vertegenwoordigendePartij"]; a != "" && a == w.refs["vertegenwoordigdePartij"] {
				w.add("vertegenwoordigdePartij", "invalid", "Een partij kan zichzelf niet vertegenwoordigen.")
			}
			return nil
		},
	}
}

// categorieResource: Categorie (experimental), a label for partijen.
func categorieResource() *resource {
	return &resource{
		coll: "categorieen", table: "ki_categorie", op: "categorieen", name: "categorie",
		cols:     []column{{col: "naam", path: []string{"naam"}}},
		defaults: map[string]any{"naam": ""},
	}
}

// categorieRelatieResource: CategorieRelatie (experimental), a categorie on a partij for a
// period.
func categorieRelatieResource() *resource {
	return &resource{
		coll: "categorie-relaties", table: "ki_categorie_relatie", op: "categorieRelaties", name: "categorierelatie",
		refs: []ref{
			{field: "partij", col: "partij", to: "partijen", cascade: true},
			{field: "categorie", col: "categorie", to: "categorieen", cascade: true},
		},
		cols: []column{
			{col: "begin_datum", path: []string{"beginDatum"}},
			{col: "eind_datum", path: []string{"eindDatum"}},
		},
		defaults: map[string]any{"beginDatum": nil, "eindDatum": nil},
		filters: []filter{
			{param: "beginDatum", typ: "date", cond: "begin_datum = ?"},
			{param: "categorie__naam", cond: "categorie IN (SELECT uuid FROM ki_categorie WHERE naam = ?)"},
			{param: "categorie__url", typ: "url:categorieen", cond: "categorie = ?"},
			{param: "categorie__uuid", typ: "uuid", cond: "categorie = ?"},
			{param: "eindDatum", typ: "date", cond: "eind_datum = ?"},
			{param: "partij__nummer", cond: "partij IN (SELECT uuid FROM ki_partij WHERE nummer = ?)"},
			{param: "partij__url", typ: "url:partijen", cond: "partij = ?"},
			{param: "partij__uuid", typ: "uuid", cond: "partij = ?"},
		},
		check: func(_ context.Context, _ *db.Tx, _ *register, w *write) error {
			b, e := w.str("beginDatum"), w.str("eindDatum")
			if b != "" && e != "" && strings.Compare(e, b) < 0 {
				w.add("eindDatum", "invalid", "De eindDatum ligt voor de beginDatum.")
			}
			return nil
		},
		render: renderCategorieRelatie,
	}
}

// renderCategorieRelatie adds the naam of the categorie (CategorieForeignKey.naam).
func renderCategorieRelatie(ctx context.Context, q db.Querier, r *register, rows []*row, outs []map[string]any) error {
	var uuids []string
	for _, w := range rows {
		if u := w.refs["categorie"]; u != "" {
			uuids = append(uuids, u)
		}
	}
	cats, err := r.byUUIDs(ctx, q, r.res["categorieen"], uuids)
	if err != nil {
		return err
	}
	namen := map[string]string{}
	for _, c := range cats {
		namen[c.uuid], _ = lookup(c.data, []string{"naam"}).(string)
	}
	for i, w := range rows {
		if m, ok := outs[i]["categorie"].(map[string]any); ok {
			m["naam"] = namen[w.refs["categorie"]]
		}
	}
	return nil
}
