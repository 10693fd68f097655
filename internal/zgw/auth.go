package zgw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Vertrouwelijkheden is the confidentiality scale, lowest first (algemeen §4).
var vertrouwelijkheden = []string{"openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk", "confidentieel", "geheim", "zeer_geheim"}

// VertrouwelijkheidLevel returns the rank of a vertrouwelijkheidaanduiding (0 = openbaar), or -1.
func VertrouwelijkheidLevel(v string) int { return slices.Index(vertrouwelijkheden, v) }

// Vertrouwelijkheden returns the scale, lowest first.
func Vertrouwelijkheden() []string { return slices.Clone(vertrouwelijkheden) }

// Autorisatie is one grant of an applicatie: scopes for a component, for zrc/drc/brc limited
// to one type (URL) and, for zrc/drc, up to a maximum vertrouwelijkheidaanduiding.
type Autorisatie struct {
	Component            string
	Scopes               []string
	Type                 string
	MaxVertrouwelijkheid string
}

// Grants is what an applicatie may do, as the Autorisaties register says.
type Grants struct {
	ApplicatieURL string
	Label         string
	All           bool // heeftAlleAutorisaties
	Autorisaties  []Autorisatie
}

// HasScope reports whether any autorisatie of component ("" for any component) holds one
// of scopes.
func (g *Grants) HasScope(component string, scopes ...string) bool {
	if g == nil {
		return false
	}
	if g.All {
		return true
	}
	for _, a := range g.Autorisaties {
		if component != "" && a.Component != component {
			continue
		}
		for _, s := range scopes {
			if slices.Contains(a.Scopes, s) {
				return true
			}
		}
	}
	return false
}

// TypeLimits returns, for a per-type component (zrc, drc, brc), the types for which the
// client holds one of scopes, each with the highest vertrouwelijkheid rank allowed. all is
// true for heeftAlleAutorisaties. Registers turn this into one SQL predicate, so a client
// authorised for many types still costs one query.
func (g *Grants) TypeLimits(component string, scopes ...string) (all bool, limits map[string]int) {
	if g == nil {
		return false, nil
	}
	if g.All {
		return true, nil
	}
	limits = map[string]int{}
	for _, a := range g.Autorisaties {
		if a.Component != component || a.Type == "" {
			continue
		}
		held := false
		for _, s := range scopes {
			if slices.Contains(a.Scopes, s) {
				held = true
				break
			}
		}
		if !held {
			continue
		}
		level := len(vertrouwelijkheden) - 1 // brc has no limit
		if a.MaxVertrouwelijkheid != "" {
			level = VertrouwelijkheidLevel(a.MaxVertrouwelijkheid)
		}
		if cur, ok := limits[a.Type]; !ok || level > cur {
			limits[a.Type] = level
		}
	}
	return false, limits
}

// Allows reports whether the client may apply one of scopes to an object of typeURL with
// vertrouwelijkheid v ("" when the component has no confidentiality).
func (g *Grants) Allows(component, typeURL, v string, scopes ...string) bool {
	all, limits := g.TypeLimits(component, scopes...)
	if all {
		return true
	}
	max, ok := limits[typeURL]
	if !ok {
		return false
	}
	return v == "" || VertrouwelijkheidLevel(v) <= max
}

// Principal is the authenticated caller of one request.
type Principal struct {
	ClientID           string
	UserID             string
	UserRepresentation string
	Grants             *Grants
	// Token is true when the caller authenticated with an API token instead of a JWT.
	Token bool
}

// System is the principal of Meent itself, for in-process calls between registers.
var systemPrincipal = &Principal{ClientID: "meent", UserRepresentation: "Meent", Grants: &Grants{All: true, Label: "Meent"}}

type principalKey struct{}

// WithSystem marks ctx as an in-process call made by Meent itself with all rights. Only code
// inside the process can set it; no header or token leads to it.
func WithSystem(ctx context.Context) context.Context {
	return context.WithValue(ctx, principalKey{}, systemPrincipal)
}

func principalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// SecretSource looks up the JWT secret of a client id; nil when the client is unknown.
type SecretSource interface {
	Secret(ctx context.Context, clientID string) ([]byte, error)
}

// GrantSource looks up the applicatie of a client id; nil when there is none.
type GrantSource interface {
	Grants(ctx context.Context, clientID string) (*Grants, error)
}

// TokenSource looks up the client id of an API token; "" when the token is unknown.
type TokenSource interface {
	TokenClient(ctx context.Context, token string) (string, error)
}

// Authenticator verifies ZGW JWTs (HS256 only, secret per client_id, iat within leeway) and,
// when Tokens is set, API tokens ("Authorization: Token <key>", as Open Klant and Open
// Object use). Either way the caller gets the grants of its applicatie.
type Authenticator struct {
	Secrets SecretSource
	Grants  GrantSource
	Tokens  TokenSource
	Leeway  time.Duration
	Now     func() time.Time
	parser  *jwt.Parser
}

