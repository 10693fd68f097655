package oas

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays accepted in a body.
const MaxDepth = 64

// maxCalls bounds schema recursion that does not descend into the value
// (oneOf/allOf chains), so a self-referencing schema cannot loop.
const maxCalls = 16 * MaxDepth

// Reasons, after DRF's Dutch translations where DRF has one.
const (
	msgRequired   = "Dit veld is vereist."
	msgNull       = "Dit veld mag niet leeg zijn."
	msgBlank      = "Dit veld mag niet leeg zijn."
	msgString     = "Geen geldige string."
	msgNumber     = "Een geldig getal is vereist."
	msgInteger    = "Een geldig geheel getal is vereist."
	msgBoolean    = "Moet een geldige boolean zijn."
	msgPattern    = "Deze waarde komt niet overeen met het vereiste patroon."
	msgUnique     = "Dit veld moet unieke waarden bevatten."
	msgUnknown    = "Onbekend veld."
	msgNullChar   = "Null-tekens zijn niet toegestaan."
	msgMaxDepth   = "De JSON-body is te diep genest (maximaal 64 niveaus)."
	msgWrongType  = "Ongeldig type."
	nonFieldError = "nonFieldErrors"
)

type pathSeg struct {
	key string
	idx int // -1 for an object key
}

// validator carries the state of one validation. Violations and names are
// only built when something is wrong, so a valid body allocates nothing here.
type validator struct {
	out     []Violation
	path    []pathSeg
	depth   int
	calls   int
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
	v.out = append(v.out, Violation{Name: v.name(), Code: code, Reason: reason})
}

func (v *validator) addAt(key, code, reason string) {
	v.path = append(v.path, pathSeg{key: key, idx: -1})
	v.add(code, reason)
	v.path = v.path[:len(v.path)-1]
}

func (v *validator) abort() {
	v.aborted = true
	v.out = []Violation{{Name: nonFieldError, Code: "max-depth", Reason: msgMaxDepth}}
}

func (n *node) accepts(t typeMask) bool { return n.types == 0 || n.types&t != 0 }

func (v *validator) validate(n *node, val any, partial bool) {
	if v.aborted {
		return
	}
	v.calls++
	defer func() { v.calls-- }()
	if v.calls > maxCalls {
		v.abort()
		return
	}
	if val == nil {
		if !n.nullOK {
			v.add("null", msgNull)
		}
		return
	}
	if n.disc != nil && v.dispatch(n, val, partial) {
		return
	}
	switch x := val.(type) {
	case string:
		if !n.accepts(tString) {
			v.typeError(n, val)
			return
		}
		v.str(n, x)
	case json.Number:
		if !n.accepts(tNumber | tInteger) {
			v.typeError(n, val)
			return
		}
		v.number(n, string(x), val)
	case bool:
		if !n.accepts(tBoolean) {
			v.typeError(n, val)
			return
		}
		if n.enum != nil && !n.enum.has(x) {
			v.add("invalid_choice", choiceReason(val))
		}
	case map[string]any:
		if !n.accepts(tObject) {
			v.typeError(n, val)
			return
		}
		v.object(n, x, partial)
	case []any:
		if !n.accepts(tArray) {
			v.typeError(n, val)
			return
		}
		v.array(n, x)
	default:
		f, ok := toFloat(val)
		if !ok || !n.accepts(tNumber|tInteger) {
			v.typeError(n, val)
			return
		}
		v.number(n, strconv.FormatFloat(f, 'g', -1, 64), val)
	}
	if len(n.oneOf) > 0 {
		v.branches(n.oneOf, val, partial)
	}
	if len(n.anyOf) > 0 {
		v.branches(n.anyOf, val, partial)
	}
	for _, a := range n.all {
		v.validate(a, val, partial)
	}
}

// dispatch validates an object against the schema its discriminator value
// selects and reports whether that replaced validation against n.
func (v *validator) dispatch(n *node, val any, partial bool) bool {
	m, ok := val.(map[string]any)
	if !ok {
		return false
	}
	s, ok := m[n.disc.prop].(string)
	if !ok {
		return false
	}
	t := n.disc.mapping[s]
	if t == nil || t == n {
		return false
	}
	v.validate(t, val, partial)
	// A target that extends the base (allOf) or a oneOf branch is complete;
	// otherwise the base's own rules still apply.
	return n.disc.oneOf || t.includes(n.disc.owner)
}

// branches implements oneOf/anyOf: valid if any branch is valid, else the
// violations of the branch with the fewest of them (the closest match).
func (v *validator) branches(bs []*node, val any, partial bool) {
	base := len(v.out)
	var best []Violation
	for i, b := range bs {
		v.validate(b, val, partial)
		if v.aborted {
			return
		}
		got := v.out[base:]
		if len(got) == 0 {
			return
		}
		if i == 0 || len(got) < len(best) {
			best = append(best[:0], got...)
		}
		v.out = v.out[:base]
	}
	v.out = append(v.out, best...)
}

func (v *validator) typeError(n *node, val any) {
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
		v.add("invalid", "Ongeldige data. Verwacht een dictionary, kreeg een "+pyType(val)+".")
	case tArray:
		v.add("not_a_list", "Verwachtte een lijst met items, maar kreeg type \""+pyType(val)+"\".")
	default:
		v.add("invalid", msgWrongType)
	}
}

// pyType names a JSON value the way DRF messages do (Python type names).
func pyType(val any) string {
	switch x := val.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	}
	return "float"
}

