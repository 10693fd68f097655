// Package benchdata fills a Meent database with a generated municipality for the
// benchmarks and load runs: a real, published catalogue made through the Catalogi API in
// process, and zaken written in bulk by zaken.Generate.
package benchdata

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/meent/meent/internal/app"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/zaken"
	"github.com/meent/meent/internal/zgw"
)

// Domein is the domein of the generated catalogus; a second run reuses it.
const Domein = "BENCH"

// client makes in-process API calls as the system principal.
type client struct {
	a   *app.App
	ctx context.Context
}

func (c *client) do(method, target string, body any, want int) (map[string]any, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	target = strings.TrimPrefix(target, c.a.Config.PublicURL)
	req, err := http.NewRequestWithContext(c.ctx, method, target, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	w := zgw.NewResponseBuffer()
	c.a.Handler.ServeHTTP(w, req)
	if w.Status != want {
		return nil, fmt.Errorf("%s %s: %d: %s", method, target, w.Status, w.Body.String())
	}
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			var list []any
			if json.Unmarshal(w.Body.Bytes(), &list) != nil {
				return nil, fmt.Errorf("%s %s: %w", method, target, err)
			}
			out = map[string]any{"results": list}
		}
	}
	return out, nil
}

func results(m map[string]any) []map[string]any {
	var out []map[string]any
	rs, _ := m["results"].([]any)
	for _, r := range rs {
		if x, ok := r.(map[string]any); ok {
			out = append(out, x)
		}
	}
	return out
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// Catalogus makes (or, on a second run, finds) the catalogus BENCH with n published
// zaaktypen, each with five statustypen, an initiator and a behandelaar roltype and one
// resultaattype, through the Catalogi API.
func Catalogus(ctx context.Context, a *app.App, n int) ([]zaken.GenZaaktype, error) {
	c := &client{a: a, ctx: zgw.WithSystem(ctx)}
	root := spec.Mount("catalogi")
	list, err := c.do(http.MethodGet, root+"/catalogussen?domein="+Domein, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var cat string
	if rs := results(list); len(rs) > 0 {
		cat = str(rs[0], "url")
	} else {
		m, err := c.do(http.MethodPost, root+"/catalogussen", map[string]any{"domein": Domein, "rsin": "002220647",
			"contactpersoonBeheerNaam": "Team Zaakgericht Werken", "naam": "Gemeente Benchdam", "versie": "2026",
			"begindatumVersie": "2026-01-01"}, http.StatusCreated)
		if err != nil {
			return nil, err
		}
		cat = str(m, "url")
	}
	refs, err := c.referenties()
	if err != nil {
		return nil, err
	}
	var out []zaken.GenZaaktype
	for i := range n {
		ident := fmt.Sprintf("BENCH-%03d", i+1)
		existing, err := c.do(http.MethodGet, root+"/zaaktypen?status=definitief&catalogus="+url.QueryEscape(cat)+"&identificatie="+ident, nil, http.StatusOK)
		if err != nil {
			return nil, err
		}
		zt := ""
		if rs := results(existing); len(rs) > 0 {
			zt = str(rs[0], "url")
		} else if zt, err = c.zaaktype(root, cat, ident, i, refs); err != nil {
			return nil, err
		}
		g, err := c.read(root, zt)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

var vertrouwelijkheden = []string{"openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk"}

// zaaktype creates and publishes zaaktype number i.
func (c *client) zaaktype(root, cat, ident string, i int, refs [3]string) (string, error) {
	m, err := c.do(http.MethodPost, root+"/zaaktypen", map[string]any{
		"catalogus": cat, "identificatie": ident, "omschrijving": fmt.Sprintf("Benchzaak %d", i+1), "omschrijvingGeneriek": "Bench",
		"vertrouwelijkheidaanduiding": vertrouwelijkheden[i%len(vertrouwelijkheden)], "doel": "Zaken voor de prestatiemetingen.",
		"aanleiding": "Een inwoner doet een aanvraag.", "indicatieInternOfExtern": "extern", "handelingInitiator": "Aanvragen",
		"onderwerp": "Bench", "handelingBehandelaar": "Behandelen", "doorlooptijd": "P28D", "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": false, "trefwoorden": []string{"bench"}, "publicatieIndicatie": false,
		"productenOfDiensten":     []string{"https://producten.bench.example/" + strings.ToLower(ident)},
		"selectielijstProcestype": refs[0], "referentieproces": map[string]any{"naam": "Behandelen"},
		"verantwoordelijke": "Afdeling Dienstverlening", "versiedatum": "2026-01-01", "beginGeldigheid": "2026-01-01",
		"besluittypen": []string{}, "gerelateerdeZaaktypen": []any{}, "deelzaaktypen": []string{},
	}, http.StatusCreated)
	if err != nil {
		return "", err
	}
	zt := str(m, "url")
	for k, st := range []string{"Ontvangen", "In behandeling", "Wacht op informatie", "Besluitvorming", "Afgehandeld"} {
		if _, err := c.do(http.MethodPost, root+"/statustypen", map[string]any{"zaaktype": zt, "omschrijving": st,
			"volgnummer": k + 1, "informeren": true, "statustekst": st}, http.StatusCreated); err != nil {
			return "", err
		}
	}
	for _, rt := range [][2]string{{"Aanvrager", "initiator"}, {"Behandelaar", "behandelaar"}} {
		if _, err := c.do(http.MethodPost, root+"/roltypen", map[string]any{"zaaktype": zt, "omschrijving": rt[0],
			"omschrijvingGeneriek": rt[1]}, http.StatusCreated); err != nil {
			return "", err
		}
	}
	if _, err := c.do(http.MethodPost, root+"/resultaattypen", map[string]any{"zaaktype": zt, "omschrijving": "Afgehandeld",
		"resultaattypeomschrijving": refs[2], "selectielijstklasse": refs[1],
		"brondatumArchiefprocedure": map[string]any{"afleidingswijze": "afgehandeld"}, "besluittypen": []string{}}, http.StatusCreated); err != nil {
		return "", err
	}
	if _, err := c.do(http.MethodPost, zt+"/publish", nil, http.StatusOK); err != nil {
		return "", err
	}
	return zt, nil
}

// read loads what the generator needs of a published zaaktype.
func (c *client) read(root, zt string) (zaken.GenZaaktype, error) {
	g := zaken.GenZaaktype{URL: zt}
	m, err := c.do(http.MethodGet, zt, nil, http.StatusOK)
	if err != nil {
		return g, err
	}
	g.Vertrouwelijkheidaanduiding = str(m, "vertrouwelijkheidaanduiding")
	q := "?zaaktype=" + url.QueryEscape(zt)
	sts, err := c.do(http.MethodGet, root+"/statustypen"+q, nil, http.StatusOK)
	if err != nil {
		return g, err
	}
	byNr := map[float64]string{}
	for _, s := range results(sts) {
		nr, _ := s["volgnummer"].(float64)
		byNr[nr] = str(s, "url")
	}
	for k := 1; k <= len(byNr); k++ {
		g.Statustypen = append(g.Statustypen, byNr[float64(k)])
	}
	rts, err := c.do(http.MethodGet, root+"/roltypen"+q, nil, http.StatusOK)
	if err != nil {
		return g, err
	}
	for _, r := range results(rts) {
		rt := zaken.GenRoltype{URL: str(r, "url"), Omschrijving: str(r, "omschrijving"), OmschrijvingGeneriek: str(r, "omschrijvingGeneriek")}
		switch rt.OmschrijvingGeneriek {
		case "initiator":
			g.Initiator = rt
		case "behandelaar":
			g.Behandelaar = rt
		}
	}
	rs, err := c.do(http.MethodGet, root+"/resultaattypen"+q, nil, http.StatusOK)
	if err != nil {
		return g, err
	}
	if r := results(rs); len(r) > 0 {
		g.Resultaattype = str(r[0], "url")
		g.Archiefnominatie = str(r[0], "archiefnominatie")
		g.ArchiefJaren = jaren(str(r[0], "archiefactietermijn"))
	}
	if len(g.Statustypen) < 2 || g.Initiator.URL == "" || g.Behandelaar.URL == "" || g.Resultaattype == "" || g.Archiefnominatie == "" {
		return g, fmt.Errorf("zaaktype %s is incomplete for the generator", zt)
	}
	return g, nil
}

// jaren reads the years of an ISO 8601 duration such as P10Y (0 when there are none).
func jaren(d string) int {
	var n int
	if _, err := fmt.Sscanf(d, "P%dY", &n); err != nil {
		return 0
	}
	return n
}

// referenties finds a procestype of the 2020 selectielijst, a resultaat of it with an
// archiefactietermijn, and a resultaattypeomschrijving, in the Referentielijsten API.
func (c *client) referenties() (out [3]string, err error) {
	root := spec.Mount("referentielijsten")
	if c.a.Config.ReferentielijstenURL != "" {
		root = c.a.Config.ReferentielijstenURL
	}
	pts, err := c.do(http.MethodGet, root+"/procestypen?jaar=2020", nil, http.StatusOK)
	if err != nil {
		return out, err
	}
	for _, p := range results(pts) {
		rs, err := c.do(http.MethodGet, root+"/resultaten?procesType="+url.QueryEscape(str(p, "url")), nil, http.StatusOK)
		if err != nil {
			return out, err
		}
		for _, r := range results(rs) {
			if str(r, "waardering") == "vernietigen" && str(r, "bewaartermijn") != "" {
				out[0], out[1] = str(p, "url"), str(r, "url")
				break
			}
		}
		if out[1] != "" {
			break
		}
	}
	oms, err := c.do(http.MethodGet, root+"/resultaattypeomschrijvingen", nil, http.StatusOK)
	if err != nil {
		return out, err
	}
	for _, o := range results(oms) {
		if str(o, "omschrijving") == "Afgehandeld" || out[2] == "" {
			out[2] = str(o, "url")
		}
	}
	if out[0] == "" || out[2] == "" {
		return out, fmt.Errorf("referentielijsten: no procestype/resultaat/resultaattypeomschrijving to use")
	}
	return out, nil
}
