package oas

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// synthetic exercises constructs the ZGW specs use rarely or not at all.
const synthetic = `{
 "openapi": "3.0.3",
 "paths": {
  "/t": {"post": {"operationId": "t_create", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}},
         "put": {"operationId": "t_update", "requestBody": {"content": {"application/problem+json": {"schema": {"type": "object", "required": ["a"]}}}}},
         "patch": {"operationId": "t_upload", "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}},
         "get": {"operationId": "t_list"}}
 },
 "components": {"schemas": {
  "T": {"type": "object", "additionalProperties": false, "properties": {
    "int":   {"type": "integer", "minimum": 1, "maximum": 10},
    "excl":  {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true},
    "pat":   {"type": "string", "pattern": "^[0-9]{4} ?[A-Z]{2}$"},
    "look":  {"type": "string", "pattern": "^(?!0+$)[0-9]+$"},
    "short": {"type": "string", "minLength": 3, "maxLength": 5},
    "list":  {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2, "uniqueItems": true},
    "objs":  {"type": "array", "items": {"$ref": "#/components/schemas/Leaf"}, "maxItems": 1, "uniqueItems": true},
    "nums":  {"enum": [1, 2.5, true, null]},
    "tree":  {"$ref": "#/components/schemas/Tree"},
    "dict":  {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
    "any":   {"oneOf": [{"type": "string", "maxLength": 2}, {"type": "object", "required": ["x", "y"], "properties": {"x": {"type": "boolean"}, "y": {"type": "boolean"}}}]},
    "some":  {"anyOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]},
    "shape": {"$ref": "#/components/schemas/Shape"},
    "both":  {"$ref": "#/components/schemas/Both"},
    "ext":   {"$ref": "https://example.com/other.yaml#/components/schemas/X"},
    "alias": {"$ref": "#/components/schemas/Alias"},
    "ro":    {"allOf": [{"$ref": "#/components/schemas/Leaf"}], "readOnly": true}
  }},
  "Leaf": {"type": "object", "required": ["v"], "properties": {"v": {"type": "string", "minLength": 1}}},
  "Tree": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}, "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}},
  "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}], "discriminator": {"propertyName": "kind"}},
  "Circle": {"type": "object", "required": ["kind", "r"], "properties": {"kind": {"type": "string"}, "r": {"type": "number", "minimum": 0}}},
  "Square": {"type": "object", "required": ["kind", "side"], "properties": {"kind": {"type": "string"}, "side": {"type": "integer"}}},
  "Base": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string", "maxLength": 2}, "id": {"type": "string", "readOnly": true}}},
  "Both": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["c", "id"], "properties": {"c": {"type": "boolean"}, "b": {"type": "string", "minLength": 1}}}]},
  "Alias": {"$ref": "#/components/schemas/Leaf"}
 }}
}`

func checkDoc(t *testing.T, d *Doc, op, body string, partial bool, want ...nc) {
	t.Helper()
	vs, err := d.ValidateRequest(op, []byte(body), partial)
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		want = []nc{}
	}
	if diff := cmp.Diff(want, codes(vs), sortNC); diff != "" {
		t.Errorf("%s %s (-want +got):\n%s", op, body, diff)
	}
}

