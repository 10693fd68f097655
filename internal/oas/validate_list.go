package oas

import "strconv"

// array validates the list at i: items first (named by index), then the
// list-level rules, like DRF's ListField.
func (v *validator) array(n *node, i int) {
	if v.depth++; v.depth > MaxDepth {
		v.abort()
		return
	}
	defer func() { v.depth-- }()
	t := v.toks[i]
	if n.items != nil {
		j := i + 1
		for k := 0; k < int(t.n); k++ {
			v.path = append(v.path, pathSeg{idx: k})
			v.validate(n.items, j, flagNoBlank) // a ListField child is not blank by default
			v.path = v.path[:len(v.path)-1]
			if v.aborted {
				return
			}
			j = int(v.toks[j].end)
		}
	}
	if n.maxItems >= 0 && int(t.n) > n.maxItems {
		v.listError(n, "max_length", "Zorg ervoor dat dit veld niet meer dan "+strconv.Itoa(n.maxItems)+" elementen bevat.")
	}
	if n.minItems >= 0 && int(t.n) < n.minItems {
		v.listError(n, "min_length", "Zorg ervoor dat dit veld minimaal "+strconv.Itoa(n.minItems)+" elementen bevat.")
	}
	if n.uniqueItems && !v.unique(i) {
		v.add("unique", msgUnique)
	}
}

// listError reports a problem with a list as a whole. For a list of
// objects (a DRF ListSerializer) it is a non-field error of the list; for a
// list of values (ListField, ManyRelatedField) an error of the field.
func (v *validator) listError(n *node, code, reason string) {
	if n.items != nil && n.items.types == tObject && len(n.items.props) > 0 {
		v.addNonField(code, reason)
		return
	}
	v.add(code, reason)
}

// unique reports whether no two items of the array at i are equal. Items
// are contiguous token ranges, so equality is a token-by-token comparison;
// long arrays of scalars (lists of URLs) use a set instead of comparing
// every pair, and long arrays of anything else a set of encoded subtrees.
func (v *validator) unique(i int) bool {
	t := v.toks[i]
	if t.n < 2 {
		return true
	}
	if t.n <= 16 {
		var starts [16]int
		idx := starts[:0]
		for j, k := i+1, 0; k < int(t.n); k++ {
			idx = append(idx, j)
			j = int(v.toks[j].end)
		}
		for a := range idx {
			for b := a + 1; b < len(idx); b++ {
				if v.equal(idx[a], idx[b]) {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]struct{}, t.n)
	var buf []byte
	for j, k := i+1, 0; k < int(t.n); k++ {
		end := int(v.toks[j].end)
		buf = buf[:0]
		for _, x := range v.toks[j:end] {
			buf = append(buf, byte(x.kind))
			buf = strconv.AppendInt(buf, int64(x.n), 10)
			buf = append(buf, ':')
			buf = strconv.AppendInt(buf, int64(len(x.s)), 10)
			buf = append(buf, ':')
			buf = append(buf, x.s...)
		}
		if _, dup := seen[string(buf)]; dup {
			return false
		}
		seen[string(buf)] = struct{}{}
		j = end
	}
	return true
}

func (v *validator) equal(a, b int) bool {
	ea, eb := int(v.toks[a].end), int(v.toks[b].end)
	if ea-a != eb-b {
		return false
	}
	for k := 0; k < ea-a; k++ {
		x, y := &v.toks[a+k], &v.toks[b+k]
		if x.kind != y.kind || x.n != y.n || x.s != y.s || x.end-int32(a) != y.end-int32(b) {
			return false
		}
	}
	return true
}

// dedupe drops repeated violations, which arise when a property is checked
// by two allOf members with the same rule.
func dedupe(vs []Violation) []Violation {
	if len(vs) < 2 {
		return vs
	}
	seen := make(map[Violation]struct{}, len(vs))
	out := vs[:0]
	for _, x := range vs {
		if _, ok := seen[x]; ok {
			continue
		}
		seen[x] = struct{}{}
		out = append(out, x)
	}
	return out
}
