package zgw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Resolver fetches the resource behind a URL reference (algemeen §6). A URL on this server
// is answered in process by the app's own handler, with Meent's system rights; any other URL
// is fetched over HTTP only when it starts with an allowed prefix (--allow-fetch), so a
// client cannot make the server call arbitrary addresses. Remote answers are cached briefly.
type Resolver struct {
	PublicURL string
	Local     http.Handler
	Allow     []string
	Client    *http.Client
	TTL       time.Duration
	// Authorization, when set, gives the Authorization header of requests to remote
	// registers (Meent's own ZGW client credentials); in-process calls need none.
	Authorization func() (string, error)

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	body    []byte
	expires time.Time
}

const maxRefBody = 2 << 20

// errBadURL is what every failure to reach a resource becomes: the standard does not tell
// apart "not found", "refused" and "not allowed" for the client.
var errBadURL = errors.New("bad url")

// NewResolver returns a resolver for a server at publicURL; allow lists the remote prefixes.
func NewResolver(publicURL string, local http.Handler, allow []string) *Resolver {
	r := &Resolver{PublicURL: publicURL, Local: local, Allow: allow, TTL: 5 * time.Minute, cache: map[string]cached{}}
	r.Client = &http.Client{
		Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || !r.allowed(req.URL.String()) {
				return errBadURL
			}
			return nil
		},
	}
	return r
}

func (r *Resolver) local(u string) bool {
	return u == r.PublicURL || strings.HasPrefix(u, r.PublicURL+"/")
}

func (r *Resolver) allowed(u string) bool {
	if r.local(u) {
		return true
	}
	for _, p := range r.Allow {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// Get returns the JSON body behind u when it (eventually) answers 200, or errBadURL.
func (r *Resolver) Get(ctx context.Context, u string) ([]byte, error) {
	if !IsURL(u) || !r.allowed(u) {
		return nil, errBadURL
	}
	if r.local(u) && r.Local != nil {
		req, err := http.NewRequestWithContext(WithSystem(ctx), http.MethodGet, strings.TrimPrefix(u, r.PublicURL), nil)
		if err != nil {
			return nil, errBadURL
		}
		req.Header.Set("Accept-Crs", "EPSG:4326")
		w := NewResponseBuffer()
		r.Local.ServeHTTP(w, req)
		if w.Status != http.StatusOK {
			return nil, errBadURL
		}
		return w.Body.Bytes(), nil
	}
	now := time.Now()
	r.mu.Lock()
	c, ok := r.cache[u]
	r.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.body, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, errBadURL
	}
	req.Header.Set("Accept", "application/json")
	// The Zaken API requires Accept-Crs on every read of a zaak (algemeen §11).
	req.Header.Set("Accept-Crs", "EPSG:4326")
	if err := r.authorize(req); err != nil {
		return nil, err
	}
	resp, err := r.Client.Do(req)
	if err != nil {
		return nil, errBadURL
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRefBody))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, errBadURL
	}
	r.mu.Lock()
	if len(r.cache) > 10000 {
		r.cache = map[string]cached{}
	}
	r.cache[u] = cached{body: body, expires: now.Add(r.TTL)}
	r.mu.Unlock()
	return body, nil
}

func (r *Resolver) authorize(req *http.Request) error {
	if r.Authorization == nil {
		return nil
	}
	h, err := r.Authorization()
	if err != nil {
		return fmt.Errorf("credentials for %s: %w", req.URL.Host, err)
	}
	req.Header.Set("Authorization", h)
	return nil
}

// SendError is a write to another register that did not answer 2xx.
type SendError struct {
	Method, URL string
	Status      int
	Body        []byte
}

func (e *SendError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %.200s", e.Method, e.URL, e.Status, e.Body)
}