func choiceReason(val any) string {
	var s string
	switch x := val.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	case bool:
		s = "False"
		if x {
			s = "True"
		}
	default:
		b, _ := json.Marshal(val)
		s = string(b)
	}
	return "\"" + s + "\" is een ongeldige keuze."
}

// str checks a string in DRF's order: choices, blank, parsing fields
// (date, uuid, ...), then the validators, which all report.
func (v *validator) str(n *node, s string) {
	if n.enum != nil {
		if !n.enum.hasString(s) {
			v.add("invalid_choice", choiceReason(s))
		}
		return
	}
	if isBlank(s) {
		switch {
		case n.minLength >= 1:
			v.add("blank", msgBlank)
		case n.format.parsed():
			v.add("invalid", formatReason(n.format))
		}
		// DRF returns an allowed blank before running any validator.
		return
	}
	if n.format.parsed() && !checkFormat(n.format, s) {
		v.add("invalid", formatReason(n.format))
		return
	}
	if n.maxLength >= 0 || n.minLength > 1 {
		l := s
		if len(l) > n.maxLength*utf8.UTFMax && n.maxLength >= 0 {
			// Certainly too long; avoid counting a huge string.
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
	if (n.format == fURI || n.format == fEmail) && !checkFormat(n.format, s) {
		v.add("invalid", formatReason(n.format))
	}
	for _, re := range n.patterns {
		if !re.MatchString(s) {
			v.add("invalid", msgPattern)
			break
		}
	}
	if strings.IndexByte(s, 0) >= 0 {
		// DRF's ProhibitNullCharactersValidator; PostgreSQL text cannot hold NUL either.
		v.add("null_characters_not_allowed", msgNullChar)
	}
}

// isBlank mirrors DRF's CharField, which trims whitespace before the blank check.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			if s[i] < utf8.RuneSelf {
				return false
			}
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (v *validator) number(n *node, s string, val any) {
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
	if n.enum != nil && !n.enum.has(val) {
		v.add("invalid_choice", choiceReason(val))
		return
	}
	if n.hasMax && (f > n.maximum || n.exclMax && f == n.maximum) {
		r := "Zorg ervoor dat deze waarde kleiner of gelijk is aan " + fmtNum(n.maximum) + "."
		if n.exclMax {
			r = "Zorg ervoor dat deze waarde kleiner is dan " + fmtNum(n.maximum) + "."
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

func (v *validator) object(n *node, m map[string]any, partial bool) {
	if v.depth++; v.depth > MaxDepth {
		v.abort()
		return
	}
	defer func() { v.depth-- }()
	if n.enum != nil && !n.enum.has(m) {
		v.add("invalid_choice", choiceReason(m))
	}
	for i := range n.props {
		p := &n.props[i]
		if p.schema.readOnly {
			continue // DRF ignores read-only input
		}
		val, ok := m[p.name]
		if !ok {
			if p.required && !partial {
				v.addAt(p.name, "required", msgRequired)
			}
			continue
		}
		v.path = append(v.path, pathSeg{key: p.name, idx: -1})
		v.validate(p.schema, val, false)
		v.path = v.path[:len(v.path)-1]
	}
	if !partial {
		for _, r := range n.extraRequired {
			if _, ok := m[r]; !ok {
				v.addAt(r, "required", msgRequired)
			}
		}
	}
	if !n.noAdditional && n.additional == nil {
		return
	}
	var extra []string
	for k := range m {
		if _, ok := n.propIndex[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		if n.noAdditional {
			v.addAt(k, "unknown-field", msgUnknown)
			continue
		}
		v.path = append(v.path, pathSeg{key: k, idx: -1})
		v.validate(n.additional, m[k], false)
		v.path = v.path[:len(v.path)-1]
	}
}

func (v *validator) array(n *node, a []any) {
	if v.depth++; v.depth > MaxDepth {
		v.abort()
		return
	}
	defer func() { v.depth-- }()
	if n.items != nil {
		for i, x := range a {
			v.path = append(v.path, pathSeg{idx: i})
			v.validate(n.items, x, false)
			v.path = v.path[:len(v.path)-1]
			if v.aborted {
				return
			}
		}
	}
	if n.maxItems >= 0 && len(a) > n.maxItems {
		v.add("max_length", "Zorg ervoor dat dit veld niet meer dan "+strconv.Itoa(n.maxItems)+" elementen bevat.")
	}
	if n.minItems >= 0 && len(a) < n.minItems {
		v.add("min_length", "Zorg ervoor dat dit veld minimaal "+strconv.Itoa(n.minItems)+" elementen bevat.")
	}
	if n.uniqueItems && !unique(a) {
		v.add("unique", msgUnique)
	}
	if n.enum != nil && !n.enum.has(a) {
		v.add("invalid_choice", choiceReason(a))
	}
}

// unique reports whether no two items are equal. Lists of URLs are the
// usual case, compared directly; anything else falls back to deep equality.
func unique(a []any) bool {
	if len(a) < 2 {
		return true
	}
	if len(a) > 16 {
		seen := make(map[string]struct{}, len(a))
		for _, x := range a {
			s, ok := x.(string)
			if !ok {
				return uniqueSlow(a)
			}
			if _, dup := seen[s]; dup {
				return false
			}
			seen[s] = struct{}{}
		}
		return true
	}
	return uniqueSlow(a)
}

func uniqueSlow(a []any) bool {
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			si, ok1 := a[i].(string)
			sj, ok2 := a[j].(string)
			if ok1 && ok2 {
				if si == sj {
					return false
				}
				continue
			}
			if reflect.DeepEqual(a[i], a[j]) {
				return false
			}
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
