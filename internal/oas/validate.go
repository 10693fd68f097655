package oas

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays accepted in a body.
const MaxDepth = 64

// maxCalls bounds schema recursion that does not descend into the value
// (oneOf/allOf chains), so a self-referencing schema cannot loop. The
// budget (per token of the body) bounds the total work, so that nested
// oneOfs that each try several recursive branches cannot take exponential
// time on a hostile body.
const (
	maxCalls        = 16 * MaxDepth
	budgetPerToken  = 64
	budgetBaseCalls = 4096
)

// Reasons, after DRF's Dutch translations where DRF has one.
const (
	msgRequired   = "Dit veld is vereist."
	msgNull       = "Dit veld mag niet leeg zijn."
	msgBlank      = "Dit veld mag niet leeg zijn."
	msgString     = "Geen geldige string."
	msgNumber     = "Een geldig nummer is verplicht."
	msgInteger    = "Een geldig getal is vereist."
	msgBoolean    = "Moet een geldige boolean zijn."
	msgPattern    = "Deze waarde voldoet niet aan het benodigde formaat."
	msgUnique     = "Dit veld moet unieke waarden bevatten."
	msgUnknown    = "Onbekend veld."
	msgNullChar   = "Null-tekens zijn niet toegestaan."
	msgMaxDepth   = "De JSON-body is te diep genest (maximaal 64 niveaus) of te complex."
	msgWrongType  = "Ongeldig type."
	nonFieldError = "nonFieldErrors"
)

// flags qualify one validate call.
type flags uint8

const (
	flagPartial flags = 1 << iota // PATCH: do not require the properties of this object
	flagNoBlank                   // "" is blank here even without minLength
)

type pathSeg struct {
	key string
	idx int // -1 for an object key
}

// validator carries the state of one validation. Violations and names are
// only built when something is wrong, so a valid body allocates nothing here.
type validator struct {
	toks    []tok
	last    []int32 // stack: per declared property of the objects being visited, 1 + index of its value
	out     []Violation
	path    []pathSeg
	depth   int
	calls   int // current nesting of validate calls
	budget  int // validate calls left; bounds oneOf backtracking
	aborted bool
}

func (v *validator) name() string {
	if len(v.path) == 0 {
		return nonFieldError
	}
	var b strings.Builder
	for i, s := range v.path {
		if i > 0 {
			b.WriteByte('.')
		}
		if s.idx >= 0 {
			b.WriteString(strconv.Itoa(s.idx))
		} else {
			b.WriteString(s.key)
		}
	}
	return b.String()
}

func (v *validator) add(code, reason string) {
	if v.aborted {
		return
	}
	v.out = append(v.out, Violation{Name: v.name(), Code: code, Reason: reason})
}

// addNonField reports a problem with the object or list of objects at the
// current path as a whole. DRF's nested serializers put these under
// "nonFieldErrors" of that field ("opschorting.nonFieldErrors").
func (v *validator) addNonField(code, reason string) {
	if len(v.path) > 0 {
		v.path = append(v.path, pathSeg{key: nonFieldError, idx: -1})
		defer func() { v.path = v.path[:len(v.path)-1] }()
	}
	v.add(code, reason)
}

func (v *validator) addAt(key, code, reason string) {
	v.path = append(v.path, pathSeg{key: key, idx: -1})
	v.add(code, reason)
	v.path = v.path[:len(v.path)-1]
}

// abort stops validation; the result is then only the max-depth violation.
func (v *validator) abort() { v.aborted = true }

func maxDepthViolation() []Violation {
	return []Violation{{Name: nonFieldError, Code: "max-depth", Reason: msgMaxDepth}}
}

func (n *node) accepts(t typeMask) bool { return n.types == 0 || n.types&t != 0 }

func (v *validator) validate(n *node, i int, fl flags) {
	if v.aborted {
		return
	}
	v.calls++
	v.budget--
	defer func() { v.calls-- }()
	if v.calls > maxCalls || v.budget < 0 {
		v.abort()
		return
	}
	t := &v.toks[i]
	if t.kind == kNull {
		if !n.nullOK {
			v.add("null", msgNull)
		}
		return
	}
	if n.disc != nil && t.kind == kObject && v.dispatch(n, i, fl) {
		return
	}
	switch t.kind {
	case kString:
		if !n.accepts(tString) {
			v.typeError(n, t)
			return
		}
		v.str(n, t.s, fl&flagNoBlank != 0)
	case kNumber:
		if !n.accepts(tNumber | tInteger) {
			v.typeError(n, t)
			return
		}
		v.number(n, t)
	case kTrue, kFalse:
		if !n.accepts(tBoolean) {
			v.typeError(n, t)
			return
		}
		if n.enum != nil && !n.enum.hasBool(t.kind == kTrue) {
			v.add("invalid_choice", choiceReason(t))
		}
	case kObject:
		if !n.accepts(tObject) {
			v.typeError(n, t)
			return
		}
		v.object(n, i, fl&flagPartial != 0)
	case kArray:
		if !n.accepts(tArray) {
			v.typeError(n, t)
			return
		}
		v.array(n, i)
	default:
		v.typeError(n, t)
		return
	}
	if len(n.oneOf) > 0 {
		v.branches(n.oneOf, i, fl)
	}
	if len(n.anyOf) > 0 {
		v.branches(n.anyOf, i, fl)
	}
	for _, a := range n.all {
		v.validate(a, i, fl)
	}
}

