package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/spec/spectest"
)

// TestNoServerErrorOnBadInput walks every operation of every served spec and sends it input
// the spec does not allow: broken path parameters, query parameters of the wrong type, out of
// the enum, injection attempts and huge values, unknown parameters, bodies that are not
// objects, not JSON, nested deep or with a property of the wrong type or size, and wrong or
// missing headers. Bad input never gives a 5xx or a hang (design §6): a 4xx, and a 400 is
// problem+json with invalidParams.
func TestNoServerErrorOnBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := e.App.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		resources(t, e)
		s := &sweep{t: t, e: e, mismatches: &mismatches{TB: t, seen: map[string]int{}}, realUUIDs: map[string]string{}}
		base := http.DefaultTransport.(*http.Transport).Clone()
		t.Cleanup(base.CloseIdleConnections)
		// A short timeout per request makes a hang a failure instead of a stuck test.
		s.client = &http.Client{Timeout: 5 * time.Second, Transport: spectest.NewTransport(s.mismatches, base)}
		for _, api := range spec.APIs() {
			doc := spectest.Load(t, api)
			for _, op := range spectest.Operations(t, api) {
				item := doc.Paths.Find(strings.TrimPrefix(op.Path, strings.TrimSuffix(spec.Mount(api), "/")))
				s.operation(api, op, item)
			}
		}
		s.mismatches.report()
	})
}

