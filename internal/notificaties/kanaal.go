package notificaties

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Kanaal is a kanaal as a publisher describes it. Naam, DocumentatieLink and Filters are what
// the API stores and shows; the rest describes the kanaal on the page Meent serves as its
// documentatieLink.
type Kanaal struct {
	Naam string
	// DocumentatieLink is the page describing the kanaal; "" means Meent's own page
	// ({api root}/x-meent/kanalen/{naam}).
	DocumentatieLink string
	// Filters are the names of the kenmerken every message on the kanaal carries.
	Filters []string

	Bron        string   // the API that publishes on the kanaal
	HoofdObject string   // the main resource; hoofdObject of every message
	Resources   []string // the resources messages are about (resource)
	Acties      []string // the acties published (actie)
}

// crud are the acties every ZGW API publishes for a change through its API.
var crud = []string{"create", "update", "partial_update", "destroy"}

// PlatformKanalen are the kanalen of Meent's own registers (notificaties.md §4), registered at
// start-up with EnsureKanalen.
func PlatformKanalen() []Kanaal {
	catalogus := func(naam, hoofd string) Kanaal {
		return Kanaal{Naam: naam, Filters: []string{"catalogus"}, Bron: "Catalogi API", HoofdObject: hoofd,
			Resources: []string{hoofd}, Acties: append(slices.Clone(crud), "publish")}
	}
	return []Kanaal{
		{Naam: "zaken", Filters: []string{"bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"},
			Bron: "Zaken API", HoofdObject: "zaak",
			Resources: []string{"zaak", "status", "resultaat", "rol", "zaakeigenschap", "zaakinformatieobject", "zaakobject", "klantcontact", "zaakbesluit", "zaakcontactmoment", "zaakverzoek"},
			Acties:    crud},
		{Naam: "documenten", Filters: []string{"bronorganisatie", "informatieobjecttype", "vertrouwelijkheidaanduiding"},
			Bron: "Documenten API", HoofdObject: "enkelvoudiginformatieobject",
			Resources: []string{"enkelvoudiginformatieobject", "gebruiksrechten", "verzending"}, Acties: crud},
		{Naam: "besluiten", Filters: []string{"verantwoordelijke_organisatie", "besluittype"},
			Bron: "Besluiten API", HoofdObject: "besluit",
			Resources: []string{"besluit", "besluitinformatieobject"}, Acties: crud},
		catalogus("zaaktypen", "zaaktype"),
		catalogus("informatieobjecttypen", "informatieobjecttype"),
		catalogus("besluittypen", "besluittype"),
		{Naam: "autorisaties", Filters: []string{}, Bron: "Autorisaties API", HoofdObject: "applicatie",
			Resources: []string{"applicatie"}, Acties: crud},
		// objectType: the kenmerk as the Objecten register sends it (Open Object documents it as
		// object_type; routing and the filter check compare names snake/camel tolerant).
		{Naam: "objecten", Filters: []string{"objectType"}, Bron: "Objecten API", HoofdObject: "object",
			Resources: []string{"object"}, Acties: crud},
		// Klantinteracties: the kanalen and kenmerken of Open Klant (klantinteracties.md §5).
		{Naam: "partijen", Filters: []string{"nummer", "interne_notitie", "soort_partij"},
			Bron: "Klantinteracties API", HoofdObject: "partij", Resources: []string{"partij"}, Acties: crud},
		{Naam: "klantcontacten", Filters: []string{"hoofd_onderwerp_type", "indicatie_contact_gelukt", "verdere_actie_ondernomen"},
			Bron: "Klantinteracties API", HoofdObject: "klantcontact", Resources: []string{"klantcontact"}, Acties: crud},
		{Naam: "internetaken", Filters: []string{"nummer", "gevraagde_handeling", "toelichting", "status"},
			Bron: "Klantinteracties API", HoofdObject: "internetaak", Resources: []string{"internetaak"}, Acties: crud},
	}
}

