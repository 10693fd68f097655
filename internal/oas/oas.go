// Package oas validates request bodies against the request schemas of an
// OpenAPI 3.0 document, reporting problems the way the ZGW reference
// implementations (Django REST Framework) do: one Violation per problem,
// named by a dotted path from the body root (array items by index,
// "relevanteAndereZaken.0.url"), with DRF's error code.
//
// Besides the JSON Schema keywords the specs use (type, nullable, required,
// properties, additionalProperties, items, enum, allOf, oneOf, anyOf,
// discriminator, min/maxLength, pattern, minimum/maximum, min/maxItems,
// uniqueItems and the formats uri, email, date, date-time, duration and
// uuid), it follows DRF where the OAS is silent:
//
//   - readOnly properties, and "_expand", are ignored in a request;
//   - "" is "blank" where minLength >= 1, for required properties and for
//     list items (DRF's allow_blank=False); elsewhere "" is accepted and no
//     other check runs on it, except for date/date-time/duration/uuid;
//   - length, URL, e-mail and pattern checks see the string without
//     surrounding whitespace (DRF's trim_whitespace);
//   - a oneOf of enums (Enum, BlankEnum, NullEnum) is one choice field;
//   - problems with a nested object or list of objects as a whole are
//     named "<field>.nonFieldErrors", at the root "nonFieldErrors".
//
// A Doc is compiled once at start-up and is safe for concurrent use.
package oas

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Violation is one problem, in ZGW invalidParams terms.
type Violation struct {
	Name   string `json:"name"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Doc is a compiled OpenAPI document.
type Doc struct {
	ops      map[string]*operation
	schemas  map[string]*node
	patterns []string
	external []string
}

type operation struct {
	schema *node // nil: no JSON request body
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Compile prepares an OAS 3.0 document (JSON bytes) for validation. It
// resolves local $refs (#/components/...); remote $refs are accepted as
// "any value" and listed by ExternalRefs. Unresolvable local refs, allOf
// cycles and duplicate operationIds are errors.
func Compile(docJSON []byte) (*Doc, error) {
	var root map[string]any
	if err := json.Unmarshal(docJSON, &root); err != nil {
		return nil, fmt.Errorf("oas: parse document: %w", err)
	}
	c := newCompiler(root)
	d := &Doc{ops: map[string]*operation{}, schemas: map[string]*node{}}

	for name := range c.schemas() {
		d.schemas[name] = c.refNode(schemaPtr(name))
	}
	paths, _ := root["paths"].(map[string]any)
	for _, item := range paths {
		im, _ := item.(map[string]any)
		for _, meth := range methods {
			om, ok := im[meth].(map[string]any)
			if !ok {
				continue
			}
			id, _ := om["operationId"].(string)
			if id == "" {
				continue
			}
			if _, dup := d.ops[id]; dup {
				c.errs = append(c.errs, "duplicate operationId "+id)
				continue
			}
			op := &operation{}
			if s, ok := c.requestSchema(om["requestBody"]); ok {
				op.schema = c.schema(s)
			}
			d.ops[id] = op
		}
	}
	c.drain()
	c.finish()
	if len(c.errs) > 0 {
		sort.Strings(c.errs)
		return nil, errors.New("oas: " + strings.Join(c.errs, "; "))
	}
	for p := range c.badPats {
		d.patterns = append(d.patterns, p)
	}
	sort.Strings(d.patterns)
	for r := range c.external {
		d.external = append(d.external, r)
	}
	sort.Strings(d.external)
	return d, nil
}

// requestSchema finds the JSON schema of a requestBody (which may be a
// $ref to components/requestBodies, as in Autorisaties).
func (c *compiler) requestSchema(rb any) (any, bool) {
	m, ok := rb.(map[string]any)
	for i := 0; ok && i < 8; i++ {
		r, isRef := m["$ref"].(string)
		if !isRef {
			break
		}
		t, found := c.lookup(r)
		if !found {
			c.errs = append(c.errs, "unresolvable $ref "+r)
			return nil, false
		}
		m, ok = t.(map[string]any)
	}
	if !ok {
		return nil, false
	}
	content, _ := m["content"].(map[string]any)
	if mt, ok := content["application/json"].(map[string]any); ok {
		s, ok := mt["schema"]
		return s, ok
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.Contains(k, "json") {
			mt, _ := content[k].(map[string]any)
			s, ok := mt["schema"]
			return s, ok
		}
	}
	return nil, false
}

// Operations lists the operationIds that have a JSON request body.
func (d *Doc) Operations() []string {
	var ids []string
	for id, op := range d.ops {
		if op.schema != nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// HasOperation reports whether the document defines operationID.
func (d *Doc) HasOperation(operationID string) bool {
	_, ok := d.ops[operationID]
	return ok
}

// SkippedPatterns lists the patterns that Go's RE2 regexp could not
// compile; they are not enforced.
func (d *Doc) SkippedPatterns() []string { return d.patterns }

// ExternalRefs lists the remote $refs, which validate as "any value".
func (d *Doc) ExternalRefs() []string { return d.external }

var pool = sync.Pool{New: func() any {
	return &validator{path: make([]pathSeg, 0, 16), toks: make([]tok, 0, 256), last: make([]int32, 0, 256)}
}}

// ValidateRequest validates a request body for the operation with this
// operationId. partial=true is PATCH semantics: required properties are not
// enforced at the top level (nested objects that are sent are validated
// whole). raw is the body; a syntax error (including invalid UTF-8 and
// trailing data) gives one Violation {nonFieldErrors, parse_error} and
// nesting deeper than MaxDepth one {nonFieldErrors, max-depth}. An empty
// body counts as {} (as in DRF). An operation without a JSON request body
// accepts anything. The error is only for an unknown operationId.
func (d *Doc) ValidateRequest(operationID string, raw []byte, partial bool) ([]Violation, error) {
	op, ok := d.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("oas: unknown operationId %q", operationID)
	}
	if op.schema == nil {
		return nil, nil
	}
	return validateRaw(op.schema, raw, partial), nil
}

// ValidateBody is ValidateRequest against a named component schema. It is
// for operations whose request body the spec leaves unspecified (Catalogi
// 1.3.1: zaaktype_partial_update, informatieobjecttype_update and
// _partial_update, besluittype_partial_update), e.g.
// ValidateBody("ZaakTypeUpdate", raw, true). An unknown name yields one
// violation with code "unknown-schema".
func (d *Doc) ValidateBody(schemaName string, raw []byte, partial bool) []Violation {
	n, ok := d.schemas[schemaName]
	if !ok {
		return unknownSchema(schemaName)
	}
	return validateRaw(n, raw, partial)
}

func unknownSchema(name string) []Violation {
	return []Violation{{Name: nonFieldError, Code: "unknown-schema", Reason: "Onbekend schema " + name + "."}}
}

func validateRaw(n *node, raw []byte, partial bool) []Violation {
	v := pool.Get().(*validator)
	defer v.release()
	var err error
	if v.toks, err = parse(raw, v.toks); err != nil {
		if err == errTooDeep {
			return maxDepthViolation()
		}
		return []Violation{{Name: nonFieldError, Code: "parse_error", Reason: "JSON parse error - " + err.Error()}}
	}
	return v.run(n, partial)
}

// ValidateRequestValue is ValidateRequest for a body that is already
// decoded (json.Decoder with UseNumber: map[string]any, []any, string,
// json.Number, bool, nil).
func (d *Doc) ValidateRequestValue(operationID string, val any, partial bool) ([]Violation, error) {
	op, ok := d.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("oas: unknown operationId %q", operationID)
	}
	if op.schema == nil {
		return nil, nil
	}
	return validateValue(op.schema, val, partial), nil
}

// ValidateValue validates an already decoded value (from a json.Decoder
// with UseNumber) against the component schema with this name. An unknown
// name is a programming error and yields one violation with code
// "unknown-schema".
func (d *Doc) ValidateValue(schemaName string, val any, partial bool) []Violation {
	n, ok := d.schemas[schemaName]
	if !ok {
		return unknownSchema(schemaName)
	}
	return validateValue(n, val, partial)
}

func validateValue(n *node, val any, partial bool) []Violation {
	v := pool.Get().(*validator)
	defer v.release()
	var ok bool
	if v.toks, ok = fromValue(val, v.toks[:0], 0); !ok {
		return maxDepthViolation()
	}
	return v.run(n, partial)
}

func (v *validator) run(n *node, partial bool) []Violation {
	v.budget = budgetBaseCalls + budgetPerToken*len(v.toks)
	var fl flags
	if partial {
		fl = flagPartial
	}
	v.validate(n, 0, fl)
	if v.aborted {
		return maxDepthViolation()
	}
	return dedupe(v.out)
}

// release returns v to the pool without references into the caller's data.
func (v *validator) release() {
	clear(v.toks)
	if cap(v.toks) > 1<<16 {
		v.toks = nil // do not keep a huge body's tokens alive
	}
	v.toks, v.out, v.path, v.last = v.toks[:0], nil, v.path[:0], v.last[:0]
	v.depth, v.calls, v.aborted = 0, 0, false
	pool.Put(v)
}
