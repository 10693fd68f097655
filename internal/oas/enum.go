package oas

import (
	"encoding/json"
	"strconv"
)

// enumSet holds the allowed values of an enum, split by JSON type so that
// the common case (a few strings) is a short slice scan without allocation.
type enumSet struct {
	strs    []string
	strSet  map[string]struct{} // for long enums
	nums    []float64
	bools   uint8 // bit 0: false allowed, bit 1: true allowed
	hasNull bool
}

func newEnumSet(vals []any) *enumSet {
	e := &enumSet{}
	for _, v := range vals {
		e.add(v)
	}
	e.index()
	return e
}

func (e *enumSet) add(v any) {
	switch x := v.(type) {
	case nil:
		e.hasNull = true
	case string:
		for _, s := range e.strs {
			if s == x {
				return
			}
		}
		e.strs = append(e.strs, x)
	case bool:
		if x {
			e.bools |= 2
		} else {
			e.bools |= 1
		}
	case json.Number:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			e.nums = append(e.nums, f)
		}
	default:
		if f, ok := num(v); ok {
			e.nums = append(e.nums, f)
		}
	}
}

func (e *enumSet) index() {
	e.strSet = nil
	if len(e.strs) > 12 {
		e.strSet = make(map[string]struct{}, len(e.strs))
		for _, s := range e.strs {
			e.strSet[s] = struct{}{}
		}
	}
}

func (e *enumSet) hasString(s string) bool {
	if e.strSet != nil {
		_, ok := e.strSet[s]
		return ok
	}
	for _, x := range e.strs {
		if x == s {
			return true
		}
	}
	return false
}

func (e *enumSet) hasBool(b bool) bool {
	if b {
		return e.bools&2 != 0
	}
	return e.bools&1 != 0
}

func (e *enumSet) hasNumber(f float64) bool {
	for _, n := range e.nums {
		if n == f {
			return true
		}
	}
	return false
}

// union returns e plus o (and null when nullable); e may be nil.
func (e *enumSet) union(o *enumSet, nullable bool) *enumSet {
	r := &enumSet{}
	for _, s := range []*enumSet{e, o} {
		if s == nil {
			continue
		}
		for _, x := range s.strs {
			r.add(x)
		}
		r.nums = append(r.nums, s.nums...)
		r.bools |= s.bools
		r.hasNull = r.hasNull || s.hasNull
	}
	r.hasNull = r.hasNull || nullable
	r.index()
	return r
}

// intersect returns the values allowed by both sets (allOf of two enums).
func (e *enumSet) intersect(o *enumSet) *enumSet {
	r := &enumSet{hasNull: e.hasNull && o.hasNull, bools: e.bools & o.bools}
	for _, s := range e.strs {
		if o.hasString(s) {
			r.strs = append(r.strs, s)
		}
	}
	for _, n := range e.nums {
		for _, m := range o.nums {
			if n == m {
				r.nums = append(r.nums, n)
				break
			}
		}
	}
	r.index()
	return r
}

// toFloat converts the number representations a caller may pass.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case float32:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return num(v)
}