// NewAuthenticator returns an Authenticator; leeway bounds both the token's age and clock skew.
func NewAuthenticator(secrets SecretSource, grants GrantSource, leeway time.Duration) *Authenticator {
	a := &Authenticator{Secrets: secrets, Grants: grants, Leeway: leeway, Now: time.Now}
	// Only HS256: "none" and every other algorithm (notably RS256 with a public key
	// confused for an HMAC secret) are refused before any key is looked up.
	a.parser = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithLeeway(leeway), jwt.WithTimeFunc(func() time.Time { return a.Now() }))
	return a
}

type zgwClaims struct {
	jwt.RegisteredClaims
	ClientID           string `json:"client_id"`
	UserID             string `json:"user_id"`
	UserRepresentation string `json:"user_representation"`
}

// Authenticate reads the bearer token of r and returns its principal, or a 401 *Error.
func (a *Authenticator) Authenticate(r *http.Request) (*Principal, error) {
	h := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(h, "Token "); ok && a.Tokens != nil {
		return a.authenticateToken(r.Context(), strings.TrimSpace(token))
	}
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, &Error{Kind: Unauthenticated, Detail: "Authenticatiegegevens zijn niet opgegeven."}
	}
	var claims zgwClaims
	_, err := a.parser.ParseWithClaims(strings.TrimSpace(raw), &claims, func(t *jwt.Token) (any, error) {
		id := claims.clientID()
		if id == "" {
			return nil, errors.New("client_id ontbreekt")
		}
		secret, err := a.Secrets.Secret(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if secret == nil {
			return nil, errors.New("onbekende client_id")
		}
		return secret, nil
	})
	if err != nil {
		return nil, &Error{Kind: Unauthenticated, Detail: "Ongeldig JWT.", Err: err}
	}
	if claims.IssuedAt == nil {
		return nil, &Error{Kind: Unauthenticated, Detail: "Het JWT mist de claim iat."}
	}
	now := a.Now()
	iat := claims.IssuedAt.Time
	if iat.After(now.Add(a.Leeway)) || now.Sub(iat) > a.Leeway {
		return nil, &Error{Kind: Unauthenticated, Detail: fmt.Sprintf("Het JWT is verlopen of nog niet geldig (iat buiten %s).", a.Leeway)}
	}
	g, err := a.Grants.Grants(r.Context(), claims.clientID())
	if err != nil {
		return nil, err
	}
	return &Principal{ClientID: claims.clientID(), UserID: claims.UserID, UserRepresentation: claims.UserRepresentation, Grants: g}, nil
}

func (a *Authenticator) authenticateToken(ctx context.Context, token string) (*Principal, error) {
	clientID, err := a.Tokens.TokenClient(ctx, token)
	if err != nil {
		return nil, err
	}
	if clientID == "" {
		return nil, &Error{Kind: Unauthenticated, Detail: "Ongeldige token."}
	}
	g, err := a.Grants.Grants(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if g == nil {
		// A token client without an applicatie (one that only uses the Objecten or
		// Klantinteracties API): no ZGW autorisaties. Deleting an applicatie, or taking a
		// client id from it, deletes its tokens, so a token never outlives its applicatie.
		g = &Grants{}
	}
	return &Principal{ClientID: clientID, UserRepresentation: clientID, Grants: g, Token: true}, nil
}

func (c *zgwClaims) clientID() string {
	if c.ClientID != "" {
		return c.ClientID
	}
	return c.Issuer
}

// Token makes a ZGW JWT for clientID signed with secret, issued at now.
func Token(clientID, secret, userID, userRepresentation string, now time.Time) (string, error) {
	claims := zgwClaims{
		RegisteredClaims:   jwt.RegisteredClaims{Issuer: clientID, IssuedAt: jwt.NewNumericDate(now)},
		ClientID:           clientID,
		UserID:             userID,
		UserRepresentation: userRepresentation,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// TypeCond is the autorisatie predicate of a per-type component as SQL with ? placeholders
// (algemeen: autorisaties per type and up to a vertrouwelijkheid): one condition for all the
// client's types, grouped by their maximum vertrouwelijkheid, so a client authorised for 170
// zaaktypen still costs one query. typeCol and vertrCol name the columns (vertrCol "" for a
// component without vertrouwelijkheid, such as brc; the column holds the rank of
// Vertrouwelijkheden). all is true when nothing needs filtering.
func (g *Grants) TypeCond(component, typeCol, vertrCol string, scopes ...string) (cond string, args []any, all bool) {
	all, limits := g.TypeLimits(component, scopes...)
	if all {
		return "", nil, true
	}
	if len(limits) == 0 {
		return "1=0", nil, false
	}
	byRank := map[int][]string{}
	for t, rank := range limits {
		if vertrCol == "" {
			rank = 0
		}
		byRank[rank] = append(byRank[rank], t)
	}
	var conds []string
	for rank := range len(vertrouwelijkheden) {
		types := byRank[rank]
		if len(types) == 0 {
			continue
		}
		slices.Sort(types)
		c := typeCol + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(types)), ",") + ")"
		for _, t := range types {
			args = append(args, t)
		}
		if vertrCol != "" {
			c = "(" + c + " AND " + vertrCol + " <= ?)"
			args = append(args, rank)
		}
		conds = append(conds, c)
	}
	return strings.Join(conds, " OR "), args, false
}
