package bundler

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// documentenPatches fix defects of the documenten specification.
var documentenPatches = []patchFunc{patchDocumentenResponses, patchDocumentenStatus}

// documentenMissing lists answers the standard's own rules give that the operations do not
// document.
var documentenMissing = []struct{ path, method, status, schema, why string }{
	{"/enkelvoudiginformatieobjecten/{uuid}", "delete", "400", "ValidatieFout",
		"drc-008: a document with objectinformatieobjecten (pending-relations) or a lock (destroy-locked) is refused with 400, as in Open Zaak."},
	{"/objectinformatieobjecten/{uuid}", "delete", "400", "ValidatieFout",
		"drc-004: the mirror of a relation that still exists at the source is refused with 400 inconsistent-relation, as in Open Zaak."},
	{"/enkelvoudiginformatieobjecten/{uuid}", "get", "400", "ValidatieFout",
		"Query parameters are validated (algemeen §5): an unknown expand name (drc-013), a malformed versie or registratieOp."},
	{"/enkelvoudiginformatieobjecten/{uuid}/download", "get", "400", "ValidatieFout",
		"Query parameters are validated (algemeen §5): a malformed versie or registratieOp."},
	{"/gebruiksrechten/{uuid}", "get", "400", "ValidatieFout",
		"Query parameters are validated (algemeen §5): an unknown expand name (drc-013)."},
	{"/verzendingen/{uuid}", "get", "400", "ValidatieFout",
		"Query parameters are validated (algemeen §5): an unknown expand name (drc-013)."},
	{"/enkelvoudiginformatieobjecten/{enkelvoudiginformatieobject_uuid}/audittrail", "get", "404", "Fout",
		"The trail of a document that does not exist (or was destroyed with its trail, drc-008) is a 404, as its entries are."},
}

// patchDocumentenResponses adds the documented-elsewhere error answers to the operations.
func patchDocumentenResponses(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "documenten" {
		return nil
	}
	for _, m := range documentenMissing {
		resps := dig(doc, "paths", m.path, m.method, "responses")
		if resps == nil || get(resps, m.status) != nil {
			continue
		}
		media := "application/problem+json"
		desc := map[string]string{"400": "Bad request", "404": "Not found"}[m.status]
		set(resps, m.status, fromYAML("description: "+desc+"\ncontent:\n  "+media+":\n    schema:\n      $ref: '#/components/schemas/"+m.schema+"'\n"))
		loc := "/paths/" + strings.ReplaceAll(strings.ReplaceAll(m.path, "~", "~0"), "/", "~1") + "/" + m.method + "/responses/" + m.status
		b.patch(api, loc, "response `"+m.status+"` ("+m.schema+") added", m.why)
	}
	return nil
}

// patchDocumentenStatus: the VNG copy of 1.5.0 has four status values; the reference
// implementation's copy of the same version also has concept and vastgesteld
// (standard/documenten.md: accept the six values).
func patchDocumentenStatus(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "documenten" {
		return nil
	}
	enum := dig(doc, "components", "schemas", "StatusEnum", "enum")
	if enum == nil {
		return nil
	}
	var added []string
	for _, v := range []string{"concept", "vastgesteld"} {
		has := false
		for _, n := range enum.Content {
			has = has || n.Value == v
		}
		if !has {
			enum.Content = append(enum.Content, str(v))
			added = append(added, "`"+v+"`")
		}
	}
	if len(added) > 0 {
		b.patch(api, "/components/schemas/StatusEnum/enum", strings.Join(added, ", ")+" added",
			"The reference implementation's copy of 1.5.0 has six status values; the VNG copy four (standard/documenten.md).")
	}
	return nil
}
