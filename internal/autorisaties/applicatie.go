package autorisaties

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Mount adds the routes of the Autorisaties API to api.
func (r *Register) Mount(api *zgw.API) {
	r.api = api
	read := zgw.Scopes("autorisaties.lezen")
	write := zgw.Scopes("autorisaties.bijwerken")
	api.Handle("GET /applicaties", read, r.list)
	api.Handle("POST /applicaties", write, r.create)
	api.Handle("GET /applicaties/consumer", read, r.consumer)
	api.Handle("GET /applicaties/{uuid}", read, r.read)
	api.Handle("PUT /applicaties/{uuid}", write, r.update)
	api.Handle("PATCH /applicaties/{uuid}", write, r.partialUpdate)
	api.Handle("DELETE /applicaties/{uuid}", write, r.destroy)
}

// applicatieIn is the request body of create, update and partial_update. Types, enums,
// lengths and formats are already checked against the spec by c.Body.
type applicatieIn struct {
	ClientIDs             []string      `json:"clientIds"`
	Label                 string        `json:"label"`
	HeeftAlleAutorisaties bool          `json:"heeftAlleAutorisaties"`
	Autorisaties          []Autorisatie `json:"autorisaties"`
}

// applicatieOut is the Applicatie as the API renders it.
type applicatieOut struct {
	URL                   string           `json:"url"`
	ClientIDs             []string         `json:"clientIds"`
	Label                 string           `json:"label"`
	HeeftAlleAutorisaties bool             `json:"heeftAlleAutorisaties"`
	Autorisaties          []autorisatieOut `json:"autorisaties"`
}

// autorisatieOut renders one autorisatie with exactly the fields of its component's schema
// (zrc, drc, brc, ztc, nrc, ac). maxVertrouwelijkheidaanduiding is left out when it was never
// set (an autorisatie with only generic scopes, ac-003): "" is not in its enum.
type autorisatieOut struct {
	Component                      string   `json:"component"`
	ComponentWeergave              string   `json:"componentWeergave"`
	Scopes                         []string `json:"scopes"`
	Zaaktype                       *string  `json:"zaaktype,omitempty"`
	Informatieobjecttype           *string  `json:"informatieobjecttype,omitempty"`
	Besluittype                    *string  `json:"besluittype,omitempty"`
	MaxVertrouwelijkheidaanduiding *string  `json:"maxVertrouwelijkheidaanduiding,omitempty"`
}

// componentWeergave is the label of a component, as the spec describes the enum.
func componentWeergave(c string) string {
	switch c {
	case "ac":
		return "Autorisatiecomponent"
	case "nrc":
		return "Notificatierouteringcomponent"
	case "zrc":
		return "Zaakregistratiecomponent"
	case "ztc":
		return "Zaaktypecatalogus"
	case "drc":
		return "Documentregistratiecomponent"
	case "brc":
		return "Besluitregistratiecomponent"
	}
	return c
}

func (r *Register) render(a *Applicatie) applicatieOut {
	out := applicatieOut{
		URL:                   r.api.URL("applicaties", a.UUID),
		ClientIDs:             a.ClientIDs,
		Label:                 a.Label,
		HeeftAlleAutorisaties: a.HeeftAlleAutorisaties,
		Autorisaties:          make([]autorisatieOut, len(a.Autorisaties)),
	}
	if out.ClientIDs == nil {
		out.ClientIDs = []string{}
	}
	for i, au := range a.Autorisaties {
		o := autorisatieOut{Component: au.Component, ComponentWeergave: componentWeergave(au.Component), Scopes: au.Scopes}
		if o.Scopes == nil {
			o.Scopes = []string{}
		}
		switch au.Component {
		case "zrc":
			o.Zaaktype = &au.Zaaktype
		case "drc":
			o.Informatieobjecttype = &au.Informatieobjecttype
		case "brc":
			o.Besluittype = &au.Besluittype
		}
		if au.MaxVertrouwelijkheidaanduiding != "" {
			o.MaxVertrouwelijkheidaanduiding = &au.MaxVertrouwelijkheidaanduiding
		}
		out.Autorisaties[i] = o
	}
	return out
}

