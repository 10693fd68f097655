package klantinteracties

import (
	"context"
	"fmt"

	"github.com/meent/meent/internal/db"
)

// actorResource: Actor, someone or something on the municipality's side: a medewerker, an
// organisatorische eenheid or a geautomatiseerde actor (actorIdentificatie by soortActor).
func actorResource() *resource {
	return &resource{
		coll: "actoren", table: "ki_actor", op: "actoren", name: "actor",
		cols: append(identificatorCols("actoridentificator"),
			column{col: "soort_actor", path: []string{"soortActor"}},
			column{col: "naam", path: []string{"naam"}},
			column{col: "indicatie_actief", path: []string{"indicatieActief"}, boolean: true},
		),
		defaults: map[string]any{"indicatieActief": true, "actoridentificator": nil},
		filters: []filter{
			{param: "actoridentificatorCodeObjecttype", cond: "code_objecttype = ?"},
			{param: "actoridentificatorCodeRegister", cond: "code_register = ?"},
			{param: "actoridentificatorCodeSoortObjectId", cond: "code_soort = ?"},
			{param: "actoridentificatorObjectId", cond: "object_id = ?"},
			{param: "indicatieActief", typ: "b", cond: "indicatie_actief = ?"},
			{param: "naam", cond: "naam = ?"},
			{param: "soortActor", typ: "enum:geautomatiseerde_actor|medewerker|organisatorische_eenheid", cond: "soort_actor = ?"},
		},
		check: func(_ context.Context, _ *db.Tx, _ *register, w *write) error {
			w.group("actorIdentificatie", "soortActor", map[string]string{
				"medewerker": "actor_identificatie_Medewerker", "geautomatiseerde_actor": "actor_identificatie_GeautomatiseerdeActor",
				"organisatorische_eenheid": "actor_identificatie_OrganisatorischeEenheid"})
			return nil
		},
		beforeDelete: func(ctx context.Context, tx *db.Tx, _ *register, uuid string) error {
			_, err := tx.Exec(ctx, "DELETE FROM ki_internetaak_actor WHERE actor = $1", uuid)
			return err
		},
	}
}

// actorKlantcontactResource: ActorKlantcontact, an actor took part in a klantcontact.
func actorKlantcontactResource() *resource {
	return &resource{
		coll: "actorklantcontacten", table: "ki_actorklantcontact", op: "actorklantcontacten", name: "actorklantcontact",
		refs: []ref{
			{field: "actor", col: "actor", to: "actoren", cascade: true},
			{field: "klantcontact", col: "klantcontact", to: "klantcontacten", cascade: true},
		},
		filters: []filter{
			{param: "actor__url", typ: "url:actoren", cond: "actor = ?"},
			{param: "actor__uuid", typ: "uuid", cond: "actor = ?"},
			{param: "klantcontact__url", typ: "url:klantcontacten", cond: "klantcontact = ?"},
			{param: "klantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
		},
		check: func(ctx context.Context, tx *db.Tx, r *register, w *write) error {
			return checkActorActief(ctx, tx, w, "actor", w.refs["actor"])
		},
	}
}

// checkActorActief: an inactive actor may not be attached to a klantcontact or taak
// (kac-actief). A link that exists already may stay.
func checkActorActief(ctx context.Context, tx *db.Tx, w *write, field, actor string) error {
	if actor == "" || (w.old != nil && w.old.refs[field] == actor) {
		return nil
	}
	var actief *bool
	if err := tx.QueryRow(ctx, "SELECT indicatie_actief FROM ki_actor WHERE uuid = $1", actor).Scan(&actief); err != nil {
		return nil // a missing actor is reported by the reference check
	}
	if actief != nil && !*actief {
		w.add(field, "invalid", fmt.Sprintf("Actor %s is niet actief en kan niet aan nieuwe klantcontacten of taken gekoppeld worden.", actor))
	}
	return nil
}
