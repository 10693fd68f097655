package bundler

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

const remote = "https://raw.githubusercontent.com/VNG-Realisatie/gemma-zaken/master/api-specificatie/ztc/current_version/openapi.yaml"

// Two small documents standing in for catalogi and zaken.
var testFS = fstest.MapFS{
	"catalogi-1.3.1.yaml": {Data: []byte(`
openapi: 3.0.3
components:
  schemas:
    ZaakType:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        s: {$ref: '#/components/schemas/Shared'}
        l: {$ref: '#/components/schemas/ListOfA'}
        self: {$ref: '#/components/schemas/ZaakType'}
        p: {$ref: '#/components/schemas/Poly'}
    Poly:
      type: object
      discriminator: {propertyName: k, mapping: {a: '#/components/schemas/PolyA', b: PolyB}}
    PolyA: {type: object, properties: {k: {type: string}}}
    PolyB: {type: object, properties: {k: {type: string}, a: {$ref: '#/components/schemas/A'}}}
    A: {type: string, enum: [x]}
    Shared: {type: string, maxLength: 5}
    ListOfA: {type: array, items: {$ref: '#/components/schemas/A'}}
    Unused: {type: string}
`)},
	"zaken-1.5.1.yaml": {Data: []byte(`
openapi: 3.0.3
components:
  schemas:
    ZaakEmbedded:
      type: object
      properties:
        zaaktype:
          $ref: >-
            ` + remote + `#/components/schemas/ZaakType
    A: {type: string, enum: [y]}
    Shared: {type: string, maxLength: 5}
    ListOfA: {type: array, items: {$ref: '#/components/schemas/A'}}
`)},
}

func schemaNames(doc *yaml.Node) []string {
	var names []string
	s := dig(doc, "components", "schemas")
	for i := 0; i < len(s.Content); i += 2 {
		names = append(names, s.Content[i].Value)
	}
	return names
}

func refAt(t *testing.T, doc *yaml.Node, keys ...string) string {
	t.Helper()
	r, ok := refOf(dig(doc, keys...))
	if !ok {
		t.Fatalf("no $ref at %v", keys)
	}
	return r
}

func TestResolveExternalRefs(t *testing.T) {
	b := &bundle{src: testFS, sources: map[string]*yaml.Node{}}
	api := API{Name: "zaken", Title: "Zaken", File: "zaken-1.5.1.yaml"}
	doc, err := b.parse(api.File)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.resolveExternalRefs(api, doc); err != nil {
		t.Fatal(err)
	}
	// ZaakType keeps its name; catalogi's A differs from zaken's A, and so
	// does ListOfA (same text, but its A is another A); Shared is the same
	// schema and is not copied; Unused is not referred to.
	want := []string{"ZaakEmbedded", "A", "Shared", "ListOfA", "CatalogiA", "CatalogiListOfA", "Poly", "PolyA", "PolyB", "ZaakType"}
	if diff := cmp.Diff(want, schemaNames(doc)); diff != "" {
		t.Errorf("schemas (-want +got):\n%s", diff)
	}
	const s = "#/components/schemas/"
	for _, c := range []struct {
		keys []string
		want string
	}{
		{[]string{"ZaakEmbedded", "properties", "zaaktype"}, s + "ZaakType"},
		{[]string{"ZaakType", "properties", "a"}, s + "CatalogiA"},
		{[]string{"ZaakType", "properties", "s"}, s + "Shared"},
		{[]string{"ZaakType", "properties", "l"}, s + "CatalogiListOfA"},
		{[]string{"ZaakType", "properties", "self"}, s + "ZaakType"},
		{[]string{"CatalogiListOfA", "items"}, s + "CatalogiA"},
		{[]string{"ListOfA", "items"}, s + "A"},
		{[]string{"PolyB", "properties", "a"}, s + "CatalogiA"},
	} {
		if got := refAt(t, doc, append([]string{"components", "schemas"}, c.keys...)...); got != c.want {
			t.Errorf("%v: $ref %q, want %q", c.keys, got, c.want)
		}
	}
	// Schemas named only by a discriminator mapping are copied too.
	m := dig(doc, "components", "schemas", "Poly", "discriminator", "mapping")
	if a, b := get(m, "a").Value, get(m, "b").Value; a != s+"PolyA" || b != s+"PolyB" {
		t.Errorf("mapping = %q, %q", a, b)
	}
	// The source document is left as it was.
	src, _ := b.source("catalogi-1.3.1.yaml")
	if got := refAt(t, src, "components", "schemas", "ZaakType", "properties", "a"); got != s+"A" {
		t.Errorf("source modified: %q", got)
	}
	if len(b.patches) == 0 || !strings.Contains(b.patches[0].What, remote) {
		t.Errorf("rewrite not recorded: %+v", b.patches)
	}
}

