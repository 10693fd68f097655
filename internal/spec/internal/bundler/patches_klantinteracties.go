package bundler

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// klantinteractiesPatches fix defects of the klantinteracties specification.
var klantinteractiesPatches = []patchFunc{
	patchKlantinteractiesErrors,
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

// patchKlantinteractiesErrors: the Open Klant spec documents only the success responses,
// while the service answers bad input with 400 (ValidatieFout with invalidParams), missing
// or wrong credentials with 401/403 and unknown resources with 404. Meent renders those as
// the problem+json bodies every register uses; the spec says so, so clients and the
// contract tests know the shapes.
func patchKlantinteractiesErrors(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "klantinteracties" {
		return nil
	}
	schemas := dig(doc, "components", "schemas")
	if schemas == nil {
		return fmt.Errorf("%s: no components/schemas", api.Name)
	}
	const fout = `
type: object
description: Formaat van HTTP 4xx en 5xx fouten.
properties:
  type: {type: string}
  code: {type: string}
  title: {type: string}
  status: {type: integer}
  detail: {type: string}
  instance: {type: string}
required: [code, detail, instance, status, title]
`
	if get(schemas, "Fout") == nil {
		set(schemas, "Fout", fromYAML(fout))
	}
	if get(schemas, "ValidatieFout") == nil {
		v := fromYAML(fout)
		set(get(v, "properties"), "invalidParams", fromYAML(`
type: array
items:
  type: object
  properties:
    name: {type: string}
    code: {type: string}
    reason: {type: string}
  required: [name, code, reason]
`))
		set(v, "required", fromYAML(`[code, detail, instance, status, title, invalidParams]`))
		set(schemas, "ValidatieFout", v)
	}
	errs := []struct{ status, schema, desc string }{
		{"400", "ValidatieFout", "Bad request"},
		{"401", "Fout", "Unauthorized"},
		{"403", "Fout", "Forbidden"},
		{"404", "Fout", "Not found"},
		{"406", "Fout", "Not acceptable"},
		{"412", "Fout", "Precondition failed"},
		{"415", "Fout", "Unsupported media type"},
		{"500", "Fout", "Internal server error"},
	}
	paths := get(doc, "paths")
	n := 0
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			switch item.Content[j].Value {
			case "get", "put", "post", "patch", "delete":
			default:
				continue
			}
			responses := get(item.Content[j+1], "responses")
			if responses == nil {
				continue
			}
			for _, e := range errs {
				if get(responses, e.status) == nil {
					set(responses, e.status, fromYAML(fmt.Sprintf(`
description: %s
content:
  application/problem+json:
    schema:
      $ref: '#/components/schemas/%s'
`, e.desc, e.schema)))
				}
			}
			n++
		}
	}
	if n > 0 {
		b.patch(api, "/paths/*/*/responses", fmt.Sprintf("problem+json error responses (400 `ValidatieFout`; 401, 403, 404, 406, 412, 415, 500 `Fout`) added to %d operations", n),
			"The spec documents only success responses; Open Klant answers bad input, missing credentials and unknown resources with errors, which Meent renders as the ZGW problem+json of every other register.")
	}
	return nil
}
