package klantinteracties

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/meent/meent/internal/db"
)

// klantcontactResource: Klantcontact, one interaction with a klant (klantinteracties.md §2).
func klantcontactResource() *resource {
	// The filters on one onderwerpobject share one subquery: together they hold for the same
	// onderwerpobject (see where).
	onderwerpobject := func(prefix, col string) []filter {
		sub := "uuid IN (SELECT o." + col + " FROM ki_onderwerpobject o WHERE %s)"
		id := prefix + "__onderwerpobjectidentificator"
		return []filter{
			{param: id + "CodeObjecttype", sub: sub, cond: "o.code_objecttype = ?"},
			{param: id + "CodeRegister", sub: sub, cond: "o.code_register = ?"},
			{param: id + "CodeSoortObjectId", sub: sub, cond: "o.code_soort = ?"},
			{param: id + "ObjectId", sub: sub, cond: "o.object_id = ?"},
			{param: prefix + "__url", typ: "url:onderwerpobjecten", sub: sub, cond: "o.uuid = ?"},
			{param: prefix + "__uuid", typ: "uuid", sub: sub, cond: "o.uuid = ?"},
		}
	}
	return &resource{
		coll: "klantcontacten", table: "ki_klantcontact", op: "klantcontacten", name: "klantcontact", kanaal: "klantcontacten", nummer: true,
		backs: []back{
			{field: "gingOverOnderwerpobjecten", from: "onderwerpobjecten", col: "klantcontact"},
			{field: "omvatteBijlagen", from: "bijlagen", col: "klantcontact"},
			{field: "hadBetrokkenen", from: "betrokkenen", col: "klantcontact"},
			{field: "leiddeTotInterneTaken", from: "internetaken", col: "klantcontact"},
		},
		ignore: []string{"hadBetrokkenActoren"},
		cols: []column{
			{col: "nummer", path: []string{"nummer"}},
			{col: "referentienummer", path: []string{"referentienummer"}},
			{col: "kanaal", path: []string{"kanaal"}},
			{col: "onderwerp", path: []string{"onderwerp"}},
			{col: "inhoud", path: []string{"inhoud"}},
			{col: "reactie", path: []string{"reactie"}},
			{col: "indicatie_contact_gelukt", path: []string{"indicatieContactGelukt"}, boolean: true},
			{col: "vertrouwelijk", path: []string{"vertrouwelijk"}, boolean: true},
			{col: "plaatsgevonden_op", path: []string{"plaatsgevondenOp"}},
		},
		defaults: map[string]any{
			"nummer": nil, "referentienummer": nil, "inhoud": "", "reactie": "", "indicatieContactGelukt": nil,
			"hoofdOnderwerpType": "", "verdereActieOndernomen": false, "metadata": map[string]any{},
		},
		expand: []string{"gingOverOnderwerpobjecten", "hadBetrokkenen", "hadBetrokkenen.digitaleAdressen", "hadBetrokkenen.wasPartij", "leiddeTotInterneTaken", "omvatteBijlagen"},
		filters: slices.Concat([]filter{
			{param: "hadBetrokkene__digitaaladres__adres__icontains", typ: "like", cond: "uuid IN (SELECT b.klantcontact FROM ki_betrokkene b JOIN ki_digitaal_adres d ON d.betrokkene = b.uuid WHERE lower(d.adres) LIKE ?)"},
			{param: "hadBetrokkene__url", typ: "url:betrokkenen", cond: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE uuid = ?)"},
			{param: "hadBetrokkene__uuid", typ: "uuid", cond: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE uuid = ?)"},
			{param: "hadBetrokkene__wasPartij", typ: "b", cond: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE partij IS NOT NULL)", condFalse: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE partij IS NULL)"},
			{param: "hadBetrokkene__wasPartij__url", typ: "url:partijen", cond: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE partij = ?)"},
			{param: "hadBetrokkene__wasPartij__uuid", typ: "uuid", cond: "uuid IN (SELECT klantcontact FROM ki_betrokkene WHERE partij = ?)"},
			{param: "indicatieContactGelukt", typ: "b", cond: "indicatie_contact_gelukt = ?"},
			{param: "inhoud", cond: "inhoud = ?"},
			{param: "kanaal", cond: "kanaal = ?"},
			{param: "leiddeTotInterneTaken", typ: "b", cond: "uuid IN (SELECT klantcontact FROM ki_internetaak)", condFalse: "uuid NOT IN (SELECT klantcontact FROM ki_internetaak WHERE klantcontact IS NOT NULL)"},
			{param: "nummer", cond: "nummer = ?"},
			{param: "onderwerp", cond: "onderwerp = ?"},
			{param: "plaatsgevondenOp", typ: "datetime", cond: "plaatsgevonden_op = ?"},
			{param: "reactie", cond: "reactie = ?"},
			{param: "referentienummer", cond: "referentienummer = ?"},
			{param: "vertrouwelijk", typ: "b", cond: "vertrouwelijk = ?"},
		}, identificatorFilters("hadBetrokkene__wasPartij__partijIdentificator__", "p",
			"uuid IN (SELECT b.klantcontact FROM ki_betrokkene b JOIN ki_partij_identificator p ON p.partij = b.partij WHERE %s)"),
			onderwerpobject("onderwerpobject", "klantcontact"), onderwerpobject("wasOnderwerpobject", "was_klantcontact")),
		kenmerken: func(d map[string]json.RawMessage) map[string]string {
			k, _ := lookup(d, []string{"kanaal"}).(string)
			return map[string]string{"kanaal": k}
		},
		check:  checkKlantcontact,
		render: renderKlantcontact,
	}
}