// normalize drops what does not belong to an autorisatie's component (a zaaktype sent on a
// ztc autorisatie, say), so that what is stored is what is rendered and seeding compares
// like with like.
func normalize(a *Applicatie) {
	if a.ClientIDs == nil {
		a.ClientIDs = []string{}
	}
	if a.Autorisaties == nil {
		a.Autorisaties = []Autorisatie{}
	}
	for i := range a.Autorisaties {
		au := &a.Autorisaties[i]
		if au.Scopes == nil {
			au.Scopes = []string{}
		}
		u := au.typeURL()
		au.Zaaktype, au.Informatieobjecttype, au.Besluittype = "", "", ""
		au.setTypeURL(u)
		if au.Component != "zrc" && au.Component != "drc" {
			au.MaxVertrouwelijkheidaanduiding = ""
		}
	}
}

// checkApplicatie applies the rules that need nothing but the applicatie itself: client ids
// unique within it, ac-002 and ac-003.
func checkApplicatie(a *Applicatie) zgw.Errs {
	var errs zgw.Errs
	checkClientIDsDistinct(a, &errs)
	checkEenWijzeVanToekennen(a, &errs)
	checkVerplichteVelden(a, &errs)
	return errs
}

// ac-001: a client id belongs to one applicatie only, so it cannot appear twice in one either.
func checkClientIDsDistinct(a *Applicatie, errs *zgw.Errs) {
	seen := make(map[string]bool, len(a.ClientIDs))
	for _, c := range a.ClientIDs {
		if seen[c] {
			errs.Add("clientIds", "unique", fmt.Sprintf("Client ID %q komt meer dan eens voor.", c))
			return
		}
		seen[c] = true
	}
}

// ac-001: a client id already owned by another applicatie cannot be given to this one. Open
// Zaak answers this with code clientId-exists on clientIds. Several client ids in one
// applicatie are fine (ac-001a).
func checkClientIDsFree(ctx context.Context, q db.Querier, a *Applicatie, errs *zgw.Errs) error {
	var taken, owners []string
	// In batches: a statement takes at most 32,766 parameters on SQLite and 65,535 on
	// PostgreSQL, and the spec sets no maximum on the number of client ids.
	for batch := range slices.Chunk(a.ClientIDs, batchSize) {
		if err := clientIDsTaken(ctx, q, a.ID, batch, &taken, &owners); err != nil {
			return err
		}
	}
	if len(taken) > 0 {
		errs.Add("clientIds", "clientId-exists", fmt.Sprintf("De client ID(s) %s zijn al in gebruik bij applicatie(s) %s.",
			strings.Join(taken, ", "), strings.Join(owners, ", ")))
	}
	return nil
}