func TestResolveExternalRefsUnknown(t *testing.T) {
	fsys := fstest.MapFS{"zaken-1.5.1.yaml": {Data: []byte(`
components:
  schemas:
    X: {$ref: 'https://example.com/other.yaml#/components/schemas/Y'}
`)}}
	b := &bundle{src: fsys, sources: map[string]*yaml.Node{}}
	api := API{Name: "zaken", File: "zaken-1.5.1.yaml"}
	doc, _ := b.parse(api.File)
	if err := b.resolveExternalRefs(api, doc); err == nil || !strings.Contains(err.Error(), "unknown external $ref") {
		t.Errorf("err = %v, want unknown external $ref", err)
	}
}

// A discriminator without mapping names its schemas implicitly; renaming one
// of them would break it silently, so the bundler refuses.
func TestResolveExternalRefsImplicitDiscriminator(t *testing.T) {
	fsys := fstest.MapFS{
		"catalogi-1.3.1.yaml": {Data: []byte(`
components:
  schemas:
    G: {oneOf: [{$ref: '#/components/schemas/A'}], discriminator: {propertyName: type}}
    A: {type: object, properties: {type: {type: string}}}
`)},
		"zaken-1.5.1.yaml": {Data: []byte(`
components:
  schemas:
    X: {$ref: '` + remote + `#/components/schemas/G'}
    A: {type: string}
`)},
	}
	b := &bundle{src: fsys, sources: map[string]*yaml.Node{}}
	api := API{Name: "zaken", File: "zaken-1.5.1.yaml"}
	doc, _ := b.parse(api.File)
	if err := b.resolveExternalRefs(api, doc); err == nil || !strings.Contains(err.Error(), "implicit discriminator") {
		t.Errorf("err = %v, want implicit discriminator error", err)
	}
}

func TestToJSON(t *testing.T) {
	n := fromYAML(`
z: 1
a: [1.5, -2, 0x10, true, null, ~, 2019-01-01, "007", '<b>&']
m: {}
`)
	got, err := toJSON(n)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{
  "z": 1,
  "a": [
    1.5,
    -2,
    16,
    true,
    null,
    null,
    "2019-01-01",
    "007",
    "<b>&"
  ],
  "m": {}
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Strings the yaml.v3 emitter cannot write back in their block style must
// still come out as the same value.
func TestEncodeKeepsBlockScalars(t *testing.T) {
	const src = `
folded: >
  1. Het INFORMATIEOBJECT aanmaken, waarbij de totale bestandsgrootte

     meegestuurd wordt.
literal: |

  **Opmerkingen**
    - een regel
plain: >-
  gewoon gevouwen
  tekst
`
	var want map[string]string
	if err := yaml.Unmarshal([]byte(src), &want); err != nil {
		t.Fatal(err)
	}
	y, j, err := encode(fromYAML(src))
	if err != nil {
		t.Fatal(err)
	}
	var fromY, fromJ map[string]string
	if err := yaml.Unmarshal(y, &fromY); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(j, &fromJ); err != nil { // JSON is YAML
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, fromY); diff != "" {
		t.Errorf("YAML output (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, fromJ); diff != "" {
		t.Errorf("JSON output (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(y), "plain: >-") {
		t.Errorf("a safe folded string lost its style:\n%s", y)
	}
}
