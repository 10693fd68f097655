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

// Resource fetches u for the request field and decodes it into dst, after checking that the
// body has the fields every resource of the expected kind has. It answers the standard's
// errors: bad-url when u does not lead to a 200, invalid-resource when the body is not the
// expected kind of resource.
func (r *Resolver) Resource(ctx context.Context, field, u string, dst any, mustHave ...string) error {
	body, err := r.Get(ctx, u)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return FieldError(field, "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
	}
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
