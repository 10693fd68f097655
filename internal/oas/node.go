package oas

import "regexp"

// typeMask is the set of JSON types a schema accepts; 0 means any type.
type typeMask uint8

const (
	tString typeMask = 1 << iota
	tNumber
	tInteger
	tBoolean
	tObject
	tArray
)

// format identifies the string formats that are checked. Unknown formats
// (int64, byte, binary, ...) are ignored, as the OAS allows.
type format uint8

const (
	fNone format = iota
	fURI
	fEmail
	fDate
	fDateTime
	fDuration
	fUUID
)

// parsed reports whether DRF treats the format as a typed field (DateField,
// UUIDField, ...): those reject "" as invalid, whereas URL and e-mail are
// CharFields that accept "" unless blank is forbidden.
func (f format) parsed() bool { return f >= fDate }

var formats = map[string]format{
	"uri": fURI, "url": fURI, "email": fEmail, "date": fDate,
	"date-time": fDateTime, "duration": fDuration, "uuid": fUUID,
}

// fill states of a node.
const (
	stNew uint8 = iota
	stFilling
	stDone
)

// prop is a declared property of an object schema.
type prop struct {
	name     string
	schema   *node
	required bool
	expand   bool // "_expand": response-only expansion (algemeen §9), ignored in requests
}

// node is a compiled schema. allOf is flattened into a single node at
// compile time, because a DRF serializer is one flat set of fields: this
// makes required/readOnly/additionalProperties work across the members and
// keeps validation to one pass. Nodes are immutable once Compile returns.
type node struct {
	types    typeMask
	nullable bool
	readOnly bool
	nullOK   bool // null accepted (nullable, null in enum or an untyped schema)

	props         []prop // sorted by name
	propIndex     map[string]int
	extraRequired []string // required names without a property declaration
	additional    *node    // schema for undeclared keys, nil = anything
	noAdditional  bool     // additionalProperties: false

	items                  *node
	minItems, maxItems     int // -1 = unset
	uniqueItems            bool
	minLength, maxLength   int // -1 = unset
	patterns               []*regexp.Regexp
	format                 format
	minimum, maximum       float64
	hasMin, hasMax         bool
	exclMin, exclMax       bool
	enum                   *enumSet
	oneOf                  []*node // oneOf and anyOf: valid if any branch is valid
	anyOf                  []*node
	all                    []*node // constraints that could not be flattened
	disc                   *discriminator
	ptr                    string          // "#/components/schemas/X" for components
	merged                 map[string]bool // component pointers flattened into this node
	state                  uint8
	raw                    map[string]any // source, until filled
	inferObject, inferList bool
}

// discriminator dispatches an object to the schema named by one property.
type discriminator struct {
	owner   string // pointer of the schema that declares it
	prop    string
	targets map[string]string // value -> pointer
	mapping map[string]*node  // value -> compiled schema, resolved after compile
	oneOf   bool              // declared next to oneOf: the target replaces the branches
}

// newNode returns an empty node with the length/count limits unset.
func newNode() *node {
	return &node{minItems: -1, maxItems: -1, minLength: -1, maxLength: -1}
}

// anyNode accepts every value.
func anyNode() *node {
	n := newNode()
	n.state, n.nullOK = stDone, true
	return n
}

func typeOf(s string) typeMask {
	switch s {
	case "string":
		return tString
	case "number":
		return tNumber
	case "integer":
		return tInteger
	case "boolean":
		return tBoolean
	case "object":
		return tObject
	case "array":
		return tArray
	}
	return 0
}

// intersect combines two type sets where both must hold; integer is a
// subset of number.
func intersect(a, b typeMask) typeMask {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	r := a & b
	if a&tNumber != 0 && b&tInteger != 0 || b&tNumber != 0 && a&tInteger != 0 {
		r |= tInteger
	}
	return r
}

func (d *discriminator) isTarget(ptr string) bool {
	if ptr == "" {
		return false
	}
	for _, t := range d.targets {
		if t == ptr {
			return true
		}
	}
	return false
}

func (n *node) pureEnum() bool {
	return n.enum != nil && n.props == nil && n.items == nil && len(n.oneOf) == 0 &&
		len(n.anyOf) == 0 && len(n.all) == 0 && n.disc == nil && len(n.patterns) == 0 &&
		n.format == fNone && n.minLength < 0 && n.maxLength < 0
}

// includes reports whether this node already contains the constraints of
// the component at ptr (via allOf).
func (n *node) includes(ptr string) bool { return n.ptr == ptr || n.merged[ptr] }
