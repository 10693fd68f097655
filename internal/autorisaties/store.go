// Package autorisaties is the Autorisaties API 1.0.0 (AC): which applicatie may do what. It
// is also the source of every other register's authorisation: Register.Grants answers, for a
// JWT client id, the autorisaties that zgw turns into scope checks and SQL predicates.
package autorisaties

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Applicatie is the stored applicatie, fields as the API names them.
type Applicatie struct {
	ID                    int64         `json:"-"`
	UUID                  string        `json:"-"`
	ClientIDs             []string      `json:"clientIds"`
	Label                 string        `json:"label"`
	HeeftAlleAutorisaties bool          `json:"heeftAlleAutorisaties"`
	Autorisaties          []Autorisatie `json:"autorisaties"`
}

// Autorisatie is one grant; Zaaktype, Informatieobjecttype and Besluittype are the type URL
// of a zrc, drc or brc autorisatie.
type Autorisatie struct {
	Component                      string   `json:"component"`
	Scopes                         []string `json:"scopes"`
	Zaaktype                       string   `json:"zaaktype,omitempty"`
	Informatieobjecttype           string   `json:"informatieobjecttype,omitempty"`
	Besluittype                    string   `json:"besluittype,omitempty"`
	MaxVertrouwelijkheidaanduiding string   `json:"maxVertrouwelijkheidaanduiding,omitempty"`
}

// typeURL is the one type field that applies to the component.
func (a Autorisatie) typeURL() string {
	switch a.Component {
	case "zrc":
		return a.Zaaktype
	case "drc":
		return a.Informatieobjecttype
	case "brc":
		return a.Besluittype
	}
	return ""
}

func (a *Autorisatie) setTypeURL(u string) {
	switch a.Component {
	case "zrc":
		a.Zaaktype = u
	case "drc":
		a.Informatieobjecttype = u
	case "brc":
		a.Besluittype = u
	}
}

// Register is the Autorisaties register.
type Register struct {
	db  *db.DB
	api *zgw.API
	// grants caches Grants per client id. Writes in this process clear it at once; other
	// nodes on the same PostgreSQL see a change within grantsTTL.
	mu     sync.Mutex
	grants map[string]cachedGrants
	tokens map[string]cachedToken // by token hash
	// gen counts the clears, so that a lookup that read the database before a write committed
	// does not put its stale answer back into the cache after the write cleared it.
	gen uint64
}

type cachedGrants struct {
	g       *zgw.Grants
	expires time.Time
}

const grantsTTL = 5 * time.Second

// NewRegister returns the register over d; Mount adds its API.
func NewRegister(d *db.DB) *Register {
	return &Register{db: d, grants: map[string]cachedGrants{}, tokens: map[string]cachedToken{}}
}

// forget drops every cached Grants, so that a write of this process is effective at once.
func (r *Register) forget() {
	r.mu.Lock()
	r.grants = map[string]cachedGrants{}
	r.tokens = map[string]cachedToken{}
	r.gen++
	r.mu.Unlock()
}

// Grants returns what clientID may do, or nil when no applicatie has that client id.
func (r *Register) Grants(ctx context.Context, clientID string) (*zgw.Grants, error) {
	now := time.Now()
	r.mu.Lock()
	c, ok := r.grants[clientID]
	gen := r.gen
	r.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.g, nil
	}
	app, err := r.byClientID(ctx, r.db, clientID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var g *zgw.Grants
	if app != nil {
		g = &zgw.Grants{Label: app.Label, All: app.HeeftAlleAutorisaties}
		if r.api != nil {
			g.ApplicatieURL = r.api.URL("applicaties", app.UUID)
		}
		for _, a := range app.Autorisaties {
			g.Autorisaties = append(g.Autorisaties, zgw.Autorisatie{Component: a.Component, Scopes: a.Scopes, Type: a.typeURL(), MaxVertrouwelijkheid: a.MaxVertrouwelijkheidaanduiding})
		}
	}
	r.mu.Lock()
	if r.gen == gen {
		r.grants[clientID] = cachedGrants{g: g, expires: now.Add(grantsTTL)}
	}
	r.mu.Unlock()
	return g, nil
}

