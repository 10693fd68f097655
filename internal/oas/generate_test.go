package oas

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestGeneratedBodiesAreValid builds, for every operation of the three
// specs (and every discriminator value), a body that fills every writable
// property with a value that satisfies its schema, and checks that the
// validator accepts it: a guard against false positives.
func TestGeneratedBodiesAreValid(t *testing.T) {
	for _, file := range []string{catalogi, zaken, autorisaties} {
		d := loadDoc(t, file)
		for _, id := range d.Operations() {
			root := d.ops[id].schema
			bodies := map[string]any{"": generate(root, 0)}
			if root.disc != nil {
				for k, n := range root.disc.mapping {
					b := generate(n, 0).(map[string]any)
					b[root.disc.prop] = k
					bodies[k] = b
				}
			}
			for k, b := range bodies {
				raw, _ := json.Marshal(b)
				vs, err := d.ValidateRequest(id, raw, false)
				if err != nil {
					t.Fatal(err)
				}
				if len(vs) > 0 {
					t.Errorf("%s %s %s: generated body rejected: %v\n%s", file, id, k, vs, raw)
				}
			}
		}
	}
}

var patternSamples = []string{"abc", "1234 AB", "1234567890", "1234567890123456", "0612345678", "NL91ABNA0417164300"}

func generate(n *node, depth int) any {
	switch {
	case n.enum != nil:
		switch {
		case len(n.enum.strs) > 0:
			return n.enum.strs[0]
		case len(n.enum.nums) > 0:
			return n.enum.nums[0]
		case n.enum.bools != 0:
			return n.enum.bools&2 != 0
		}
		return nil
	case n.disc != nil && len(n.disc.mapping) > 0:
		keys := make([]string, 0, len(n.disc.mapping))
		for k := range n.disc.mapping {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m, _ := generate(n.disc.mapping[keys[0]], depth).(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[n.disc.prop] = keys[0]
		return m
	case len(n.oneOf) > 0:
		return generate(n.oneOf[0], depth)
	case len(n.anyOf) > 0:
		return generate(n.anyOf[0], depth)
	case len(n.all) > 0 && n.types == 0:
		return generate(n.all[0], depth)
	}
	switch {
	case n.types&tObject != 0:
		m := map[string]any{}
		for _, p := range n.props {
			if p.schema.readOnly || p.expand || !p.required && depth > 3 {
				continue
			}
			m[p.name] = generate(p.schema, depth+1)
		}
		return m
	case n.types&tArray != 0:
		if n.items == nil || depth > 5 && n.minItems < 1 {
			return []any{}
		}
		return []any{generate(n.items, depth+1)}
	case n.types&tBoolean != 0:
		return true
	case n.types&(tInteger|tNumber) != 0:
		switch {
		case n.hasMin:
			return n.minimum + 1
		case n.hasMax:
			return n.maximum - 1
		}
		return 1
	case n.types&tString != 0 || n.types == 0:
		return genString(n)
	}
	panic(fmt.Sprintf("cannot generate %+v", n))
}

func genString(n *node) string {
	switch n.format {
	case fURI:
		return "https://example.com/x"
	case fEmail:
		return "a@example.com"
	case fDate:
		return "2024-01-31"
	case fDateTime:
		return "2024-01-31T12:00:00Z"
	case fDuration:
		return "P1D"
	case fUUID:
		return "aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44"
	}
	if len(n.patterns) > 0 {
		for _, s := range patternSamples {
			ok := true
			for _, re := range n.patterns {
				ok = ok && re.MatchString(s)
			}
			if ok && (n.maxLength < 0 || len(s) <= n.maxLength) {
				return s
			}
		}
		panic("no sample for pattern " + n.patterns[0].String())
	}
	l := max(n.minLength, 1)
	if n.maxLength >= 0 {
		l = min(l, n.maxLength)
	}
	return strings.Repeat("x", l)
}