// resources creates one resource of the main collections the demo does not fill, so that
// updates reach their validation with a real target.
func resources(t *testing.T, e *apptest.Env) {
	post := func(path string, body map[string]any) map[string]any {
		t.Helper()
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: path, Body: body, Token: e.Admin, Header: geo})
		if r.Status != http.StatusCreated {
			t.Fatalf("POST %s = %d:\n%s", path, r.Status, r.Body)
		}
		return r.JSON(t)
	}
	first := func(path string) string {
		t.Helper()
		res := e.Get(t, path).JSON(t)["results"].([]any)
		if len(res) == 0 {
			t.Fatalf("%s: nothing found", path)
		}
		return res[0].(map[string]any)["url"].(string)
	}
	zaaktype := first("/catalogi/api/v1/zaaktypen?identificatie=PARKEERVERGUNNING")
	eio := post("/documenten/api/v1/enkelvoudiginformatieobjecten", map[string]any{
		"bronorganisatie": "002220647", "creatiedatum": "2026-03-01", "titel": "Beschikking", "auteur": "Gemeente", "taal": "nld",
		"informatieobjecttype": first("/catalogi/api/v1/informatieobjecttypen?omschrijving=Beschikking"), "formaat": "text/plain",
		"bestandsnaam": "beschikking.txt", "inhoud": base64.StdEncoding.EncodeToString([]byte("Toegekend.")),
	})["url"]
	post("/documenten/api/v1/gebruiksrechten", map[string]any{"informatieobject": eio, "omschrijvingVoorwaarden": "geen", "startdatum": "2026-03-01T00:00:00Z"})
	zaak := post("/zaken/api/v1/zaken", map[string]any{
		"zaaktype": zaaktype, "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647", "startdatum": "2026-03-01",
	})["url"]
	post("/zaken/api/v1/zaakinformatieobjecten", map[string]any{"zaak": zaak, "informatieobject": eio})
	post("/zaken/api/v1/statussen", map[string]any{"zaak": zaak, "statustype": first("/catalogi/api/v1/statustypen?zaaktype=" + url.QueryEscape(zaaktype)), "datumStatusGezet": "2026-03-01T10:00:00Z"})
	besluit := post("/besluiten/api/v1/besluiten", map[string]any{
		"verantwoordelijkeOrganisatie": "002220647", "besluittype": first("/catalogi/api/v1/besluittypen?omschrijving=Parkeervergunning"),
		"zaak": zaak, "datum": "2026-03-02", "ingangsdatum": "2026-03-02",
	})["url"]
	post("/besluiten/api/v1/besluitinformatieobjecten", map[string]any{"besluit": besluit, "informatieobject": eio})

	ki := spec.Mount("klantinteracties")
	fk := func(o map[string]any) map[string]any { return map[string]any{"uuid": o["uuid"]} }
	partij := post(ki+"/partijen", map[string]any{"soortPartij": "persoon", "indicatieActief": true, "digitaleAdressen": nil, "rekeningnummers": nil,
		"voorkeursDigitaalAdres": nil, "voorkeursRekeningnummer": nil, "indicatieGeheimhouding": false, "voorkeurstaal": "nld",
		"partijIdentificatie": map[string]any{"contactnaam": map[string]any{"voorletters": "J", "voornaam": "Jan", "voorvoegselAchternaam": "van", "achternaam": "Dijk"}}})
	kc := post(ki+"/klantcontacten", map[string]any{"kanaal": "telefoon", "onderwerp": "afval", "taal": "nld", "vertrouwelijk": false, "inhoud": "Vraag"})
	b := post(ki+"/betrokkenen", map[string]any{"hadKlantcontact": fk(kc), "wasPartij": fk(partij), "rol": "klant", "initiator": true})
	post(ki+"/digitaleadressen", map[string]any{"verstrektDoorBetrokkene": fk(b), "verstrektDoorPartij": nil, "adres": "jan@example.nl", "soortDigitaalAdres": "email"})
	post(ki+"/onderwerpobjecten", map[string]any{"klantcontact": fk(kc), "wasKlantcontact": nil,
		"onderwerpobjectidentificator": map[string]any{"codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "uuid", "objectId": "0a1b"}})
	post(ki+"/bijlagen", map[string]any{"wasBijlageVanKlantcontact": fk(kc),
		"bijlageidentificator": map[string]any{"codeObjecttype": "document", "codeRegister": "drc", "codeSoortObjectId": "uuid", "objectId": "d1"}})
	actor := post(ki+"/actoren", map[string]any{"naam": "Mia", "soortActor": "medewerker", "indicatieActief": true,
		"actorIdentificatie": map[string]any{"functie": "KCC", "telefoonnummer": "0201234567", "emailadres": "mw@example.nl"}})
	post(ki+"/actorklantcontacten", map[string]any{"actor": fk(actor), "klantcontact": fk(kc)})
	post(ki+"/internetaken", map[string]any{"gevraagdeHandeling": "Terugbellen", "aanleidinggevendKlantcontact": fk(kc),
		"toegewezenAanActoren": []any{fk(actor)}, "status": "te_verwerken"})
}

type sweep struct {
	t          *testing.T
	e          *apptest.Env
	client     *http.Client
	mismatches *mismatches
	realUUIDs  map[string]string // collection path -> uuid of an existing resource
}

const (
	missingUUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	injection   = "' OR 1=1 --"
)

var (
	geo       = map[string]string{"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
	pathParam = regexp.MustCompile(`\{[^}]*\}`)
)

// operation sends the malformed variants of one operation.
func (s *sweep) operation(api string, op spectest.Operation, item *openapi3.PathItem) {
	o := item.GetOperation(op.Method)
	params := append(slices.Clone(item.Parameters), o.Parameters...)
	target := s.fill(op.Path, "", "")
	if op.Method == http.MethodDelete {
		// A delete that got through would cost the resources the other operations need.
		target = pathParam.ReplaceAllString(op.Path, missingUUID)
	}
	name := func(input string) string { return fmt.Sprintf("%s %s %s: %s", api, op.Method, op.Path, input) }

	for _, p := range params {
		if p.Value.In != openapi3.ParameterInPath {
			continue
		}
		n := p.Value.Name
		s.check(name("path "+n+" not a uuid"), op.Method, s.fill(op.Path, n, "geen-uuid"), nil, nil)
		s.check(name("path "+n+" 5000 chars"), op.Method, s.fill(op.Path, n, strings.Repeat("a", 5000)), nil, nil)
		s.check(name("path "+n+" invalid UTF-8"), op.Method, s.fill(op.Path, n, "%FF%00"), nil, nil)
	}
	if op.Method == http.MethodGet {
		for _, p := range params {
			if p.Value.In != openapi3.ParameterInQuery {
				continue
			}
			n := p.Value.Name
			for input, v := range queryValues(p.Value.Schema) {
				s.check(name("query "+n+" "+input), op.Method, target+"?"+url.QueryEscape(n)+"="+v, nil, nil)
			}
		}
		s.check(name("undeclared query parameter"), op.Method, target+"?onbekend=1", nil, nil)
		s.check(name("If-None-Match *"), op.Method, target, nil, map[string]string{"If-None-Match": "*"})
	}
	if slices.ContainsFunc(params, func(p *openapi3.ParameterRef) bool {
		return p.Value.In == openapi3.ParameterInHeader && p.Value.Required && (p.Value.Name == "Accept-Crs" || p.Value.Name == "Content-Crs")
	}) {
		s.check(name("no Accept-Crs/Content-Crs"), op.Method, target, body(op.Method, "{}"), map[string]string{"Accept-Crs": "", "Content-Crs": ""})
	}
	if o.RequestBody == nil || o.RequestBody.Value.Content.Get("application/json") == nil {
		return
	}
	deep := strings.Repeat(`{"a":`, 64) + "1" + strings.Repeat("}", 64)
	for input, b := range map[string]string{"{}": "{}", "[]": "[]", "null": "null", "not JSON": "geen json", "64 levels deep": deep} {
		s.check(name("body "+input), op.Method, target, b, nil)
	}
	s.check(name("Content-Type text/plain"), op.Method, target, "{}", map[string]string{"Content-Type": "text/plain"})

	// Each property gets its bad values in an otherwise plausible body: for an update of an
	// existing resource that resource itself, for a create an existing one of the
	// collection, so that the handler's own validation is reached, not only the schema's.
	// A PUT that has a PATCH beside it (the same validation) gets only the wrong JSON type,
	// which keeps the sweep's running time in bounds.
	var base map[string]any
	if op.Method != http.MethodPatch {
		base = s.example(op.Path)
	}
	for prop, sch := range properties(o.RequestBody.Value.Content.Get("application/json").Schema) {
		for input, v := range s.propertyValues(sch, 1) {
			if op.Method == http.MethodPut && item.Patch != nil && !wrongType[input] {
				continue
			}
			b := maps.Clone(base)
			if b == nil {
				b = map[string]any{}
			}
			b[prop] = v
			s.check(name("property "+prop+" "+input), op.Method, target, b, nil)
		}
	}
}

// wrongType are the inputs of propertyValues that give a property another JSON type.
var wrongType = map[string]bool{"number": true, "string": true, "object": true, "array": true}

// fill replaces the path parameters of path: param by value, the others by the uuid of an
// existing resource where the collection has one (so updates reach their validation), else
// by a uuid that does not exist.
func (s *sweep) fill(path, param, value string) string {
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			return path
		}
		j := strings.Index(path, "}")
		n := path[i+1 : j]
		v := value
		if n != param {
			v = s.realUUID(strings.TrimSuffix(path[:i], "/"))
			if n == "index" {
				v = "1"
			}
		}
		path = path[:i] + v + path[j+1:]
	}
}

// realUUID is the uuid of an existing resource of collection, missingUUID when it has none.
func (s *sweep) realUUID(collection string) string {
	if u, ok := s.realUUIDs[collection]; ok {
		return u
	}
	u := missingUUID
	if first := s.first(collection); first != nil {
		for _, k := range []string{"url", "uuid"} {
			if v, ok := first[k].(string); ok {
				u = v[strings.LastIndex(v, "/")+1:]
				break
			}
		}
	}
	s.realUUIDs[collection] = u
	return u
}

// first is the first resource of a collection, nil when there is none.
func (s *sweep) first(collection string) map[string]any {
	r := s.e.Do(s.t, apptest.Req{Method: http.MethodGet, URL: collection, Token: s.e.Admin, Header: geo, Unchecked: true})
	if r.Status != http.StatusOK {
		return nil
	}
	var page struct {
		Results []map[string]any `json:"results"`
	}
	var list []map[string]any
	if json.Unmarshal(r.Body, &page) == nil && len(page.Results) > 0 {
		return page.Results[0]
	}
	if json.Unmarshal(r.Body, &list) == nil && len(list) > 0 {
		return list[0]
	}
	return nil
}

var uuidSegment = regexp.MustCompile(`/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// example is an existing resource to base a body for path on: the resource itself for a
// detail path, the first of the collection for a collection path.
func (s *sweep) example(path string) map[string]any {
	target := s.fill(path, "", "")
	if uuidSegment.MatchString(target) {
		r := s.e.Do(s.t, apptest.Req{Method: http.MethodGet, URL: target, Token: s.e.Admin, Header: geo, Unchecked: true})
		var m map[string]any
		if r.Status == http.StatusOK && json.Unmarshal(r.Body, &m) == nil {
			return m
		}
		return nil
	}
	return s.first(target)
}

// body is the body a request of method carries in the header cases.
func body(method, b string) any {
	if method == http.MethodGet || method == http.MethodDelete || method == http.MethodHead {
		return nil
	}
	return b
}

// queryValues are the bad values of a query parameter, escaped for the query string:
// injection and wildcard text, a huge value, text that is not UTF-8 or holds a NUL, a list
// too long for one SQL statement, one of the wrong type where the schema has one, one
// outside the enum, and for an integer one too large and one negative.
func queryValues(ref *openapi3.SchemaRef) map[string]string {
	vs := map[string]string{"injection": injection, "wildcard": "%", "10000 chars": strings.Repeat("x", 10000), "invalid UTF-8": "a\xffb", "NUL": "a\x00b"}
	list := ""
	if ref != nil && ref.Value != nil {
		sch := ref.Value
		if sch.Type.Is("array") && sch.Items != nil && sch.Items.Value != nil {
			// More items than SQLite takes parameters in one statement (32,766); the commas
			// go unescaped so that the request still fits the server's header limit.
			list = strings.Repeat("1,", 33000) + "1"
			sch = sch.Items.Value
		}
		switch {
		case sch.Type.Is("integer"), sch.Type.Is("number"), sch.Type.Is("boolean"),
			slices.Contains([]string{"date", "date-time", "uuid", "uri"}, sch.Format):
			vs["wrong type"] = "geen-" + sch.Format + strings.Join(sch.Type.Slice(), "")
		}
		if sch.Type.Is("integer") {
			vs["huge"], vs["negative"] = "99999999999999999999", "-1"
		}
		if len(sch.Enum) > 0 {
			vs["not in enum"] = "onbekende-waarde"
		}
	}
	for k, v := range vs {
		vs[k] = url.QueryEscape(v)
	}
	if list != "" {
		vs["33001 items"] = list
	}
	return vs
}

// properties are the top-level properties of a body schema, allOf included.
func properties(ref *openapi3.SchemaRef) openapi3.Schemas {
	out := openapi3.Schemas{}
	if ref == nil || ref.Value == nil {
		return out
	}
	for k, v := range ref.Value.Properties {
		out[k] = v
	}
	for _, sub := range ref.Value.AllOf {
		for k, v := range properties(sub) {
			out[k] = v
		}
	}
	return out
}

// propertyValues are the bad values of a body property: one of another JSON type; for a
// string a 100 KB one and a NUL, for a date an impossible one, for a URL or uuid one that
// points nowhere; for a list of strings one longer than a SQL statement takes parameters;
// for a free-form object one 64 levels deep. Within an object (to depth levels) and in an
// array's item each property in turn gets its bad values.
func (s *sweep) propertyValues(ref *openapi3.SchemaRef, depth int) map[string]any {
	if ref == nil || ref.Value == nil || ref.Value.ReadOnly {
		return nil
	}
	sch := ref.Value
	switch {
	case sch.Type.Is("string"):
		vs := map[string]any{"number": 42, "100 KB": strings.Repeat("x", 100<<10), "NUL": "a\x00b"}
		switch sch.Format {
		case "date", "date-time":
			vs["impossible date"] = "2026-02-30T25:61:00+99:00"
		case "uri":
			vs["unreachable URL"] = "http://127.0.0.1:1/api/v1/x/" + missingUUID
			vs["missing local URL"] = s.e.URL + "/catalogi/api/v1/zaaktypen/" + missingUUID
			vs["URL of another resource"] = s.e.URL + "/autorisaties/api/v1/applicaties/" + s.realUUID("/autorisaties/api/v1/applicaties")
		case "uuid":
			vs["missing uuid"] = missingUUID
		}
		return vs
	case sch.Type.Is("integer"), sch.Type.Is("number"):
		return map[string]any{"string": "geen getal", "huge": 1e20, "negative": -1}
	case sch.Type.Is("boolean"):
		return map[string]any{"string": "ja"}
	case sch.Type.Is("array"):
		vs := map[string]any{"object": map[string]any{"a": 1}}
		for input, v := range s.propertyValues(sch.Items, depth) {
			vs["item "+input] = []any{v}
		}
		// More items than a SQL statement can take parameters (PostgreSQL: 65,535).
		if it := sch.Items; it != nil && it.Value != nil && it.Value.Type.Is("string") {
			many := make([]string, 70000)
			for i := range many {
				switch it.Value.Format {
				case "uuid":
					many[i] = fmt.Sprintf("%08x-0000-4000-8000-000000000000", i)
				case "uri":
					many[i] = s.e.URL + "/" + strconv.Itoa(i)
				default:
					many[i] = strconv.Itoa(i)
				}
			}
			vs["70000 items"] = many
		}
		return vs
	case sch.Type.Is("object") && len(sch.Properties) == 0:
		var deep any = 1
		for range 64 {
			deep = map[string]any{"a": deep}
		}
		return map[string]any{"array": []any{1}, "64 levels deep": deep}
	case sch.Type.Is("object") && depth > 0:
		vs := map[string]any{"array": []any{1}}
		for prop, sub := range properties(ref) {
			for input, v := range s.propertyValues(sub, depth-1) {
				vs[prop+" "+input] = map[string]any{prop: v}
			}
		}
		return vs
	default:
		return map[string]any{"array": []any{true}}
	}
}

// check sends one request and holds its answer to the house rule.
func (s *sweep) check(name, method, target string, b any, header map[string]string) {
	s.t.Helper()
	status, ct, raw, err := s.send(name, method, target, b, header)
	switch {
	case err != nil:
		s.t.Errorf("%s: %v", name, err)
	case status >= 500:
		s.t.Errorf("%s: status %d:\n%.300s", name, status, raw)
	case status == http.StatusBadRequest:
		var p struct {
			InvalidParams []struct{ Name, Code string } `json:"invalidParams"`
		}
		if ct != "application/problem+json" || json.Unmarshal(raw, &p) != nil || len(p.InvalidParams) == 0 {
			s.t.Errorf("%s: 400 without problem+json invalidParams (%s):\n%.300s", name, ct, raw)
		}
	}
}

func (s *sweep) send(name, method, target string, b any, header map[string]string) (int, string, []byte, error) {
	var rd io.Reader
	switch b := b.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return 0, "", nil, err
		}
		rd = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, s.e.URL+target, rd)
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.e.Admin)
	for k, v := range geo {
		req.Header.Set(k, v)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.client.Do(spectest.ReportTo(spectest.BadInput(req), s.mismatches.as(name)))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return 0, "", nil, fmt.Errorf("no answer within 5 s")
		}
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), raw, err
}

// mismatches collects the answers the spec of the operation does not document (a 400 on
// a read that lists none, say). They are logged once per operation and answer, not failed:
// the official specs leave out many error answers that the standard's rules require.
type mismatches struct {
	testing.TB
	op   string
	seen map[string]int
}

func (m *mismatches) as(name string) *mismatches {
	op, _, _ := strings.Cut(name, ": ")
	return &mismatches{TB: m.TB, op: op, seen: m.seen}
}

func (m *mismatches) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if _, answer, ok := strings.Cut(msg, " -> "); ok {
		msg = answer
	}
	m.seen[m.op+" -> "+msg]++
}

func (m *mismatches) report() {
	keys := slices.Sorted(maps.Keys(m.seen))
	for _, k := range keys {
		m.TB.Logf("not in the spec (%d inputs): %.300s", m.seen[k], k)
	}
}