// clientIDsTaken appends those of clientIDs that belong to an applicatie other than id to
// taken, and their owners' uuids to owners.
func clientIDsTaken(ctx context.Context, q db.Querier, id int64, clientIDs []string, taken, owners *[]string) error {
	args := make([]any, 0, len(clientIDs)+1)
	args = append(args, id)
	for _, c := range clientIDs {
		args = append(args, c)
	}
	rows, err := q.Query(ctx, `SELECT c.client_id, a.uuid FROM applicatie_client c JOIN applicatie a ON a.id = c.applicatie_id
		WHERE c.applicatie_id <> $1 AND c.client_id IN (`+db.Placeholders(2, len(clientIDs))+`) ORDER BY c.client_id`, args...)
	if err != nil {
		return fmt.Errorf("client ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, owner string
		if err := rows.Scan(&c, &owner); err != nil {
			return err
		}
		*taken = append(*taken, c)
		if !slices.Contains(*owners, owner) {
			*owners = append(*owners, owner)
		}
	}
	return rows.Err()
}

// ac-002: an applicatie gets its rights one way: heeftAlleAutorisaties, or a non-empty list of
// autorisaties, never both and never neither.
func checkEenWijzeVanToekennen(a *Applicatie, errs *zgw.Errs) {
	switch {
	case a.HeeftAlleAutorisaties && len(a.Autorisaties) > 0:
		errs.Add("nonFieldErrors", "ambiguous-authorizations-specified",
			"Geef heeftAlleAutorisaties of autorisaties op, niet allebei.")
	case !a.HeeftAlleAutorisaties && len(a.Autorisaties) == 0:
		errs.Add("nonFieldErrors", "missing-authorizations",
			"Geef heeftAlleAutorisaties of ten minste één autorisatie op.")
	}
}

// ac-003: an autorisatie for zaken, documenten or besluiten names the type it applies to and,
// for zaken and documenten, the highest vertrouwelijkheidaanduiding. Autorisaties with only
// generic scopes of such a component (audittrails.lezen, ...) need neither.
func checkVerplichteVelden(a *Applicatie, errs *zgw.Errs) {
	for i, au := range a.Autorisaties {
		var prefix string
		var required []string
		switch au.Component {
		case "zrc":
			prefix, required = "zaken.", []string{"zaaktype", "maxVertrouwelijkheidaanduiding"}
		case "drc":
			prefix, required = "documenten.", []string{"informatieobjecttype", "maxVertrouwelijkheidaanduiding"}
		case "brc":
			prefix, required = "besluiten.", []string{"besluittype"}
		default:
			continue
		}
		if !slices.ContainsFunc(au.Scopes, func(s string) bool { return strings.HasPrefix(s, prefix) }) {
			continue
		}
		for _, f := range required {
			v := au.MaxVertrouwelijkheidaanduiding
			if f != "maxVertrouwelijkheidaanduiding" {
				v = au.typeURL()
			}
			if v == "" {
				errs.Add(fmt.Sprintf("autorisaties.%d.%s", i, f), "required",
					fmt.Sprintf("Dit veld is vereist als component %s is en de scopes %s* bevatten.", au.Component, prefix))
			}
		}
	}
}

// store checks a against every rule and saves it with its notification in one transaction;
// the change is effective for authentication in this process as soon as it returns.
func (r *Register) store(ctx context.Context, a *Applicatie, actie string) error {
	normalize(a)
	errs := checkApplicatie(a)
	id, uuid := a.ID, a.UUID
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		if err := checkClientIDsFree(ctx, tx, a, &errs); err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := save(ctx, tx, a); err != nil {
			return err
		}
		return r.notify(ctx, tx, a, actie)
	})
	if err != nil {
		a.ID, a.UUID = id, uuid // a rolled-back insert may have set them
		if zgw.KindOf(err) == zgw.Internal {
			// A concurrent write may have taken a client id between the check and the
			// insert; the primary key stopped it, and the caller deserves the field error.
			var again zgw.Errs
			if checkClientIDsFree(ctx, r.db, a, &again) == nil && len(again.Params) > 0 {
				return again.Err()
			}
		}
		return err
	}
	r.forget()
	return nil
}

func (r *Register) list(c *zgw.Call) error {
	q := c.Query("clientIds", "page")
	clientIDs := q.List("clientIds")
	if err := q.Err(); err != nil {
		return err
	}
	var w db.Where
	if len(clientIDs) > 0 {
		args := make([]any, len(clientIDs))
		for i, id := range clientIDs {
			args[i] = id
		}
		// Any of the client ids: the primary key of applicatie_client serves the lookup.
		w.And("id IN (SELECT applicatie_id FROM applicatie_client WHERE client_id IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")+"))", args...)
	}
	p, err := db.List(c.Ctx(), r.db, "applicatie", &w, "id", q.Page, zgw.PageSize)
	if err != nil {
		return err
	}
	apps, err := load(c.Ctx(), r.db, p.IDs)
	if err != nil {
		return err
	}
	out := make([]applicatieOut, len(apps))
	for i, a := range apps {
		out[i] = r.render(a)
	}
	page, err := zgw.Paginate(c, q.Page, p.Count, out)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// consumer answers with the one applicatie that owns clientId (autorisaties.md §2: an object,
