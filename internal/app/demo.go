package app

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/objecten"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/zgw"
)

// The demo client: all rights, a fixed secret. Only `meent demo` creates it.
const (
	DemoClientID = "meent-demo"
	demoSecret   = "meent-demo-secret"
	// demoToken is the demo client's API token, for the APIs that Open Klant and Open Object
	// clients call with "Authorization: Token".
	demoToken = "meent-demo-token-for-klantinteracties-and-objecten"
)

// demoCatalogus is the demo municipality's catalogue, written as API request bodies. Strings
// "${kind:key}" are references resolved while seeding: selectielijst procestypen by nummer
// (2020 list), resultaten by volledigNummer, resultaattypeomschrijvingen by omschrijving.
//
//go:embed demo.json
var demoCatalogus []byte

type demoData struct {
	Catalogus             map[string]any   `json:"catalogus"`
	Informatieobjecttypen []map[string]any `json:"informatieobjecttypen"`
	Besluittypen          []map[string]any `json:"besluittypen"`
	Zaaktypen             []struct {
		Zaaktype              map[string]any   `json:"zaaktype"`
		Statustypen           []map[string]any `json:"statustypen"`
		Roltypen              []map[string]any `json:"roltypen"`
		Resultaattypen        []map[string]any `json:"resultaattypen"`
		Eigenschappen         []map[string]any `json:"eigenschappen"`
		Informatieobjecttypen []map[string]any `json:"informatieobjecttypen"`
	} `json:"zaaktypen"`
}

// SeedDemo fills the database with the demo municipality through the APIs themselves, in
// process, so the demo data passes every rule a client's data would. Every step looks before
// it writes, so a second run on the same data dir adds nothing; a zaaktype left half-made by an
// interrupted run (still concept) is made again.
func (a *App) SeedDemo(ctx context.Context) error {
	err := a.Auth.Seed(ctx, []autorisaties.Seed{{
		ClientIDs: []string{DemoClientID}, Secret: demoSecret, Tokens: []string{demoToken}, Label: "Meent demo", HeeftAlleAutorisaties: true,
	}}, a.Secrets)
	if err != nil {
		return err
	}
	if a.Config.Serves("objecttypen") {
		// The objecttypen the citizen portal and e-forms use: taak, productaanvraag, bericht.
		if err := objecten.SeedObjecttypen(ctx, a.DB); err != nil {
			return err
		}
	}
	var d demoData
	if err := json.Unmarshal(demoCatalogus, &d); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	s := &seeder{a: a, ctx: zgw.WithSystem(ctx), catalogi: spec.Mount("catalogi")}
	refs := s.referenties()
	cat := s.findOrCreate("/catalogussen?domein=DEMO", "/catalogussen", d.Catalogus)
	for _, iot := range d.Informatieobjecttypen {
		iot["catalogus"] = cat
		u := s.findOrCreate("/informatieobjecttypen?status=alles&catalogus="+url.QueryEscape(cat)+"&omschrijving="+url.QueryEscape(iot["omschrijving"].(string)), "/informatieobjecttypen", iot)
		s.publish(u)
	}
	for _, bt := range d.Besluittypen {
		bt["catalogus"] = cat
		u := s.findOrCreate("/besluittypen?status=alles&catalogus="+url.QueryEscape(cat)+"&omschrijving="+url.QueryEscape(bt["omschrijving"].(string)), "/besluittypen", bt)
		s.publish(u)
	}
	for _, z := range d.Zaaktypen {
		z.Zaaktype["catalogus"] = cat
		query := "/zaaktypen?status=alles&catalogus=" + url.QueryEscape(cat) + "&identificatie=" + url.QueryEscape(z.Zaaktype["identificatie"].(string))
		if existing := s.first(query); existing != nil {
			if existing["concept"] == false {
				continue
			}
			s.do(http.MethodDelete, existing["url"].(string), nil, http.StatusNoContent)
		}
		zt := s.create("/zaaktypen", resolve(z.Zaaktype, refs))["url"].(string)
		for path, items := range map[string][]map[string]any{
			"/statustypen": z.Statustypen, "/roltypen": z.Roltypen, "/resultaattypen": z.Resultaattypen,
			"/eigenschappen": z.Eigenschappen, "/zaaktype-informatieobjecttypen": z.Informatieobjecttypen,
		} {
			for _, item := range items {
				item["zaaktype"] = zt
				s.create(path, resolve(item, refs))
			}
		}
		s.publish(zt)
	}
	return s.err
}

// seeder makes in-process API calls and keeps the first error, so the seeding reads as a
// script and stops doing anything after a failure.
type seeder struct {
	a        *App
	ctx      context.Context
	catalogi string
	err      error
}

