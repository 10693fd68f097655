package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/objecten"
)

const portaalToken = "portaal-token-0123456789abcdef0123456789"

// TestApplicatiesFileObjectenPermissies: one applicaties file gives a client its token and its
// permissions in the Objecten API; a second start with the permissions taken out removes them.
func TestApplicatiesFileObjectenPermissies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicaties.yaml")
	write := func(objectenYAML string) {
		t.Helper()
		content := `- clientIds: [portaal]
  label: MijnServices portaal
  tokens: [` + portaalToken + `]
  autorisaties:
    - component: ztc
      scopes: [catalogi.lezen]
` + objectenYAML
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`  objecten:
    - objecttype: https://elders.example/objecttypen/api/v2/objecttypes/` + objecten.ObjecttypeTaak + `
      mode: read_and_write
    - objecttype: https://elders.example/objecttypen/api/v2/objecttypes/` + objecten.ObjecttypeBericht + `
      mode: read_only
      velden: [onderwerp]
`)
	e := apptest.MustStart(t, false, func(c *config.Config) { c.Applicaties = path; c.DataDir = dir })
	if err := objecten.SeedObjecttypen(context.Background(), e.App.DB); err != nil {
		t.Fatal(err)
	}
	token := map[string]string{"Authorization": "Token " + portaalToken}
	r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/objecten/api/v2/permissions", Header: token})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), objecten.ObjecttypeTaak) || !strings.Contains(string(r.Body), objecten.ObjecttypeBericht) {
		t.Fatalf("permissions of the portaal: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), objecten.ObjecttypeProductaanvraag) {
		t.Fatalf("permissions include a type the file does not give: %s", r.Body)
	}
	e.App.Close()

	write("")
	e = apptest.MustStart(t, false, func(c *config.Config) { c.Applicaties = path; c.DataDir = dir })
	r = e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/objecten/api/v2/permissions", Header: token})
	if r.Status != http.StatusOK || strings.Contains(string(r.Body), objecten.ObjecttypeTaak) {
		t.Fatalf("after the permissions left the file: %d %s", r.Status, r.Body)
	}
}