// member returns the index of the value of key in the object at i, or -1.
func (v *validator) member(i int, key string) int {
	t := v.toks[i]
	j := i + 1
	for m := int32(0); m < t.n; m++ {
		if v.toks[j].s == key {
			return j + 1
		}
		j = int(v.toks[j+1].end)
	}
	return -1
}

// dispatch validates an object against the schema its discriminator value
// selects and reports whether that replaced validation against n.
func (v *validator) dispatch(n *node, i int, fl flags) bool {
	j := v.member(i, n.disc.prop)
	if j < 0 || v.toks[j].kind != kString {
		return false
	}
	t := n.disc.mapping[v.toks[j].s]
	if t == nil || t == n {
		return false
	}
	v.validate(t, i, fl)
	// A target that extends the base (allOf) or a oneOf branch is complete;
	// otherwise the base's own rules still apply.
	return n.disc.oneOf || t.includes(n.disc.owner)
}

// branches implements oneOf/anyOf: valid if any branch is valid, else the
// violations of the closest branch: one that accepts the value's JSON type,
// with the fewest violations.
func (v *validator) branches(bs []*node, i int, fl flags) {
	base := len(v.out)
	var best []Violation
	bestScore := -1
	km := kindMask(v.toks[i].kind)
	for _, b := range bs {
		v.validate(b, i, fl)
		if v.aborted {
			return
		}
		got := v.out[base:]
		if len(got) == 0 {
			return
		}
		score := len(got)
		if !b.accepts(km) {
			score += 1 << 20
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = append(best[:0], got...), score
		}
		v.out = v.out[:base]
	}
	v.out = append(v.out, best...)
}

// kindMask is the schema type that accepts a token kind.
func kindMask(k kind) typeMask {
	switch k {
	case kString:
		return tString
	case kNumber:
		return tNumber | tInteger
	case kTrue, kFalse:
		return tBoolean
	case kObject:
		return tObject
	case kArray:
		return tArray
	}
	return 0
}

func (v *validator) typeError(n *node, val *tok) {
	switch n.types {
	case tString:
		v.add("invalid", msgString)
	case tInteger:
		v.add("invalid", msgInteger)
	case tNumber, tNumber | tInteger:
		v.add("invalid", msgNumber)
	case tBoolean:
		v.add("invalid", msgBoolean)
	case tObject:
		if len(n.props) == 0 {
			// A free-form dict (DictField/JSONField) reports on the field.
			v.add("invalid", "Ongeldige data. Verwacht een dictionary, kreeg een "+pyType(val)+".")
			break
		}
		v.addNonField("invalid", "Ongeldige data. Verwacht een dictionary, kreeg een "+pyType(val)+".")
	case tArray:
		v.listError(n, "not_a_list", "Verwacht een lijst met items, kreeg een type \""+pyType(val)+"\" in plaats.")
	default:
		v.add("invalid", msgWrongType)
	}
}

// pyType names a JSON value the way DRF messages do (Python type names).
func pyType(t *tok) string {
	switch t.kind {
	case kNull:
		return "NoneType"
	case kString:
		return "str"
	case kTrue, kFalse:
		return "bool"
	case kObject:
		return "dict"
	case kArray:
		return "list"
	case kNumber:
		if strings.ContainsAny(t.s, ".eE") {
			return "float"
		}
		return "int"
	}
	return t.s
}

func choiceReason(t *tok) string {
	s := t.s
	switch t.kind {
	case kTrue:
		s = "True"
	case kFalse:
		s = "False"
	}
	return invalidChoice(s)
}

// invalidChoice quotes the input like DRF, shortened so that a huge value
// is not echoed back whole.
func invalidChoice(s string) string {
	const max = 100
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "\"" + s + "\" is een ongeldige keuze."
}

