package klantinteracties

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meent/meent/internal/db"
)

// interneTaakResource: InterneTaak, a follow-up task from a klantcontact for one or more
// actoren (toegewezenAanActoren; toegewezenAanActor is the first, kept for older clients).
func interneTaakResource() *resource {
	return &resource{
		coll: "internetaken", table: "ki_internetaak", op: "internetaken", name: "internetaak", kanaal: "internetaken", nummer: true,
		refs:   []ref{{field: "aanleidinggevendKlantcontact", col: "klantcontact", to: "klantcontacten", cascade: true}},
		ignore: []string{"toegewezenAanActor", "toegewezenAanActoren", "toegewezenOp"},
		cols: []column{
			{col: "nummer", path: []string{"nummer"}},
			{col: "referentienummer", path: []string{"referentienummer"}},
			{col: "status", path: []string{"status"}},
			{col: "toegewezen_op", path: []string{"toegewezenOp"}},
		},
		defaults: map[string]any{"nummer": nil, "referentienummer": nil, "toelichting": "", "afgehandeldOp": nil},
		filters: []filter{
			{param: "aanleidinggevendKlantcontact__url", typ: "url:klantcontacten", cond: "klantcontact = ?"},
			{param: "aanleidinggevendKlantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
			{param: "actoren__naam", cond: "uuid IN (SELECT ia.internetaak FROM ki_internetaak_actor ia JOIN ki_actor a ON a.uuid = ia.actor WHERE a.naam = ?)"},
			{param: "klantcontact__nummer", cond: "klantcontact IN (SELECT uuid FROM ki_klantcontact WHERE nummer = ?)"},
			{param: "klantcontact__referentienummer", cond: "klantcontact IN (SELECT uuid FROM ki_klantcontact WHERE referentienummer = ?)"},
			{param: "klantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
			{param: "nummer", cond: "nummer = ?"},
			{param: "referentienummer", cond: "referentienummer = ?"},
			{param: "status", typ: "enum:te_verwerken|verwerkt", cond: "status = ?"},
			{param: "toegewezenAanActor__url", typ: "url:actoren", cond: "uuid IN (SELECT internetaak FROM ki_internetaak_actor WHERE actor = ?)"},
			{param: "toegewezenAanActor__uuid", typ: "uuid", cond: "uuid IN (SELECT internetaak FROM ki_internetaak_actor WHERE actor = ?)"},
			{param: "toegewezenOp", typ: "datetime", cond: "toegewezen_op = ?"},
		},
		kenmerken: func(d map[string]json.RawMessage) map[string]string {
			s, _ := lookup(d, []string{"status"}).(string)
			return map[string]string{"status": s}
		},
		check:  checkInterneTaak,
		after:  afterInterneTaak,
		render: renderInterneTaak,
		beforeDelete: func(ctx context.Context, tx *db.Tx, _ *register, uuid string) error {
			_, err := tx.Exec(ctx, "DELETE FROM ki_internetaak_actor WHERE internetaak = $1", uuid)
			return err
		},
	}
}

// taakActoren returns the actoren the request assigns (toegewezenAanActoren, else
// toegewezenAanActor), nil when it assigns none.
func taakActoren(w *write) ([]string, bool) {
	var list []json.RawMessage
	if raw, ok := w.body["toegewezenAanActoren"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &list) != nil {
			w.add("toegewezenAanActoren", "invalid", "Geef een lijst van actoren op.")
			return nil, true
		}
	} else if raw, ok := w.body["toegewezenAanActor"]; ok && string(raw) != "null" {
		list = []json.RawMessage{raw}
	} else {
		return nil, false
	}
	var out []string
	seen := map[string]bool{}
	for i, raw := range list {
		u, ok := parseFK(raw)
		if !ok || u == "" {
			w.add(fmt.Sprintf("toegewezenAanActoren.%d.uuid", i), "invalid", "Geef een geldige uuid op.")
			continue
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, true
}

// checkInterneTaak: kit-actor (at least one existing, active actor), kit-afgehandeld
// (afgehandeldOp only when verwerkt; set when it becomes verwerkt) and the read-only
// toegewezenOp (the moment of creation).
func checkInterneTaak(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	if w.old != nil {
		if v, ok := w.old.data["toegewezenOp"]; ok {
			w.data["toegewezenOp"] = v
		}
	} else {
		w.data["toegewezenOp"], _ = json.Marshal(tx.Now.UTC().Format(time.RFC3339Nano))
	}
	actoren, sent := taakActoren(w)
	if sent {
		if len(actoren) == 0 && len(w.errs.Params) == 0 {
			w.add("toegewezenAanActoren", "required", "Wijs de taak toe aan ten minste één actor.")
		}
		for i, a := range actoren {
			ok, err := r.exists(ctx, tx, "actoren", a)
			if err != nil {
				return err
			}
			if !ok {
				w.add(fmt.Sprintf("toegewezenAanActoren.%d.uuid", i), "does_not_exist", fmt.Sprintf("Ongeldige uuid %q - object bestaat niet.", a))
			}
		}
	} else if w.old == nil {
		w.add("toegewezenAanActoren", "required", "Wijs de taak toe aan ten minste één actor.")
	}
	status := w.str("status")
	afgehandeld := w.str("afgehandeldOp")
	switch {
	case status != "verwerkt" && afgehandeld != "" && w.sent("afgehandeldOp"):
		w.add("afgehandeldOp", "invalid", "afgehandeldOp kan alleen gezet worden als de status verwerkt is.")
	case status != "verwerkt":
		w.data["afgehandeldOp"] = json.RawMessage("null")
	case afgehandeld == "":
		w.data["afgehandeldOp"], _ = json.Marshal(tx.Now.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// afterInterneTaak stores the assigned actoren in order.
func afterInterneTaak(ctx context.Context, tx *db.Tx, r *register, w *write) error {
	actoren, sent := taakActoren(w)
	if !sent {
		return nil
	}
	if _, err := tx.Exec(ctx, "DELETE FROM ki_internetaak_actor WHERE internetaak = $1", w.uuid); err != nil {
		return err
	}
	for i, a := range actoren {
		if _, err := tx.Exec(ctx, "INSERT INTO ki_internetaak_actor (internetaak, actor, pos) VALUES ($1, $2, $3)", w.uuid, a, i); err != nil {
			return fmt.Errorf("internetaak actor: %w", err)
		}
	}
	return nil
}

func renderInterneTaak(ctx context.Context, q db.Querier, r *register, rows []*row, outs []map[string]any) error {
	uuids := rowUUIDs(rows)
	res, err := q.Query(ctx, "SELECT internetaak, actor FROM ki_internetaak_actor WHERE internetaak IN ("+db.Placeholders(1, len(uuids))+") ORDER BY internetaak, pos", uuids...)
	if err != nil {
		return err
	}
	defer res.Close()
	lists := map[string][]any{}
	for res.Next() {
		var t, a string
		if err := res.Scan(&t, &a); err != nil {
			return err
		}
		lists[t] = append(lists[t], r.fk("actoren", a))
	}
	if err := res.Err(); err != nil {
		return err
	}
	setLists(rows, outs, "toegewezenAanActoren", lists)
	for i, w := range rows {
		if l := lists[w.uuid]; len(l) > 0 {
			outs[i]["toegewezenAanActor"] = l[0]
		}
	}
	return nil
}