// not the list the original spec declared).
func (r *Register) consumer(c *zgw.Call) error {
	q := c.Query("clientId")
	clientID := q.String("clientId")
	if clientID == "" {
		q.Invalid("clientId", "required", "Dit veld is vereist.")
	}
	if err := q.Err(); err != nil {
		return err
	}
	a, err := r.byClientID(c.Ctx(), r.db, clientID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && a == nil {
		return zgw.ErrNotFound()
	}
	if err != nil {
		return err
	}
	return c.Detail(r.render(a))
}

func (r *Register) read(c *zgw.Call) error {
	a, err := r.fromPath(c)
	if err != nil {
		return err
	}
	return c.Detail(r.render(a))
}

func (r *Register) create(c *zgw.Call) error {
	var in applicatieIn
	if _, err := c.Body("applicatie_create", &in); err != nil {
		return err
	}
	a := &Applicatie{ClientIDs: in.ClientIDs, Label: in.Label, HeeftAlleAutorisaties: in.HeeftAlleAutorisaties, Autorisaties: in.Autorisaties}
	if err := r.store(c.Ctx(), a, "create"); err != nil {
		return err
	}
	out := r.render(a)
	return c.Created(out.URL, out)
}

// update and partialUpdate change the fields sent; autorisaties, when sent, replace the whole
// set. PUT must send clientIds and label (the spec's required fields, checked by c.Body); as in
// Open Zaak, heeftAlleAutorisaties and autorisaties keep their values when a PUT leaves them
// out. The rules judge the result: to switch to heeftAlleAutorisaties, send "autorisaties": []
// along.
func (r *Register) update(c *zgw.Call) error {
	return r.change(c, "applicatie_update", "update")
}

func (r *Register) partialUpdate(c *zgw.Call) error {
	return r.change(c, "applicatie_partial_update", "partial_update")
}

func (r *Register) change(c *zgw.Call, operationID, actie string) error {
	a, err := r.fromPath(c)
	if err != nil {
		return err
	}
	var in applicatieIn
	keys, err := c.Body(operationID, &in)
	if err != nil {
		return err
	}
	if zgw.Sent(keys, "clientIds") {
		a.ClientIDs = in.ClientIDs
	}
	if zgw.Sent(keys, "label") {
		a.Label = in.Label
	}
	if zgw.Sent(keys, "heeftAlleAutorisaties") {
		a.HeeftAlleAutorisaties = in.HeeftAlleAutorisaties
	}
	if zgw.Sent(keys, "autorisaties") {
		a.Autorisaties = in.Autorisaties
	}
	if err := r.store(c.Ctx(), a, actie); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r.render(a))
}

func (r *Register) destroy(c *zgw.Call) error {
	a, err := r.fromPath(c)
	if err != nil {
		return err
	}
	err = r.db.Update(c.Ctx(), func(tx *db.Tx) error {
		n, err := db.Affected(tx.Exec(c.Ctx(), `DELETE FROM applicatie WHERE id = $1`, a.ID))
		if err != nil {
			return fmt.Errorf("delete applicatie: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound() // deleted meanwhile
		}
		if err := dropTokens(c.Ctx(), tx, a.ClientIDs); err != nil {
			return err
		}
		return r.notify(c.Ctx(), tx, a, "destroy")
	})
	if err != nil {
		return err
	}
	r.forget()
	return c.NoContent()
}

// fromPath loads the applicatie named by the {uuid} of the path; 404 when there is none.
func (r *Register) fromPath(c *zgw.Call) (*Applicatie, error) {
	id := strings.ToLower(c.R.PathValue("uuid"))
	if !zgw.ValidUUID(id) {
		return nil, zgw.ErrNotFound()
	}
	var n int64
	err := r.db.QueryRow(c.Ctx(), `SELECT id FROM applicatie WHERE uuid = $1`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zgw.ErrNotFound()
	}
	if err != nil {
		return nil, err
	}
	apps, err := load(c.Ctx(), r.db, []int64{n})
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, zgw.ErrNotFound()
	}
	return apps[0], nil
}