func (r *Register) byClientID(ctx context.Context, q db.Querier, clientID string) (*Applicatie, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT applicatie_id FROM applicatie_client WHERE client_id = $1`, clientID).Scan(&id)
	if err != nil {
		return nil, err
	}
	apps, err := load(ctx, q, []int64{id})
	if err != nil || len(apps) == 0 {
		return nil, err
	}
	return apps[0], nil
}

// load reads the applicaties with these ids, in the order given, in three queries.
func load(ctx context.Context, q db.Querier, ids []int64) ([]*Applicatie, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID := make(map[int64]*Applicatie, len(ids))
	in := db.Placeholders(1, len(ids))
	args := db.Int64s(ids)
	rows, err := q.Query(ctx, `SELECT id, uuid, label, heeft_alle_autorisaties FROM applicatie WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		a := &Applicatie{ClientIDs: []string{}, Autorisaties: []Autorisatie{}}
		if err := rows.Scan(&a.ID, &a.UUID, &a.Label, &a.HeeftAlleAutorisaties); err != nil {
			rows.Close()
			return nil, err
		}
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT applicatie_id, client_id FROM applicatie_client WHERE applicatie_id IN (`+in+`) ORDER BY applicatie_id, position`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id].ClientIDs = append(byID[id].ClientIDs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT applicatie_id, component, scopes, type_url, max_vertrouwelijkheidaanduiding
		FROM autorisatie WHERE applicatie_id IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a Autorisatie
		var scopes, typeURL string
		if err := rows.Scan(&id, &a.Component, &scopes, &typeURL, &a.MaxVertrouwelijkheidaanduiding); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scopes), &a.Scopes); err != nil {
			return nil, fmt.Errorf("autorisatie scopes: %w", err)
		}
		a.setTypeURL(typeURL)
		byID[id].Autorisaties = append(byID[id].Autorisaties, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Applicatie, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// batchSize is the number of client ids per statement: far below the parameters a statement
// takes (32,766 on SQLite, 65,535 on PostgreSQL).
const batchSize = 1000

// save inserts (a.ID == 0) or replaces an applicatie with its client ids and autorisaties.
// A client id already owned by another applicatie violates the primary key (ac-001); callers
// check first to answer with a field error.
func save(ctx context.Context, tx *db.Tx, a *Applicatie) error {
	if a.ID == 0 {
		if a.UUID == "" {
			a.UUID = zgw.NewUUID()
		}
		err := tx.QueryRow(ctx, `INSERT INTO applicatie (uuid, label, heeft_alle_autorisaties) VALUES ($1, $2, $3) RETURNING id`,
			a.UUID, a.Label, a.HeeftAlleAutorisaties).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("insert applicatie: %w", err)
		}
	} else {
		if _, err := tx.Exec(ctx, `UPDATE applicatie SET label = $1, heeft_alle_autorisaties = $2 WHERE id = $3`,
			a.Label, a.HeeftAlleAutorisaties, a.ID); err != nil {
			return fmt.Errorf("update applicatie: %w", err)
		}
		// The tokens of a client id taken from the applicatie go with it.
		old, err := clientIDsOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		keep := make(map[string]bool, len(a.ClientIDs))
		for _, c := range a.ClientIDs {
			keep[c] = true
		}
		if err := dropTokens(ctx, tx, slices.DeleteFunc(old, func(c string) bool { return keep[c] })); err != nil {
			return err
		}
		for _, t := range []string{"applicatie_client", "autorisatie"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE applicatie_id = $1`, a.ID); err != nil {
				return err
			}
		}
	}
	// Many rows per statement: the spec sets no maximum on the number of client ids, and
	// one statement each would keep a client with thousands waiting.
	for from := 0; from < len(a.ClientIDs); from += batchSize {
		batch := a.ClientIDs[from:min(from+batchSize, len(a.ClientIDs))]
		values := make([]string, len(batch))
		args := make([]any, 0, 3*len(batch))
		for i, c := range batch {
			values[i] = fmt.Sprintf("($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, c, a.ID, from+i)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO applicatie_client (client_id, applicatie_id, position) VALUES `+strings.Join(values, ", "), args...); err != nil {
			return fmt.Errorf("insert client ids: %w", err)
		}
	}
	for _, au := range a.Autorisaties {
		scopes, err := json.Marshal(au.Scopes)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO autorisatie (applicatie_id, component, scopes, type_url, max_vertrouwelijkheidaanduiding)
			VALUES ($1, $2, $3, $4, $5)`, a.ID, au.Component, string(scopes), au.typeURL(), au.MaxVertrouwelijkheidaanduiding); err != nil {
			return fmt.Errorf("insert autorisatie: %w", err)
		}
	}
	return nil
}

// Seed is one applicatie in the --applicaties file: the API's applicatie fields plus the JWT
// secret of its client ids and its API tokens (for the APIs that authenticate with
// "Authorization: Token", as Open Klant and Open Object do).
type Seed struct {
	ClientIDs []string `json:"clientIds"`
	Secret    string   `json:"secret"`
	Tokens    []string `json:"tokens"`
	// Objecten are the applicatie's permissions in the Objecten API (docs/objecten.md); the
	// app hands them to that register.
	Objecten              []ObjectenPermissie `json:"objecten"`
	Label                 string              `json:"label"`
	HeeftAlleAutorisaties bool                `json:"heeftAlleAutorisaties"`
	Autorisaties          []Autorisatie       `json:"autorisaties"`
}

// ObjectenPermissie is what a client may do with the objects of one objecttype.
type ObjectenPermissie struct {
	Objecttype string   `json:"objecttype"`
	Mode       string   `json:"mode"`   // read_only (or read) or read_and_write
	Velden     []string `json:"velden"` // when present, only these keys of record.data are shown
}

// SeedFile applies the applicaties of a JSON or YAML file (a list, or {"applicaties": [...]})
// and returns them.
func (r *Register) SeedFile(ctx context.Context, path string, secrets *zgw.SecretStore) ([]Seed, error) {
	seeds, err := ReadSeedFile(path)
	if err != nil {
		return nil, err
	}
	return seeds, r.Seed(ctx, seeds, secrets)
}

// ReadSeedFile reads the applicaties of a JSON or YAML file (a list, or {"applicaties": [...]}).
func ReadSeedFile(path string) ([]Seed, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil { // YAML is a superset of JSON
		return nil, fmt.Errorf("parse: %w", err)
	}
	if m, ok := doc.(map[string]any); ok {
		doc = m["applicaties"]
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var seeds []Seed
	if err := json.Unmarshal(b, &seeds); err != nil {
		return nil, fmt.Errorf("parse: want a list of applicaties: %w", err)
	}
	return seeds, nil
}

// Seed creates or updates applicaties so that they are exactly as given, matched by client
// id, and registers their secrets. Running it again with the same input changes nothing, so
// it can run at every start (configuration as code). Seeded applicaties obey the same rules
// as those written through the API.
func (r *Register) Seed(ctx context.Context, seeds []Seed, secrets *zgw.SecretStore) error {
	for i, s := range seeds {
		if len(s.ClientIDs) == 0 {
			return fmt.Errorf("applicatie %d: clientIds is empty", i)
		}
		if s.tokenClient() {
			if err := r.seedTokenClient(ctx, s, secrets); err != nil {
				return err
			}
			continue
		}
		want := &Applicatie{ClientIDs: s.ClientIDs, Label: s.Label, HeeftAlleAutorisaties: s.HeeftAlleAutorisaties, Autorisaties: s.Autorisaties}
		normalize(want)
		if errs := checkApplicatie(want); len(errs.Params) > 0 {
			return fmt.Errorf("applicatie %s: %w", s.ClientIDs[0], errs.Err())
		}
		err := r.db.Update(ctx, func(tx *db.Tx) error {
			owners, err := clientOwners(ctx, tx, s.ClientIDs)
			if err != nil {
				return err
			}
			if len(owners) > 1 {
				return fmt.Errorf("client ids %v belong to %d different applicaties (ac-001)", s.ClientIDs, len(owners))
			}
			actie := "create"
			if len(owners) == 1 {
				cur, err := load(ctx, tx, owners)
				if err != nil {
					return err
				}
				want.ID, want.UUID = cur[0].ID, cur[0].UUID
				if sameApplicatie(cur[0], want) {
					return r.seedSecrets(ctx, tx, s, secrets)
				}
				actie = "update"
			}
			if err := save(ctx, tx, want); err != nil {
				return err
			}
			if err := r.notify(ctx, tx, want, actie); err != nil {
				return err
			}
			return r.seedSecrets(ctx, tx, s, secrets)
		})
		if err != nil {
			return err
		}
	}
	r.forget()
	return nil
}

// tokenClient reports whether s only uses the APIs with their own permissions (Objecten,
// Klantinteracties): no ZGW autorisaties, so no applicatie in the Autorisaties API, which
// would refuse one without autorisaties (ac-002).
func (s Seed) tokenClient() bool {
	return !s.HeeftAlleAutorisaties && len(s.Autorisaties) == 0 && (len(s.Tokens) > 0 || len(s.Objecten) > 0)
}

// seedTokenClient seeds the tokens and secret of a token client; an applicatie that owned
// its client ids before is deleted, as the file is the source of truth for them.
func (r *Register) seedTokenClient(ctx context.Context, s Seed, secrets *zgw.SecretStore) error {
	return r.db.Update(ctx, func(tx *db.Tx) error {
		owners, err := clientOwners(ctx, tx, s.ClientIDs)
		if err != nil {
			return err
		}
		if len(owners) > 0 {
			old, err := load(ctx, tx, owners)
			if err != nil {
				return err
			}
			for _, a := range old {
				if _, err := tx.Exec(ctx, `DELETE FROM applicatie WHERE id = $1`, a.ID); err != nil {
					return fmt.Errorf("delete applicatie: %w", err)
				}
				if err := dropTokens(ctx, tx, a.ClientIDs); err != nil {
					return err
				}
				if err := r.notify(ctx, tx, a, "destroy"); err != nil {
					return err
				}
			}
		}
		return r.seedSecrets(ctx, tx, s, secrets)
	})
}

// clientOwners returns the distinct applicaties that own any of clientIDs, in the order met.
func clientOwners(ctx context.Context, q db.Querier, clientIDs []string) ([]int64, error) {
	var owners []int64
	for _, c := range clientIDs {
		var id int64
		err := q.QueryRow(ctx, `SELECT applicatie_id FROM applicatie_client WHERE client_id = $1`, c).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		case !slices.Contains(owners, id):
			owners = append(owners, id)
		}
	}
	return owners, nil
}

func (r *Register) seedSecrets(ctx context.Context, tx *db.Tx, s Seed, secrets *zgw.SecretStore) error {
	if err := seedTokens(ctx, tx, s); err != nil {
		return err
	}
	if s.Secret == "" {
		return nil
	}
	for _, c := range s.ClientIDs {
		same, err := secrets.Same(ctx, c, s.Secret)
		if err != nil {
			return err
		}
		if !same {
			if err := secrets.Set(ctx, tx, c, s.Secret); err != nil {
				return err
			}
		}
	}
	return nil
}

func sameApplicatie(a, b *Applicatie) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// notify announces a change on kanaal autorisaties (autorisaties.md §4); the applicatie has no
// kenmerken.
func (r *Register) notify(ctx context.Context, tx *db.Tx, a *Applicatie, actie string) error {
	if r.api == nil {
		return nil
	}
	u := r.api.URL("applicaties", a.UUID)
	return zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: "autorisaties", HoofdObject: u, Resource: "applicatie", ResourceURL: u, Actie: actie})
}
