package notificaties

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// FilterGroup is one kanaal of an abonnement with the kenmerk filters on it (a value, or "*"
// for any value).
type FilterGroup struct {
	Naam    string            `json:"naam"`
	Filters map[string]string `json:"filters"`
}

// abonnementIn is the request body of create, update and partial_update; types and formats
// are checked against the spec by c.Body.
type abonnementIn struct {
	CallbackURL string        `json:"callbackUrl"`
	Auth        string        `json:"auth"`
	Kanalen     []FilterGroup `json:"kanalen"`
}

// abonnementOut is the Abonnement as the API renders it: without auth, which is write-only
// (notificaties.md §2): it is the key to the subscriber's endpoint.
type abonnementOut struct {
	URL         string        `json:"url"`
	CallbackURL string        `json:"callbackUrl"`
	Kanalen     []FilterGroup `json:"kanalen"`
}

// abonnement is a stored abonnement.
type abonnement struct {
	ID          int64
	UUID        string
	CallbackURL string
	Auth        string
	ClientID    string
	Kanalen     []FilterGroup
}

func (r *Register) renderAbonnement(a *abonnement) abonnementOut {
	out := abonnementOut{URL: r.api.URL("abonnement", a.UUID), CallbackURL: a.CallbackURL, Kanalen: make([]FilterGroup, len(a.Kanalen))}
	for i, g := range a.Kanalen {
		out.Kanalen[i] = FilterGroup{Naam: g.Naam, Filters: g.Filters}
		if out.Kanalen[i].Filters == nil {
			out.Kanalen[i].Filters = map[string]string{}
		}
	}
	return out
}

