package spec_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/spec/internal/bundler"
	"github.com/meent/meent/internal/spec/spectest"
)

// sharedSpecs is ../shared/specs seen from this directory: the official
// files, beside the repository in development and in CI.
const sharedSpecs = "../../../shared/specs"

var want = map[string]struct{ version, mount string }{
	"catalogi":          {"1.3.1", "/catalogi/api/v1"},
	"zaken":             {"1.5.1", "/zaken/api/v1"},
	"documenten":        {"1.5.0", "/documenten/api/v1"},
	"besluiten":         {"1.1.0", "/besluiten/api/v1"},
	"autorisaties":      {"1.0.0", "/autorisaties/api/v1"},
	"notificaties":      {"1.0.0", "/notificaties/api/v1"},
	"klantinteracties":  {"0.9.0", "/klantinteracties/api/v1"},
	"objecten":          {"2.7.0", "/objecten/api/v2"},
	"objecttypen":       {"2.2.2", "/objecttypen/api/v2"},
	"referentielijsten": {"0.6.0", "/referentielijsten/api/v1"},
}

func TestAPIs(t *testing.T) {
	var fromBundler []string
	for _, a := range bundler.APIs() {
		fromBundler = append(fromBundler, a.Name)
		if got := spec.Mount(a.Name); got != a.Mount {
			t.Errorf("Mount(%q) = %q, bundler says %q", a.Name, got, a.Mount)
		}
	}
	if diff := cmp.Diff(fromBundler, spec.APIs()); diff != "" {
		t.Errorf("APIs() differs from the bundled list (-bundler +APIs):\n%s", diff)
	}
	for _, api := range spec.APIs() {
		w := want[api]
		if got := spec.Version(api); got != w.version {
			t.Errorf("Version(%q) = %q, want %q", api, got, w.version)
		}
		if got := spec.Mount(api); got != w.mount {
			t.Errorf("Mount(%q) = %q, want %q", api, got, w.mount)
		}
	}
	if _, ok := spec.YAML("nope"); ok {
		t.Error(`YAML("nope") found something`)
	}
	if _, ok := spec.JSON("../spec.go"); ok {
		t.Error("JSON reads outside the bundled specs")
	}
	if spec.Version("nope") != "" || spec.Mount("nope") != "" {
		t.Error("unknown api has a version or mount")
	}
}

// Both served forms load without external files, validate, and are the same
// document.
func TestBundledFilesLoadAndValidate(t *testing.T) {
	for _, api := range spec.APIs() {
		t.Run(api, func(t *testing.T) {
			var docs []*openapi3.T
			for _, get := range []func(string) ([]byte, bool){spec.YAML, spec.JSON} {
				data, ok := get(api)
				if !ok {
					t.Fatal("not embedded")
				}
				loader := openapi3.NewLoader()
				loader.IsExternalRefsAllowed = false
				doc, err := loader.LoadFromData(data)
				if err != nil {
					t.Fatal(err)
				}
				if err := doc.Validate(loader.Context, spectest.ValidationOptions()...); err != nil {
					t.Fatal(err)
				}
				if len(doc.Servers) != 1 || doc.Servers[0].URL != want[api].mount {
					t.Errorf("servers = %v, want one: %s", doc.Servers, want[api].mount)
				}
				docs = append(docs, doc)
			}
			y, _ := json.Marshal(docs[0])
			j, _ := json.Marshal(docs[1])
			if !bytes.Equal(y, j) {
				t.Error("the YAML and JSON files hold different documents")
			}
		})
	}
}

// Every $ref and discriminator mapping is local and points at something
// that exists.
func TestNoRemoteRefs(t *testing.T) {
	for _, api := range spec.APIs() {
		data, _ := spec.JSON(api)
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", api, err)
		}
		eachRef(doc, func(ref string) {
			if !strings.HasPrefix(ref, "#/") {
				t.Errorf("%s: non-local $ref %q", api, ref)
				return
			}
			if resolve(doc, ref) == nil {
				t.Errorf("%s: dangling $ref %q", api, ref)
			}
		})
	}
}

func eachRef(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["$ref"].(string); ok {
			fn(r)
		}
		if d, ok := v["discriminator"].(map[string]any); ok {
			if m, ok := d["mapping"].(map[string]any); ok {
				for _, r := range m {
					fn(r.(string))
				}
			}
		}
		for _, c := range v {
			eachRef(c, fn)
		}
	case []any:
		for _, c := range v {
			eachRef(c, fn)
		}
	}
}

func resolve(doc any, ref string) any {
	for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(p)]
	}
	return doc
}

