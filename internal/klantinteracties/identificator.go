package klantinteracties

import (
	"context"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// partijIdentificatorResource: PartijIdentificator, a link from a partij to an external
// register (klantinteracties.md §3).
func partijIdentificatorResource() *resource {
	return &resource{
		coll: "partij-identificatoren", table: "ki_partij_identificator", op: "partijIdentificatoren", name: "partijidentificator",
		refs: []ref{
			{field: "identificeerdePartij", col: "partij", to: "partijen", cascade: true},
			{field: "subIdentificatorVan", col: "sub_van", to: "partij-identificatoren"},
		},
		cols: append(identificatorCols("partijIdentificator"),
			column{col: "andere", path: []string{"anderePartijIdentificator"}},
			column{col: "sub_key", fn: func(w *write) any { return w.refs["subIdentificatorVan"] }},
		),
		defaults: map[string]any{"anderePartijIdentificator": ""},
		filters: []filter{
			{param: "anderePartijIdentificator", cond: "andere = ?"},
			{param: "partijIdentificatorCodeObjecttype", typ: "enum:natuurlijk_persoon|niet_natuurlijk_persoon|vestiging", cond: "code_objecttype = ?"},
			{param: "partijIdentificatorCodeRegister", typ: "enum:brp|hr", cond: "code_register = ?"},
			{param: "partijIdentificatorCodeSoortObjectId", typ: "enum:bsn|kvk_nummer|rsin|vestigingsnummer", cond: "code_soort = ?"},
			{param: "partijIdentificatorObjectId", cond: "object_id = ?"},
		},
		check: checkPartijIdentificator,
	}
}

// identificatorCols copy the four fields of an identificator object (partijIdentificator,
// actoridentificator, ...) into the columns its filters use.
func identificatorCols(group string) []column {
	return []column{
		{col: "code_objecttype", path: []string{group, "codeObjecttype"}},
		{col: "code_soort", path: []string{group, "codeSoortObjectId"}},
		{col: "object_id", path: []string{group, "objectId"}},
		{col: "code_register", path: []string{group, "codeRegister"}},
	}
}

// identificatorFilters are the four filters on the identificatoren of a partij, named
// prefix+"codeObjecttype" and so on. sub is the subquery over those identificatoren in
// which the conditions on table alias t go, all in one: each filter of a request then
// speaks of the same identificator (see where).
func identificatorFilters(prefix, t, sub string) []filter {
	return []filter{
		{param: prefix + "codeObjecttype", sub: sub, cond: t + ".code_objecttype = ?"},
		{param: prefix + "codeRegister", sub: sub, cond: t + ".code_register = ?"},
		{param: prefix + "codeSoortObjectId", sub: sub, cond: t + ".code_soort = ?"},
		{param: prefix + "objectId", sub: sub, cond: t + ".object_id = ?"},
	}
}

// identificatorCombinaties are the allowed register -> objecttype -> soort combinations
// (kpi-combinatie); other identifiers go in anderePartijIdentificator.
var identificatorCombinaties = map[string]map[string][]string{
	"brp": {"natuurlijk_persoon": {"bsn"}},
	"hr":  {"niet_natuurlijk_persoon": {"rsin", "kvk_nummer"}, "vestiging": {"vestigingsnummer"}},
}

// checkPartijIdentificator runs kpi-combinatie, kpi-waarde, kpi-vestiging and kpi-uniek.
func checkPartijIdentificator(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	register := w.str("partijIdentificator", "codeRegister")
	objecttype := w.str("partijIdentificator", "codeObjecttype")
	soort := w.str("partijIdentificator", "codeSoortObjectId")
	objectID := w.str("partijIdentificator", "objectId")
	if register == "" && objecttype == "" && soort == "" && objectID == "" {
		return nil
	}
	// kpi-combinatie: codeRegister, codeObjecttype and codeSoortObjectId fit together.
	types, ok := identificatorCombinaties[register]
	if !ok {
		w.add("partijIdentificator.codeRegister", "invalid", fmt.Sprintf("codeRegister %q is ongeldig.", register))
		return nil
	}
	soorten, ok := types[objecttype]
	if !ok {
		w.add("partijIdentificator.codeObjecttype", "invalid", fmt.Sprintf("codeObjecttype %q past niet bij codeRegister %q.", objecttype, register))
		return nil
	}
	if !zgw.OneOf(soort, soorten...) {
		w.add("partijIdentificator.codeSoortObjectId", "invalid", fmt.Sprintf("codeSoortObjectId %q past niet bij codeObjecttype %q; toegestaan: %s.", soort, objecttype, strings.Join(soorten, ", ")))
		return nil
	}
	// kpi-waarde: the value has the form of its soort.
	if msg := identificatorWaarde(soort, objectID); msg != "" {
		w.add("partijIdentificator.objectId", "invalid", msg)
	}
	// kpi-vestiging: a vestigingsnummer hangs under the KVK-nummer of its rechtspersoon;
	// nothing else hangs under another identificator.
	sub := w.refs["subIdentificatorVan"]
	switch {
	case soort == "vestigingsnummer" && sub == "":
		w.add("subIdentificatorVan", "required", "Een vestigingsnummer vereist een subIdentificatorVan met codeSoortObjectId kvk_nummer.")
	case soort != "vestigingsnummer" && sub != "":
		w.add("subIdentificatorVan", "invalid", "Alleen een vestigingsnummer kan een subIdentificatorVan hebben.")
	case sub != "":
		var parent string
		err := tx.QueryRow(ctx, "SELECT code_soort FROM ki_partij_identificator WHERE uuid = $1", sub).Scan(&parent)
		if err == nil && parent != "kvk_nummer" {
			w.add("subIdentificatorVan", "invalid", "subIdentificatorVan moet een identificator met codeSoortObjectId kvk_nummer zijn.")
		}
	}
	// A soort that others hang under cannot change.
	if w.old != nil {
		oldSoort, _ := lookup(w.old.data, []string{"partijIdentificator", "codeSoortObjectId"}).(string)
		if oldSoort != "" && oldSoort != soort {
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM ki_partij_identificator WHERE sub_van = $1", w.uuid).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				w.add("partijIdentificator.codeSoortObjectId", "invalid", "De soort van een identificator waar andere identificatoren onder vallen kan niet gewijzigd worden.")
			}
		}
	}
	// kpi-uniek: the value is unique across partijen within its parent identificator.
	if len(w.errs.Params) == 0 {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ki_partij_identificator WHERE code_register = $1 AND code_objecttype = $2
			AND code_soort = $3 AND object_id = $4 AND sub_key = $5 AND uuid <> $6`,
			register, objecttype, soort, objectID, sub, w.uuid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			w.add("partijIdentificator", "unique", "Er bestaat al een partij identificator met deze combinatie van codeRegister, codeObjecttype, codeSoortObjectId en objectId.")
		}
	}
	return nil
}

// identificatorWaarde checks the form of an identifier value (kpi-waarde): BSN and RSIN
// are 9 digits passing the 11-proef, a KVK-nummer 8 digits, a vestigingsnummer 12 digits.
// It returns the problem, or "".
func identificatorWaarde(soort, v string) string {
	switch soort {
	case "bsn", "rsin":
		if !digits(v, 9) {
			return fmt.Sprintf("Een %s bestaat uit 9 cijfers.", strings.ToUpper(soort))
		}
		if !elfproef(v) {
			return fmt.Sprintf("Ongeldig %s: de 11-proef klopt niet.", strings.ToUpper(soort))
		}
	case "kvk_nummer":
		if !digits(v, 8) {
			return "Een KVK-nummer bestaat uit 8 cijfers."
		}
	case "vestigingsnummer":
		if !digits(v, 12) {
			return "Een vestigingsnummer bestaat uit 12 cijfers."
		}
	}
	return ""
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// elfproef is the 11-proef of BSN and RSIN: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple
// of 11 (and not 0, which only the all-zero number gives).
func elfproef(s string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(s[i]-'0') * (9 - i)
	}
	sum -= int(s[8] - '0')
	return sum%11 == 0 && s != "000000000"
}
