package bundler

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// klantinteractiesPatches fix defects of the klantinteracties specification.
var klantinteractiesPatches = []patchFunc{
	patchKlantinteractiesPatched,
}

// patchKlantinteractiesPatched: PatchedPartij and PatchedActor are the same oneOf as Partij
// and Actor, required fields included (indicatieActief, naam, soortActor, ...), so the spec
// forbids the partial update it describes. Open Klant validates a PATCH partially. The
// patched schemas are the base serializer's fields without required; the identificatie
// group stays an object whose shape the server checks against soortPartij / soortActor.
func patchKlantinteractiesPatched(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "klantinteracties" {
		return nil
	}
	schemas := dig(doc, "components", "schemas")
	for _, p := range []struct{ patched, base, group, soort string }{
		{"PatchedPartij", "Base_PartijSerializer", "partijIdentificatie", "soortPartij"},
		{"PatchedActor", "Base_ActorSerializer", "actorIdentificatie", "soortActor"},
	} {
		base := get(schemas, p.base)
		if base == nil || get(get(schemas, p.patched), "oneOf") == nil {
			continue
		}
		s := clone(base)
		del(s, "required")
		set(get(s, "properties"), p.group, fromYAML(fmt.Sprintf(`
type: object
description: De gegevens van de soort (%s); bij een wijziging van %s volledig meesturen.
`, p.soort, p.soort)))
		set(schemas, p.patched, s)
		b.patch(api, "/components/schemas/"+p.patched, fmt.Sprintf("oneOf with required fields -> `%s` without `required`, `%s` an object", p.base, p.group),
			"A partial update sends only the fields it changes; Open Klant validates a PATCH partially. The server checks the identificatie group against the soort.")
	}
	return nil
}
