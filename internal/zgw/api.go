package zgw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/oas"
)

// MaxBody is the largest JSON request body a register accepts (documents upload their
// content through their own limits in blob).
const MaxBody = 4 << 20

// API is one mounted register API: its root, component code, served spec and the shared
// services the handlers use.
type API struct {
	Name      string // short name, also the spec name: "catalogi"
	Component string // autorisaties component: "ztc", "zrc", "drc", "brc", "ac", "nrc"
	Root      string // mount path: "/catalogi/api/v1"
	Version   string // API-version header value
	PublicURL string // externally visible base, no trailing slash
	Auth      *Authenticator
	Secrets   *SecretStore
	Refs      *Resolver
	DB        *db.DB
	Log       *slog.Logger
	Spec      *oas.Doc // request bodies are validated against it
	SpecYAML  []byte   // served at {root}/openapi.yaml
	SpecJSON  []byte   // served at {root}/openapi.json
	mux       *http.ServeMux
}

// Base is the absolute URL of the API root.
func (a *API) Base() string { return a.PublicURL + a.Root }

// URL is the absolute URL of one resource: Base/collection/uuid.
func (a *API) URL(collection, uuid string) string {
	return a.PublicURL + a.Root + "/" + collection + "/" + uuid
}

// ParseURL returns the uuid of a URL of this API pointing into collection.
func (a *API) ParseURL(u, collection string) (string, bool) {
	rest, ok := strings.CutPrefix(u, a.Base()+"/"+collection+"/")
	if !ok || !validUUID(rest) {
		return "", false
	}
	return strings.ToLower(rest), true
}

// Access says who may call a route: nobody unauthenticated unless Public.
type Access struct {
	Public bool
	// Scopes: the caller needs one of them for the API's component (for per-type components
	// the handler refines the check per object).
	Scopes []string
	// AnyComponent accepts the scopes from an autorisatie of any component (ztc-014: a
	// client reading zaken or documenten may read the catalogue).
	AnyComponent bool
}

// Scopes requires one of the scopes.
func Scopes(s ...string) Access { return Access{Scopes: s} }

// Public routes need no token (e.g. Referentielijsten, the OAS itself).
var Public = Access{Public: true}

// HandlerFunc handles one request; an error it returns is written once, as problem+json.
type HandlerFunc func(c *Call) error

// Call is one request to a handler.
type Call struct {
	W         http.ResponseWriter
	R         *http.Request
	API       *API
	Principal *Principal
	body      []byte // the JSON body as Body read it, for a run again after ErrChanged
}

// ErrChanged is what a handler returns (from its transaction) when what it read and checked
// before the transaction was changed by another request meanwhile: the request is then run
// again from the start on the new state, so concurrent updates of one resource each keep
// their change instead of the last overwriting the others.
var ErrChanged = errors.New("changed by another request meanwhile")

// maxRuns bounds the runs of one request that keeps losing the race.
const maxRuns = 10

// Ctx is the request context.
func (c *Call) Ctx() context.Context { return c.R.Context() }

// Mount registers the API's routes on mux under its root; the caller adds its own with Handle.
func (a *API) Mount(mux *http.ServeMux) {
	a.mux = mux
	a.Handle("GET /openapi.yaml", Public, a.serveSpec("yaml"))
	a.Handle("GET /openapi.json", Public, a.serveSpec("json"))
	a.Handle("GET /{$}", Public, func(c *Call) error {
		http.Redirect(c.W, c.R, a.Root+"/openapi.yaml", http.StatusFound)
		return nil
	})
	if a.Secrets != nil {
		a.Handle("POST /jwtsecret", Access{}, a.jwtsecretCreate)
	}
}

