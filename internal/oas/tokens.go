package oas

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The body is parsed into a flat slice of tokens instead of
// map[string]any: one pooled slice and one string copy of the body replace
// an allocation per key and value, and oneOf/discriminators can revisit a
// subtree by index. A subtree is contiguous; end is the index after it.
type kind uint8

const (
	kNull kind = iota
	kFalse
	kTrue
	kNumber
	kString
	kObject // followed by n (key, value) pairs; keys are kString tokens
	kArray  // followed by n values
	kOther  // a Go value that is not JSON (only from ValidateValue)
)

type tok struct {
	s    string // string value (unescaped) or number literal
	end  int32
	n    int32
	kind kind
}

type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string { return e.msg + " at offset " + strconv.Itoa(e.off) }

var errTooDeep = &syntaxError{msg: "too deep"}

// parser is a strict RFC 8259 parser; nesting is limited to MaxDepth, so
// its recursion is bounded whatever the input.
type parser struct {
	s    string
	i    int
	toks []tok
}

// parse tokenizes raw into toks (reusing its capacity). An empty body is an
// empty object, as DRF treats it.
func parse(raw []byte, toks []tok) ([]tok, error) {
	if !utf8.Valid(raw) {
		return toks, &syntaxError{msg: "invalid UTF-8", off: 0}
	}
	p := parser{s: string(raw), toks: toks[:0]}
	p.ws()
	if p.i == len(p.s) {
		p.toks = append(p.toks, tok{kind: kObject, end: 1})
		return p.toks, nil
	}
	if err := p.value(0); err != nil {
		return p.toks, err
	}
	p.ws()
	if p.i != len(p.s) {
		return p.toks, p.fail("extra data after the JSON value")
	}
	return p.toks, nil
}

func (p *parser) fail(msg string) error { return &syntaxError{msg: msg, off: p.i} }

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) error {
	if p.i >= len(p.s) {
		return p.fail("unexpected end of JSON input")
	}
	switch c := p.s[p.i]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return errTooDeep
		}
		return p.container(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return err
		}
		p.toks = append(p.toks, tok{kind: kString, s: s, end: int32(len(p.toks) + 1)})
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		for _, lit := range [...]struct {
			w string
			k kind
		}{{"null", kNull}, {"true", kTrue}, {"false", kFalse}} {
			if len(p.s)-p.i >= len(lit.w) && p.s[p.i:p.i+len(lit.w)] == lit.w {
				p.i += len(lit.w)
				p.toks = append(p.toks, tok{kind: lit.k, end: int32(len(p.toks) + 1)})
				return nil
			}
		}
		return p.fail("invalid character " + strconv.QuoteRune(rune(c)))
	}
	return nil
}

func (p *parser) container(depth int) error {
	obj := p.s[p.i] == '{'
	closer := byte(']')
	k := kArray
	if obj {
		closer, k = '}', kObject
	}
	at := len(p.toks)
	p.toks = append(p.toks, tok{kind: k})
	p.i++
	p.ws()
	n := int32(0)
	if p.i < len(p.s) && p.s[p.i] == closer {
		p.i++
	} else {
		for {
			if obj {
				p.ws()
				if p.i >= len(p.s) || p.s[p.i] != '"' {
					return p.fail("expected a string key")
				}
				s, err := p.str()
				if err != nil {
					return err
				}
				p.toks = append(p.toks, tok{kind: kString, s: s, end: int32(len(p.toks) + 1)})
				p.ws()
				if p.i >= len(p.s) || p.s[p.i] != ':' {
					return p.fail("expected ':'")
				}
				p.i++
			}
			p.ws()
			if err := p.value(depth); err != nil {
				return err
			}
			n++
			p.ws()
			if p.i >= len(p.s) {
				return p.fail("unexpected end of JSON input")
			}
			if c := p.s[p.i]; c == ',' {
				p.i++
				continue
			} else if c == closer {
				p.i++
				break
			}
			return p.fail("expected ',' or '" + string(closer) + "'")
		}
	}
	p.toks[at].n = n
	p.toks[at].end = int32(len(p.toks))
	return nil
}

func (p *parser) number() error {
	s, i := p.s, p.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return p.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		st := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == st {
			return p.fail("invalid number")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		st := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == st {
			return p.fail("invalid number")
		}
	}
	p.toks = append(p.toks, tok{kind: kNumber, s: s[p.i:i], end: int32(len(p.toks) + 1)})
	p.i = i
	return nil
}

// str reads a string literal at p.i. Without escapes the result shares the
// body's memory; with escapes it is decoded into a new string.
func (p *parser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.fail("control character in string")
		}
		p.i++
	}
	return "", p.fail("unterminated string")
}

func (p *parser) escaped(start int) (string, error) {
	b := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c != '\\':
			b = append(b, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			break
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A pair decodes to one rune; a lone surrogate becomes
				// U+FFFD, as encoding/json does.
				r2 := rune(-1)
				if len(p.s)-p.i >= 6 && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if x, ok := p.hex4(); ok {
						r2 = x
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
					} else {
						p.i, r = save, utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			p.i--
			return "", p.fail("invalid escape")
		}
	}
	return "", p.fail("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[p.i : p.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

// fromValue flattens an already decoded value into tokens. Object keys are
// sorted so that the order of violations does not depend on map iteration.
func fromValue(v any, toks []tok, depth int) ([]tok, bool) {
	at := len(toks)
	switch x := v.(type) {
	case nil:
		toks = append(toks, tok{kind: kNull})
	case bool:
		k := kFalse
		if x {
			k = kTrue
		}
		toks = append(toks, tok{kind: k})
	case string:
		toks = append(toks, tok{kind: kString, s: x})
	case json.Number:
		toks = append(toks, tok{kind: kNumber, s: string(x)})
	case map[string]any:
		if depth >= MaxDepth {
			return toks, false
		}
		toks = append(toks, tok{kind: kObject, n: int32(len(x))})
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			toks = append(toks, tok{kind: kString, s: k, end: int32(len(toks) + 1)})
			var ok bool
			if toks, ok = fromValue(x[k], toks, depth+1); !ok {
				return toks, false
			}
		}
	case []any:
		if depth >= MaxDepth {
			return toks, false
		}
		toks = append(toks, tok{kind: kArray, n: int32(len(x))})
		for _, e := range x {
			var ok bool
			if toks, ok = fromValue(e, toks, depth+1); !ok {
				return toks, false
			}
		}
	default:
		if f, ok := toFloat(v); ok {
			toks = append(toks, tok{kind: kNumber, s: strconv.FormatFloat(f, 'g', -1, 64)})
		} else {
			toks = append(toks, tok{kind: kOther, s: reflect.TypeOf(v).String()})
		}
	}
	toks[at].end = int32(len(toks))
	return toks, true
}
