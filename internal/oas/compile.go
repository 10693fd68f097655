package oas

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type compiler struct {
	root     map[string]any
	nodes    map[string]*node // by pointer
	queue    []*node
	all      []*node
	discs    []*discriminator
	children map[string][]string // base pointer -> pointers of schemas that allOf it
	errs     []string
	badPats  map[string]bool
	external map[string]bool
}

func newCompiler(root map[string]any) *compiler {
	c := &compiler{
		root:     root,
		nodes:    map[string]*node{},
		children: map[string][]string{},
		badPats:  map[string]bool{},
		external: map[string]bool{},
	}
	// Index allOf parents once: a discriminator without mapping and without
	// oneOf maps each value to the component of that name that extends it.
	for name, s := range c.schemas() {
		m, _ := s.(map[string]any)
		all, _ := m["allOf"].([]any)
		for _, a := range all {
			am, _ := a.(map[string]any)
			if r, ok := am["$ref"].(string); ok {
				c.children[r] = append(c.children[r], schemaPtr(name))
			}
		}
	}
	return c
}

func (c *compiler) schemas() map[string]any {
	comp, _ := c.root["components"].(map[string]any)
	s, _ := comp["schemas"].(map[string]any)
	return s
}

func schemaPtr(name string) string {
	r := strings.NewReplacer("~", "~0", "/", "~1")
	return "#/components/schemas/" + r.Replace(name)
}

