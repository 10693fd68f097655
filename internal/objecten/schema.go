package objecten

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/meent/meent/internal/zgw"
)

// schemaCache compiles each JSON Schema once. It is keyed by the schema's bytes, so a draft
// version that changes gets a fresh entry and a published one (immutable) is compiled once.
type schemaCache struct {
	mu sync.Mutex
	m  map[[32]byte]*jsonschema.Schema
}

// maxSchemas bounds the cache; past it the cache starts over (schemas are few in practice).
const maxSchemas = 1000

func newSchemaCache() *schemaCache { return &schemaCache{m: map[[32]byte]*jsonschema.Schema{}} }

// compile returns the compiled schema of raw, or an error saying why raw is no valid JSON
// Schema. Schemas come from users: nothing is loaded from outside (no remote $ref).
func (s *schemaCache) compile(raw []byte) (*jsonschema.Schema, error) {
	key := sha256.Sum256(raw)
	s.mu.Lock()
	sch := s.m[key]
	s.mu.Unlock()
	if sch != nil {
		return sch, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("geen geldige JSON: %w", err)
	}
	if _, isObj := doc.(map[string]any); !isObj {
		if _, isBool := doc.(bool); !isBool {
			return nil, errors.New("een JSON Schema is een object")
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no file, no http: only the metaschemas
	const loc = "urn:meent:objecttype-schema"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, err
	}
	sch, err = c.Compile(loc)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.m) >= maxSchemas {
		s.m = map[[32]byte]*jsonschema.Schema{}
	}
	s.m[key] = sch
	s.mu.Unlock()
	return sch, nil
}

// validateJSONSchema checks that raw is itself a valid JSON Schema (400
// invalid-json-schema otherwise).
func (s *schemaCache) validateJSONSchema(raw []byte) error {
	if _, err := s.compile(raw); err != nil {
		return zgw.FieldError("jsonSchema", "invalid-json-schema", "Het JSON Schema is ongeldig: "+schemaErrText(err))
	}
	return nil
}

// validateData validates record data against the schema of its objecttype version: 400
// invalid_jsonschema with one invalidParam per violation, named after the data location.
func (s *schemaCache) validateData(schema []byte, data []byte) error {
	sch, err := s.compile(schema)
	if err != nil {
		return zgw.FieldError("record.typeVersion", "invalid-json-schema", "Het JSON Schema van deze versie is ongeldig: "+schemaErrText(err))
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return zgw.FieldError("record.data", "invalid_jsonschema", "De data zijn geen geldige JSON.")
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return zgw.FieldError("record.data", "invalid_jsonschema", err.Error())
	}
	var errs zgw.Errs
	var leaves func(u *jsonschema.OutputUnit)
	seen := map[string]bool{}
	leaves = func(u *jsonschema.OutputUnit) {
		if len(u.Errors) > 0 {
			for i := range u.Errors {
				leaves(&u.Errors[i])
			}
			return
		}
		if u.Error == nil {
			return
		}
		name := "record.data" + strings.ReplaceAll(u.InstanceLocation, "/", ".")
		msg := u.Error.String()
		if seen[name+msg] {
			return
		}
		seen[name+msg] = true
		errs.Add(name, "invalid_jsonschema", msg)
	}
	leaves(ve.BasicOutput())
	if len(errs.Params) == 0 {
		errs.Add("record.data", "invalid_jsonschema", ve.Error())
	}
	sort.SliceStable(errs.Params, func(i, j int) bool { return errs.Params[i].Name < errs.Params[j].Name })
	return errs.Err()
}

// schemaErrText is the first line of a compile error, without the internal location name.
func schemaErrText(err error) string {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "urn:meent:objecttype-schema", "jsonSchema")
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return msg
}
