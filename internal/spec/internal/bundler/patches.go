package bundler

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// patchList runs in order on every API after the external refs are resolved;
// each patch decides itself whether it applies and records what it changed.
// The registers' own patches live in patches_<api>.go and run after the common ones.
var patchList = slices.Concat(commonPatches, documentenPatches, besluitenPatches, klantinteractiesPatches, objectenPatches)

type patchFunc = func(b *bundle, api API, doc *yaml.Node) error

var commonPatches = []patchFunc{
	patchServers,
	patchConsumer,
	patchBesluittypeZaaktypen,
	patchJWTSecret,
	patchEmptyObject,
	patchStatusCreateResponse,
	patchPartialBodies,
	patchConsumerBadRequest,
	patchReadOnlyURLLists,
	patchCatalogiOperations,
	patchNotificaties,
	patchWijzigingen,
	patchProblemResponses,
}

// patchServers makes the one server the mount path, so that routing a
// request path of Meent through the spec finds the operation.
func patchServers(b *bundle, api API, doc *yaml.Node) error {
	old := get(doc, "servers")
	var urls []string
	if old != nil {
		for _, s := range old.Content {
			if u := get(s, "url"); u != nil {
				urls = append(urls, "`"+u.Value+"`")
			}
		}
		if len(old.Content) == 1 && len(urls) == 1 && urls[0] == "`"+api.Mount+"`" {
			return nil // klantinteracties already says so
		}
	}
	set(doc, "servers", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
		{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str("url"), str(api.Mount)}},
	}})
	from := "none"
	if len(urls) > 0 {
		from = strings.Join(urls, ", ")
	}
	b.patch(api, "/servers", fmt.Sprintf("servers %s replaced by one relative server `%s`", from, api.Mount),
		"Meent mounts the API at the Open Zaak layout; a relative server makes the spec valid for any host.")
	return nil
}

// patchConsumer: autorisaties.md §2 — the reference implementation, Open Zaak
// and the client libraries use a single Applicatie; the OAS says array.
func patchConsumer(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "autorisaties" {
		return nil
	}
	media := dig(doc, "paths", "/applicaties/consumer", "get", "responses", "200", "content", "application/json")
	if media == nil || get(media, "schema") == nil {
		return fmt.Errorf("GET /applicaties/consumer has no 200 application/json schema")
	}
	if dig(media, "schema", "type") == nil {
		return nil // already fixed upstream
	}
	set(media, "schema", fromYAML(`$ref: '#/components/schemas/Applicatie'`))
	b.patch(api, "/paths/~1applicaties~1consumer/get/responses/200/content/application~1json/schema",
		"array of `Applicatie` -> one `Applicatie`",
		"The reference implementation, Open Zaak and the client libraries (vng-api-common, zgw-consumers) return and expect the object (standard/autorisaties.md §2).")
	return nil
}

// patchBesluittypeZaaktypen: known issue ztc-issue-001. Catalogi 1.3.1 lists
// zaaktypen in the besluittype request bodies as readOnly (or not at all), so
// a client cannot set the relation that the resource exposes; 1.3.2 fixes it.
func patchBesluittypeZaaktypen(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "catalogi" {
		return nil
	}
	for _, name := range []string{"BesluitTypeCreate", "BesluitTypeUpdate"} {
		props := dig(doc, "components", "schemas", name, "properties")
		if props == nil {
			return fmt.Errorf("schema %s has no properties", name)
		}
		loc := "/components/schemas/" + name + "/properties/zaaktypen"
		p := get(props, "zaaktypen")
		switch {
		case p == nil:
			set(props, "zaaktypen", fromYAML(`
type: array
items:
  type: string
  format: uri
description: ZAAKTYPE met ZAAKen die relevant kunnen zijn voor dit BESLUITTYPE
title: zaaktypen
uniqueItems: true
`))
			b.patch(api, loc, "optional `zaaktypen` (array of zaaktype URLs) added",
				"Known issue ztc-issue-001: zaaktypen is missing from the besluittype request body.")
		case del(p, "readOnly"):
			b.patch(api, loc+"/readOnly", "`readOnly: true` removed, so `zaaktypen` (optional) is accepted in the request",
				"Known issue ztc-issue-001: zaaktypen cannot be set on a besluittype in 1.3.0/1.3.1; a validator rejects readOnly properties in requests.")
		}
	}
	return nil
}

