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

// TestApplicatiesFileTokenClient: a client that only uses the Objecten and Klantinteracties
// APIs is given in the file without ZGW autorisaties; it gets no applicatie in the
// Autorisaties API (ac-002 would refuse one), its token works in those APIs and nowhere else.
// A client that had an applicatie loses it when the file takes its autorisaties away.
func TestApplicatiesFileTokenClient(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicaties.yaml")
	write := func(autorisatiesYAML string) {
		t.Helper()
		content := `- clientIds: [portaal]
  label: MijnServices portaal
  tokens: [` + portaalToken + `]
  objecten:
    - objecttype: https://elders.example/objecttypen/api/v2/objecttypes/` + objecten.ObjecttypeTaak + `
      mode: read_and_write
` + autorisatiesYAML
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	token := map[string]string{"Authorization": "Token " + portaalToken}
	check := func(e *apptest.Env) {
		t.Helper()
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/objecten/api/v2/permissions", Header: token})
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), objecten.ObjecttypeTaak) {
			t.Fatalf("permissions of the portaal: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/klantinteracties/api/v1/partijen", Header: token}); r.Status != http.StatusOK {
			t.Fatalf("klantinteracties with the token: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/catalogi/api/v1/zaaktypen", Header: token}); r.Status != http.StatusForbidden {
			t.Fatalf("catalogi with the token of a client without autorisaties: %d, want 403", r.Status)
		}
		if r := e.Get(t, "/autorisaties/api/v1/applicaties/consumer?clientId=portaal"); r.Status != http.StatusNotFound {
			t.Fatalf("applicatie of a token client: %d %s", r.Status, r.Body)
		}
	}
	write(`  autorisaties:
    - component: ztc
      scopes: [catalogi.lezen]
`)
	e := apptest.MustStart(t, false, func(c *config.Config) { c.Applicaties = path; c.DataDir = dir })
	if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: "/catalogi/api/v1/zaaktypen", Header: token}); r.Status != http.StatusOK {
		t.Fatalf("catalogi with the token: %d %s", r.Status, r.Body)
	}
	e.App.Close()
	write("")
	e = apptest.MustStart(t, false, func(c *config.Config) { c.Applicaties = path; c.DataDir = dir })
	check(e)
	e.App.Close()
	// A start with the same file changes nothing.
	e = apptest.MustStart(t, false, func(c *config.Config) { c.Applicaties = path; c.DataDir = dir })
	check(e)
}