// str checks a string in DRF's order: choices, blank, parsing fields
// (date, uuid, ...), then the validators, which all report. Like DRF's
// CharField (trim_whitespace) the length, URL, e-mail and pattern checks
// see the value without surrounding whitespace; handlers should store it
// trimmed too.
func (v *validator) str(n *node, s string, noBlank bool) {
	if n.enum != nil {
		if !n.enum.hasString(s) {
			v.add("invalid_choice", invalidChoice(s))
		}
		return
	}
	if n.format.parsed() {
		// DateField, UUIDField, ... do not trim and reject "".
		if s == "" && n.minLength >= 1 {
			v.add("blank", msgBlank)
		} else if !checkFormat(n.format, s) {
			v.add("invalid", formatReason(n.format))
		}
		return
	}
	t := strings.TrimSpace(s)
	if t == "" {
		if n.minLength >= 1 || noBlank {
			v.add("blank", msgBlank)
		}
		// DRF returns an allowed blank before running any validator.
		return
	}
	if n.maxLength >= 0 || n.minLength > 1 {
		l := t
		if n.maxLength >= 0 && len(l) > n.maxLength*utf8.UTFMax {
			// Certainly too long; do not count a huge string.
			l = l[:n.maxLength*utf8.UTFMax+1]
		}
		c := utf8.RuneCountInString(l)
		if n.maxLength >= 0 && c > n.maxLength {
			v.add("max_length", "Zorg ervoor dat dit veld niet meer dan "+strconv.Itoa(n.maxLength)+" karakters bevat.")
		}
		if n.minLength > 1 && c < n.minLength {
			v.add("min_length", "Zorg ervoor dat dit veld minimaal "+strconv.Itoa(n.minLength)+" karakters bevat.")
		}
	}
	if n.format != fNone && !checkFormat(n.format, t) {
		v.add("invalid", formatReason(n.format))
	}
	for _, re := range n.patterns {
		if !re.MatchString(t) {
			v.add("invalid", msgPattern)
			break
		}
	}
	if strings.IndexByte(s, 0) >= 0 {
		// DRF's ProhibitNullCharactersValidator; PostgreSQL text cannot hold NUL either.
		v.add("null_characters_not_allowed", msgNullChar)
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (v *validator) number(n *node, t *tok) {
	s := t.s
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		v.add("invalid", msgNumber)
		return
	}
	if n.types&tInteger != 0 && n.types&tNumber == 0 {
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			// 1.0 and 1e3 are whole (DRF accepts them); 1.5 and values
			// beyond int64 are not integers anyone can store.
			if f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
				v.add("invalid", msgInteger)
				return
			}
		}
	}
	if n.enum != nil && !n.enum.hasNumber(f) {
		v.add("invalid_choice", choiceReason(t))
		return
	}
	if n.hasMax && (f > n.maximum || n.exclMax && f == n.maximum) {
		r := "Zorg ervoor dat deze waarde minder of gelijk is aan " + fmtNum(n.maximum) + "."
		if n.exclMax {
			r = "Zorg ervoor dat deze waarde minder is dan " + fmtNum(n.maximum) + "."
		}
		v.add("max_value", r)
	}
	if n.hasMin && (f < n.minimum || n.exclMin && f == n.minimum) {
		r := "Zorg ervoor dat deze waarde groter of gelijk is aan " + fmtNum(n.minimum) + "."
		if n.exclMin {
			r = "Zorg ervoor dat deze waarde groter is dan " + fmtNum(n.minimum) + "."
		}
		v.add("min_value", r)
	}
}

// object validates the object at i. A first pass over the members records
// where each declared property's value is (the last one wins for duplicate
// keys, as in Python's json) and handles undeclared keys; the second pass
// goes through the declared properties in order, so the result does not
// depend on the order of keys in the body.
func (v *validator) object(n *node, i int, partial bool) {
	if v.depth++; v.depth > MaxDepth {
		v.abort()
		return
	}
	defer func() { v.depth-- }()
	base := len(v.last)
	v.last = append(v.last, make([]int32, len(n.props))...)
	defer func() { v.last = v.last[:base] }()
	t := v.toks[i]
	j := i + 1
	for m := int32(0); m < t.n; m++ {
		key, vi := v.toks[j].s, j+1
		j = int(v.toks[vi].end)
		if idx, ok := n.propIndex[key]; ok {
			v.last[base+idx] = int32(vi + 1)
			continue
		}
		switch {
		case n.noAdditional:
			v.addAt(key, "unknown-field", msgUnknown)
		case n.additional != nil:
			v.path = append(v.path, pathSeg{key: key, idx: -1})
			v.validate(n.additional, vi, 0)
			v.path = v.path[:len(v.path)-1]
		}
	}
	for idx := range n.props {
		if v.aborted {
			return
		}
		p := &n.props[idx]
		if p.schema.readOnly || p.expand {
			continue // DRF ignores read-only input and does not require it
		}
		at := v.last[base+idx]
		if at == 0 {
			if p.required && !partial {
				v.addAt(p.name, "required", msgRequired)
			}
			continue
		}
		var fl flags
		if p.required {
			// A required CharField has allow_blank=False in DRF (a model
			// field that may be blank is never required); the Catalogi and
			// Zaken specs do not always say so with minLength.
			fl = flagNoBlank
		}
		v.path = append(v.path, pathSeg{key: p.name, idx: -1})
		v.validate(p.schema, int(at-1), fl)
		v.path = v.path[:len(v.path)-1]
	}
	if !partial {
		for _, r := range n.extraRequired {
			if v.member(i, r) < 0 {
				v.addAt(r, "required", msgRequired)
			}
		}
	}
}
