package klantinteracties

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
)

// partijResource: Partij (persoon, organisatie, contactpersoon; klantinteracties.md §2).
func partijResource() *resource {
	// subIdentificatorVan__ speaks of the parent (v) of the same identificator (p) that
	// partijIdentificator__ does: together they find one vestiging of one rechtspersoon.
	ids := "uuid IN (SELECT p.partij FROM ki_partij_identificator p LEFT JOIN ki_partij_identificator v ON v.uuid = p.sub_van WHERE %s)"
	vert := "uuid IN (SELECT vertegenwoordigende FROM ki_vertegenwoordiging WHERE vertegenwoordigde = ?)"
	return &resource{
		coll: "partijen", table: "ki_partij", op: "partijen", name: "partij", kanaal: "partijen", nummer: true,
		refs: []ref{
			{field: "voorkeursDigitaalAdres", col: "voorkeurs_digitaal_adres", to: "digitaleadressen"},
			{field: "voorkeursRekeningnummer", col: "voorkeurs_rekeningnummer", to: "rekeningnummers"},
		},
		backs: []back{
			{field: "betrokkenen", from: "betrokkenen", col: "partij"},
			{field: "categorieRelaties", from: "categorie-relaties", col: "partij"},
			{field: "digitaleAdressen", from: "digitaleadressen", col: "partij"},
			{field: "rekeningnummers", from: "rekeningnummers", col: "partij"},
			{field: "vertegenwoordigden", from: "vertegenwoordigingen", col: "vertegenwoordigende", pick: "vertegenwoordigde", as: "partijen"},
		},
		ignore: []string{"partijIdentificatoren"},
		cols: []column{
			{col: "soort_partij", path: []string{"soortPartij"}},
			{col: "nummer", path: []string{"nummer"}},
			{col: "indicatie_actief", path: []string{"indicatieActief"}, boolean: true},
			{col: "indicatie_geheimhouding", path: []string{"indicatieGeheimhouding"}, boolean: true},
			{col: "ba_nummeraanduiding", path: []string{"bezoekadres", "nummeraanduidingId"}},
			{col: "ba_regel1", path: []string{"bezoekadres", "adresregel1"}},
			{col: "ba_regel2", path: []string{"bezoekadres", "adresregel2"}},
			{col: "ba_regel3", path: []string{"bezoekadres", "adresregel3"}},
			{col: "ba_land", path: []string{"bezoekadres", "land"}},
			{col: "ca_nummeraanduiding", path: []string{"correspondentieadres", "nummeraanduidingId"}},
			{col: "ca_regel1", path: []string{"correspondentieadres", "adresregel1"}},
			{col: "ca_regel2", path: []string{"correspondentieadres", "adresregel2"}},
			{col: "ca_regel3", path: []string{"correspondentieadres", "adresregel3"}},
			{col: "ca_land", path: []string{"correspondentieadres", "land"}},
		},
		defaults: map[string]any{
			"nummer": nil, "interneNotitie": "", "indicatieGeheimhouding": nil, "voorkeurstaal": "", "indicatieActief": true,
			"bezoekadres": nil, "correspondentieadres": nil,
		},
		expand: []string{"betrokkenen", "betrokkenen.hadKlantcontact", "categorieRelaties", "digitaleAdressen"},
		filters: slices.Concat([]filter{
			{param: "bezoekadresAdresregel1", cond: "ba_regel1 = ?"},
			{param: "bezoekadresAdresregel2", cond: "ba_regel2 = ?"},
			{param: "bezoekadresAdresregel3", cond: "ba_regel3 = ?"},
			{param: "bezoekadresLand", cond: "ba_land = ?"},
			{param: "bezoekadresNummeraanduidingId", cond: "ba_nummeraanduiding = ?"},
			{param: "correspondentieadresAdresregel1", cond: "ca_regel1 = ?"},
			{param: "correspondentieadresAdresregel2", cond: "ca_regel2 = ?"},
			{param: "correspondentieadresAdresregel3", cond: "ca_regel3 = ?"},
			{param: "correspondentieadresLand", cond: "ca_land = ?"},
			{param: "correspondentieadresNummeraanduidingId", cond: "ca_nummeraanduiding = ?"},
			{param: "categorierelatie__categorie__naam", cond: "uuid IN (SELECT r.partij FROM ki_categorie_relatie r JOIN ki_categorie c ON c.uuid = r.categorie WHERE c.naam = ?)"},
			{param: "indicatieActief", typ: "b", cond: "indicatie_actief = ?"},
			{param: "indicatieGeheimhouding", typ: "b", cond: "indicatie_geheimhouding = ?"},
			{param: "nummer", cond: "nummer = ?"},
			{param: "soortPartij", typ: "enum:contactpersoon|organisatie|persoon", cond: "soort_partij = ?"},
			{param: "vertegenwoordigdePartij__url", typ: "url:partijen", cond: vert},
			{param: "vertegenwoordigdePartij__uuid", typ: "uuid", cond: vert},
		}, identificatorFilters("partijIdentificator__", "p", ids), identificatorFilters("subIdentificatorVan__", "v", ids)),
		kenmerken: func(d map[string]json.RawMessage) map[string]string {
			s, _ := lookup(d, []string{"soortPartij"}).(string)
			return map[string]string{"soortPartij": s}
		},
		check:  checkPartij,
		after:  afterPartij,
		render: renderPartij,
	}
}