// jwtsecretCreate registers the JWT secret of a client id at run time, the way the VNG API
// test platform registers its clients. Only a client with all rights may do this: a secret
// is a key to every API of the server.
func (a *API) jwtsecretCreate(c *Call) error {
	if c.Principal.Grants == nil || !c.Principal.Grants.All {
		return ErrForbidden()
	}
	var in struct {
		Identifier string `json:"identifier"`
		Secret     string `json:"secret"`
	}
	if _, err := c.Body("jwtsecret_create", &in); err != nil {
		return err
	}
	var errs Errs
	if strings.TrimSpace(in.Identifier) == "" {
		errs.Add("identifier", "blank", "Dit veld mag niet leeg zijn.")
	}
	if len(in.Secret) < 8 {
		errs.Add("secret", "min_length", "Een secret heeft minstens 8 tekens.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := a.DB.Update(c.Ctx(), func(tx *db.Tx) error {
		return a.Secrets.Set(c.Ctx(), tx, in.Identifier, in.Secret)
	}); err != nil {
		return err
	}
	a.Log.Info("jwt secret registered", "client_id", in.Identifier, "by", c.Principal.ClientID)
	return c.JSON(http.StatusCreated, map[string]string{"identifier": in.Identifier})
}

func (a *API) serveSpec(format string) HandlerFunc {
	return func(c *Call) error {
		b, ct := a.SpecYAML, "application/vnd.oai.openapi"
		if format == "json" {
			b, ct = a.SpecJSON, "application/vnd.oai.openapi+json"
		}
		if len(b) == 0 {
			return ErrNotFound()
		}
		c.W.Header().Set("Content-Type", ct)
		_, err := c.W.Write(b)
		return err
	}
}

// Handle registers h for "METHOD /path" below the API root.
func (a *API) Handle(pattern string, access Access, h HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("zgw: pattern needs a method: " + pattern)
	}
	a.mux.Handle(method+" "+a.Root+path, a.wrap(access, h))
}

func (a *API) wrap(access Access, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("API-version", a.Version)
		for run := 1; ; run++ {
			c := &Call{W: w, R: r, API: a}
			err := a.serve(c, access, h)
			if errors.Is(err, ErrChanged) && c.body != nil && run < maxRuns {
				// Nothing was written yet: the handler failed in its transaction.
				r.Body = io.NopCloser(bytes.NewReader(c.body))
				continue
			}
			if errors.Is(err, ErrChanged) {
				err = &Error{Kind: Conflict, Detail: "Het object werd tegelijk door andere verzoeken gewijzigd; probeer het opnieuw."}
			}
			if err != nil {
				a.WriteError(w, r, err)
			}
			return
		}
	})
}

func (a *API) serve(c *Call, access Access, h HandlerFunc) error {
	if p := principalFrom(c.R.Context()); p != nil {
		c.Principal = p
	} else if !access.Public {
		p, err := a.Auth.Authenticate(c.R)
		if err != nil {
			return err
		}
		c.Principal = p
	}
	if !access.Public && len(access.Scopes) > 0 {
		component := a.Component
		if access.AnyComponent {
			component = ""
		}
		if !c.Principal.Grants.HasScope(component, access.Scopes...) {
			return ErrForbidden()
		}
	}
	return h(c)
}

