package spectest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meent/meent/internal/spec"
)

// recorder is a testing.TB that keeps the failures the client reports, so
// that a test can assert the client fails a test when it should.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) reported() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

// reply is a canned response of the fake server.
type reply struct {
	status      int
	contentType string
	body        string
}

// server answers every request with rep and records the request body it got.
func server(t *testing.T, rep reply) (*httptest.Server, *string) {
	t.Helper()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		if rep.contentType != "" {
			w.Header().Set("Content-Type", rep.contentType)
		}
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

// do sends one request through a validating client with a recorder and
// returns the recorder and the response body as the caller reads it.
func do(t *testing.T, rep reply, method, path, body string, mark func(*http.Request) *http.Request) (*recorder, string) {
	t.Helper()
	srv, _ := server(t, rep)
	rec := &recorder{TB: t}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if mark != nil {
		req = mark(req)
	}
	resp, err := Client(rec, "catalogi", "autorisaties").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec, string(got)
}

const catalogusPath = "/catalogi/api/v1/catalogussen/7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11"

const goodCatalogus = `{
  "url": "http://127.0.0.1/catalogi/api/v1/catalogussen/7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11",
  "domein": "ABC",
  "rsin": "002220647",
  "contactpersoonBeheerNaam": "Beheer",
  "contactpersoonBeheerTelefoonnummer": "",
  "contactpersoonBeheerEmailadres": "",
  "zaaktypen": [],
  "besluittypen": [],
  "informatieobjecttypen": [],
  "naam": null,
  "versie": null,
  "begindatumVersie": null
}`

func TestClientPassesCorrectResponse(t *testing.T) {
	rec, body := do(t, reply{200, "application/json", goodCatalogus}, "GET", catalogusPath, "", nil)
	if msg := rec.reported(); msg != "" {
		t.Errorf("a correct exchange was reported:\n%s", msg)
	}
	if body != goodCatalogus {
		t.Errorf("caller got body %q, want what the server sent", body)
	}
}

func TestClientCatchesWrongResponse(t *testing.T) {
	for name, rep := range map[string]reply{
		"required field missing": {200, "application/json", `{"url": "http://x/c/1", "domein": "ABC"}`},
		"wrong type":             {200, "application/json", strings.Replace(goodCatalogus, `"zaaktypen": []`, `"zaaktypen": "none"`, 1)},
		"bad uri format":         {200, "application/json", strings.Replace(goodCatalogus, `"url": "http://127.0.0.1`, `"url": "127.0.0.1`, 1)},
		"bad date":               {200, "application/json", strings.Replace(goodCatalogus, `"begindatumVersie": null`, `"begindatumVersie": "1-2-2020"`, 1)},
		"undocumented status":    {418, "application/json", `{}`},
		"wrong content type":     {200, "text/html", `<p>hi</p>`},
	} {
		t.Run(name, func(t *testing.T) {
			rec, body := do(t, rep, "GET", catalogusPath, "", nil)
			msg := rec.reported()
			if !strings.Contains(msg, "response does not match the spec") || !strings.Contains(msg, "GET "+catalogusPath) {
				t.Errorf("wrong response not reported as such; reported: %q", msg)
			}
			if strings.Contains(msg, "request does not match") {
				t.Errorf("a correct request was reported: %s", msg)
			}
			if body != rep.body {
				t.Errorf("caller got body %q, want %q", body, rep.body)
			}
		})
	}
}

// A 400 for a deliberately bad request: the request is not checked, the
// response is, and the server gets the body the test wrote.
func TestBadInput(t *testing.T) {
	const bad = `{"domein": 12}`
	const fout = `{"type": "", "code": "invalid", "title": "Invalid input.", "status": 400, "detail": "", "instance": "urn:uuid:1", "invalidParams": [{"name": "domein", "code": "invalid", "reason": "Not a string."}]}`
	srv, got := server(t, reply{400, "application/problem+json", fout})

	send := func(mark func(*http.Request) *http.Request) string {
		rec := &recorder{TB: t}
		req, _ := http.NewRequest("POST", srv.URL+"/catalogi/api/v1/catalogussen", strings.NewReader(bad))
		req.Header.Set("Content-Type", "application/json")
		if mark != nil {
			req = mark(req)
		}
		resp, err := Client(rec).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if *got != bad {
			t.Errorf("server got body %q, want %q", *got, bad)
		}
		return rec.reported()
	}
	if msg := send(nil); !strings.Contains(msg, "request does not match the spec") {
		t.Errorf("bad request not reported: %q", msg)
	}
	if msg := send(BadInput); msg != "" {
		t.Errorf("BadInput request reported: %s", msg)
	}

	// The response of a BadInput request is still checked.
	rec, _ := do(t, reply{400, "application/problem+json", `{"code": 1}`}, "POST", "/catalogi/api/v1/catalogussen", bad, BadInput)
	if msg := rec.reported(); !strings.Contains(msg, "response does not match") || strings.Contains(msg, "request does not match") {
		t.Errorf("BadInput: want only the wrong response reported, got %q", msg)
	}
}

func TestReportTo(t *testing.T) {
	srv, _ := server(t, reply{200, "application/json", `{}`})
	made, other := &recorder{TB: t}, &recorder{TB: t}
	req, _ := http.NewRequest("GET", srv.URL+catalogusPath, nil)
	resp, err := Client(made).Do(ReportTo(req, other))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if made.reported() != "" || other.reported() == "" {
		t.Errorf("reported to the client's TB: %q; to ReportTo's: %q", made.reported(), other.reported())
	}
}

func TestPathsOutsideTheSpec(t *testing.T) {
	for _, path := range []string{"/healthz", "/catalogi/api/v1/nope", "/zaken/api/v1/zaken"} {
		rec, _ := do(t, reply{200, "text/plain", "ok"}, "GET", path, "", nil)
		if !strings.Contains(rec.reported(), path) {
			t.Errorf("GET %s (not in the catalogi or autorisaties spec) not reported: %q", path, rec.reported())
		}
		rec, _ = do(t, reply{200, "text/plain", "ok"}, "GET", path, "", NoValidation)
		if msg := rec.reported(); msg != "" {
			t.Errorf("GET %s with NoValidation reported: %s", path, msg)
		}
	}
	rec, _ := do(t, reply{204, "", ""}, "DELETE", "/catalogi/api/v1/catalogussen", "", nil)
	if !strings.Contains(rec.reported(), "DELETE /catalogi/api/v1/catalogussen") {
		t.Errorf("undocumented method not reported: %q", rec.reported())
	}
}

func TestRequestChecks(t *testing.T) {
	for name, path := range map[string]string{
		"path parameter not a uuid": "/catalogi/api/v1/catalogussen/12",
		"query parameter not int":   "/catalogi/api/v1/catalogussen?page=first",
		"required query missing":    "/autorisaties/api/v1/applicaties/consumer",
	} {
		t.Run(name, func(t *testing.T) {
			rec, _ := do(t, reply{404, "application/problem+json", `{}`}, "GET", path, "", nil)
			if !strings.Contains(rec.reported(), "request does not match the spec") {
				t.Errorf("not reported: %q", rec.reported())
			}
		})
	}
}

// autorisaties.md §2: the consumer lookup returns one Applicatie.
func TestConsumerIsOneApplicatie(t *testing.T) {
	const app = `{"url": "http://x/autorisaties/api/v1/applicaties/7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11", "clientIds": ["a"], "label": "A", "heeftAlleAutorisaties": true, "autorisaties": []}`
	const path = "/autorisaties/api/v1/applicaties/consumer?clientId=a"
	if rec, _ := do(t, reply{200, "application/json", app}, "GET", path, "", nil); rec.reported() != "" {
		t.Errorf("object response reported: %s", rec.reported())
	}
	if rec, _ := do(t, reply{200, "application/json", "[" + app + "]"}, "GET", path, "", nil); rec.reported() == "" {
		t.Error("array response not reported")
	}
}

// Every operation must be found from a concrete path, also where a literal
// segment competes with a parameter (/applicaties/consumer, /zaken/_zoek).
func TestOperationsRouteToThemselves(t *testing.T) {
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, api := range spec.APIs() {
		ops := Operations(t, api)
		if len(ops) == 0 {
			t.Errorf("%s: no operations", api)
		}
		router := get(api).router
		for _, op := range ops {
			if !strings.HasPrefix(op.Path, spec.Mount(api)+"/") || op.OperationID == "" {
				t.Errorf("%s: bad operation %+v", api, op)
			}
			path := param.ReplaceAllString(op.Path, "7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11")
			req := &http.Request{Method: op.Method, URL: &url.URL{Path: path}}
			route, _, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s %s: %v", op.Method, path, err)
				continue
			}
			if route.Operation.OperationID != op.OperationID {
				t.Errorf("%s %s routes to %s, want %s", op.Method, path, route.Operation.OperationID, op.OperationID)
			}
		}
	}
}