// checkKlantcontact: plaatsgevondenOp defaults to the moment of registration, kept in UTC
// so that the filter compares like with like; metadata values are at most 255 characters.
func checkKlantcontact(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	if p := w.str("plaatsgevondenOp"); p == "" {
		w.data["plaatsgevondenOp"], _ = json.Marshal(tx.Now.UTC().Format(time.RFC3339))
	} else if t, err := time.Parse(time.RFC3339Nano, p); err != nil {
		w.add("plaatsgevondenOp", "invalid", "Datetime heeft een ongeldig formaat.")
	} else {
		w.data["plaatsgevondenOp"], _ = json.Marshal(t.UTC().Format(time.RFC3339Nano))
	}
	if m, ok := lookup(w.data, []string{"metadata"}).(map[string]any); ok {
		for k, v := range m {
			if s, ok := v.(string); !ok || len([]rune(s)) > 255 {
				w.add("metadata."+k, "invalid", "Een metadata-waarde is tekst van ten hoogste 255 tekens.")
			}
		}
	}
	return nil
}

// renderKlantcontact adds hadBetrokkenActoren: the whole actoren of the page's
// actorklantcontacten, in two queries.
func renderKlantcontact(ctx context.Context, q db.Querier, r *register, rows []*row, outs []map[string]any) error {
	uuids := rowUUIDs(rows)
	res, err := q.Query(ctx, "SELECT klantcontact, actor FROM ki_actorklantcontact WHERE klantcontact IN ("+db.Placeholders(1, len(uuids))+") ORDER BY id", uuids...)
	if err != nil {
		return err
	}
	links := map[string][]string{}
	var actors []string
	for res.Next() {
		var kc, a string
		if err := res.Scan(&kc, &a); err != nil {
			res.Close()
			return err
		}
		links[kc] = append(links[kc], a)
		actors = append(actors, a)
	}
	res.Close()
	s := r.res["actoren"]
	ar, err := r.byUUIDs(ctx, q, s, actors)
	if err != nil {
		return err
	}
	rendered, err := r.render(ctx, q, s, ar)
	if err != nil {
		return err
	}
	byUUID := map[string]any{}
	for i, a := range ar {
		byUUID[a.uuid] = rendered[i]
	}
	for i, w := range rows {
		l := []any{}
		for _, a := range links[w.uuid] {
			if x := byUUID[a]; x != nil {
				l = append(l, x)
			}
		}
		outs[i]["hadBetrokkenActoren"] = l
	}
	return nil
}