// lookup resolves a local JSON pointer ("#/a/b") in the document.
func (c *compiler) lookup(ptr string) (any, bool) {
	if !strings.HasPrefix(ptr, "#") {
		return nil, false
	}
	frag := ptr[1:]
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	var cur any = c.root
	if frag == "" {
		return cur, true
	}
	if frag[0] != '/' {
		return nil, false
	}
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// refNode returns the (possibly not yet filled) node for a $ref. Filling is
// deferred so that recursive schemas compile without looping; only allOf
// needs a member's contents immediately (see ensure).
func (c *compiler) refNode(ref string) *node {
	if n, ok := c.nodes[ref]; ok {
		return n
	}
	if !strings.HasPrefix(ref, "#") {
		// Remote refs (the Zaken/Documenten specs point at the Catalogi spec
		// on GitHub, only from response schemas) accept anything.
		c.external[ref] = true
		n := anyNode()
		c.nodes[ref] = n
		return n
	}
	raw, ok := c.lookup(ref)
	m, isMap := raw.(map[string]any)
	if !ok || !isMap {
		c.errs = append(c.errs, "unresolvable $ref "+ref)
		n := anyNode()
		c.nodes[ref] = n
		return n
	}
	// A schema that is only a $ref is an alias: share the target node. The
	// placeholder breaks alias cycles, which are reported.
	if r, ok := m["$ref"].(string); ok {
		ph := anyNode()
		c.nodes[ref] = ph
		t := c.refNode(r)
		if t == ph {
			c.errs = append(c.errs, "$ref cycle at "+ref)
		}
		c.nodes[ref] = t
		return t
	}
	n := newNode()
	n.ptr = ref
	c.nodes[ref] = n
	n.raw = m
	c.queue = append(c.queue, n)
	return n
}

// ensure fills n now; it reports false on an allOf cycle.
func (c *compiler) ensure(n *node) bool {
	switch n.state {
	case stDone:
		return true
	case stFilling:
		return false
	}
	c.fill(n, n.raw)
	return true
}

// schema compiles an inline schema or returns the node of a $ref.
func (c *compiler) schema(v any) *node {
	m, ok := v.(map[string]any)
	if !ok {
		// "additionalProperties: true", "items: {}" written oddly, etc.
		return anyNode()
	}
	if r, ok := m["$ref"].(string); ok {
		return c.refNode(r)
	}
	n := newNode()
	c.fill(n, m)
	return n
}

func (c *compiler) drain() {
	for len(c.queue) > 0 {
		n := c.queue[0]
		c.queue = c.queue[1:]
		c.ensure(n)
	}
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func intKw(m map[string]any, k string) int {
	if f, ok := num(m[k]); ok {
		return int(f)
	}
	return -1
}

// fill compiles raw into n, flattening allOf.
func (c *compiler) fill(n *node, raw map[string]any) {
	n.state = stFilling
	n.raw = nil
	c.all = append(c.all, n)
	props := map[string]*node{}
	required := map[string]bool{}

	if t, ok := raw["type"].(string); ok {
		n.types = typeOf(t)
	}
	n.nullable, _ = raw["nullable"].(bool)
	n.readOnly, _ = raw["readOnly"].(bool)
	if pm, ok := raw["properties"].(map[string]any); ok {
		n.inferObject = true
		for k, v := range pm {
			props[k] = c.schema(v)
		}
	}
	if rl, ok := raw["required"].([]any); ok {
		n.inferObject = true
		for _, r := range rl {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	switch ap := raw["additionalProperties"].(type) {
	case bool:
		n.noAdditional = !ap
		n.inferObject = true
	case map[string]any:
		n.inferObject = true
		if len(ap) > 0 {
			n.additional = c.schema(ap)
		}
	}
	if it, ok := raw["items"]; ok {
		n.items = c.schema(it)
		n.inferList = true
	}
	n.minItems, n.maxItems = intKw(raw, "minItems"), intKw(raw, "maxItems")
	n.uniqueItems, _ = raw["uniqueItems"].(bool)
	n.minLength, n.maxLength = intKw(raw, "minLength"), intKw(raw, "maxLength")
	if p, ok := raw["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err == nil {
			n.patterns = []*regexp.Regexp{re}
		} else {
			c.badPats[p] = true
		}
	}
	if f, ok := raw["format"].(string); ok {
		n.format = formats[f]
	}
	n.minimum, n.hasMin = num(raw["minimum"])
	n.maximum, n.hasMax = num(raw["maximum"])
	n.exclMin, _ = raw["exclusiveMinimum"].(bool)
	n.exclMax, _ = raw["exclusiveMaximum"].(bool)
	if e, ok := raw["enum"].([]any); ok {
		n.enum = newEnumSet(e)
	}
	if l, ok := raw["oneOf"].([]any); ok {
		for _, b := range l {
			n.oneOf = append(n.oneOf, c.schema(b))
		}
	}
	if l, ok := raw["anyOf"].([]any); ok {
		for _, b := range l {
			n.anyOf = append(n.anyOf, c.schema(b))
		}
	}
	if d, ok := raw["discriminator"].(map[string]any); ok {
		n.disc = c.discriminator(n.ptr, d, raw)
	}

	_, ownType := raw["type"]
	members, _ := raw["allOf"].([]any)
	allNullable := len(members) > 0
	for _, mv := range members {
		var m *node
		mm, _ := mv.(map[string]any)
		if r, ok := mm["$ref"].(string); ok {
			m = c.refNode(r)
			if !c.ensure(m) {
				c.errs = append(c.errs, "allOf cycle through "+r+" in "+n.ptr)
				continue
			}
		} else {
			m = c.schema(mv)
		}
		allNullable = allNullable && m.nullOK
		c.merge(n, m, props, required)
	}
	// OAS 3.0 nullable only counts next to a type; an allOf wrapper without a
	// type ({allOf: [X], description: ..}) is nullable if its members are.
	if !n.nullable && !ownType && allNullable {
		n.nullable = true
	}

	if n.types == 0 {
		// DRF serializers are always typed; an untyped schema with
		// properties is an object, with items a list.
		if n.inferObject || len(props) > 0 {
			n.types = tObject
		} else if n.inferList {
			n.types = tArray
		}
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) > 0 {
		n.props = make([]prop, len(names))
		n.propIndex = make(map[string]int, len(names))
		for i, k := range names {
			n.props[i] = prop{name: k, schema: props[k], required: required[k], expand: k == "_expand"}
			n.propIndex[k] = i
		}
	}
	for r := range required {
		if _, ok := props[r]; !ok {
			n.extraRequired = append(n.extraRequired, r)
		}
	}
	sort.Strings(n.extraRequired)
	n.nullOK = n.nullable || n.enum != nil && n.enum.hasNull ||
		n.types == 0 && n.enum == nil && len(n.oneOf) == 0 && len(n.anyOf) == 0 && n.disc == nil
	n.state = stDone
}

// merge flattens allOf member m into n.
func (c *compiler) merge(n, m *node, props map[string]*node, required map[string]bool) {
	if m.ptr != "" {
		if n.merged == nil {
			n.merged = map[string]bool{}
		}
		n.merged[m.ptr] = true
	}
	for k := range m.merged {
		if n.merged == nil {
			n.merged = map[string]bool{}
		}
		n.merged[k] = true
	}
	n.types = intersect(n.types, m.types)
	n.readOnly = n.readOnly || m.readOnly
	n.inferObject = n.inferObject || m.inferObject
	n.inferList = n.inferList || m.inferList
	for _, p := range m.props {
		if cur, ok := props[p.name]; ok && cur != p.schema {
			both := newNode()
			both.all, both.state = []*node{cur, p.schema}, stDone
			c.all = append(c.all, both)
			props[p.name] = both
		} else {
			props[p.name] = p.schema
		}
		if p.required {
			required[p.name] = true
		}
	}
	for _, r := range m.extraRequired {
		required[r] = true
	}
	n.noAdditional = n.noAdditional || m.noAdditional
	if n.additional == nil {
		n.additional = m.additional
	}
	if n.items == nil {
		n.items = m.items
	} else if m.items != nil && m.items != n.items {
		both := newNode()
		both.all, both.state = []*node{n.items, m.items}, stDone
		n.items = both
		c.all = append(c.all, n.items)
	}
	n.minItems = tighterMin(n.minItems, m.minItems)
	n.maxItems = tighterMax(n.maxItems, m.maxItems)
	n.uniqueItems = n.uniqueItems || m.uniqueItems
	n.minLength = tighterMin(n.minLength, m.minLength)
	n.maxLength = tighterMax(n.maxLength, m.maxLength)
	n.patterns = append(n.patterns[:len(n.patterns):len(n.patterns)], m.patterns...)
	if n.format == fNone {
		n.format = m.format
	}
	if m.hasMin && (!n.hasMin || m.minimum > n.minimum) {
		n.minimum, n.hasMin, n.exclMin = m.minimum, true, m.exclMin
	}
	if m.hasMax && (!n.hasMax || m.maximum < n.maximum) {
		n.maximum, n.hasMax, n.exclMax = m.maximum, true, m.exclMax
	}
	switch {
	case m.enum == nil:
	case n.enum == nil:
		n.enum = m.enum
	default:
		n.enum = n.enum.intersect(m.enum)
	}
	// A subtype that extends its polymorphic base (natuurlijk_persoon_Rol:
	// allOf [Rol, ...], or Cat: allOf [Pet] with Pet: oneOf [Cat, Dog]) must
	// inherit neither the dispatch nor the choice, or it would select
	// itself again; a plain wrapper ({allOf: [GeoJSONGeometry], nullable})
	// must inherit both.
	subtype := m.disc != nil && m.disc.isTarget(n.ptr)
	if !subtype && m.disc != nil && n.disc == nil {
		n.disc = m.disc
	}
	if !subtype && (len(m.oneOf) > 0 || len(m.anyOf) > 0) {
		if len(n.oneOf) == 0 && len(n.anyOf) == 0 {
			n.oneOf, n.anyOf = m.oneOf, m.anyOf
		} else {
			alt := newNode()
			alt.oneOf, alt.anyOf, alt.state = m.oneOf, m.anyOf, stDone
			n.all = append(n.all, alt)
		}
	}
	n.all = append(n.all, m.all...)
}

func tighterMin(a, b int) int {
	if b > a {
		return b
	}
	return a
}

func tighterMax(a, b int) int {
	if a < 0 || b >= 0 && b < a {
		return b
	}
	return a
}

func (c *compiler) discriminator(owner string, d, raw map[string]any) *discriminator {
	pn, _ := d["propertyName"].(string)
	if pn == "" {
		return nil
	}
	disc := &discriminator{owner: owner, prop: pn, targets: map[string]string{}}
	oneOf, _ := raw["oneOf"].([]any)
	if len(oneOf) == 0 {
		oneOf, _ = raw["anyOf"].([]any)
	}
	disc.oneOf = len(oneOf) > 0
	if mp, ok := d["mapping"].(map[string]any); ok && len(mp) > 0 {
		for k, v := range mp {
			s, _ := v.(string)
			if s != "" && !strings.Contains(s, "#") && !strings.Contains(s, "/") {
				s = schemaPtr(s)
			}
			if strings.HasPrefix(s, "#") {
				disc.targets[k] = s
			}
		}
	} else if disc.oneOf {
		// Implicit mapping: the value is the name of a oneOf component.
		for _, b := range oneOf {
			bm, _ := b.(map[string]any)
			if r, ok := bm["$ref"].(string); ok && strings.HasPrefix(r, "#/components/schemas/") {
				disc.targets[r[len("#/components/schemas/"):]] = r
			}
		}
	} else if owner != "" {
		// Implicit mapping: the value is the name of a component extending
		// the owner (Autorisaties: component "zrc" -> schema zrc).
		for _, ch := range c.children[owner] {
			disc.targets[ch[len("#/components/schemas/"):]] = ch
		}
	}
	c.discs = append(c.discs, disc)
	return disc
}

// finish resolves discriminator mappings and turns oneOf-of-enums (the
// drf-spectacular way to write a ChoiceField with blank/null) into one enum,
// so the error is DRF's invalid_choice rather than a branch's complaint.
func (c *compiler) finish() {
	for i := 0; i < len(c.discs); i++ {
		d := c.discs[i]
		d.mapping = make(map[string]*node, len(d.targets))
		for v, p := range d.targets {
			d.mapping[v] = c.refNode(p)
		}
		c.drain()
	}
	for pass := 0; pass < 3; pass++ {
		for _, n := range c.all {
			if n.enum != nil || len(n.anyOf) > 0 || len(n.oneOf) == 0 {
				continue
			}
			var u *enumSet
			for _, b := range n.oneOf {
				if !b.pureEnum() {
					u = nil
					break
				}
				u = u.union(b.enum, b.nullable)
			}
			if u != nil {
				n.enum, n.oneOf = u, nil
				n.nullOK = n.nullable || u.hasNull
			}
		}
	}
	for _, n := range c.all {
		if len(n.all) > 0 && n.types == 0 && n.enum == nil && n.props == nil {
			// Combined property: readOnly if any part says so.
			for _, a := range n.all {
				n.readOnly = n.readOnly || a.readOnly
			}
			n.nullOK = true // each part judges null itself
		}
	}
}