// kanaalIn is the request body of kanaal_create; types and lengths are checked by c.Body.
type kanaalIn struct {
	Naam             string   `json:"naam"`
	DocumentatieLink string   `json:"documentatieLink"`
	Filters          []string `json:"filters"`
}

// kanaalOut is the Kanaal as the API renders it.
type kanaalOut struct {
	URL              string   `json:"url"`
	Naam             string   `json:"naam"`
	DocumentatieLink string   `json:"documentatieLink"`
	Filters          []string `json:"filters"`
}

// storedKanaal is a row of kanaal.
type storedKanaal struct {
	ID               int64
	UUID             string
	Naam             string
	DocumentatieLink string
	Filters          []string
}

const kanaalColumns = `id, uuid, naam, documentatie_link, filters`

func scanKanaal(s interface{ Scan(...any) error }) (*storedKanaal, error) {
	var k storedKanaal
	var filters string
	if err := s.Scan(&k.ID, &k.UUID, &k.Naam, &k.DocumentatieLink, &filters); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(filters), &k.Filters); err != nil {
		return nil, fmt.Errorf("kanaal %s filters: %w", k.Naam, err)
	}
	if k.Filters == nil {
		k.Filters = []string{}
	}
	return &k, nil
}

// kanalenByNaam loads the kanalen with these names (those that exist).
func kanalenByNaam(ctx context.Context, q db.Querier, names []string) (map[string]*storedKanaal, error) {
	out := map[string]*storedKanaal{}
	if len(names) == 0 {
		return out, nil
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	rows, err := q.Query(ctx, `SELECT `+kanaalColumns+` FROM kanaal WHERE naam IN (`+db.Placeholders(1, len(names))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("kanalen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanKanaal(rows)
		if err != nil {
			return nil, err
		}
		out[k.Naam] = k
	}
	return out, rows.Err()
}

func (r *Register) renderKanaal(k *storedKanaal) kanaalOut {
	return kanaalOut{URL: r.api.URL("kanaal", k.UUID), Naam: k.Naam, DocumentatieLink: k.DocumentatieLink, Filters: k.Filters}
}

// docLink is the URL of the page Meent serves about a kanaal.
func (r *Register) docLink(naam string) string {
	return r.api.Base() + "/x-meent/kanalen/" + naam
}

func (r *Register) kanaalList(c *zgw.Call) error {
	q := c.Query("naam")
	naam := q.String("naam")
	if err := q.Err(); err != nil {
		return err
	}
	query, args := `SELECT `+kanaalColumns+` FROM kanaal ORDER BY id`, []any{}
	if q.Has("naam") {
		query, args = `SELECT `+kanaalColumns+` FROM kanaal WHERE naam = $1 ORDER BY id`, []any{naam}
	}
	rows, err := r.db.Query(c.Ctx(), query, args...)
	if err != nil {
		return fmt.Errorf("kanalen: %w", err)
	}
	defer rows.Close()
	out := []kanaalOut{}
	for rows.Next() {
		k, err := scanKanaal(rows)
		if err != nil {
			return err
		}
		out = append(out, r.renderKanaal(k))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (r *Register) kanaalRead(c *zgw.Call) error {
	id := strings.ToLower(c.R.PathValue("uuid"))
	if !zgw.ValidUUID(id) {
		return zgw.ErrNotFound()
	}
	k, err := scanKanaal(r.db.QueryRow(c.Ctx(), `SELECT `+kanaalColumns+` FROM kanaal WHERE uuid = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return zgw.ErrNotFound()
	}
	if err != nil {
		return err
	}
	return c.Detail(r.renderKanaal(k))
}

func (r *Register) kanaalCreate(c *zgw.Call) error {
	var in kanaalIn
	if _, err := c.Body("kanaal_create", &in); err != nil {
		return err
	}
	k := &storedKanaal{UUID: zgw.NewUUID(), Naam: strings.TrimSpace(in.Naam), DocumentatieLink: strings.TrimSpace(in.DocumentatieLink), Filters: in.Filters}
	if k.Filters == nil {
		k.Filters = []string{}
	}
	for i, f := range k.Filters {
		k.Filters[i] = strings.TrimSpace(f)
	}
	err := r.db.Update(c.Ctx(), func(tx *db.Tx) error {
		if err := checkNaamUnique(c.Ctx(), tx, k.Naam); err != nil {
			return err
		}
		return insertKanaal(c.Ctx(), tx, k)
	})
	if err != nil && zgw.KindOf(err) == zgw.Internal && checkNaamUnique(c.Ctx(), r.db, k.Naam) != nil {
		// A concurrent create took the name between the check and the insert; the unique
		// index stopped it, and the caller deserves the field error.
		return checkNaamUnique(c.Ctx(), r.db, k.Naam)
	}
	if err != nil {
		return err
	}
	out := r.renderKanaal(k)
	return c.Created(out.URL, out)
}

// checkNaamUnique: a kanaal name exists only once (notificaties.md §2; Open Notificaties
// answers code unique on naam).
func checkNaamUnique(ctx context.Context, q db.Querier, naam string) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM kanaal WHERE naam = $1`, naam).Scan(&n); err != nil {
		return fmt.Errorf("kanaal naam: %w", err)
	}
	if n > 0 {
		return zgw.FieldError("naam", "unique", "Er bestaat al een kanaal met deze naam.")
	}
	return nil
}

func insertKanaal(ctx context.Context, tx *db.Tx, k *storedKanaal) error {
	filters, err := json.Marshal(k.Filters)
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO kanaal (uuid, naam, documentatie_link, filters) VALUES ($1, $2, $3, $4) RETURNING id`,
		k.UUID, k.Naam, k.DocumentatieLink, string(filters)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("insert kanaal: %w", err)
	}
	return nil
}

// EnsureKanalen registers kanalen at start-up: a missing kanaal is created, an existing one
// gets the filters and documentatieLink given (the publisher owns its kanaal), and nothing is
// written when all is as given, so every node may call it at every start. A kanaal without
// DocumentatieLink gets Meent's page about it; call it after Mount.
func (r *Register) EnsureKanalen(ctx context.Context, kanalen []Kanaal) error {
	if r.api == nil {
		return errors.New("notificaties: EnsureKanalen before Mount")
	}
	want := make([]*storedKanaal, len(kanalen))
	names := make([]string, len(kanalen))
	r.docsMu.Lock()
	for i, k := range kanalen {
		s := &storedKanaal{UUID: zgw.NewUUID(), Naam: k.Naam, DocumentatieLink: k.DocumentatieLink, Filters: slices.Clone(k.Filters)}
		if s.DocumentatieLink == "" {
			s.DocumentatieLink = r.docLink(k.Naam)
			r.docs[k.Naam] = k
		}
		if s.Filters == nil {
			s.Filters = []string{}
		}
		want[i], names[i] = s, k.Naam
	}
	r.docsMu.Unlock()
	have, err := kanalenByNaam(ctx, r.db, names)
	if err != nil {
		return err
	}
	var todo []*storedKanaal
	for _, w := range want {
		h := have[w.Naam]
		if h == nil || h.DocumentatieLink != w.DocumentatieLink || !slices.Equal(h.Filters, w.Filters) {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		for _, w := range todo {
			filters, err := json.Marshal(w.Filters)
			if err != nil {
				return err
			}
			// Several nodes may start at once: the name's unique index decides who inserts.
			if _, err := tx.Exec(ctx, `INSERT INTO kanaal (uuid, naam, documentatie_link, filters) VALUES ($1, $2, $3, $4)
				ON CONFLICT (naam) DO NOTHING`, w.UUID, w.Naam, w.DocumentatieLink, string(filters)); err != nil {
				return fmt.Errorf("kanaal %s: %w", w.Naam, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE kanaal SET documentatie_link = $1, filters = $2 WHERE naam = $3`,
				w.DocumentatieLink, string(filters), w.Naam); err != nil {
				return fmt.Errorf("kanaal %s: %w", w.Naam, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ensure kanalen: %w", err)
	}
	r.changed()
	return nil
}