// Send writes to another register's API the way a client would: in process with Meent's
// system rights when u is on this server, over HTTP when u has an allowed prefix. It is how
// registers keep their mirrors in step (zaakinformatieobject -> objectinformatieobject,
// besluit -> zaakbesluit), so the same code works when the other register runs elsewhere.
// body (when not nil) is sent as JSON; a 2xx answer is decoded into dst (when not nil).
// Anything else is a *SendError, or errBadURL when u may not be called.
func (r *Resolver) Send(ctx context.Context, method, u string, body, dst any) error {
	if !IsURL(u) || !r.allowed(u) {
		return errBadURL
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	local := r.local(u) && r.Local != nil
	target := u
	if local {
		ctx = WithSystem(ctx)
		target = strings.TrimPrefix(u, r.PublicURL)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return errBadURL
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Crs", "EPSG:4326")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Crs", "EPSG:4326")
	}
	var status int
	var answer []byte
	if local {
		w := NewResponseBuffer()
		r.Local.ServeHTTP(w, req)
		status, answer = w.Status, w.Body.Bytes()
	} else {
		if err := r.authorize(req); err != nil {
			return err
		}
		resp, err := r.Client.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, u, err)
		}
		defer resp.Body.Close()
		answer, err = io.ReadAll(io.LimitReader(resp.Body, maxRefBody))
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, u, err)
		}
		status = resp.StatusCode
	}
	if status < 200 || status > 299 {
		return &SendError{Method: method, URL: u, Status: status, Body: answer}
	}
	if dst != nil && len(answer) > 0 {
		return json.Unmarshal(answer, dst)
	}
	return nil
}

// Resource fetches u for the request field and decodes it into dst, after checking that the
// body has the fields every resource of the expected kind has. It answers the standard's
// errors: bad-url when u does not lead to a 200, invalid-resource when the body is not the
// expected kind of resource.
func (r *Resolver) Resource(ctx context.Context, field, u string, dst any, mustHave ...string) error {
	body, err := r.fetch(ctx, field, u)
	if err != nil {
		return err
	}
	return resourceCheck(field, u, body, dst, mustHave)
}

// fetch is Get with bad-url as the error of an answer other than 2xx.
func (r *Resolver) fetch(ctx context.Context, field, u string) ([]byte, error) {
	body, err := r.Get(ctx, u)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, FieldError(field, "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
	}
	return body, nil
}

// resourceCheck answers invalid-resource when body lacks one of the fields mustHave, or does
// not decode into dst.
func resourceCheck(field, u string, body []byte, dst any, mustHave []string) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return FieldError(field, "invalid-resource", "De URL "+u+" levert geen geldig JSON-object op.")
	}
	for _, k := range mustHave {
		if _, ok := keys[k]; !ok {
			return FieldError(field, "invalid-resource", fmt.Sprintf("De URL %s wijst niet naar het verwachte soort resource (veld %s ontbreekt).", u, k))
		}
	}
	if dst != nil {
		if err := json.Unmarshal(body, dst); err != nil {
			return FieldError(field, "invalid-resource", "De URL "+u+" wijst niet naar het verwachte soort resource.")
		}
	}
	return nil
}

// Memo resolves each URL reference once per request: a handler that checks a status, a rol
// and a resultaat of one zaaktype reads that zaaktype once. It is safe for the goroutines of
// one request.
type Memo struct {
	refs *Resolver
	mu   sync.Mutex
	raw  map[string]json.RawMessage
}

// Memo returns an empty Memo over r; make one per request.
func (r *Resolver) Memo() *Memo { return &Memo{refs: r, raw: map[string]json.RawMessage{}} }

// Get is Resource, with each URL fetched once per Memo.
func (m *Memo) Get(ctx context.Context, field, u string, dst any, mustHave ...string) error {
	m.mu.Lock()
	b, ok := m.raw[u]
	m.mu.Unlock()
	if !ok {
		var err error
		if b, err = m.refs.fetch(ctx, field, u); err != nil {
			return err
		}
		m.mu.Lock()
		m.raw[u] = b
		m.mu.Unlock()
	}
	// Checked on every use: one URL may be sent for two fields that expect different kinds
	// of resource (a zaaktype URL as communicatiekanaal, zrc-010).
	return resourceCheck(field, u, b, dst, mustHave)
}

// ResponseBuffer collects a response to an in-process request (URL references, seeding).
type ResponseBuffer struct {
	header http.Header
	Status int
	Body   bytes.Buffer
	wrote  bool
}

// NewResponseBuffer returns an empty buffer; the status is 200 until written.
func NewResponseBuffer() *ResponseBuffer {
	return &ResponseBuffer{header: http.Header{}, Status: http.StatusOK}
}

func (w *ResponseBuffer) Header() http.Header { return w.header }

func (w *ResponseBuffer) WriteHeader(s int) {
	if !w.wrote {
		w.Status, w.wrote = s, true
	}
}

func (w *ResponseBuffer) Write(b []byte) (int, error) {
	w.wrote = true
	return w.Body.Write(b)
}
