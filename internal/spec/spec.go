// Package spec embeds the OpenAPI files Meent serves: the official
// specifications, made self-contained and patched by the bundle program (every
// patch is listed in PATCHES.md). The bundled files are committed, so building
// needs neither the network nor ../shared.
//
// The package parses nothing at start-up; the little it reads from a file
// (version, mount path) is decoded on first use.
package spec

//go:generate go run ./bundle -src ../../../shared/specs -out openapi

import (
	"embed"
	"encoding/json"
	"slices"
	"sync"
)

//go:embed openapi
var files embed.FS

// apis is the list of bundled APIs, in the order of the design document.
var apis = []string{
	"catalogi", "zaken", "documenten", "besluiten", "autorisaties", "notificaties",
	"klantinteracties", "objecten", "objecttypen", "referentielijsten",
}

// APIs returns the short names of the bundled APIs ("catalogi", "zaken", ...).
func APIs() []string { return slices.Clone(apis) }

// YAML returns the bundled spec of api as YAML, as served at /openapi.yaml.
func YAML(api string) ([]byte, bool) { return read(api, ".yaml") }

// JSON returns the bundled spec of api as JSON, as served at /openapi.json.
func JSON(api string) ([]byte, bool) { return read(api, ".json") }

func read(api, ext string) ([]byte, bool) {
	if !slices.Contains(apis, api) {
		return nil, false
	}
	b, err := files.ReadFile("openapi/" + api + ext)
	return b, err == nil
}

// Version returns info.version of api's spec (e.g. "1.3.1" for catalogi), the
// value of the API-version header; "" for an unknown api.
func Version(api string) string { return meta(api).Info.Version }

// Mount returns the path under which api is served (the spec's one server,
// e.g. "/catalogi/api/v1"); "" for an unknown api.
func Mount(api string) string {
	if s := meta(api).Servers; len(s) > 0 {
		return s[0].URL
	}
	return ""
}

type specMeta struct {
	Info struct {
		Version string `json:"version"`
	} `json:"info"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
}

// metas decodes the head of each spec on first use. It is package state
// because it only caches what the embedded, immutable files say.
var metas = func() map[string]func() specMeta {
	m := make(map[string]func() specMeta, len(apis))
	for _, api := range apis {
		m[api] = sync.OnceValue(func() specMeta {
			var sm specMeta
			b, _ := JSON(api)
			// The tests load every committed file; a decode error cannot
			// happen there and would show as "" here.
			_ = json.Unmarshal(b, &sm)
			return sm
		})
	}
	return m
}()

func meta(api string) specMeta {
	if f, ok := metas[api]; ok {
		return f()
	}
	return specMeta{}
}
