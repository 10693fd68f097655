// Package spectest is the contract-test kit: it loads the embedded specs with
// kin-openapi and validates HTTP traffic of a test against them. It is for
// tests only; the meent binary does not link kin-openapi.
//
//	c := spectest.Client(t) // or Client(t, "zaken") to allow only that API
//	resp, err := c.Get(srv.URL + "/catalogi/api/v1/catalogussen")
//	// a request or response that the spec does not allow has failed t
//
// Mark a request with BadInput when it is wrong on purpose (only the response
// is checked) and with NoValidation when it is outside the specs (/healthz).
package spectest

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/meent/meent/internal/spec"
)

// ValidationOptions are the options with which every bundled spec must
// validate. Examples are not validated: the expand schemas of Zaken 1.5.1
// (and the copies Besluiten 1.1.0 gets) show {} as the example of an expanded
// zaak, which lacks the required fields. Examples are documentation; the
// schemas they illustrate are what the tests hold Meent to.
func ValidationOptions() []openapi3.ValidationOption {
	return []openapi3.ValidationOption{
		openapi3.DisableExamplesValidation(),
	}
}

// loaded is a spec loaded once per test binary with the router built from it.
type loaded struct {
	doc    *openapi3.T
	router routers.Router
	err    error
}

// cache is the one package-level state: loading a 500 KB spec and building
// its router takes a noticeable time, and every contract test needs it. The
// documents are shared, so callers must not modify them.
var (
	cacheMu sync.Mutex
	cache   = map[string]func() loaded{}
)

func get(api string) loaded {
	cacheMu.Lock()
	f, ok := cache[api]
	if !ok {
		f = sync.OnceValue(func() loaded { return load(api) })
		cache[api] = f
	}
	cacheMu.Unlock()
	return f()
}

func load(api string) loaded {
	data, ok := spec.JSON(api) // JSON loads faster than YAML and holds the same document
	if !ok {
		return loaded{err: fmt.Errorf("spectest: unknown api %q (have %s)", api, strings.Join(spec.APIs(), ", "))}
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false // the bundled files are self-contained
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return loaded{err: fmt.Errorf("spectest: loading %s: %w", api, err)}
	}
	ignoreReservedHeaders(doc)
	implicitDiscriminatorMappings(doc)
	opts := ValidationOptions()
	if err := doc.Validate(loader.Context, opts...); err != nil {
		return loaded{err: fmt.Errorf("spectest: validating %s: %w", api, err)}
	}
	r, err := legacy.NewRouter(doc, opts...)
	if err != nil {
		return loaded{err: fmt.Errorf("spectest: router for %s: %w", api, err)}
	}
	return loaded{doc: doc, router: r}
}

// Load returns the validated spec of api ("catalogi", "zaken", ...), loaded
// once per test binary. The document is shared: do not modify it. It is the
// embedded file read the way OAS 3.0 prescribes where kin-openapi does not:
// see ignoreReservedHeaders and implicitDiscriminatorMappings.
func Load(tb testing.TB, api string) *openapi3.T {
	tb.Helper()
	l := get(api)
	if l.err != nil {
		tb.Fatal(l.err)
	}
	return l.doc
}

// Operation is one operation of a spec.
type Operation struct {
	Method      string // upper case: GET, POST, ...
	Path        string // full request path template, mount included: /catalogi/api/v1/zaaktypen/{uuid}
	OperationID string
}

// Operations lists the operations of api, sorted by path and method.
func Operations(tb testing.TB, api string) []Operation {
	tb.Helper()
	doc := Load(tb, api)
	prefix := strings.TrimSuffix(spec.Mount(api), "/")
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Method: method, Path: prefix + path, OperationID: op.OperationID})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

// ignoreReservedHeaders removes header parameters named Accept, Content-Type
// or Authorization from the operations: OAS 3.0 says such a parameter
// definition "SHALL be ignored", but kin-openapi validates it, which would
// reject "application/json; charset=utf-8" against the ZGW specs' enum
// [application/json]. The media type is still checked against the request
// body's content.
func ignoreReservedHeaders(doc *openapi3.T) {
	keep := func(ps openapi3.Parameters) openapi3.Parameters {
		out := ps[:0:0]
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
				switch http.CanonicalHeaderKey(p.Value.Name) {
				case "Accept", "Content-Type", "Authorization":
					continue
				}
			}
			out = append(out, p)
		}
		return out
	}
	for _, item := range doc.Paths.Map() {
		item.Parameters = keep(item.Parameters)
		for _, op := range item.Operations() {
			op.Parameters = keep(op.Parameters)
		}
	}
}

// implicitDiscriminatorMappings writes out the mapping that OAS 3.0 implies
// for a discriminator without one (the value is the schema name).
// kin-openapi ignores such a discriminator and tries every oneOf branch, so
// a GeoJSON LineString (which also satisfies the MultiPoint schema) would
// match two branches of GeoJSONGeometry and fail.
func implicitDiscriminatorMappings(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var visit func(r *openapi3.SchemaRef)
	visit = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		if d := s.Discriminator; d != nil && len(d.Mapping) == 0 {
			d.Mapping = map[string]openapi3.MappingRef{}
			for _, branch := range append(slices.Clone(s.OneOf), s.AnyOf...) {
				if name, ok := strings.CutPrefix(branch.Ref, "#/components/schemas/"); ok {
					d.Mapping[name] = openapi3.MappingRef{Ref: branch.Ref}
				}
			}
		}
		for _, list := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf, {s.Not, s.Items, s.AdditionalProperties.Schema}} {
			for _, c := range list {
				visit(c)
			}
		}
		for _, p := range s.Properties {
			visit(p)
		}
	}
	for _, s := range doc.Components.Schemas {
		visit(s)
	}
}
