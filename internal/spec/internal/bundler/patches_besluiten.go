package bundler

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// besluitenPatches fix defects of the besluiten specification.
var besluitenPatches = []patchFunc{patchBesluitVervalreden, patchBesluitEmbeddedZaak, patchBesluitEmbeddedInformatieobject, patchBesluitenBadRequest}

// patchBesluitVervalreden: vervalreden is optional, and every implementation (the reference
// implementation and Open Zaak alike) renders an unset vervalreden as "" with an empty
// vervalredenWeergave. The enum lacks "" and the weergave has minLength 1, so no besluit
// without vervalreden could be answered, nor sent back as read.
func patchBesluitVervalreden(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "besluiten" {
		return nil
	}
	for _, name := range []string{"Besluit", "PatchedBesluit"} {
		props := dig(doc, "components", "schemas", name, "properties")
		if props == nil {
			continue
		}
		if enum := dig(props, "vervalreden", "enum"); enum != nil {
			blank := false
			for _, v := range enum.Content {
				if v.Value == "" {
					blank = true
				}
			}
			if !blank {
				enum.Content = append(enum.Content, str(""))
				b.patch(api, "/components/schemas/"+name+"/properties/vervalreden/enum", "`\"\"` added",
					"An unset vervalreden is rendered as \"\" (reference implementation, Open Zaak); the enum did not allow it.")
			}
		}
		if w := get(props, "vervalredenWeergave"); w != nil && del(w, "minLength") {
			b.patch(api, "/components/schemas/"+name+"/properties/vervalredenWeergave/minLength", "`minLength: 1` removed",
				"The weergave of an unset vervalreden is \"\".")
		}
	}
	return nil
}

// patchBesluitEmbeddedZaak: zaak is optional on a besluit and an expanded null reference is {}
// (algemeen §9), as BesluitInformatieObjectEmbedded.besluit already says with
// oneOf [..., EmptyObject]; BesluitEmbedded.zaak only allowed a full ZaakExpanded.
func patchBesluitEmbeddedZaak(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "besluiten" {
		return nil
	}
	zaak := dig(doc, "components", "schemas", "BesluitEmbedded", "properties", "zaak")
	if zaak == nil || get(zaak, "oneOf") != nil {
		return nil
	}
	ref, ok := refOf(zaak)
	if !ok {
		return nil
	}
	set(dig(doc, "components", "schemas", "BesluitEmbedded", "properties"), "zaak",
		fromYAML("oneOf:\n  - $ref: '"+ref+"'\n  - $ref: '#/components/schemas/EmptyObject'\n"))
	b.patch(api, "/components/schemas/BesluitEmbedded/properties/zaak", "`"+ref+"` -> `oneOf: [ZaakExpanded, EmptyObject]`",
		"zaak is optional and an expanded null reference is {} (algemeen §9), as the sibling BesluitInformatieObjectEmbedded.besluit says.")
	return nil
}

// patchBesluitEmbeddedInformatieobject: an informatieobject the client may not read in the
// Documenten register (documenten.lezen on its informatieobjecttype) is not shown through
// expand; it expands to {} like a reference that is not set, which the schema did not allow.
func patchBesluitEmbeddedInformatieobject(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "besluiten" {
		return nil
	}
	props := dig(doc, "components", "schemas", "BesluitInformatieObjectEmbedded", "properties")
	io := get(props, "informatieobject")
	if io == nil || get(io, "oneOf") != nil {
		return nil
	}
	ref, ok := refOf(io)
	if !ok {
		return nil
	}
	set(props, "informatieobject", fromYAML("oneOf:\n  - $ref: '"+ref+"'\n  - $ref: '#/components/schemas/EmptyObject'\n"))
	b.patch(api, "/components/schemas/BesluitInformatieObjectEmbedded/properties/informatieobject",
		"`"+ref+"` -> `oneOf: [EnkelvoudigInformatieObjectExpanded, EmptyObject]`",
		"Expand never shows an object of another register that the client may not read there (DESIGN §6); such a reference expands to {} as a null one does (algemeen §9).")
	return nil
}

// patchBesluitenBadRequest: every operation refuses unknown or malformed query parameters,
// including an expand path that does not exist, with a 400 ValidatieFout (algemeen §5, §9);
// the reads, deletes and audit trail operations of the OAS list no 400.
func patchBesluitenBadRequest(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "besluiten" || dig(doc, "components", "responses", "400") == nil {
		return nil
	}
	var added []string
	for id, op := range operationsByID(doc) {
		responses := get(op.node, "responses")
		if responses == nil || get(responses, "400") != nil {
			continue
		}
		set(responses, "400", fromYAML("$ref: '#/components/responses/400'"))
		added = append(added, "`"+id+"`")
	}
	if len(added) == 0 {
		return nil
	}
	slices.Sort(added)
	b.patch(api, "/paths/*/*/responses/400", "400 `ValidatieFout` added to "+strings.Join(added, ", "),
		"Unknown or malformed query parameters, including an expand path that does not exist, are a 400 with invalidParams (algemeen §5, §9).")
	return nil
}