// A request that follows the spec, with a Content-Type parameter the ZGW
// enum [application/json] leaves out (OAS 3.0: such a header parameter is
// ignored), passes; so does the 201 that answers it.
func TestClientPassesCorrectRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "http://127.0.0.1"+catalogusPath)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, goodCatalogus)
	}))
	defer srv.Close()
	for _, ct := range []string{"application/json", "application/json; charset=utf-8"} {
		rec := &recorder{TB: t}
		req, _ := http.NewRequest("POST", srv.URL+"/catalogi/api/v1/catalogussen",
			strings.NewReader(`{"domein": "ABC", "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"}`))
		req.Header.Set("Content-Type", ct)
		resp, err := Client(rec).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if msg := rec.reported(); msg != "" {
			t.Errorf("Content-Type %s: %s", ct, msg)
		}
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// GeoJSONGeometry's discriminator has no mapping; the implied one must be
// used, or a LineString (also a valid MultiPoint) matches two branches.
func TestGeoJSONDiscriminator(t *testing.T) {
	for _, api := range []string{"zaken", "objecten"} {
		s := Load(t, api).Components.Schemas["GeoJSONGeometry"].Value
		for g, valid := range map[string]bool{
			`{"type": "Point", "coordinates": [5.1, 52.1]}`:                                    true,
			`{"type": "LineString", "coordinates": [[5, 52], [5.1, 52]]}`:                      true,
			`{"type": "Polygon", "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52]]]}`: true,
			`{"type": "Point", "coordinates": [[5, 52]]}`:                                      false,
			`{"type": "Circle", "coordinates": [5, 52]}`:                                       false,
		} {
			if err := s.VisitJSON(decode(t, g), openapi3.VisitAsResponse()); (err == nil) != valid {
				t.Errorf("%s: %s: valid=%v, error %v", api, g, valid, err)
			}
		}
	}
}

// An expanded status matches StatusExpanded only, not also EmptyObject.
func TestExpandOneOf(t *testing.T) {
	s := Load(t, "zaken").Components.Schemas["ZaakEmbedded"].Value.Properties["status"].Value
	status := `{"url": "http://x/zaken/api/v1/statussen/7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11",
		"uuid": "7c0e6595-fcf1-4a0b-8b3a-0b7d2e4c3a11", "zaak": "http://x/z/1", "statustype": "http://x/st/1",
		"datumStatusGezet": "2020-01-01T00:00:00Z", "statustoelichting": "", "indicatieLaatstGezetteStatus": true,
		"gezetdoor": "", "zaakinformatieobjecten": []}`
	for v, valid := range map[string]bool{status: true, `{}`: true, `{"url": "http://x"}`: false} {
		if err := s.VisitJSON(decode(t, v), openapi3.VisitAsResponse()); (err == nil) != valid {
			t.Errorf("%.40s...: valid=%v, error %v", v, valid, err)
		}
	}
}

func TestOperationsExample(t *testing.T) {
	want := Operation{Method: "GET", Path: "/catalogi/api/v1/zaaktypen/{uuid}", OperationID: "zaaktype_retrieve"}
	for _, op := range Operations(t, "catalogi") {
		if op == want {
			return
		}
	}
	t.Errorf("%+v not among the catalogi operations", want)
}
