package bundler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The patches work on yaml.v3 nodes rather than on decoded maps so that key
// order, comments and string styles of the official files survive: a reviewer
// can diff a bundled file against its source and see only the patches.

// get returns the value of key in mapping node m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// dig follows a path of mapping keys from n.
func dig(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = get(n, k)
	}
	return n
}

// set replaces the value of key in m, or appends key at the end of m.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, str(key), v)
}

// del removes key from m and reports whether it was there.
func del(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return true
		}
	}
	return false
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// fromYAML builds a node tree from a YAML literal used by a patch; the
// literals are constants of this package, so a parse error is a programming
// error.
func fromYAML(src string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		panic(fmt.Sprintf("bundler: bad YAML literal: %v\n%s", err, src))
	}
	return doc.Content[0]
}

// clone deep-copies n so that a copied schema can be edited without touching
// the document it came from.
func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k)
	}
	return &c
}

// walk calls fn for every node below n with its JSON pointer.
func walk(n *yaml.Node, ptr string, fn func(n *yaml.Node, ptr string)) {
	fn(n, ptr)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walk(n.Content[i+1], ptr+"/"+escapePtr(n.Content[i].Value), fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walk(c, ptr+"/"+strconv.Itoa(i), fn)
		}
	}
}

func escapePtr(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// refOf returns the $ref string of a reference object.
func refOf(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.MappingNode {
		return "", false
	}
	r := get(n, "$ref")
	if r == nil || r.Kind != yaml.ScalarNode {
		return "", false
	}
	return r.Value, true
}

// refSlots calls fn for every scalar below n that names a schema: the value
// of a $ref, and each value of a discriminator mapping (which names schemas
// as plain strings, so a copy must follow and rewrite those too).
func refSlots(n *yaml.Node, base string, fn func(slot *yaml.Node, ptr string)) {
	walk(n, base, func(c *yaml.Node, ptr string) {
		if c.Kind != yaml.MappingNode {
			return
		}
		if r := get(c, "$ref"); r != nil && r.Kind == yaml.ScalarNode {
			fn(r, ptr+"/$ref")
		}
		if m := dig(c, "discriminator", "mapping"); m != nil && m.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(m.Content); i += 2 {
				if v := m.Content[i+1]; v.Kind == yaml.ScalarNode {
					fn(v, ptr+"/discriminator/mapping/"+escapePtr(m.Content[i].Value))
				}
			}
		}
	})
}

// setRef rewrites a ref slot. The style is reset because the sources use
// folded (>-) and quoted styles for long remote refs.
func setRef(slot *yaml.Node, ref string) {
	slot.Value, slot.Style, slot.Tag = ref, 0, "!!str"
}

// canonical renders n with values only (no styles or comments), for content
// comparison; refs are left to the caller via the hook.
func canonical(n *yaml.Node, b *strings.Builder, ref func(string) string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.AliasNode:
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else {
			n = n.Content[0]
		}
		canonical(n, b, ref)
	case yaml.MappingNode:
		if r, ok := refOf(n); ok && ref != nil {
			b.WriteString("{$ref " + ref(r) + "}")
			return
		}
		b.WriteString("{")
		for i := 0; i+1 < len(n.Content); i += 2 {
			b.WriteString(strconv.Quote(n.Content[i].Value) + ":")
			canonical(n.Content[i+1], b, ref)
			b.WriteString(",")
		}
		b.WriteString("}")
	case yaml.SequenceNode:
		b.WriteString("[")
		for _, c := range n.Content {
			canonical(c, b, ref)
			b.WriteString(",")
		}
		b.WriteString("]")
	case yaml.ScalarNode:
		b.WriteString(n.ShortTag() + strconv.Quote(n.Value))
	}
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// toJSON renders a node tree as indented JSON in the key order of the YAML.
// encoding/json cannot be used on a decoded value because maps lose that
// order.
func toJSON(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, n); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.DocumentNode:
		return writeJSON(b, n.Content[0])
	case yaml.AliasNode:
		return writeJSON(b, n.Alias)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, n.Content[i].Value)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, c); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeScalar(b, n)
	}
	return nil
}

func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int", "!!float":
		if jsonNumber.MatchString(n.Value) {
			b.WriteString(n.Value)
			return nil
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		s, err := json.Marshal(f) // fails on .inf and .nan, which JSON cannot carry
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b.Write(s)
	default:
		// Strings, and timestamps kept as written (a date example stays "2019-01-01").
		writeString(b, n.Value)
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // descriptions contain <, > and & that need no escaping
	_ = enc.Encode(s)        // a string always encodes
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
