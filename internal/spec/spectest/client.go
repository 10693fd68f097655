package spectest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/meent/meent/internal/spec"
)

type modeKey struct{}

type mode int

const (
	validateAll  mode = iota
	badInput          // the test sends invalid input on purpose: check only the response
	noValidation      // the route is not part of any spec (e.g. /healthz)
)

// BadInput marks req as deliberately invalid: its request is not validated,
// but the response still must be one the spec documents (typically a 400).
func BadInput(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), modeKey{}, badInput))
}

// NoValidation marks req as outside every spec (e.g. /healthz,
// /openapi.yaml): neither request nor response is validated.
func NoValidation(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), modeKey{}, noValidation))
}

type reportKey struct{}

// ReportTo makes the client report the mismatches of req to tb instead of
// the testing.TB it was made with: for a client shared by several tests.
func ReportTo(req *http.Request, tb testing.TB) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), reportKey{}, tb))
}

// Client returns an HTTP client that validates every request and response
// against the specs of apis (all bundled APIs when none are given); the API of
// a request is chosen by its path's mount prefix. Mismatches are reported with
// tb.Errorf and do not stop the test. The request is sent as given, the
// response is returned as received (its body readable as usual).
func Client(tb testing.TB, apis ...string) *http.Client {
	return &http.Client{Transport: NewTransport(tb, nil, apis...)}
}

// NewTransport wraps base (http.DefaultTransport when nil) as Client does.
func NewTransport(tb testing.TB, base http.RoundTripper, apis ...string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if len(apis) == 0 {
		apis = spec.APIs()
	}
	for _, api := range apis {
		if spec.Mount(api) == "" {
			tb.Fatalf("spectest: unknown api %q (have %s)", api, strings.Join(spec.APIs(), ", "))
		}
	}
	return &transport{tb: tb, base: base, apis: apis}
}

type transport struct {
	tb   testing.TB
	base http.RoundTripper
	apis []string
}

// apiFor returns the API whose mount path is the longest prefix of path.
func (t *transport) apiFor(path string) string {
	best := ""
	for _, api := range t.apis {
		m := spec.Mount(api)
		if (path == m || strings.HasPrefix(path, m+"/")) && len(m) > len(spec.Mount(best)) {
			best = api
		}
	}
	return best
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	m, _ := req.Context().Value(modeKey{}).(mode)
	if m == noValidation {
		return t.base.RoundTrip(req)
	}
	tb := t.tb
	if r, ok := req.Context().Value(reportKey{}).(testing.TB); ok {
		tb = r
	}
	where := req.Method + " " + req.URL.RequestURI()

	// Buffer the body: it is read once by the validator and once by base.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	out := req.Clone(req.Context())
	setBody(out, body)

	in, ok := t.route(tb, req, body, where)
	if ok && m != badInput {
		if err := openapi3filter.ValidateRequest(in.Request.Context(), in); err != nil {
			tb.Errorf("spectest: %s: request does not match the spec: %v", where, err)
		}
	}

	resp, err := t.base.RoundTrip(out)
	if err != nil || !ok {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))

	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                responseOptions(),
	}
	rin.SetBodyBytes(data)
	if err := openapi3filter.ValidateResponse(in.Request.Context(), rin); err != nil {
		tb.Errorf("spectest: %s -> %d: response does not match the spec: %v", where, resp.StatusCode, err)
	}
	return resp, nil
}

// route finds the operation of req. The router sees only the path and query:
// the spec's server is the relative mount path, and a test server listens on
// some 127.0.0.1:port.
func (t *transport) route(tb testing.TB, req *http.Request, body []byte, where string) (*openapi3filter.RequestValidationInput, bool) {
	api := t.apiFor(req.URL.Path)
	if api == "" {
		tb.Errorf("spectest: %s: path is in none of the specs %s (use spectest.NoValidation for routes outside the specs)",
			where, strings.Join(t.apis, ", "))
		return nil, false
	}
	l := get(api)
	if l.err != nil {
		tb.Errorf("%v", l.err)
		return nil, false
	}
	vreq := req.Clone(req.Context())
	vreq.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	vreq.Host = ""
	setBody(vreq, body)
	route, params, err := l.router.FindRoute(vreq)
	if err != nil {
		tb.Errorf("spectest: %s: no operation in the %s spec: %v (use spectest.NoValidation for routes outside the specs)", where, api, err)
		return nil, false
	}
	return &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: params,
		Route:      route,
		Options:    requestOptions(),
	}, true
}

func setBody(req *http.Request, body []byte) {
	if body == nil {
		req.Body, req.GetBody = http.NoBody, nil
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
}

func requestOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		// Authentication is the handlers' business and has its own tests;
		// here only the shape of the traffic is checked.
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
		// Validation must not change what the test sends.
		SkipSettingDefaults:     true,
		SchemaValidationOptions: formatValidators,
	}
	o.WithCustomSchemaErrorFunc(schemaError)
	return o
}

func responseOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		MultiError: true,
		// A status the operation does not document (and no default) is a
		// contract violation: clients are generated from the spec.
		IncludeResponseStatus:   true,
		SchemaValidationOptions: formatValidators,
	}
	o.WithCustomSchemaErrorFunc(schemaError)
	return o
}

// schemaError drops the schema dump kin-openapi puts in its messages: for
// the 500 KB ZGW schemas it buries the one line that matters. The origin of
// a oneOf/anyOf failure says which branch failed why; that of a format
// failure repeats the reason.
func schemaError(err *openapi3.SchemaError) string {
	msg := fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
	if err.Origin != nil && err.SchemaField != "format" {
		msg += ": " + err.Origin.Error()
	}
	return msg
}

// formatValidators check the string formats the ZGW specs use beyond the
// date and date-time that kin-openapi checks itself. They are passed per
// validation instead of registered globally, so that other users of
// kin-openapi in the same test binary are not affected. An empty string
// passes uri and email: the specs mark optional blank fields so (Django's
// blank URLField/EmailField), and the providers send "" there.
var formatValidators = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidators(map[string]openapi3.StringFormatValidator{
		"uuid":     openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
		"uri":      openapi3.NewCallbackValidator(validURI),
		"email":    openapi3.NewRegexpFormatValidator(`^$|` + openapi3.FormatOfStringForEmail),
		"duration": openapi3.NewCallbackValidator(validDuration),
	}),
}

func validURI(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme == "" {
		return fmt.Errorf("not an absolute URI: %q", s)
	}
	return nil
}

// isoDuration is an ISO 8601 duration such as P1Y2M, P30D or PT1H30M.
var isoDuration = regexp.MustCompile(`^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?$`)

func validDuration(s string) error {
	if !isoDuration.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
		return fmt.Errorf("not an ISO 8601 duration: %q", s)
	}
	return nil
}