// WriteError renders err as problem+json: the *Error's kind and code, or a 500 whose cause
// is logged and never shown.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, context.Canceled):
		return
	case db.IsUniqueViolation(err):
		// Two requests raced for one unique value; the checks before the write passed for
		// both, the database stopped the second.
		e = Validation(InvalidParam{Name: "nonFieldErrors", Code: "unique", Reason: "Deze combinatie van waarden bestaat al."})
		e.Err = err
	default:
		e = &Error{Kind: Internal, Detail: "Er is een interne fout opgetreden.", Err: err}
	}
	if e.Kind == Internal {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	info := kindInfo[e.Kind]
	body := map[string]any{
		"type":     a.PublicURL + "/ref/fouten/" + e.code() + "/",
		"code":     e.code(),
		"title":    info.title,
		"status":   info.status,
		"detail":   e.Detail,
		"instance": "urn:uuid:" + NewUUID(),
	}
	if e.Kind == Invalid {
		params := e.InvalidParams
		if params == nil {
			params = []InvalidParam{}
		}
		body["invalidParams"] = params
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(info.status)
	_ = json.NewEncoder(w).Encode(body)
}

// JSON writes v with status.
func (c *Call) JSON(status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	c.W.Header().Set("Content-Type", "application/json")
	c.W.WriteHeader(status)
	_, err = c.W.Write(b)
	return err
}

// Created writes 201 with a Location header pointing at url.
func (c *Call) Created(url string, v any) error {
	c.W.Header().Set("Location", url)
	return c.JSON(http.StatusCreated, v)
}

// NoContent writes 204 (delete).
func (c *Call) NoContent() error {
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Detail writes one resource with an ETag computed over exactly the bytes sent, answers
// If-None-Match with 304 and HEAD with the headers only (algemeen §10).
func (c *Call) Detail(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := c.W.Header()
	h.Set("ETag", etag)
	h.Set("Content-Type", "application/json")
	if match := c.R.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		c.W.WriteHeader(http.StatusNotModified)
		return nil
	}
	if c.R.Method == http.MethodHead {
		h.Set("Content-Length", fmt.Sprint(len(b)))
		c.W.WriteHeader(http.StatusOK)
		return nil
	}
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(b)
	return err
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// Body reads the JSON request body, validates it against the request schema of operationID
// in the API's spec and decodes it into dst. It also returns the set of top-level keys sent,
// which PATCH handlers need. A PATCH is validated against the schema of the matching update
// operation with required fields relaxed, because several specs declare PATCH bodies only as
// "an object" while the fields keep their rules.
func (c *Call) Body(operationID string, dst any) (map[string]json.RawMessage, error) {
	partial := c.R.Method == http.MethodPatch
	if update, ok := strings.CutSuffix(operationID, "_partial_update"); ok && c.API.Spec != nil && c.API.Spec.HasOperation(update+"_update") {
		operationID = update + "_update"
	}
	return c.readBody(dst, func(raw []byte) ([]oas.Violation, error) {
		if c.API.Spec == nil {
			return nil, nil
		}
		return c.API.Spec.ValidateRequest(operationID, raw, partial)
	})
}

// BodySchema is Body for operations whose spec leaves the body unspecified: it validates
// against the named component schema instead.
func (c *Call) BodySchema(schema string, dst any) (map[string]json.RawMessage, error) {
	partial := c.R.Method == http.MethodPatch
	return c.readBody(dst, func(raw []byte) ([]oas.Violation, error) {
		if c.API.Spec == nil {
			return nil, nil
		}
		return c.API.Spec.ValidateBody(schema, raw, partial), nil
	})
}

func (c *Call) readBody(dst any, validate func([]byte) ([]oas.Violation, error)) (map[string]json.RawMessage, error) {
	if ct := c.R.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return nil, &Error{Kind: UnsupportedMediaType, Detail: fmt.Sprintf("Media type %q wordt niet ondersteund.", ct)}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.W, c.R.Body, MaxBody))
	c.body = raw
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, FieldError("nonFieldErrors", "max-size", fmt.Sprintf("De request body is groter dan %d bytes.", MaxBody))
		}
		return nil, FieldError("nonFieldErrors", "parse_error", "De request body kon niet gelezen worden.")
	}
	vs, err := validate(raw)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		params := make([]InvalidParam, len(vs))
		for i, v := range vs {
			params[i] = InvalidParam(v)
		}
		return nil, Validation(params...)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, FieldError("nonFieldErrors", "parse_error", "JSON parse error: "+err.Error())
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, FieldError(te.Field, "invalid", "Ongeldig type.")
		}
		return nil, FieldError("nonFieldErrors", "parse_error", "JSON parse error: "+err.Error())
	}
	return keys, nil
}

// Sent reports whether a PATCH body contained key.
func Sent(keys map[string]json.RawMessage, key string) bool {
	_, ok := keys[key]
	return ok
}

// OneOf reports whether v is among the allowed values.
func OneOf(v string, allowed ...string) bool { return slices.Contains(allowed, v) }
