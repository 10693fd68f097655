package bundler

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// objectenPatches fix defects of the objecten specifications (objecten and objecttypen).
var objectenPatches = []patchFunc{
	patchObjectenErrors,
	patchObjectenCorrectedBy,
	patchObjectenPatchedRecord,
}

// patchObjectenPatchedRecord: PatchedObject.record refers to ObjectRecord, which requires
// startAt and typeVersion, so the spec forbids the partial update it describes ("record.data
// is merged"). Open Object validates a PATCH partially, nested record included: omitted
// record fields are taken from the current record.
func patchObjectenPatchedRecord(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "objecten" {
		return nil
	}
	schemas := dig(doc, "components", "schemas")
	rec := get(schemas, "ObjectRecord")
	slot := dig(schemas, "PatchedObject", "properties", "record")
	if rec == nil || slot == nil || get(schemas, "PatchedObjectRecord") != nil {
		return nil
	}
	patched := clone(rec)
	del(patched, "required")
	set(schemas, "PatchedObjectRecord", patched)
	set(slot, "allOf", fromYAML(`[{$ref: '#/components/schemas/PatchedObjectRecord'}]`))
	b.patch(api, "/components/schemas/PatchedObject/properties/record", "`ObjectRecord` -> `PatchedObjectRecord` (ObjectRecord without required fields)",
		"A partial update sends only the record fields it changes (record.data as a merge patch); Open Object validates the nested record partially too.")
	return nil
}

func isObjecten(api API) bool { return api.Name == "objecten" || api.Name == "objecttypen" }

// patchObjectenErrors: the Open Object specs document only the success responses, while
// the service answers bad input with 400, unknown resources with 404, missing permissions
// with 403 and so on (Django REST framework's exceptions). Meent answers those with the
// problem+json bodies every other register uses; the spec says so, so clients and the
// contract tests know the shapes.
func patchObjectenErrors(b *bundle, api API, doc *yaml.Node) error {
	if !isObjecten(api) {
		return nil
	}
	schemas := dig(doc, "components", "schemas")
	if schemas == nil {
		return fmt.Errorf("%s: no components/schemas", api.Name)
	}
	fout := `
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
		v := fromYAML(fout + `
`)
		props := get(v, "properties")
		set(props, "invalidParams", fromYAML(`
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
	var added []string
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path := paths.Content[i].Value
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			method := item.Content[j].Value
			switch method {
			case "get", "put", "post", "patch", "delete":
			default:
				continue
			}
			responses := get(item.Content[j+1], "responses")
			if responses == nil {
				continue
			}
			n := 0
			for _, e := range errs {
				if get(responses, e.status) != nil {
					continue
				}
				set(responses, e.status, fromYAML(fmt.Sprintf(`
description: %s
content:
  application/problem+json:
    schema:
      $ref: '#/components/schemas/%s'
`, e.desc, e.schema)))
				n++
			}
			if n > 0 {
				added = append(added, method+" "+path)
			}
		}
	}
	if len(added) > 0 {
		b.patch(api, "/paths/*/*/responses", fmt.Sprintf("problem+json error responses (400 `ValidatieFout`; 401, 403, 404, 406, 412, 415, 500 `Fout`) added to %d operations", len(added)),
			"The spec documents only success responses; the service answers bad input, missing permissions and unknown resources with errors, which Meent renders as the ZGW problem+json of every other register.")
	}
	return nil
}

// patchObjectenCorrectedBy: ObjectRecord.correctedBy and HistoryRecord.correctedBy /
// correctionFor are integers without nullable, but a record that is not corrected (or is
// no correction) has none; Open Object renders null there.
func patchObjectenCorrectedBy(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "objecten" {
		return nil
	}
	for _, schema := range []string{"ObjectRecord", "HistoryRecord"} {
		for _, field := range []string{"correctedBy", "correctionFor"} {
			f := dig(doc, "components", "schemas", schema, "properties", field)
			if f == nil || get(f, "nullable") != nil {
				continue
			}
			set(f, "nullable", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			b.patch(api, "/components/schemas/"+schema+"/properties/"+field, "`nullable: true` added",
				"A record that is not corrected, or corrects nothing, has no index there; Open Object renders null.")
		}
	}
	return nil
}
