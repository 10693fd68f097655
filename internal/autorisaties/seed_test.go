package autorisaties_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

const seedYAML = `# applicaties of the municipality
applicaties:
  - clientIds: [seed-zaken, seed-zaken-2]
    secret: seed-zaken-secret
    label: Zaaksysteem
    autorisaties:
      - component: ac
        scopes: [autorisaties.lezen]
      - component: zrc
        scopes: [zaken.lezen, zaken.aanmaken]
        zaaktype: https://catalogi.example.com/zaaktypen/1
        maxVertrouwelijkheidaanduiding: vertrouwelijk
  - clientIds: [seed-beheer]
    secret: seed-beheer-secret
    label: Beheer
    heeftAlleAutorisaties: true
`

const seedJSON = `[
  {"clientIds": ["seed-zaken"], "secret": "seed-zaken-secret", "label": "Zaaksysteem",
   "autorisaties": [
     {"component": "ac", "scopes": ["autorisaties.lezen"]},
     {"component": "zrc", "scopes": ["zaken.lezen", "zaken.aanmaken"], "zaaktype": "https://catalogi.example.com/zaaktypen/1", "maxVertrouwelijkheidaanduiding": "vertrouwelijk"}
   ]},
  {"clientIds": ["seed-beheer"], "secret": "seed-beheer-secret", "label": "Beheer", "heeftAlleAutorisaties": true}
]`

func writeSeed(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// seededApplicatie checks that the seeded client authenticates with its secret and returns
// its applicatie as the API renders it.
func seededApplicatie(t *testing.T, e *apptest.Env, clientID, secret string) map[string]any {
	t.Helper()
	tok, err := zgw.Token(clientID, secret, "", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties/consumer?clientId=" + clientID, Token: tok})
	if r.Status != http.StatusOK {
		t.Fatalf("consumer with the seeded client's own token = %d %s", r.Status, r.Body)
	}
	return r.JSON(t)
}

func TestSeedFile(t *testing.T) {
	t.Parallel()
	for _, f := range []struct{ name, content string }{{"applicaties.yaml", seedYAML}, {"applicaties.json", seedJSON}} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			apptest.Each(t, func(t *testing.T, e *apptest.Env) {
				ctx := context.Background()
				path := writeSeed(t, f.name, f.content)
				if _, err := e.App.Auth.SeedFile(ctx, path, e.App.Secrets); err != nil {
					t.Fatal(err)
				}
				a := seededApplicatie(t, e, "seed-zaken", "seed-zaken-secret")
				aut := a["autorisaties"].([]any)
				if a["label"] != "Zaaksysteem" || len(aut) != 2 || aut[1].(map[string]any)["maxVertrouwelijkheidaanduiding"] != "vertrouwelijk" {
					t.Errorf("seeded applicatie %v", a)
				}
				beheer := e.Get(t, root+"/applicaties/consumer?clientId=seed-beheer").JSON(t)
				if beheer["heeftAlleAutorisaties"] != true {
					t.Errorf("seeded beheer %v", beheer)
				}
				u := a["url"].(string)
				if n := len(outbox(t, e, u)); n != 1 {
					t.Fatalf("%d notifications after the first seed, want 1", n)
				}

				// Seeding again changes nothing.
				if _, err := e.App.Auth.SeedFile(ctx, path, e.App.Secrets); err != nil {
					t.Fatal(err)
				}
				if again := seededApplicatie(t, e, "seed-zaken", "seed-zaken-secret"); again["url"] != u {
					t.Errorf("second seed gave a new applicatie %v", again["url"])
				}
				if n := len(outbox(t, e, u)); n != 1 {
					t.Errorf("%d notifications after seeding twice, want 1", n)
				}

				// A changed seed updates the applicatie in place.
				changed := strings.Replace(f.content, "Zaaksysteem", "Zaaksysteem Noord", 1)
				changed = strings.Replace(changed, "vertrouwelijk", "geheim", 1)
				if _, err := e.App.Auth.SeedFile(ctx, writeSeed(t, f.name, changed), e.App.Secrets); err != nil {
					t.Fatal(err)
				}
				upd := seededApplicatie(t, e, "seed-zaken", "seed-zaken-secret")
				if upd["url"] != u || upd["label"] != "Zaaksysteem Noord" || upd["autorisaties"].([]any)[1].(map[string]any)["maxVertrouwelijkheidaanduiding"] != "geheim" {
					t.Errorf("after the changed seed: %v", upd)
				}
				rows := outbox(t, e, u)
				if len(rows) != 2 || rows[0].Actie != "create" || rows[1].Actie != "update" {
					t.Errorf("notifications %+v, want create and update", rows)
				}
			})
		})
	}
}

// ac-002 (and ac-001, ac-003) hold for seeded applicaties as for those of the API.
func TestAc002_SeedFileRejected(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, content, want string }{
		{"neither", `[{"clientIds": ["s"], "label": "S"}]`, "missing-authorizations"},
		{"both", "- clientIds: [s]\n  label: S\n  heeftAlleAutorisaties: true\n  autorisaties:\n    - component: ztc\n      scopes: [catalogi.lezen]\n", "ambiguous-authorizations-specified"},
		// ac-003 holds for seeded applicaties too.
		{"zrc without zaaktype", "applicaties:\n  - clientIds: [s]\n    label: S\n    autorisaties:\n      - component: zrc\n        scopes: [zaken.lezen]\n        maxVertrouwelijkheidaanduiding: openbaar\n", "autorisaties.0.zaaktype"},
		{"client id twice", `[{"clientIds": ["s", "s"], "label": "S", "heeftAlleAutorisaties": true}]`, "unique"},
		{"no client ids", `[{"clientIds": [], "label": "S", "heeftAlleAutorisaties": true}]`, "clientIds is empty"},
		{"not a list", `{"applicaties": {"clientIds": ["s"]}}`, "want a list"},
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, c := range cases {
			_, err := e.App.Auth.SeedFile(context.Background(), writeSeed(t, "seed.yaml", c.content), e.App.Secrets)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %v, want one about %s", c.name, err, c.want)
			}
		}
		if n := count(t, e, ""); n != 1 {
			t.Errorf("%d applicaties after rejected seeds, want only the admin", n)
		}
	})
}