func TestSynthetic(t *testing.T) {
	d, err := Compile([]byte(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.SkippedPatterns(), []string{"^(?!0+$)[0-9]+$"}; !cmp.Equal(got, want) {
		t.Errorf("SkippedPatterns = %q, want %q", got, want)
	}
	if got := d.ExternalRefs(); len(got) != 1 || !strings.HasPrefix(got[0], "https://example.com/") {
		t.Errorf("ExternalRefs = %q", got)
	}
	if got, want := d.Operations(), []string{"t_create", "t_update"}; !cmp.Equal(got, want) {
		t.Errorf("Operations = %q, want %q", got, want)
	}
	if !d.HasOperation("t_list") || d.HasOperation("nope") {
		t.Error("HasOperation")
	}
	// No JSON body schema: nothing to check.
	checkDoc(t, d, "t_upload", `not json`, false)
	// A +json media type is used when application/json is absent.
	checkDoc(t, d, "t_update", `{}`, false, nc{"a", "required"})

	ok := `{"int": 10, "excl": 0.5, "pat": "1234 AB", "look": "0000", "short": "abc", "list": [1, 2],
		"objs": [{"v": "x"}], "nums": 2.5, "tree": {"name": "a", "kids": [{"name": "b", "kids": []}]},
		"dict": {"a": "2024-01-01"}, "any": {"x": true, "y": false}, "some": "aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44",
		"shape": {"kind": "Circle", "r": 1.5}, "both": {"b": "x", "c": true}, "ext": [1, {"z": null}],
		"alias": {"v": "x"}, "ro": 5}`
	checkDoc(t, d, "t_create", ok, false)
	checkDoc(t, d, "t_create", `{"int": 1.0, "nums": null, "any": "ab", "some": 7}`, false)
	checkDoc(t, d, "t_create", `{"int": 0, "excl": 0, "pat": "1234ab", "short": "ab", "list": [], "nums": 3}`, false,
		nc{"int", "min_value"}, nc{"excl", "min_value"}, nc{"pat", "invalid"}, nc{"short", "min_length"},
		nc{"list", "min_length"}, nc{"nums", "invalid_choice"})
	checkDoc(t, d, "t_create", `{"int": 11, "excl": 1, "short": "abcdef", "list": [1, 1, 2], "nums": false}`, false,
		nc{"int", "max_value"}, nc{"excl", "max_value"}, nc{"short", "max_length"},
		nc{"list", "max_length"}, nc{"list", "unique"}, nc{"nums", "invalid_choice"})
	checkDoc(t, d, "t_create", `{"int": 1.5}`, false, nc{"int", "invalid"})
	checkDoc(t, d, "t_create", `{"int": 1e300}`, false, nc{"int", "invalid"})
	checkDoc(t, d, "t_create", `{"int": "5"}`, false, nc{"int", "invalid"})
	checkDoc(t, d, "t_create", `{"list": ["1", 2.5]}`, false, nc{"list.0", "invalid"}, nc{"list.1", "invalid"})
	// A list of objects reports list-level problems as non-field errors.
	checkDoc(t, d, "t_create", `{"objs": [{"v": ""}, {}, 5]}`, false,
		nc{"objs.nonFieldErrors", "max_length"}, nc{"objs.0.v", "blank"}, nc{"objs.1.v", "required"},
		nc{"objs.2.nonFieldErrors", "invalid"})
	checkDoc(t, d, "t_create", `{"objs": [{"v": "a"}, {"v": "a"}]}`, false,
		nc{"objs.nonFieldErrors", "max_length"}, nc{"objs", "unique"})
	checkDoc(t, d, "t_create", `{"objs": {}}`, false, nc{"objs.nonFieldErrors", "not_a_list"})
	// Recursion through $ref, with array indexes in the names.
	checkDoc(t, d, "t_create", `{"tree": {"kids": [{"kids": [{"name": "toolong", "kids": "x"}]}]}}`, false,
		nc{"tree.kids.0.kids.0.name", "max_length"}, nc{"tree.kids.0.kids.0.kids.nonFieldErrors", "not_a_list"})
	// additionalProperties: false and a schema for additional properties.
	checkDoc(t, d, "t_create", `{"extra": 1, "dict": {"a": "2024-02-30", "b": 5}, "dict2": null}`, false,
		nc{"extra", "unknown-field"}, nc{"dict2", "unknown-field"}, nc{"dict.a", "invalid"}, nc{"dict.b", "invalid"})
	checkDoc(t, d, "t_create", `{"dict": []}`, false, nc{"dict", "invalid"})
	// oneOf: the closest branch is reported.
	checkDoc(t, d, "t_create", `{"any": "abc"}`, false, nc{"any", "max_length"})
	checkDoc(t, d, "t_create", `{"any": {"x": 1}}`, false, nc{"any.x", "invalid"}, nc{"any.y", "required"})
	checkDoc(t, d, "t_create", `{"some": "x"}`, false, nc{"some", "invalid"})
	// Discriminator with implicit mapping (schema names) next to oneOf.
	checkDoc(t, d, "t_create", `{"shape": {"kind": "Square", "r": 1}}`, false, nc{"shape.side", "required"})
	checkDoc(t, d, "t_create", `{"shape": {"kind": "Circle", "r": -1}}`, false, nc{"shape.r", "min_value"})
	// allOf: required from both members, readOnly respected, property constraints combined.
	checkDoc(t, d, "t_create", `{"both": {}}`, false, nc{"both.b", "required"}, nc{"both.c", "required"})
	checkDoc(t, d, "t_create", `{"both": {"b": "", "c": true, "id": 5}}`, false, nc{"both.b", "blank"})
	checkDoc(t, d, "t_create", `{"both": {"b": "xyz", "c": true}}`, false, nc{"both.b", "max_length"})
	// Duplicate keys: the last one counts, as in Python's json module.
	checkDoc(t, d, "t_create", `{"int": 0, "int": 5}`, false)
	checkDoc(t, d, "t_create", `{"int": 5, "int": 0}`, false, nc{"int", "min_value"})
	// Whitespace is trimmed before length checks, as DRF's CharField does; NUL is refused.
	checkDoc(t, d, "t_create", `{"short": "  abcde  ", "alias": {"v": "   "}}`, false, nc{"alias.v", "blank"})
	checkDoc(t, d, "t_create", `{"short": "ab\u0000c"}`, false, nc{"short", "null_characters_not_allowed"})
}

func TestSyntheticValue(t *testing.T) {
	d, err := Compile([]byte(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	got := codes(d.ValidateValue("T", map[string]any{
		"int": 3.0, "excl": float32(0.5), "list": []any{1, int64(2)}, "nums": json.Number("1"),
		"short": struct{}{}, "tree": map[string]any{"kids": []any{map[string]any{"name": "abcd"}}},
	}, false))
	want := []nc{{"short", "invalid"}, {"tree.kids.0.name", "max_length"}}
	if diff := cmp.Diff(want, got, sortNC); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if vs := d.ValidateValue("Leaf", map[string]any{}, true); len(vs) != 0 {
		t.Errorf("partial Leaf: %v", vs)
	}
	if vs := d.ValidateValue("Leaf", map[string]any{}, false); len(vs) != 1 {
		t.Errorf("Leaf: %v", vs)
	}
}

func TestCompileErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"broken ref":   `{"components": {"schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Nope"}}}}}}`,
		"alias cycle":  `{"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}}`,
		"allOf cycle":  `{"components": {"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/B"}]}, "B": {"allOf": [{"$ref": "#/components/schemas/A"}]}}}}`,
		"duplicate id": `{"paths": {"/a": {"get": {"operationId": "x"}}, "/b": {"get": {"operationId": "x"}}}}`,
		"not json":     `{`,
	} {
		if _, err := Compile([]byte(doc)); err == nil {
			t.Errorf("%s: Compile succeeded", name)
		}
	}
	// Recursion through properties and oneOf is fine.
	d, err := Compile([]byte(`{"components": {"schemas": {"A": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	// A oneOf that refers to itself without descending must still end.
	if got := codes(d.ValidateValue("A", json.Number("1"), false)); len(got) != 1 || got[0].Code != "max-depth" {
		t.Errorf("self-referencing oneOf: %v", got)
	}
}

// TestOneOfBacktrackingIsBounded: two recursive branches that both fail at
// every level would take 2^depth steps without the work budget.
func TestOneOfBacktrackingIsBounded(t *testing.T) {
	d, err := Compile([]byte(`{"components": {"schemas": {
		"X": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
		"A": {"type": "array", "items": {"$ref": "#/components/schemas/X"}, "minItems": 5},
		"B": {"type": "array", "items": {"$ref": "#/components/schemas/X"}, "minItems": 6}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var v any = []any{}
	for i := 0; i < 60; i++ {
		v = []any{v}
	}
	got := codes(d.ValidateValue("X", v, false))
	if diff := cmp.Diff([]nc{{"nonFieldErrors", "max-depth"}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A shallow value is still judged normally.
	got = codes(d.ValidateValue("X", []any{}, false))
	if diff := cmp.Diff([]nc{{"nonFieldErrors", "min_length"}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestPolymorphicBase: the classic OAS pattern where the subtypes extend the
// base that lists them in oneOf.
func TestPolymorphicBase(t *testing.T) {
	d, err := Compile([]byte(`{"components": {"schemas": {
		"Pet": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["Cat", "Dog"]}},
			"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
			"discriminator": {"propertyName": "kind"}},
		"Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "required": ["lives"], "properties": {"lives": {"type": "integer", "maximum": 9}}}]},
		"Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "properties": {"bark": {"type": "boolean"}}}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		val  map[string]any
		want []nc
	}{
		{map[string]any{"kind": "Cat", "lives": json.Number("9")}, []nc{}},
		{map[string]any{"kind": "Cat"}, []nc{{"lives", "required"}}},
		{map[string]any{"kind": "Dog", "bark": "woof"}, []nc{{"bark", "invalid"}}},
		{map[string]any{"kind": "Cow"}, []nc{{"kind", "invalid_choice"}}},
	} {
		got := codes(d.ValidateValue("Pet", tc.val, false))
		if diff := cmp.Diff(tc.want, got, sortNC); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.val, diff)
		}
	}
}