// jwtSecretPath is a Meent extension with the request of the VNG API test
// platform (and the reference implementations): it registers the secret of a
// JWT client id. Marked x-meent so the standard surface stays recognisable.
const jwtSecretPath = `
post:
  operationId: jwtsecret_create
  summary: Registreer het JWT-secret van een client (Meent-extensie).
  description: >-
    Legt het gedeelde geheim vast waarmee de JWT's van een client (claim
    client_id) worden ondertekend, zoals het VNG API-testplatform dat doet.
    Geen onderdeel van de standaard.
  x-meent: true
  tags:
  - jwtsecret
  security:
  - JWT-Claims: []
  requestBody:
    required: true
    content:
      application/json:
        schema:
          type: object
          required:
          - identifier
          - secret
          properties:
            identifier:
              type: string
              minLength: 1
              description: Client ID (claim client_id van de JWT).
            secret:
              type: string
              minLength: 1
              writeOnly: true
              description: Het gedeelde geheim (HS256).
  responses:
    '201':
      description: Created
      content:
        application/json:
          schema:
            type: object
            required:
            - identifier
            properties:
              identifier:
                type: string
                description: Client ID (claim client_id van de JWT).
    '400':
      description: Bad request
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/ValidatieFout'
    '401':
      description: Unauthorized
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Fout'
    '403':
      description: Forbidden
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Fout'
`

func patchJWTSecret(b *bundle, api API, doc *yaml.Node) error {
	if !api.JWT {
		return nil
	}
	paths := get(doc, "paths")
	if get(paths, "/jwtsecret") != nil {
		return fmt.Errorf("/jwtsecret already defined")
	}
	for _, s := range []string{"Fout", "ValidatieFout"} {
		if dig(doc, "components", "schemas", s) == nil {
			return fmt.Errorf("schema %s missing, needed by /jwtsecret", s)
		}
	}
	set(paths, "/jwtsecret", fromYAML(jwtSecretPath))
	b.patch(api, "/paths/~1jwtsecret", "extension operation `POST /jwtsecret` (`jwtsecret_create`, `x-meent: true`) added",
		"Meent registers JWT client secrets the way the VNG API test platform does; marked as an extension.")
	return nil
}

