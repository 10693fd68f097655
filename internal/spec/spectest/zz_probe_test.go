package spectest

import (
	"testing"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/meent/meent/internal/spec"
)

func sample(s *openapi3.Schema, depth int, req bool) any {
	if s == nil || depth > 12 { return nil }
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, a := range s.AllOf {
			if m, ok := sample(a.Value, depth+1, req).(map[string]any); ok {
				for k, v := range m { out[k] = v }
			} else if v := sample(a.Value, depth+1, req); v != nil && len(s.Properties) == 0 {
				return v
			}
		}
		for k, v := range props(s, depth, req) { out[k] = v }
		return out
	}
	if len(s.OneOf) > 0 { return sample(s.OneOf[0].Value, depth+1, req) }
	if len(s.AnyOf) > 0 { return sample(s.AnyOf[0].Value, depth+1, req) }
	if len(s.Enum) > 0 { return s.Enum[0] }
	switch {
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		return props(s, depth, req)
	case s.Type.Is("array"):
		n := int(s.MinItems)
		out := []any{}
		for i := 0; i < n; i++ { out = append(out, sample(s.Items.Value, depth+1, req)) }
		return out
	case s.Type.Is("string"):
		switch s.Format {
		case "uri": return "http://example.com/x"
		case "uuid": return "7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11"
		case "date": return "2020-01-01"
		case "date-time": return "2020-01-01T00:00:00Z"
		case "duration": return "P1D"
		case "email": return "a@b.nl"
		}
		if s.Pattern != "" { return nil }
		v := "x"
		for uint64(len(v)) < s.MinLength { v += "x" }
		return v
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil { return *s.Min }
		return 1
	case s.Type.Is("boolean"):
		return true
	}
	if s.Nullable { return nil }
	return map[string]any{}
}

func props(s *openapi3.Schema, depth int, req bool) map[string]any {
	out := map[string]any{}
	for _, r := range s.Required {
		p := s.Properties[r]
		if p == nil { continue }
		if req && p.Value.ReadOnly { continue }
		if !req && p.Value.WriteOnly { continue }
		out[r] = sample(p.Value, depth+1, req)
	}
	return out
}

func TestProbeSamples(t *testing.T) {
	for _, api := range spec.APIs() {
		doc := Load(t, api)
		var paths []string
		for p := range doc.Paths.Map() { paths = append(paths, p) }
		sort.Strings(paths)
		for _, p := range paths {
			for m, op := range doc.Paths.Value(p).Operations() {
				if op.RequestBody != nil {
					if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
						v := sample(mt.Schema.Value, 0, true)
						if err := mt.Schema.Value.VisitJSON(v, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
							t.Errorf("%s %s %s request: %.300s", api, m, p, err)
						}
					}
				}
				for code, r := range op.Responses.Map() {
					if code[0] != '2' { continue }
					if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
						v := sample(mt.Schema.Value, 0, false)
						if err := mt.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
							t.Errorf("%s %s %s %s response: %.300s", api, m, p, code, err)
						}
					}
				}
			}
		}
	}
}