func TestAutorisatiesConsumerIsOneApplicatie(t *testing.T) {
	doc := spectest.Load(t, "autorisaties")
	s := doc.Paths.Value("/applicaties/consumer").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	if s.Ref != "#/components/schemas/Applicatie" {
		t.Errorf("consumer 200 schema = %q (type %v), want a ref to Applicatie", s.Ref, s.Value.Type)
	}
}

// ztc-issue-001: zaaktypen may be sent when creating or replacing a besluittype.
func TestBesluittypeZaaktypenWritable(t *testing.T) {
	doc := spectest.Load(t, "catalogi")
	for _, path := range []string{"/besluittypen", "/besluittypen/{uuid}"} {
		item := doc.Paths.Value(path)
		for _, op := range []*openapi3.Operation{item.Post, item.Put} {
			if op == nil {
				continue
			}
			p := op.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["zaaktypen"]
			if p == nil || p.Value.ReadOnly || p.Value.Type.Is("array") == false {
				t.Errorf("%s %s: zaaktypen not a writable array", path, op.OperationID)
			}
		}
	}
}

func TestStatusCreateAnswersStatus(t *testing.T) {
	op := spectest.Load(t, "zaken").Paths.Value("/statussen").Post
	if got := op.Responses.Status(201).Value.Content.Get("application/json").Schema.Ref; got != "#/components/schemas/Status" {
		t.Errorf("POST /statussen 201 schema = %q, want Status", got)
	}
}

func TestEmptyObjectIsEmpty(t *testing.T) {
	for _, api := range []string{"zaken", "besluiten"} {
		s := spectest.Load(t, api).Components.Schemas["EmptyObject"]
		if s == nil || s.Value.MaxProps == nil || *s.Value.MaxProps != 0 {
			t.Errorf("%s: EmptyObject allows properties", api)
		}
	}
}

func TestJWTSecretExtension(t *testing.T) {
	jwt := []string{"catalogi", "zaken", "documenten", "besluiten", "autorisaties", "notificaties"}
	for _, api := range spec.APIs() {
		item := spectest.Load(t, api).Paths.Value("/jwtsecret")
		if !slices.Contains(jwt, api) {
			if item != nil {
				t.Errorf("%s has /jwtsecret but no ZGW JWT auth", api)
			}
			continue
		}
		if item == nil || item.Post == nil {
			t.Errorf("%s: POST /jwtsecret missing", api)
			continue
		}
		op := item.Post
		if op.OperationID != "jwtsecret_create" || op.Extensions["x-meent"] != true {
			t.Errorf("%s: operationId %q, x-meent %v", api, op.OperationID, op.Extensions["x-meent"])
		}
		body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
		if diff := cmp.Diff([]string{"identifier", "secret"}, body.Required); diff != "" {
			t.Errorf("%s: required (-want +got):\n%s", api, diff)
		}
		for _, code := range []int{201, 400, 401, 403} {
			if op.Responses.Status(code) == nil {
				t.Errorf("%s: no %d response", api, code)
			}
		}
		if _, ok := op.Responses.Status(201).Value.Content.Get("application/json").Schema.Value.Properties["secret"]; ok {
			t.Errorf("%s: the 201 response shows the secret", api)
		}
	}
}

// The committed output is what the bundler makes of the official files now:
// a patch or a source change without `go generate ./internal/spec` fails here.
func TestGeneratedFilesAreFresh(t *testing.T) {
	if _, err := os.Stat(sharedSpecs); err != nil {
		t.Skipf("official specs not found at %s: %v", sharedSpecs, err)
	}
	res, err := bundler.Bundle(os.DirFS(sharedSpecs))
	if err != nil {
		t.Fatal(err)
	}
	const hint = "; run go generate ./internal/spec"
	entries, err := os.ReadDir("openapi")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk, generated []string
	for _, e := range entries {
		onDisk = append(onDisk, e.Name())
	}
	for name, data := range res.Files {
		generated = append(generated, name)
		api, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		get := map[string]func(string) ([]byte, bool){".yaml": spec.YAML, ".json": spec.JSON}[ext]
		if embedded, _ := get(api); !bytes.Equal(embedded, data) {
			t.Errorf("openapi/%s is not the bundler's output%s", name, hint)
		}
	}
	slices.Sort(generated)
	if diff := cmp.Diff(generated, onDisk); diff != "" {
		t.Errorf("files in openapi/ (-generated +on disk):\n%s%s", diff, hint)
	}
	md, err := os.ReadFile("PATCHES.md")
	if err != nil || !bytes.Equal(md, bundler.Markdown(res.Patches)) {
		t.Errorf("PATCHES.md is not the bundler's output (%v)%s", err, hint)
	}
}
