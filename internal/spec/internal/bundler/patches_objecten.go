package bundler

import (
	"gopkg.in/yaml.v3"
)

// objectenPatches fix defects of the objecten specifications (objecten and objecttypen).
var objectenPatches = []patchFunc{
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