// loadAbonnementen reads the abonnementen matching where ("" for all) with their filter
// groups, in two queries, oldest first.
func loadAbonnementen(ctx context.Context, q db.Querier, where string, args ...any) ([]*abonnement, error) {
	if where != "" {
		where = " WHERE " + where
	}
	rows, err := q.Query(ctx, `SELECT id, uuid, callback_url, auth, client_id FROM abonnement`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("abonnementen: %w", err)
	}
	var out []*abonnement
	byID := map[int64]*abonnement{}
	for rows.Next() {
		a := &abonnement{Kanalen: []FilterGroup{}}
		if err := rows.Scan(&a.ID, &a.UUID, &a.CallbackURL, &a.Auth, &a.ClientID); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out))
	for _, a := range out {
		ids = append(ids, a.ID)
	}
	groups, err := q.Query(ctx, `SELECT g.abonnement_id, k.naam, g.filters FROM abonnement_kanaal g JOIN kanaal k ON k.id = g.kanaal_id
		WHERE g.abonnement_id IN (`+db.Placeholders(1, len(ids))+`) ORDER BY g.abonnement_id, g.id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("abonnement kanalen: %w", err)
	}
	defer groups.Close()
	for groups.Next() {
		var id int64
		var g FilterGroup
		var filters string
		if err := groups.Scan(&id, &g.Naam, &filters); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(filters), &g.Filters); err != nil {
			return nil, fmt.Errorf("abonnement filters: %w", err)
		}
		byID[id].Kanalen = append(byID[id].Kanalen, g)
	}
	return out, groups.Err()
}

// abonnementFromPath loads the abonnement named by the {uuid} of the path; 404 when there is
// none.
func (r *Register) abonnementFromPath(c *zgw.Call) (*abonnement, error) {
	id := strings.ToLower(c.R.PathValue("uuid"))
	if !zgw.ValidUUID(id) {
		return nil, zgw.ErrNotFound()
	}
	as, err := loadAbonnementen(c.Ctx(), r.db, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, zgw.ErrNotFound()
	}
	return as[0], nil
}

// abonnementList lists every abonnement: as in Open Notificaties, a client with the scope
// sees all of them, not only its own.
func (r *Register) abonnementList(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	as, err := loadAbonnementen(c.Ctx(), r.db, "")
	if err != nil {
		return err
	}
	out := make([]abonnementOut, len(as))
	for i, a := range as {
		out[i] = r.renderAbonnement(a)
	}
	return c.JSON(http.StatusOK, out)
}

func (r *Register) abonnementRead(c *zgw.Call) error {
	a, err := r.abonnementFromPath(c)
	if err != nil {
		return err
	}
	return c.Detail(r.renderAbonnement(a))
}

func (r *Register) abonnementCreate(c *zgw.Call) error {
	var in abonnementIn
	if _, err := c.Body("abonnement_create", &in); err != nil {
		return err
	}
	a := &abonnement{UUID: zgw.NewUUID(), CallbackURL: in.CallbackURL, Auth: in.Auth, ClientID: c.Principal.ClientID, Kanalen: in.Kanalen}
	if err := r.store(c.Ctx(), a, true, true); err != nil {
		return err
	}
	out := r.renderAbonnement(a)
	return c.Created(out.URL, out)
}

// abonnementUpdate and abonnementPartialUpdate change the fields sent; kanalen, when sent,
// replace all filter groups (as in Open Notificaties). PUT must send all three fields (the
// spec's required ones, checked by c.Body).
func (r *Register) abonnementUpdate(c *zgw.Call) error {
	return r.abonnementChange(c, "abonnement_update")
}

func (r *Register) abonnementPartialUpdate(c *zgw.Call) error {
	return r.abonnementChange(c, "abonnement_partial_update")
}

func (r *Register) abonnementChange(c *zgw.Call, operationID string) error {
	a, err := r.abonnementFromPath(c)
	if err != nil {
		return err
	}
	var in abonnementIn
	keys, err := c.Body(operationID, &in)
	if err != nil {
		return err
	}
	if zgw.Sent(keys, "callbackUrl") {
		a.CallbackURL = in.CallbackURL
	}
	if zgw.Sent(keys, "auth") {
		a.Auth = in.Auth
	}
	if zgw.Sent(keys, "kanalen") {
		a.Kanalen = in.Kanalen
	}
	if err := r.store(c.Ctx(), a, false, true); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r.renderAbonnement(a))
}

func (r *Register) abonnementDelete(c *zgw.Call) error {
	a, err := r.abonnementFromPath(c)
	if err != nil {
		return err
	}
	err = r.db.Update(c.Ctx(), func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(c.Ctx(), `DELETE FROM abonnement WHERE id = $1`, a.ID))
		if err != nil {
			return fmt.Errorf("delete abonnement: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound() // deleted meanwhile
		}
		// Its pending deliveries go with it, in the same transaction.
		if r.deliveries != nil {
			return r.deliveries.Forget(c.Ctx(), tx, a.UUID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.changed()
	return c.NoContent()
}

// store checks a against the rules and saves it (insert when create) in one transaction. The
// callback is test-POSTed first, outside the transaction, when testCallback is set.
func (r *Register) store(ctx context.Context, a *abonnement, create, testCallback bool) error {
	a.CallbackURL, a.Auth = strings.TrimSpace(a.CallbackURL), strings.TrimSpace(a.Auth)
	if a.Kanalen == nil {
		a.Kanalen = []FilterGroup{}
	}
	for i := range a.Kanalen {
		a.Kanalen[i].Naam = strings.TrimSpace(a.Kanalen[i].Naam)
	}
	var errs zgw.Errs
	checkCallbackScheme(a.CallbackURL, &errs)
	kanalen, err := checkKanalen(ctx, r.db, a.Kanalen, &errs)
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if testCallback {
		if err := r.testCallback(ctx, a.CallbackURL, a.Auth); err != nil {
			return err
		}
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if create {
			err := tx.QueryRow(ctx, `INSERT INTO abonnement (uuid, callback_url, auth, client_id, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, a.UUID, a.CallbackURL, a.Auth, a.ClientID, tx.Now).Scan(&a.ID)
			if err != nil {
				return fmt.Errorf("insert abonnement: %w", err)
			}
		} else {
			n, err := db.Affected(tx.Exec(ctx, `UPDATE abonnement SET callback_url = $1, auth = $2, updated_at = $3 WHERE id = $4`,
				a.CallbackURL, a.Auth, tx.Now, a.ID))
			if err != nil {
				return fmt.Errorf("update abonnement: %w", err)
			}
			if n == 0 {
				return zgw.ErrNotFound() // deleted meanwhile
			}
			if _, err := tx.Exec(ctx, `DELETE FROM abonnement_kanaal WHERE abonnement_id = $1`, a.ID); err != nil {
				return fmt.Errorf("abonnement kanalen: %w", err)
			}
		}
		// Waiting retries go to the new callback with the new auth too.
		if r.deliveries != nil {
			t := outbox.Target{Abonnement: a.UUID, CallbackURL: a.CallbackURL, Auth: a.Auth}
			if err := r.deliveries.SetTarget(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, g := range a.Kanalen {
			filters := g.Filters
			if filters == nil {
				filters = map[string]string{}
			}
			b, err := json.Marshal(filters)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO abonnement_kanaal (abonnement_id, kanaal_id, filters) VALUES ($1, $2, $3)`,
				a.ID, kanalen[g.Naam].ID, string(b)); err != nil {
				return fmt.Errorf("abonnement kanaal: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.changed()
	return nil
}

// checkCallbackScheme: Meent POSTs to the callback, so only http and https will do (the spec's
// uri format also admits mailto:, file: and the like).
func checkCallbackScheme(callback string, errs *zgw.Errs) {
	u, err := url.Parse(callback)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs.Add("callbackUrl", "invalid", "Voer een geldige http- of https-URL in.")
	}
}

// checkKanalen applies Open Notificaties' rules to the filter groups: each names an existing
// kanaal (code kanaal_naam on naam), and its filter names are consistent with the kanaal's
// filters (code inconsistent-abonnement-filters on filters). It returns the kanalen named.
func checkKanalen(ctx context.Context, q db.Querier, groups []FilterGroup, errs *zgw.Errs) (map[string]*storedKanaal, error) {
	var names []string
	for _, g := range groups {
		if !slices.Contains(names, g.Naam) {
			names = append(names, g.Naam)
		}
	}
	kanalen, err := kanalenByNaam(ctx, q, names)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		k := kanalen[g.Naam]
		if k == nil {
			errs.Add("naam", "kanaal_naam", fmt.Sprintf("Kanaal met de naam %q bestaat niet.", g.Naam))
			continue
		}
		if len(g.Filters) > 0 && !consistentNames(k.Filters, slices.Collect(maps.Keys(g.Filters))) {
			errs.Add("filters", "inconsistent-abonnement-filters",
				fmt.Sprintf("De filters van kanaal %q passen niet bij de kenmerken van het kanaal (%s).", g.Naam, strings.Join(k.Filters, ", ")))
		}
	}
	return kanalen, nil
}