func (s *seeder) do(method, target string, body any, want int) map[string]any {
	if s.err != nil {
		return nil
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.err = err
			return nil
		}
		r = bytes.NewReader(b)
	}
	target = strings.TrimPrefix(target, s.a.Config.PublicURL)
	req, err := http.NewRequestWithContext(s.ctx, method, target, r)
	if err != nil {
		s.err = err
		return nil
	}
	req.Header.Set("Content-Type", "application/json")
	w := zgw.NewResponseBuffer()
	s.a.Handler.ServeHTTP(w, req)
	if w.Status != want {
		s.err = fmt.Errorf("%s %s: %d: %s", method, target, w.Status, w.Body.String())
		return nil
	}
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			var list []any
			if json.Unmarshal(w.Body.Bytes(), &list) == nil {
				return map[string]any{"results": list}
			}
			s.err = fmt.Errorf("%s %s: %w", method, target, err)
		}
	}
	return out
}

func (s *seeder) create(path string, body map[string]any) map[string]any {
	out := s.do(http.MethodPost, s.catalogi+path, body, http.StatusCreated)
	if out == nil && s.err == nil {
		s.err = fmt.Errorf("POST %s: empty answer", path)
	}
	return out
}

// first returns the first result of a list query below the catalogi root, or nil.
func (s *seeder) first(query string) map[string]any {
	return firstResult(s.do(http.MethodGet, s.catalogi+query, nil, http.StatusOK))
}

func firstResult(list map[string]any) map[string]any {
	results, _ := list["results"].([]any)
	if len(results) == 0 {
		return nil
	}
	m, _ := results[0].(map[string]any)
	return m
}

func (s *seeder) findOrCreate(query, path string, body map[string]any) string {
	if m := s.first(query); m != nil {
		return m["url"].(string)
	}
	if m := s.create(path, body); m != nil {
		return m["url"].(string)
	}
	return ""
}

func (s *seeder) publish(typeURL string) {
	if s.err != nil {
		return
	}
	if cur := s.do(http.MethodGet, typeURL, nil, http.StatusOK); cur != nil && cur["concept"] == true {
		s.do(http.MethodPost, typeURL+"/publish", nil, http.StatusOK)
	}
}

// referenties maps "${kind:key}" to the URL of that Referentielijsten resource.
func (s *seeder) referenties() map[string]string {
	refs := map[string]string{}
	root := spec.Mount("referentielijsten")
	if s.a.Config.ReferentielijstenURL != "" {
		root = s.a.Config.ReferentielijstenURL
	}
	procestypen := s.do(http.MethodGet, root+"/procestypen?jaar=2020", nil, http.StatusOK)
	for _, p := range list(procestypen) {
		pt := p["url"].(string)
		refs[fmt.Sprintf("procestype:%v", p["nummer"])] = pt
		resultaten := s.do(http.MethodGet, root+"/resultaten?procesType="+url.QueryEscape(pt), nil, http.StatusOK)
		for _, r := range list(resultaten) {
			refs["resultaat:"+fmt.Sprint(r["volledigNummer"])] = r["url"].(string)
		}
	}
	for _, o := range list(s.do(http.MethodGet, root+"/resultaattypeomschrijvingen", nil, http.StatusOK)) {
		refs["resultaattypeomschrijving:"+fmt.Sprint(o["omschrijving"])] = o["url"].(string)
	}
	return refs
}

func list(m map[string]any) []map[string]any {
	var out []map[string]any
	results, _ := m["results"].([]any)
	for _, r := range results {
		if x, ok := r.(map[string]any); ok {
			out = append(out, x)
		}
	}
	return out
}

var refPattern = regexp.MustCompile(`^\$\{([a-z]+:[^}]+)\}$`)

// resolve replaces "${kind:key}" strings (at any depth) by their URL; an unknown reference is
// left as is, so the API's own validation names the field.
func resolve(v map[string]any, refs map[string]string) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = resolveValue(x, refs)
	}
	return out
}

func resolveValue(x any, refs map[string]string) any {
	switch t := x.(type) {
	case string:
		if m := refPattern.FindStringSubmatch(t); m != nil {
			if u, ok := refs[m[1]]; ok {
				return u
			}
		}
	case map[string]any:
		return resolve(t, refs)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = resolveValue(e, refs)
		}
		return out
	}
	return x
}

func (a *App) printDemo(w io.Writer) {
	base := a.Config.PublicURL
	fmt.Fprintf(w, "\nMeent demo is running at %s\n\n", base)
	for _, api := range spec.APIs() {
		if a.Config.Serves(api) {
			fmt.Fprintf(w, "  %-18s %s%s\n", api, base, spec.Mount(api))
		}
	}
	fmt.Fprintf(w, "\nclient id: %s\nsecret:    %s\ntoken:     %s (Authorization: Token, for Klantinteracties and Objecten)\n\n", DemoClientID, demoSecret, demoToken)
	fmt.Fprintf(w, "Try:\n  curl -H \"Authorization: Bearer $(go run ./cmd/meent token --data-dir %s)\" %s%s/zaaktypen\n\n",
		a.Config.DataDir, base, spec.Mount("catalogi"))
}