// patchEmptyObject: the expand schemas offer oneOf [XExpanded, EmptyObject]
// for a relation that may be null, but EmptyObject ("Leeg object") allows
// any object, so a correctly expanded object matches both branches and fails
// oneOf. maxProperties: 0 says what the description says.
func patchEmptyObject(b *bundle, api API, doc *yaml.Node) error {
	s := dig(doc, "components", "schemas", "EmptyObject")
	if s == nil || get(s, "maxProperties") != nil {
		return nil
	}
	set(s, "maxProperties", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"})
	b.patch(api, "/components/schemas/EmptyObject/maxProperties", "`maxProperties: 0` added",
		"EmptyObject (\"Leeg object\") accepted every object, so an expanded object matched both branches of `oneOf: [...Expanded, EmptyObject]` and no expand response could be valid.")
	return nil
}

// patchStatusCreateResponse: in the published Zaken 1.5.1 the 201 of POST
// /statussen uses StatusRequestbody, which requires zaakinformatieobjecten
// without defining it, so the one field that differs from Status goes
// unchecked. The reference implementation's copy (zaken-1.5.1-ri.yaml) and
// GET /statussen/{uuid} answer with Status.
func patchStatusCreateResponse(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "zaken" {
		return nil
	}
	schema := dig(doc, "paths", "/statussen", "post", "responses", "201", "content", "application/json", "schema")
	if schema == nil {
		return fmt.Errorf("POST /statussen has no 201 application/json schema")
	}
	const from, to = schemasPrefix + "StatusRequestbody", schemasPrefix + "Status"
	if r, _ := refOf(schema); r != from {
		return nil
	}
	setRef(get(schema, "$ref"), to)
	b.patch(api, "/paths/~1statussen/post/responses/201/content/application~1json/schema/$ref",
		fmt.Sprintf("`%s` -> `%s`", from, to),
		"StatusRequestbody requires zaakinformatieobjecten without defining it; the created status is a Status, as in the reference implementation's copy and in GET /statussen/{uuid}.")
	return nil
}

// patchPartialBodies: a PATCH is a partial update in every ZGW implementation (DRF's partial
// serializers), but some specs give PATCH the full create schema, whose required fields a
// partial body then violates. Such a body gets a copy of the schema without `required`,
// named Patched<X> as the specs generated by the reference implementations name it.
func patchPartialBodies(b *bundle, api API, doc *yaml.Node) error {
	paths := get(doc, "paths")
	schemas := dig(doc, "components", "schemas")
	if paths == nil || schemas == nil {
		return nil
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		op := get(item, "patch")
		body := get(op, "requestBody")
		if body == nil {
			continue
		}
		// A shared requestBodies entry is copied into the operation so that only PATCH changes.
		if r, ok := refOf(body); ok && strings.HasPrefix(r, "#/components/requestBodies/") {
			shared := dig(doc, "components", "requestBodies", strings.TrimPrefix(r, "#/components/requestBodies/"))
			if shared == nil {
				continue
			}
			body = clone(shared)
			set(op, "requestBody", body)
		}
		schema := dig(body, "content", "application/json", "schema")
		if schema == nil {
			continue
		}
		ref, ok := refOf(schema)
		if !ok || !strings.HasPrefix(ref, schemasPrefix) {
			continue
		}
		name := strings.TrimPrefix(ref, schemasPrefix)
		target := get(schemas, name)
		if target == nil || get(target, "required") == nil || strings.HasPrefix(name, "Patched") {
			continue
		}
		patched := "Patched" + name
		if get(schemas, patched) == nil {
			c := clone(target)
			del(c, "required")
			set(schemas, patched, c)
		}
		setRef(get(schema, "$ref"), schemasPrefix+patched)
		b.patch(api, "/paths/"+escapePtr(path)+"/patch/requestBody/content/application~1json/schema/$ref",
			fmt.Sprintf("`%s` -> `%s` (a copy without `required`)", name, patched),
			"PATCH is a partial update; the full schema's required fields made every partial body invalid.")
	}
	return nil
}

// patchConsumerBadRequest: GET /applicaties/consumer needs its clientId parameter and, like
// every ZGW endpoint, refuses unknown parameters with a 400 (algemeen §5), which the 1.0.0 OAS
// does not document there.
func patchConsumerBadRequest(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "autorisaties" {
		return nil
	}
	responses := dig(doc, "paths", "/applicaties/consumer", "get", "responses")
	if responses == nil || get(responses, "400") != nil {
		return nil
	}
	set(responses, "400", fromYAML(`
description: Bad request
content:
  application/problem+json:
    schema:
      $ref: '#/components/schemas/ValidatieFout'
`))
	b.patch(api, "/paths/~1applicaties~1consumer/get/responses/400", "400 `ValidatieFout` added",
		"A missing clientId or an unknown query parameter is a 400 with invalidParams (algemeen §5); the OAS lists no 400 there.")
	return nil
}

// patchReadOnlyURLLists: Catalogi 1.3.1 (both copies) types ZaakType.informatieobjecttypen and
// InformatieObjectType.zaaktypen as a string, an artefact of how the reference implementation
// generated its schema; the resources render lists of URLs (Open Zaak, and the 1.3.2 spec).
// Zaken and Documenten carry copies of these schemas for expand, with the same defect.
func patchReadOnlyURLLists(b *bundle, api API, doc *yaml.Node) error {
	fields := map[string][]string{
		"ZaakType": {"informatieobjecttypen"}, "ZaakTypeCreate": {"informatieobjecttypen"},
		"ZaakTypeUpdate": {"informatieobjecttypen"}, "InformatieObjectType": {"zaaktypen"},
	}
	for _, schema := range sortedKeys(fields) {
		for _, field := range fields[schema] {
			prop := dig(doc, "components", "schemas", schema, "properties", field)
			if prop == nil || get(prop, "type") == nil || get(prop, "type").Value != "string" {
				continue
			}
			set(prop, "type", str("array"))
			set(prop, "items", fromYAML("type: string\nformat: uri"))
			b.patch(api, "/components/schemas/"+schema+"/properties/"+field, "read-only `string` -> array of URIs",
				"The field lists URLs of related types in every implementation and in Catalogi 1.3.2; the 1.3.1 schema says string.")
		}
	}
	return nil
}

// catalogiUnspecified are the Catalogi 1.3.1 operations whose request and response bodies the
// published file leaves as "Unspecified", with the schemas the resources actually use (those
// of the sibling operations; a PATCH gets a copy without required fields).
var catalogiUnspecified = []struct{ op, request, response string }{
	{"zaaktype_partial_update", "ZaakTypeUpdate", "ZaakType"},
	{"informatieobjecttype_update", "InformatieObjectType", "InformatieObjectType"},
	{"informatieobjecttype_partial_update", "InformatieObjectType", "InformatieObjectType"},
	{"besluittype_partial_update", "BesluitTypeUpdate", "BesluitType"},
}

// patchCatalogiOperations mends the Catalogi 1.3.1 operations that the published file got
// wrong, each as the reference implementation and Open Zaak answer: unspecified bodies,
// informatieobjecttype_create answering 200, deletes of the main types answering 200 with a
// body, and deletes without the 400 that ztc-009/ztc-010 refusals need.
func patchCatalogiOperations(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "catalogi" {
		return nil
	}
	ops := operationsByID(doc)
	for _, u := range catalogiUnspecified {
		op := ops[u.op]
		if op == nil {
			return fmt.Errorf("catalogi: operation %s not found", u.op)
		}
		req := dig(op.node, "requestBody", "content", "application/json")
		if req == nil || dig(req, "schema", "$ref") != nil {
			continue
		}
		name := u.request
		if strings.HasSuffix(u.op, "_partial_update") {
			name = "Patched" + u.request
			schemas := dig(doc, "components", "schemas")
			if get(schemas, name) == nil {
				c := clone(get(schemas, u.request))
				del(c, "required")
				set(schemas, name, c)
			}
		}
		set(req, "schema", fromYAML(`$ref: '`+schemasPrefix+name+`'`))
		set(get(op.node, "requestBody"), "required", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		if resp := dig(op.node, "responses", "200", "content", "application/json"); resp != nil {
			set(resp, "schema", fromYAML(`$ref: '`+schemasPrefix+u.response+`'`))
		}
		b.patch(api, op.ptr+"/requestBody", fmt.Sprintf("unspecified request and 200 bodies -> `%s` / `%s`", name, u.response),
			"The published file leaves these bodies unspecified; the resource takes and returns the same fields as its sibling operations.")
	}
	if op := ops["informatieobjecttype_create"]; op != nil {
		responses := get(op.node, "responses")
		if ok := get(responses, "201") == nil && get(responses, "200") != nil; ok {
			for i := 0; i < len(responses.Content); i += 2 {
				if responses.Content[i].Value == "200" {
					responses.Content[i].Value = "201"
				}
			}
			b.patch(api, op.ptr+"/responses/200", "201 instead of 200",
				"A create answers 201 (algemeen §2), as every other create in the file does.")
		}
	}
	for _, id := range sortedKeys(ops) {
		op := ops[id]
		if !strings.HasSuffix(id, "_destroy") {
			continue
		}
		responses := get(op.node, "responses")
		if get(responses, "200") != nil && get(responses, "204") == nil {
			del(responses, "200")
			set(responses, "204", fromYAML("description: No content"))
			b.patch(api, op.ptr+"/responses/200", "200 with a body -> 204",
				"A delete answers 204 without a body (algemeen §2), as the other deletes in the file do.")
		}
		if get(responses, "400") == nil {
			set(responses, "400", fromYAML(`
description: Bad request
content:
  application/problem+json:
    schema:
      $ref: '#/components/schemas/ValidatieFout'
`))
			b.patch(api, op.ptr+"/responses/400", "400 `ValidatieFout` added",
				"Deleting a published type or a sub-type of a published zaaktype is refused with a 400 (ztc-009, ztc-010).")
		}
	}
	for _, schema := range []string{"BesluitTypeCreate", "BesluitTypeUpdate"} {
		required := dig(doc, "components", "schemas", schema, "required")
		if required == nil {
			continue
		}
		for i, n := range required.Content {
			if n.Value == "zaaktypen" {
				required.Content = append(required.Content[:i], required.Content[i+1:]...)
				b.patch(api, "/components/schemas/"+schema+"/required", "`zaaktypen` no longer required",
					"ztc-issue-001: the field was missing from 1.3.1 request bodies; accepting it must not make it mandatory for clients written against 1.3.1.")
				break
			}
		}
	}
	return nil
}

type operation struct {
	node *yaml.Node
	ptr  string // JSON pointer of the operation, for PATCHES.md
}

// operationsByID indexes the operations of doc by operationId.
func operationsByID(doc *yaml.Node) map[string]*operation {
	out := map[string]*operation{}
	paths := get(doc, "paths")
	if paths == nil {
		return out
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			method, op := item.Content[j].Value, item.Content[j+1]
			if id := get(op, "operationId"); id != nil {
				out[id.Value] = &operation{node: op, ptr: "/paths/" + escapePtr(path) + "/" + method}
			}
		}
	}
	return out
}

// patchNotificaties mends Notificaties 1.0.0: `auth` is the secret header value a subscriber
// gives, returned by no implementation (Open Notificaties never renders it) yet listed as a
// plain required field; POST /notificaties documents only its 200 although a bad message is
// refused like any other request; and 1.0.1 lifted the maxLength of auth and callbackUrl,
// which real tokens and callback URLs exceed.
func patchNotificaties(b *bundle, api API, doc *yaml.Node) error {
	if api.Name != "notificaties" {
		return nil
	}
	for _, schema := range []string{"Abonnement", "PatchedAbonnement"} {
		props := dig(doc, "components", "schemas", schema, "properties")
		if props == nil {
			continue
		}
		if auth := get(props, "auth"); auth != nil && get(auth, "writeOnly") == nil {
			set(auth, "writeOnly", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			del(auth, "maxLength")
			b.patch(api, "/components/schemas/"+schema+"/properties/auth", "`writeOnly: true`, `maxLength` dropped",
				"auth is never returned (privacy: it is the subscriber's credential); 1.0.1 drops the length limit.")
		}
		if cb := get(props, "callbackUrl"); cb != nil && del(cb, "maxLength") {
			b.patch(api, "/components/schemas/"+schema+"/properties/callbackUrl/maxLength", "dropped",
				"Notificaties 1.0.1 lifts the 200-character limit.")
		}
	}
	ops := operationsByID(doc)
	create, kanaal := ops["notificaties_create"], ops["kanaal_create"]
	if create == nil || kanaal == nil {
		return fmt.Errorf("notificaties: notificaties_create or kanaal_create missing")
	}
	responses, from := get(create.node, "responses"), get(kanaal.node, "responses")
	for _, code := range []string{"400", "401", "403", "406", "415", "500"} {
		if get(responses, code) == nil && get(from, code) != nil {
			set(responses, code, clone(get(from, code)))
			b.patch(api, create.ptr+"/responses/"+code, code+" added (as on kanaal_create)",
				"A message is authenticated and validated like any other request; the file documents only the 200.")
		}
	}
	return nil
}

// patchWijzigingen: an audit trail entry carries the full representation before and after the
// write, which is null on create (oud) and on destroy (nieuw), and whose fields are null
// wherever the resource has a null field; the schema allowed neither.
func patchWijzigingen(b *bundle, api API, doc *yaml.Node) error {
	props := dig(doc, "components", "schemas", "Wijzigingen", "properties")
	if props == nil {
		return nil
	}
	for _, name := range []string{"oud", "nieuw"} {
		p := get(props, name)
		if p == nil || get(p, "nullable") != nil {
			continue
		}
		set(p, "nullable", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		set(p, "additionalProperties", fromYAML("nullable: true"))
		b.patch(api, "/components/schemas/Wijzigingen/properties/"+name, "`nullable: true`, members may be null",
			"oud is null on create and nieuw on destroy (algemeen §12); a resource's own null fields appear inside them.")
	}
	return nil
}

// patchProblemResponses: the Open Klant and Open Object specs document only the success
// responses, while the services answer bad input with 400, missing credentials or permissions
// with 401/403 and unknown resources with 404 (Django REST framework's exceptions). Meent
// answers those with the problem+json bodies every register uses; the spec says so, so
// clients and the contract tests know the shapes.
func patchProblemResponses(b *bundle, api API, doc *yaml.Node) error {
	switch api.Name {
	case "klantinteracties", "objecten", "objecttypen":
	default:
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
			"The spec documents only success responses; Open Klant and Open Object answer bad input, missing credentials or permissions and unknown resources with errors, which Meent renders as the ZGW problem+json of every other register.")
	}
	return nil
}
