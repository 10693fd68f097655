package oas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

const specDir = "../../../shared/specs"

var (
	docMu    sync.Mutex
	docCache = map[string]*Doc{}
)

// specJSON converts a YAML spec to JSON the way the application does.
func specJSON(tb testing.TB, file string) []byte {
	tb.Helper()
	if _, err := os.Stat(specDir); err != nil {
		tb.Skipf("spec directory %s not present", specDir)
	}
	y, err := os.ReadFile(filepath.Join(specDir, file))
	if err != nil {
		tb.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// jsonable turns yaml.v3 output into values encoding/json accepts
// (mappings with non-string keys such as response codes).
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

func loadDoc(tb testing.TB, file string) *Doc {
	tb.Helper()
	docMu.Lock()
	defer docMu.Unlock()
	if d, ok := docCache[file]; ok {
		return d
	}
	d, err := Compile(specJSON(tb, file))
	if err != nil {
		tb.Fatalf("compile %s: %v", file, err)
	}
	docCache[file] = d
	return d
}
