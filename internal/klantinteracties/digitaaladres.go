package klantinteracties

import (
	"context"
	"encoding/json"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
)

// digitaalAdresResource: DigitaalAdres, an e-mail address, telephone number or other
// address given by a partij or a betrokkene (klantinteracties.md §3).
func digitaalAdresResource() *resource {
	return &resource{
		coll: "digitaleadressen", table: "ki_digitaal_adres", op: "digitaleadressen", name: "digitaaladres",
		refs: []ref{
			{field: "verstrektDoorBetrokkene", col: "betrokkene", to: "betrokkenen"},
			{field: "verstrektDoorPartij", col: "partij", to: "partijen"},
		},
		cols: []column{
			{col: "adres", path: []string{"adres"}},
			{col: "soort", path: []string{"soortDigitaalAdres"}},
			{col: "is_standaard", path: []string{"isStandaardAdres"}, boolean: true},
			{col: "omschrijving", path: []string{"omschrijving"}},
			{col: "referentie", path: []string{"referentie"}},
			{col: "verificatie_datum", path: []string{"verificatieDatum"}},
		},
		defaults: map[string]any{"isStandaardAdres": false, "omschrijving": "", "verificatieDatum": nil},
		expand:   []string{"verstrektDoorBetrokkene", "verstrektDoorBetrokkene.hadKlantcontact", "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken"},
		filters: slices.Concat([]filter{
			{param: "adres", cond: "adres = ?"},
			{param: "adres__icontains", typ: "like", cond: "lower(adres) LIKE ?"},
			{param: "isGeverifieerd", typ: "b", cond: "verificatie_datum <> ''", condFalse: "verificatie_datum = ''"},
			{param: "isStandaardAdres", typ: "b", cond: "is_standaard = ?"},
			{param: "omschrijving", cond: "omschrijving = ?"},
			{param: "referentie", cond: "referentie = ?"},
			{param: "soortDigitaalAdres", typ: "enum:email|overig|telefoonnummer", cond: "soort = ?"},
			{param: "verificatieDatum", typ: "date", cond: "verificatie_datum = ?"},
			{param: "verificatieDatum__gt", typ: "date", cond: "verificatie_datum > ?"},
			{param: "verificatieDatum__gte", typ: "date", cond: "verificatie_datum >= ?"},
			{param: "verificatieDatum__lt", typ: "date", cond: "verificatie_datum < ? AND verificatie_datum <> ''"},
			{param: "verificatieDatum__lte", typ: "date", cond: "verificatie_datum <= ? AND verificatie_datum <> ''"},
			{param: "verstrektDoorBetrokkene__rol", typ: "enum:klant|vertegenwoordiger", cond: "betrokkene IN (SELECT uuid FROM ki_betrokkene WHERE rol = ?)"},
			{param: "verstrektDoorBetrokkene__url", typ: "url:betrokkenen", cond: "betrokkene = ?"},
			{param: "verstrektDoorBetrokkene__uuid", typ: "uuid", cond: "betrokkene = ?"},
			{param: "verstrektDoorPartij__soortPartij", typ: "enum:contactpersoon|organisatie|persoon", cond: "partij IN (SELECT uuid FROM ki_partij WHERE soort_partij = ?)"},
			{param: "verstrektDoorPartij__url", typ: "url:partijen", cond: "partij = ?"},
			{param: "verstrektDoorPartij__uuid", typ: "uuid", cond: "partij = ?"},
		}, identificatorFilters("verstrektDoorPartij__partijIdentificator__", "p", "partij IN (SELECT p.partij FROM ki_partij_identificator p WHERE %s)")),
		check: checkDigitaalAdres,
		after: afterDigitaalAdres,
	}
}

// telefoonnummer: a Dutch number (0 and 9 digits), or international (+ or 00 and digits);
// spaces and dashes are allowed between the digits.
var telefoonnummer = regexp.MustCompile(`^(0[1-9][0-9]{8}|\+[0-9]{9,15}|00[0-9]{7,13})$`)

// checkDigitaalAdres: kda-adres (the address fits its soort), kda-standaard (a standard
// address belongs to a partij) and kda-referentie (unique per partij and soort).
func checkDigitaalAdres(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	adres := w.str("adres")
	switch w.str("soortDigitaalAdres") {
	case "email":
		if a, err := mail.ParseAddress(adres); err != nil || a.Address != adres || !strings.Contains(adres[strings.LastIndex(adres, "@")+1:], ".") {
			w.add("adres", "invalid", "Voer een geldig e-mailadres in.")
		}
	case "telefoonnummer":
		n := strings.NewReplacer(" ", "", "-", "").Replace(adres)
		if !telefoonnummer.MatchString(n) {
			w.add("adres", "invalid", "Voer een geldig telefoonnummer in.")
		}
	}
	partij := w.refs["verstrektDoorPartij"]
	if b, _ := lookup(w.data, []string{"isStandaardAdres"}).(bool); b && partij == "" {
		w.add("isStandaardAdres", "invalid", "Alleen een digitaal adres van een partij (verstrektDoorPartij) kan het standaardadres zijn.")
	}
	if ref := w.str("referentie"); ref != "" && partij != "" {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM ki_digitaal_adres WHERE partij = $1 AND referentie = $2 AND soort = $3 AND uuid <> $4",
			partij, ref, w.str("soortDigitaalAdres"), w.uuid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			w.add("referentie", "unique", "Deze partij heeft al een digitaal adres van deze soort met deze referentie.")
		}
	}
	return nil
}

// afterDigitaalAdres: kda-standaard, at most one standard address per partij and soort;
// marking this one clears the previous one.
func afterDigitaalAdres(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	if b, _ := lookup(w.data, []string{"isStandaardAdres"}).(bool); !b {
		return nil
	}
	prev, err := r.load(ctx, tx, r.res["digitaleadressen"], "partij = $1 AND soort = $2 AND uuid <> $3 AND is_standaard = $4",
		w.refs["verstrektDoorPartij"], w.str("soortDigitaalAdres"), w.uuid, true)
	if err != nil {
		return err
	}
	for _, p := range prev {
		p.data["isStandaardAdres"] = json.RawMessage("false")
		data, err := json.Marshal(p.data)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE ki_digitaal_adres SET is_standaard = $1, data = $2 WHERE id = $3", false, string(data), p.id); err != nil {
			return err
		}
	}
	return nil
}
