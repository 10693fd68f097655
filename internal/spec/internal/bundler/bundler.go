// Package bundler turns the official OpenAPI files into the self-contained,
// patched files that Meent embeds and serves. It is used by the go:generate
// program in ../../bundle and by the test that checks the committed output is
// what a fresh run produces.
package bundler

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"
)

// API is one bundled specification.
type API struct {
	Name  string // short name: output file stem and the register's name
	Title string // used to prefix copied schemas whose name is taken
	File  string // primary file in the specs directory
	Mount string // path under which Meent serves the API
	JWT   bool   // protected by ZGW JWT, so it gets the jwtsecret extension
}

// APIs returns the bundled specifications in the order of the design.
func APIs() []API {
	return []API{
		{"catalogi", "Catalogi", "catalogi-1.3.1.yaml", "/catalogi/api/v1", true},
		{"zaken", "Zaken", "zaken-1.5.1.yaml", "/zaken/api/v1", true},
		{"documenten", "Documenten", "documenten-1.5.0.yaml", "/documenten/api/v1", true},
		{"besluiten", "Besluiten", "besluiten-1.1.0.yaml", "/besluiten/api/v1", true},
		{"autorisaties", "Autorisaties", "autorisaties-1.0.0.yaml", "/autorisaties/api/v1", true},
		{"notificaties", "Notificaties", "notificaties-1.0.0.yaml", "/notificaties/api/v1", true},
		{"klantinteracties", "Klantinteracties", "klantinteracties-0.9.0.yaml", "/klantinteracties/api/v1", false},
		{"objecten", "Objecten", "objecten-2.7.0.yaml", "/objecten/api/v2", false},
		{"objecttypen", "Objecttypen", "objecttypen-2.2.2.yaml", "/objecttypen/api/v2", false},
		{"referentielijsten", "Referentielijsten", "referentielijsten-0.6.0.yaml", "/referentielijsten/api/v1", false},
	}
}

func apiOfFile(file string) API {
	for _, a := range APIs() {
		if a.File == file {
			return a
		}
	}
	panic("bundler: no API for " + file) // refTargets only names files of APIs()
}

// Patch is one change made to an official file, for PATCHES.md.
type Patch struct {
	API      string
	File     string
	Location string // JSON pointer in the bundled document
	What     string
	Why      string
}

type bundle struct {
	src     fs.FS
	sources map[string]*yaml.Node // pristine parsed sources; never modified
	patches []Patch
}

func (b *bundle) patch(api API, loc, what, why string) {
	b.patches = append(b.patches, Patch{api.Name, api.File, loc, what, why})
}

// parse reads a spec file into the root mapping node.
func (b *bundle) parse(file string) (*yaml.Node, error) {
	data, err := fs.ReadFile(b.src, file)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if doc.Kind != yaml.DocumentNode || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a YAML mapping", file)
	}
	return doc.Content[0], nil
}

// source returns the unpatched document of file, for copying schemas from.
func (b *bundle) source(file string) (*yaml.Node, error) {
	if n, ok := b.sources[file]; ok {
		return n, nil
	}
	n, err := b.parse(file)
	if err != nil {
		return nil, err
	}
	b.sources[file] = n
	return n, nil
}

// Result is the output of a run.
type Result struct {
	Files   map[string][]byte // "<api>.yaml" and "<api>.json" -> content
	Patches []Patch
}

// Bundle reads the official files from src and returns the bundled files.
// The output depends only on the input bytes, so reruns are byte-identical.
func Bundle(src fs.FS) (*Result, error) {
	b := &bundle{src: src, sources: map[string]*yaml.Node{}}
	res := &Result{Files: map[string][]byte{}}
	for _, api := range APIs() {
		doc, err := b.parse(api.File)
		if err != nil {
			return nil, err
		}
		if err := b.resolveExternalRefs(api, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", api.Name, err)
		}
		for _, p := range patchList {
			if err := p(b, api, doc); err != nil {
				return nil, fmt.Errorf("%s: %w", api.Name, err)
			}
		}
		y, j, err := encode(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", api.Name, err)
		}
		res.Files[api.Name+".yaml"] = y
		res.Files[api.Name+".json"] = j
	}
	res.Patches = b.patches
	return res, nil
}

// encode renders doc as YAML and JSON, and checks that both hold the same
// document.
func encode(doc *yaml.Node) (y, j []byte, err error) {
	if err := safeBlockScalars(doc); err != nil {
		return nil, nil, err
	}
	if y, err = marshal(doc); err != nil {
		return nil, nil, err
	}
	if j, err = toJSON(doc); err != nil {
		return nil, nil, err
	}
	var back yaml.Node
	if err := yaml.Unmarshal(y, &back); err != nil {
		return nil, nil, fmt.Errorf("re-reading the output: %w", err)
	}
	j2, err := toJSON(&back)
	if err != nil {
		return nil, nil, fmt.Errorf("re-reading the output: %w", err)
	}
	if !bytes.Equal(j, j2) {
		return nil, nil, fmt.Errorf("the YAML output does not read back as the document")
	}
	return y, j, nil
}

func marshal(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// safeBlockScalars works around the yaml.v3 emitter: it writes some folded
// (>) and literal (|) strings so that they read back differently (more
// indented lines of folded text, a leading newline). Such strings are written
// double-quoted instead; the others keep the style of the official file.
func safeBlockScalars(doc *yaml.Node) error {
	var err error
	walk(doc, "", func(n *yaml.Node, _ string) {
		if err != nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			return
		}
		probe := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("k"), n}}
		var out []byte
		if out, err = marshal(probe); err != nil {
			return
		}
		var back struct{ K string }
		if err = yaml.Unmarshal(out, &back); err == nil && back.K != n.Value {
			n.Style = yaml.DoubleQuotedStyle
		}
	})
	return err
}

// Markdown renders PATCHES.md from the patch list of a run.
func Markdown(patches []Patch) []byte {
	var b bytes.Buffer
	b.WriteString("# Patches to the official OpenAPI files\n\n" +
		"Generated by `go generate ./internal/spec` (program `internal/spec/bundle`); do not edit.\n" +
		"The sources are the primary files in `../shared/specs/` (see its `SOURCES.yaml`); the\n" +
		"output is `openapi/<api>.yaml` and `openapi/<api>.json`. Locations are JSON pointers into\n" +
		"the bundled document. Everything not listed here is the official text, in the official key order\n" +
		"(the YAML is re-emitted, so indentation and line wrapping differ).\n\n" +
		"Not patches, but how the contract tests (`spectest`) read the files where kin-openapi differs\n" +
		"from OAS 3.0 or the files' own examples are wrong: examples are not validated (the expand\n" +
		"examples `{}` lack required fields); header parameters `Accept`, `Content-Type` and\n" +
		"`Authorization` are ignored, as OAS 3.0 prescribes; a discriminator without mapping gets the\n" +
		"implied mapping by schema name; string formats `uuid`, `uri`, `email` and `duration` are\n" +
		"checked (an empty string passes `uri` and `email`).\n")
	for _, api := range APIs() {
		fmt.Fprintf(&b, "\n## %s (`%s`)\n\n", api.Name, api.File)
		var rows []Patch
		for _, p := range patches {
			if p.API == api.Name {
				rows = append(rows, p)
			}
		}
		if len(rows) == 0 {
			b.WriteString("No changes.\n")
			continue
		}
		b.WriteString("| location | what | why |\n|---|---|---|\n")
		for _, p := range rows {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(p.Location), cell(p.What), cell(p.Why))
		}
	}
	return b.Bytes()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