// checkPartij: a contactpersoon works for an existing organisatie (werkteVoorPartij).
func checkPartij(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	w.group("partijIdentificatie", "soortPartij", map[string]string{
		"persoon": "partij_identificatie_Persoon", "organisatie": "partij_identificatie_Organisatie", "contactpersoon": "partij_identificatie_Contactpersoon"})
	if w.str("soortPartij") != "contactpersoon" {
		return nil
	}
	m, _ := lookup(w.data, []string{"partijIdentificatie", "werkteVoorPartij"}).(map[string]any)
	if m == nil {
		return nil
	}
	u, _ := m["uuid"].(string)
	u = strings.ToLower(u)
	var soort string
	err := tx.QueryRow(ctx, "SELECT soort_partij FROM ki_partij WHERE uuid = $1", u).Scan(&soort)
	switch {
	case err != nil:
		w.add("partijIdentificatie.werkteVoorPartij.uuid", "does_not_exist", fmt.Sprintf("Ongeldige uuid %q - object bestaat niet.", u))
	case soort != "organisatie":
		w.add("partijIdentificatie.werkteVoorPartij", "invalid", "Een contactpersoon werkt voor een partij van soort organisatie.")
	}
	return nil
}

// afterPartij links the digitale adressen and rekeningnummers the request lists, writes the
// nested partijIdentificatoren and checks the voorkeuren (klantinteracties.md §3).
func afterPartij(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	for _, l := range []struct{ field, table string }{{"digitaleAdressen", "ki_digitaal_adres"}, {"rekeningnummers", "ki_rekeningnummer"}} {
		raw, ok := w.body[l.field]
		if !ok || string(raw) == "null" {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			w.add(l.field, "invalid", "Geef een lijst van objecten met een uuid op.")
			continue
		}
		var keep []string
		for i, it := range items {
			u, ok := parseFK(it)
			if !ok || u == "" {
				w.add(fmt.Sprintf("%s.%d.uuid", l.field, i), "invalid", "Geef een geldige uuid op.")
				continue
			}
			res, err := tx.Exec(ctx, "UPDATE "+l.table+" SET partij = $1 WHERE uuid = $2", w.uuid, u)
			if n, err := db.Affected(res, err); err != nil {
				return err
			} else if n == 0 {
				w.add(fmt.Sprintf("%s.%d.uuid", l.field, i), "does_not_exist", fmt.Sprintf("Ongeldige uuid %q - object bestaat niet.", u))
			}
			keep = append(keep, u)
		}
		// The list is the partij's whole list: who is left out is no longer linked.
		// The kept uuids are one parameter, however many (db.AnyText).
		q := "UPDATE " + l.table + " SET partij = NULL WHERE partij = $1 AND NOT " + r.db.AnyText("uuid", "$2")
		if _, err := tx.Exec(ctx, q, w.uuid, r.db.TextList(keep)); err != nil {
			return err
		}
	}
	if err := r.nestedIdentificatoren(ctx, tx, w); err != nil {
		return err
	}
	// The voorkeur is one of the partij's own adressen / rekeningnummers.
	for _, v := range []struct{ field, table string }{{"voorkeursDigitaalAdres", "ki_digitaal_adres"}, {"voorkeursRekeningnummer", "ki_rekeningnummer"}} {
		u := w.refs[v.field]
		if u == "" {
			continue
		}
		var owner string
		_ = tx.QueryRow(ctx, "SELECT COALESCE(partij, '') FROM "+v.table+" WHERE uuid = $1", u).Scan(&owner)
		if owner != w.uuid {
			w.add(v.field, "invalid", "De voorkeur moet een van de eigen "+map[string]string{"voorkeursDigitaalAdres": "digitale adressen", "voorkeursRekeningnummer": "rekeningnummers"}[v.field]+" van de partij zijn.")
		}
	}
	return nil
}

