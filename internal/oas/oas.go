// Package oas validates request bodies against the request schemas of an
// OpenAPI 3.0 document, reporting problems the way the ZGW reference
// implementations (Django REST Framework) do: one Violation per problem with
// a dotted field name and DRF's error code.
//
// A Doc is compiled once at start-up and is safe for concurrent use.
package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
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
	id     string
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
			op := &operation{id: id}
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

var pool = sync.Pool{New: func() any { return &validator{path: make([]pathSeg, 0, 16)} }}

// ValidateRequest validates a request body for the operation with this
// operationId. partial=true is PATCH semantics: required properties are not
// enforced at the top level (nested objects that are sent are validated
// whole). raw is the body; a syntax error gives one Violation
// {nonFieldErrors, parse_error}, an empty body counts as {} (as in DRF).
// An operation without a JSON request body accepts anything. The error is
// only for an unknown operationId.
func (d *Doc) ValidateRequest(operationID string, raw []byte, partial bool) ([]Violation, error) {
	op, ok := d.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("oas: unknown operationId %q", operationID)
	}
	if op.schema == nil {
		return nil, nil
	}
	val, vs := Decode(raw)
	if vs != nil {
		return vs, nil
	}
	return run(op.schema, val, partial), nil
}

// ValidateRequestValue is ValidateRequest for a body that is already
// decoded (see Decode).
func (d *Doc) ValidateRequestValue(operationID string, val any, partial bool) ([]Violation, error) {
	op, ok := d.ops[operationID]
	if !ok {
		return nil, fmt.Errorf("oas: unknown operationId %q", operationID)
	}
	if op.schema == nil {
		return nil, nil
	}
	return run(op.schema, val, partial), nil
}

// ValidateValue validates an already decoded value (from a json.Decoder
// with UseNumber) against the component schema with this name. An unknown
// name is a programming error and yields one violation with code
// "unknown-schema".
func (d *Doc) ValidateValue(schemaName string, v any, partial bool) []Violation {
	n, ok := d.schemas[schemaName]
	if !ok {
		return []Violation{{Name: nonFieldError, Code: "unknown-schema", Reason: "Onbekend schema " + schemaName + "."}}
	}
	return run(n, v, partial)
}

func run(n *node, val any, partial bool) []Violation {
	v := pool.Get().(*validator)
	v.validate(n, val, partial)
	out := dedupe(v.out)
	v.out, v.path, v.depth, v.calls, v.aborted = nil, v.path[:0], 0, 0, false
	pool.Put(v)
	return out
}

// Decode parses a JSON body the way ValidateRequest does: numbers as
// json.Number, an empty body as an empty object, nesting beyond MaxDepth as
// a max-depth violation and any syntax error (including invalid UTF-8 and
// trailing data) as a parse_error violation.
func Decode(raw []byte) (any, []Violation) {
	empty, tooDeep := scan(raw)
	switch {
	case empty:
		return map[string]any{}, nil
	case tooDeep:
		return nil, []Violation{{Name: nonFieldError, Code: "max-depth", Reason: msgMaxDepth}}
	case !utf8.Valid(raw):
		return nil, parseError("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var val any
	if err := dec.Decode(&val); err != nil {
		return nil, parseError(err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parseError("extra data after the JSON value")
	}
	return val, nil
}

func parseError(msg string) []Violation {
	return []Violation{{Name: nonFieldError, Code: "parse_error", Reason: "JSON parse error - " + msg}}
}

// scan reports whether raw is only whitespace and whether its objects and
// arrays nest deeper than MaxDepth. It runs before decoding so that a
// hostile body cannot make the decoder or validator recurse deeply.
func scan(raw []byte) (empty, tooDeep bool) {
	depth := 0
	inStr, esc := false, false
	empty = true
	for _, c := range raw {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inStr = true
		case '{', '[':
			if depth++; depth > MaxDepth {
				return false, true
			}
		case '}', ']':
			depth--
		}
		empty = false
	}
	return empty, false
}