// nestedIdentificatoren writes partijIdentificatoren sent with a partij: items with a uuid
// update that identificator, items without are created; on an update the partij's
// identificatoren that are not listed are deleted. All in the partij's transaction.
func (r *register) nestedIdentificatoren(ctx context.Context, tx *db.Tx, w *write) error {
	raw, ok := w.body["partijIdentificatoren"]
	if !ok || string(raw) == "null" {
		return nil
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		w.add("partijIdentificatoren", "invalid", "Geef een lijst van partij identificatoren op.")
		return nil
	}
	s := r.res["partij-identificatoren"]
	self, _ := json.Marshal(map[string]string{"uuid": w.uuid})
	var keep []string
	for i, it := range items {
		prefix := fmt.Sprintf("partijIdentificatoren.%d.", i)
		var old *row
		if rawID, ok := it["uuid"]; ok && string(rawID) != "null" {
			var id string
			_ = json.Unmarshal(rawID, &id)
			rows, err := r.load(ctx, tx, s, "uuid = $1", strings.ToLower(id))
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				w.add(prefix+"uuid", "does_not_exist", fmt.Sprintf("Ongeldige uuid %q - object bestaat niet.", id))
				continue
			}
			old = rows[0]
		}
		it["identificeerdePartij"] = self
		iw, err := r.apply(ctx, tx, w.c, s, old, it, false, w.prefix+prefix)
		if err != nil {
			return err
		}
		keep = append(keep, iw.uuid)
	}
	if w.old == nil {
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT uuid FROM ki_partij_identificator WHERE partij = $1 AND NOT "+r.db.AnyText("uuid", "$2"), w.uuid, r.db.TextList(keep))
	if err != nil {
		return err
	}
	var gone []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		gone = append(gone, u)
	}
	rows.Close()
	for _, u := range gone {
		if err := r.remove(ctx, tx, s, u); err != nil {
			return err
		}
	}
	return nil
}

// renderPartij adds the partij's identificatoren (whole objects, one query per page) and
// the computed names of partijIdentificatie.
func renderPartij(ctx context.Context, q db.Querier, r *register, rows []*row, outs []map[string]any) error {
	uuids := rowUUIDs(rows)
	s := r.res["partij-identificatoren"]
	ids, err := r.load(ctx, q, s, "partij IN ("+db.Placeholders(1, len(uuids))+")", uuids...)
	if err != nil {
		return err
	}
	rendered, err := r.render(ctx, q, s, ids)
	if err != nil {
		return err
	}
	if err := categorieRelatieFKs(ctx, q, r, uuids, rows, outs); err != nil {
		return err
	}
	byPartij := map[string][]any{}
	for i, id := range ids {
		byPartij[id.refs["identificeerdePartij"]] = append(byPartij[id.refs["identificeerdePartij"]], rendered[i])
	}
	setLists(rows, outs, "partijIdentificatoren", byPartij)
	for i, w := range rows {
		o := outs[i]
		var pi map[string]any
		if raw, ok := w.data["partijIdentificatie"]; ok {
			_ = json.Unmarshal(raw, &pi)
		}
		soort, _ := lookup(w.data, []string{"soortPartij"}).(string)
		if pi == nil {
			pi = map[string]any{}
		}
		switch soort {
		case "persoon", "contactpersoon":
			cn, _ := pi["contactnaam"].(map[string]any)
			pi["volledigeNaam"] = volledigeNaam(cn)
			if _, ok := pi["contactnaam"]; !ok {
				pi["contactnaam"] = nil
			}
			if soort == "contactpersoon" {
				if m, ok := pi["werkteVoorPartij"].(map[string]any); ok {
					u, _ := m["uuid"].(string)
					pi["werkteVoorPartij"] = r.fk("partijen", strings.ToLower(u))
				}
				pi["uuid"] = w.uuid
			}
		case "organisatie":
			if _, ok := pi["naam"]; !ok {
				pi["naam"] = ""
			}
		}
		o["partijIdentificatie"] = pi
	}
	return nil
}

// volledigeNaam joins the parts of a contactnaam: "Jan van Dijk".
func volledigeNaam(cn map[string]any) string {
	var parts []string
	for _, k := range []string{"voornaam", "voorvoegselAchternaam", "achternaam"} {
		if s, _ := cn[k].(string); strings.TrimSpace(s) != "" {
			parts = append(parts, strings.TrimSpace(s))
		}
	}
	return strings.Join(parts, " ")
}

// categorieRelatieFKs renders the partij's categorieRelaties with the naam of their
// categorie and their period (CategorieRelatieForeignKey), one query per page.
func categorieRelatieFKs(ctx context.Context, q db.Querier, r *register, uuids []any, rows []*row, outs []map[string]any) error {
	res, err := q.Query(ctx, `SELECT cr.partij, cr.uuid, c.naam, cr.begin_datum, cr.eind_datum FROM ki_categorie_relatie cr
		LEFT JOIN ki_categorie c ON c.uuid = cr.categorie WHERE cr.partij IN (`+db.Placeholders(1, len(uuids))+`) ORDER BY cr.id`, uuids...)
	if err != nil {
		return err
	}
	defer res.Close()
	lists := map[string][]any{}
	for res.Next() {
		var partij, u, begin, eind string
		var naam *string
		if err := res.Scan(&partij, &u, &naam, &begin, &eind); err != nil {
			return err
		}
		m := r.fk("categorie-relaties", u)
		m["categorieNaam"], m["beginDatum"], m["eindDatum"] = naam, nullIfEmpty(begin), nullIfEmpty(eind)
		lists[partij] = append(lists[partij], m)
	}
	if err := res.Err(); err != nil {
		return err
	}
	setLists(rows, outs, "categorieRelaties", lists)
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
