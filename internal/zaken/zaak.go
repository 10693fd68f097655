package zaken

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// zaakIn is the request form of a Zaak and the state a PATCH is applied to. The fields that
// are columns are its own; zaakData is stored in data as it is rendered.
type zaakIn struct {
	Identificatie                string  `json:"identificatie"`
	Bronorganisatie              string  `json:"bronorganisatie"`
	Zaaktype                     string  `json:"zaaktype"`
	Registratiedatum             string  `json:"registratiedatum"`
	Startdatum                   string  `json:"startdatum"`
	EinddatumGepland             *string `json:"einddatumGepland"`
	UiterlijkeEinddatumAfdoening *string `json:"uiterlijkeEinddatumAfdoening"`
	Publicatiedatum              *string `json:"publicatiedatum"`
	Vertrouwelijkheidaanduiding  string  `json:"vertrouwelijkheidaanduiding"`
	Archiefnominatie             *string `json:"archiefnominatie"`
	Archiefstatus                string  `json:"archiefstatus"`
	Archiefactiedatum            *string `json:"archiefactiedatum"`
	Hoofdzaak                    *string `json:"hoofdzaak"`
	zaakData
}

type zaakData struct {
	Omschrijving                 string          `json:"omschrijving"`
	Toelichting                  string          `json:"toelichting"`
	VerantwoordelijkeOrganisatie string          `json:"verantwoordelijkeOrganisatie"`
	Communicatiekanaal           string          `json:"communicatiekanaal"`
	ProductenOfDiensten          []string        `json:"productenOfDiensten"`
	Betalingsindicatie           string          `json:"betalingsindicatie"`
	LaatsteBetaaldatum           *string         `json:"laatsteBetaaldatum"`
	Zaakgeometrie                json.RawMessage `json:"zaakgeometrie"`
	Verlenging                   *verlenging     `json:"verlenging"`
	Opschorting                  *opschorting    `json:"opschorting"`
	Selectielijstklasse          string          `json:"selectielijstklasse"`
	RelevanteAndereZaken         []relevanteZaak `json:"relevanteAndereZaken"`
	Kenmerken                    []zaakKenmerk   `json:"kenmerken"`
	OpdrachtgevendeOrganisatie   string          `json:"opdrachtgevendeOrganisatie"`
	Processobjectaard            *string         `json:"processobjectaard"`
	StartdatumBewaartermijn      *string         `json:"startdatumBewaartermijn"`
	Processobject                *processobject  `json:"processobject"`
}

type verlenging struct {
	Reden string `json:"reden"`
	Duur  string `json:"duur"`
}

type opschorting struct {
	Indicatie bool   `json:"indicatie"`
	Reden     string `json:"reden"`
}

type relevanteZaak struct {
	URL         string `json:"url"`
	AardRelatie string `json:"aardRelatie"`
}

type zaakKenmerk struct {
	Kenmerk string `json:"kenmerk"`
	Bron    string `json:"bron"`
}

type processobject struct {
	Datumkenmerk  string `json:"datumkenmerk"`
	Identificatie string `json:"identificatie"`
	Objecttype    string `json:"objecttype"`
	Registratie   string `json:"registratie"`
}

// zaakOut is a rendered Zaak.
type zaakOut struct {
	URL                          string  `json:"url"`
	UUID                         string  `json:"uuid"`
	Identificatie                string  `json:"identificatie"`
	Bronorganisatie              string  `json:"bronorganisatie"`
	Zaaktype                     string  `json:"zaaktype"`
	Registratiedatum             string  `json:"registratiedatum"`
	Startdatum                   string  `json:"startdatum"`
	Einddatum                    *string `json:"einddatum"`
	EinddatumGepland             *string `json:"einddatumGepland"`
	UiterlijkeEinddatumAfdoening *string `json:"uiterlijkeEinddatumAfdoening"`
	Publicatiedatum              *string `json:"publicatiedatum"`
	Vertrouwelijkheidaanduiding  string  `json:"vertrouwelijkheidaanduiding"`
	BetalingsindicatieWeergave   string  `json:"betalingsindicatieWeergave"`
	Archiefnominatie             *string `json:"archiefnominatie"`
	Archiefstatus                string  `json:"archiefstatus"`
	Archiefactiedatum            *string `json:"archiefactiedatum"`
	Hoofdzaak                    *string `json:"hoofdzaak"`
	// The relations are written by MarshalJSON, always as lists (or null for status and
	// resultaat).
	Deelzaken              []string `json:"-"`
	Eigenschappen          []string `json:"-"`
	Rollen                 []string `json:"-"`
	Status                 *string  `json:"-"`
	Zaakinformatieobjecten []string `json:"-"`
	Zaakobjecten           []string `json:"-"`
	Resultaat              *string  `json:"-"`
	zaakData
	Expand map[string]any `json:"_expand,omitempty"`
}

// MarshalJSON keeps the relation lists lower-case and always present.
func (z zaakOut) MarshalJSON() ([]byte, error) {
	type plain zaakOut
	return json.Marshal(struct {
		plain
		Deelzaken              []string `json:"deelzaken"`
		Eigenschappen          []string `json:"eigenschappen"`
		Rollen                 []string `json:"rollen"`
		Status                 *string  `json:"status"`
		Zaakinformatieobjecten []string `json:"zaakinformatieobjecten"`
		Zaakobjecten           []string `json:"zaakobjecten"`
		Resultaat              *string  `json:"resultaat"`
	}{plain(z), nonNil(z.Deelzaken), nonNil(z.Eigenschappen), nonNil(z.Rollen), z.Status, nonNil(z.Zaakinformatieobjecten), nonNil(z.Zaakobjecten), z.Resultaat})
}

var betalingsindicatieWeergave = map[string]string{
	"nvt":          "Er is geen sprake van te betalen, met de zaak gemoeide, kosten.",
	"nog_niet":     "De met de zaak gemoeide kosten zijn (nog) niet betaald.",
	"gedeeltelijk": "De met de zaak gemoeide kosten zijn gedeeltelijk betaald.",
	"geheel":       "De met de zaak gemoeide kosten zijn geheel betaald.",
}

// zaakRow is a stored zaak.
type zaakRow struct {
	id                          int64
	uuid                        string
	identificatie, bron, ztype  string
	vertrouwelijkheid           int
	archiefnominatie, archiefst string
	archiefactiedatum           db.Date
	start, eind, eindGepland    db.Date
	uiterlijk, registratie, pub db.Date
	hoofdzaak                   sql.NullString
	data                        []byte
}

const zaakCols = `z.id, CAST(z.uuid AS TEXT), z.identificatie, z.bronorganisatie, z.zaaktype, z.vertrouwelijkheid,
	z.archiefnominatie, z.archiefstatus, z.archiefactiedatum, z.startdatum, z.einddatum, z.einddatum_gepland,
	z.uiterlijke_einddatum_afdoening, z.registratiedatum, z.publicatiedatum, CAST(h.uuid AS TEXT), z.data`

func (r *register) mountZaak() {
	a := r.api
	a.Handle("GET /zaken", zgw.Scopes(scopeLezen), r.zaakList)
	a.Handle("POST /zaken/_zoek", zgw.Scopes(scopeLezen), r.zaakZoek)
	a.Handle("POST /zaken", zgw.Scopes(scopeAanmaken), r.zaakCreate)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET /zaken/{uuid}", zgw.Scopes(scopeLezen), r.zaakRetrieve)
	a.Handle("PUT /zaken/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.zaakUpdate)
	a.Handle("PATCH /zaken/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.zaakUpdate)
	a.Handle("DELETE /zaken/{uuid}", zgw.Scopes(scopeVerwijderen), r.zaakDestroy)
}

// zaakLoad loads zaken; where uses alias z.
func zaakLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakRow, error) {
	rows, err := q.Query(ctx, `SELECT `+zaakCols+` FROM zaak z LEFT JOIN zaak h ON h.id = z.hoofdzaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaak: %w", err)
	}
	defer rows.Close()
	var out []*zaakRow
	for rows.Next() {
		x := &zaakRow{}
		if err := rows.Scan(&x.id, &x.uuid, &x.identificatie, &x.bron, &x.ztype, &x.vertrouwelijkheid, &x.archiefnominatie,
			&x.archiefst, &x.archiefactiedatum, &x.start, &x.eind, &x.eindGepland, &x.uiterlijk, &x.registratie, &x.pub,
			&x.hoofdzaak, &x.data); err != nil {
			return nil, fmt.Errorf("zaak: %w", err)
		}
		x.uuid = strings.ToLower(x.uuid)
		out = append(out, x)
	}
	return out, rows.Err()
}

func (x *zaakRow) ref() *zaakRef {
	return &zaakRef{id: x.id, uuid: x.uuid, zaaktype: x.ztype, vertrouwelijkheid: x.vertrouwelijkheid, einddatum: x.eind,
		bronorganisatie: x.bron, identificatie: x.identificatie}
}

// in is the stored state in request form (the base of a PATCH).
func (r *register) in(x *zaakRow) (*zaakIn, error) {
	in := &zaakIn{
		Identificatie: x.identificatie, Bronorganisatie: x.bron, Zaaktype: x.ztype, Registratiedatum: string(x.registratie),
		Startdatum: string(x.start), EinddatumGepland: x.eindGepland.Ptr(), UiterlijkeEinddatumAfdoening: x.uiterlijk.Ptr(),
		Publicatiedatum: x.pub.Ptr(), Vertrouwelijkheidaanduiding: zgw.Vertrouwelijkheden()[x.vertrouwelijkheid],
		Archiefstatus: x.archiefst, Archiefactiedatum: x.archiefactiedatum.Ptr(),
	}
	if x.archiefnominatie != "" {
		s := x.archiefnominatie
		in.Archiefnominatie = &s
	}
	if x.hoofdzaak.Valid {
		u := r.api.URL("zaken", strings.ToLower(x.hoofdzaak.String))
		in.Hoofdzaak = &u
	}
	if err := json.Unmarshal(x.data, &in.zaakData); err != nil {
		return nil, fmt.Errorf("zaak %s data: %w", x.uuid, err)
	}
	return in, nil
}

// Kinds of the relations zaakRender loads for a page.
const (
	relDeelzaak = iota
	relRol
	relStatus
	relResultaat
	relZaakobject
	relEigenschap
	relZIO
)

// zaakRender renders zaken; everything they refer to comes from one query for the page.
func (r *register) zaakRender(ctx context.Context, q db.Querier, rows []*zaakRow) ([]*zaakOut, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, x := range rows {
		ids[i] = x.id
	}
	in := r.idsIn("$1")
	rel, err := q.Query(ctx, fmt.Sprintf(`
		SELECT %[2]d, hoofdzaak_id, id, CAST(uuid AS TEXT) FROM zaak WHERE hoofdzaak_id IN (%[1]s)
		UNION ALL SELECT %[3]d, zaak_id, id, CAST(uuid AS TEXT) FROM rol WHERE zaak_id IN (%[1]s)
		UNION ALL SELECT %[4]d, s.zaak_id, s.id, CAST(s.uuid AS TEXT) FROM status s WHERE s.zaak_id IN (%[1]s) AND NOT EXISTS (
			SELECT 1 FROM status n WHERE n.zaak_id = s.zaak_id AND (n.datum_status_gezet > s.datum_status_gezet
			OR (n.datum_status_gezet = s.datum_status_gezet AND n.id > s.id)))
		UNION ALL SELECT %[5]d, zaak_id, id, CAST(uuid AS TEXT) FROM resultaat WHERE zaak_id IN (%[1]s)
		UNION ALL SELECT %[6]d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakobject WHERE zaak_id IN (%[1]s)
		UNION ALL SELECT %[7]d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakeigenschap WHERE zaak_id IN (%[1]s)
		UNION ALL SELECT %[8]d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakinformatieobject WHERE zaak_id IN (%[1]s)
		ORDER BY 1, 2, 3`, in, relDeelzaak, relRol, relStatus, relResultaat, relZaakobject, relEigenschap, relZIO), jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("zaak relations: %w", err)
	}
	defer rel.Close()
	type key struct {
		kind  int
		owner int64
	}
	found := map[key][]string{}
	for rel.Next() {
		var k key
		var id int64
		var u string
		if err := rel.Scan(&k.kind, &k.owner, &id, &u); err != nil {
			return nil, err
		}
		found[k] = append(found[k], strings.ToLower(u))
	}
	if err := rel.Err(); err != nil {
		return nil, err
	}
	urls := func(collection string, uuids []string) []string {
		out := make([]string, len(uuids))
		for i, u := range uuids {
			out[i] = r.api.URL(collection, u)
		}
		return out
	}
	one := func(collection string, uuids []string) *string {
		if len(uuids) == 0 {
			return nil
		}
		u := r.api.URL(collection, uuids[0])
		return &u
	}
	out := make([]*zaakOut, len(rows))
	for i, x := range rows {
		o := &zaakOut{
			URL: r.api.URL("zaken", x.uuid), UUID: x.uuid, Identificatie: x.identificatie, Bronorganisatie: x.bron,
			Zaaktype: x.ztype, Registratiedatum: string(x.registratie), Startdatum: string(x.start), Einddatum: x.eind.Ptr(),
			EinddatumGepland: x.eindGepland.Ptr(), UiterlijkeEinddatumAfdoening: x.uiterlijk.Ptr(), Publicatiedatum: x.pub.Ptr(),
			Vertrouwelijkheidaanduiding: zgw.Vertrouwelijkheden()[x.vertrouwelijkheid], Archiefstatus: x.archiefst,
			Archiefactiedatum:      x.archiefactiedatum.Ptr(),
			Deelzaken:              urls("zaken", found[key{relDeelzaak, x.id}]),
			Rollen:                 urls("rollen", found[key{relRol, x.id}]),
			Status:                 one("statussen", found[key{relStatus, x.id}]),
			Resultaat:              one("resultaten", found[key{relResultaat, x.id}]),
			Zaakobjecten:           urls("zaakobjecten", found[key{relZaakobject, x.id}]),
			Zaakinformatieobjecten: urls("zaakinformatieobjecten", found[key{relZIO, x.id}]),
		}
		for _, u := range found[key{relEigenschap, x.id}] {
			o.Eigenschappen = append(o.Eigenschappen, r.api.URL("zaken", x.uuid)+"/zaakeigenschappen/"+u)
		}
		if x.archiefnominatie != "" {
			s := x.archiefnominatie
			o.Archiefnominatie = &s
		}
		if x.hoofdzaak.Valid {
			u := r.api.URL("zaken", strings.ToLower(x.hoofdzaak.String))
			o.Hoofdzaak = &u
		}
		if err := json.Unmarshal(x.data, &o.zaakData); err != nil {
			return nil, fmt.Errorf("zaak %s data: %w", x.uuid, err)
		}
		// zrc-012: the gegevensgroepen are always rendered; opschorting as an empty group.
		if o.Opschorting == nil {
			o.Opschorting = &opschorting{}
		}
		if len(o.Zaakgeometrie) == 0 {
			o.Zaakgeometrie = json.RawMessage("null")
		}
		o.ProductenOfDiensten = nonNil(o.ProductenOfDiensten)
		o.RelevanteAndereZaken = nonNil(o.RelevanteAndereZaken)
		o.Kenmerken = nonNil(o.Kenmerken)
		o.BetalingsindicatieWeergave = betalingsindicatieWeergave[o.Betalingsindicatie]
		out[i] = o
	}
	return out, nil
}

// zaakOne renders the zaak with uuid id (nil when there is none).
func (r *register) zaakOne(ctx context.Context, q db.Querier, id string) (*zaakOut, *zaakRow, error) {
	if id == "" {
		return nil, nil, nil
	}
	rows, err := zaakLoad(ctx, q, "z.uuid = $1", id)
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	out, err := r.zaakRender(ctx, q, rows)
	if err != nil {
		return nil, nil, err
	}
	return out[0], rows[0], nil
}

func (r *register) zaakRetrieve(c *zgw.Call) error {
	if err := crs(c, false); err != nil {
		return err
	}
	q := c.Query("expand")
	exp, err := zgw.ParseExpand(q.String("expand"), zaakExpandPaths)
	if err != nil {
		return err
	}
	if err := q.Err(); err != nil {
		return err
	}
	z, row, err := r.zaakOne(c.Ctx(), r.db, pathUUID(c, "uuid"))
	if err != nil {
		return err
	}
	if z == nil {
		return zgw.ErrNotFound()
	}
	if !row.ref().allows(c, scopeLezen) {
		return zgw.ErrForbidden()
	}
	if err := r.expandZaken(c, []*zaakOut{z}, exp); err != nil {
		return err
	}
	return c.Detail(z)
}

func (r *register) zaakCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := crs(c, true); err != nil {
		return err
	}
	if err := c.Query().Err(); err != nil {
		return err
	}
	in := &zaakIn{}
	if _, err := c.Body("zaak_create", in); err != nil {
		return err
	}
	// zrc-006: creating needs zaken.aanmaken on the zaaktype of the body.
	if _, limits := c.Principal.Grants.TypeLimits(component, scopeAanmaken); !c.Principal.Grants.All && !hasKey(limits, in.Zaaktype) {
		return zgw.ErrForbidden()
	}
	t := newTypes(r)
	if err := r.zaakCheck(ctx, c, t, in, func(string) bool { return true }, nil); err != nil {
		return err
	}
	if !c.Principal.Grants.Allows(component, in.Zaaktype, in.Vertrouwelijkheidaanduiding, scopeAanmaken) {
		return zgw.ErrForbidden()
	}
	var out *zaakOut
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		if in.Registratiedatum == "" {
			in.Registratiedatum = r.today(tx.Now)
		}
		if in.Identificatie == "" {
			id, err := r.zrc002Genereer(ctx, tx, in.Bronorganisatie, tx.Now.In(r.loc).Year())
			if err != nil {
				return err
			}
			in.Identificatie = id
		} else if err := zrc002Uniek(ctx, tx, in.Bronorganisatie, in.Identificatie, 0); err != nil {
			return err
		}
		id := zgw.NewUUID()
		vals, err := r.zaakValues(ctx, tx, in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO zaak (identificatie, bronorganisatie, zaaktype, vertrouwelijkheid, archiefnominatie,
			archiefstatus, archiefactiedatum, startdatum, einddatum_gepland, uiterlijke_einddatum_afdoening, registratiedatum,
			publicatiedatum, hoofdzaak_id, geo_minx, geo_miny, geo_maxx, geo_maxy, data, uuid)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`, append(vals, id)...); err != nil {
			return fmt.Errorf("insert zaak: %w", err)
		}
		out, _, err = r.zaakOne(ctx, tx, id)
		if err != nil {
			return err
		}
		ref := &zaakRef{uuid: id, zaaktype: in.Zaaktype, vertrouwelijkheid: zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding), bronorganisatie: in.Bronorganisatie}
		return r.notify(c, tx, ref, "zaak", out.URL, "create", out.Identificatie, http.StatusCreated, nil, out)
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

func hasKey[V any](m map[string]V, k string) bool { _, ok := m[k]; return ok }

// zaakValues are the column values of in, in the order of the INSERT and UPDATE statements.
func (r *register) zaakValues(ctx context.Context, q db.Querier, in *zaakIn) ([]any, error) {
	in.ProductenOfDiensten = nonNil(in.ProductenOfDiensten)
	in.RelevanteAndereZaken = nonNil(in.RelevanteAndereZaken)
	in.Kenmerken = nonNil(in.Kenmerken)
	data, err := json.Marshal(in.zaakData)
	if err != nil {
		return nil, fmt.Errorf("encode zaak: %w", err)
	}
	var hoofdzaak any
	if in.Hoofdzaak != nil && *in.Hoofdzaak != "" {
		h, err := r.zaakByURL(ctx, q, "hoofdzaak", *in.Hoofdzaak)
		if err != nil {
			return nil, err
		}
		hoofdzaak = h.id
	}
	var nominatie string
	if in.Archiefnominatie != nil {
		nominatie = *in.Archiefnominatie
	}
	box := [4]any{}
	if b, ok := geoBBox(in.Zaakgeometrie); ok {
		box = [4]any{b[0], b[1], b[2], b[3]}
	}
	return []any{in.Identificatie, in.Bronorganisatie, in.Zaaktype, zgw.VertrouwelijkheidLevel(in.Vertrouwelijkheidaanduiding),
		nominatie, in.Archiefstatus, dateArg(in.Archiefactiedatum), in.Startdatum, dateArg(in.EinddatumGepland),
		dateArg(in.UiterlijkeEinddatumAfdoening), in.Registratiedatum, dateArg(in.Publicatiedatum), hoofdzaak,
		box[0], box[1], box[2], box[3], string(data)}, nil
}

// dateArg is a nullable date argument.
func dateArg(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	return *s
}

// zaakUpdate is PUT and PATCH. A PATCH is applied to the stored state and the result is
// checked like a PUT, but only the rules of the fields sent run again.
func (r *register) zaakUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := crs(c, true); err != nil {
		return err
	}
	if err := c.Query().Err(); err != nil {
		return err
	}
	partial := c.R.Method == http.MethodPatch
	rows, err := zaakLoad(ctx, r.db, "z.uuid = $1", pathUUID(c, "uuid"))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return zgw.ErrNotFound()
	}
	cur := rows[0]
	// zrc-007: a closed zaak changes only with zaken.geforceerd-bijwerken.
	if !cur.ref().allows(c, cur.ref().writeScopes()...) {
		return zgw.ErrForbidden()
	}
	in := &zaakIn{}
	if partial {
		if in, err = r.in(cur); err != nil {
			return err
		}
	}
	// PUT is checked against zaak_update, PATCH against it with required relaxed.
	keys, err := c.Body("zaak_partial_update", in)
	if err != nil {
		return err
	}
	sent := func(k string) bool { return !partial || zgw.Sent(keys, k) }
	// The OAS: identificatie cannot change.
	if sent("identificatie") && in.Identificatie != cur.identificatie && !(in.Identificatie == "" && !partial) {
		return zgw.FieldError("identificatie", "wijzigen-niet-toegelaten", "De identificatie van een zaak kan niet gewijzigd worden.")
	}
	in.Identificatie = cur.identificatie
	if in.Registratiedatum == "" {
		in.Registratiedatum = string(cur.registratie)
	}
	t := newTypes(r)
	if err := r.zaakCheck(ctx, c, t, in, sent, cur); err != nil {
		return err
	}
	// The zaak may only move to a zaaktype and vertrouwelijkheid the client may change.
	if !c.Principal.Grants.Allows(component, in.Zaaktype, in.Vertrouwelijkheidaanduiding, cur.ref().writeScopes()...) {
		return zgw.ErrForbidden()
	}
	var out *zaakOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		old, row, err := r.zaakOne(ctx, tx, cur.uuid)
		if err != nil {
			return err
		}
		if old == nil {
			return zgw.ErrNotFound()
		}
		if in.Bronorganisatie != row.bron {
			if err := zrc002Uniek(ctx, tx, in.Bronorganisatie, in.Identificatie, row.id); err != nil {
				return err
			}
		}
		vals, err := r.zaakValues(ctx, tx, in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE zaak SET identificatie = $1, bronorganisatie = $2, zaaktype = $3, vertrouwelijkheid = $4,
			archiefnominatie = $5, archiefstatus = $6, archiefactiedatum = $7, startdatum = $8, einddatum_gepland = $9,
			uiterlijke_einddatum_afdoening = $10, registratiedatum = $11, publicatiedatum = $12, hoofdzaak_id = $13,
			geo_minx = $14, geo_miny = $15, geo_maxx = $16, geo_maxy = $17, data = $18 WHERE id = $19`, append(vals, row.id)...); err != nil {
			return fmt.Errorf("update zaak: %w", err)
		}
		out, row, err = r.zaakOne(ctx, tx, cur.uuid)
		if err != nil {
			return err
		}
		return r.notify(c, tx, row.ref(), "zaak", out.URL, actie(c), out.Identificatie, http.StatusOK, old, out)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// zaakCheck runs the rules the schema cannot express on the fields sent. cur is the stored
// zaak on update (nil on create).
func (r *register) zaakCheck(ctx context.Context, c *zgw.Call, t *types, in *zaakIn, sent func(string) bool, cur *zaakRow) error {
	var errs zgw.Errs
	var zt *zaaktype
	if sent("zaaktype") || (sent("productenOfDiensten") && len(in.ProductenOfDiensten) > 0) || in.Vertrouwelijkheidaanduiding == "" {
		var err error
		zt, err = r.zrc001Zaaktype(ctx, t, in.Zaaktype)
		if err := mergeInvalid(&errs, err); err != nil {
			return err
		}
	}
	// zrc-009: the vertrouwelijkheidaanduiding defaults to the zaaktype's.
	if in.Vertrouwelijkheidaanduiding == "" && zt != nil {
		in.Vertrouwelijkheidaanduiding = zt.Vertrouwelijkheidaanduiding
	}
	if in.Archiefstatus == "" {
		in.Archiefstatus = "nog_te_archiveren"
	}
	if sent("communicatiekanaal") && in.Communicatiekanaal != "" {
		if err := mergeInvalid(&errs, zrc010Communicatiekanaal(ctx, t, in.Communicatiekanaal)); err != nil {
			return err
		}
	}
	if sent("selectielijstklasse") && in.Selectielijstklasse != "" {
		if err := mergeInvalid(&errs, t.get(ctx, "selectielijstklasse", in.Selectielijstklasse, nil, "procesType", "volledigNummer")); err != nil {
			return err
		}
	}
	if sent("relevanteAndereZaken") {
		if err := r.zrc011RelevanteAndereZaken(ctx, t, in.RelevanteAndereZaken, &errs); err != nil {
			return err
		}
	}
	if sent("hoofdzaak") {
		var self int64
		if cur != nil {
			self = cur.id
		}
		if err := r.zrc013Hoofdzaak(ctx, in.Hoofdzaak, self, &errs); err != nil {
			return err
		}
	}
	zrc014Betaling(in, sent, &errs)
	if zt != nil && sent("productenOfDiensten") {
		zrc015ProductenOfDiensten(in.ProductenOfDiensten, zt.ProductenOfDiensten, &errs)
	}
	if sent("zaakgeometrie") && len(in.Zaakgeometrie) > 0 && string(in.Zaakgeometrie) != "null" {
		if _, ok := geoBBox(in.Zaakgeometrie); !ok {
			errs.Add("zaakgeometrie", "invalid", "Ongeldige GeoJSON-geometrie.")
		}
	}
	zrc022Archiefstatus(in, &errs)
	if cur != nil && in.Archiefstatus != "nog_te_archiveren" {
		if err := r.zrc022Documenten(ctx, cur.id, &errs); err != nil {
			return err
		}
	}
	if in.LaatsteBetaaldatum != nil {
		if ts, err := time.Parse(time.RFC3339, *in.LaatsteBetaaldatum); err == nil && ts.After(time.Now().Add(time.Minute)) && sent("laatsteBetaaldatum") {
			errs.Add("laatsteBetaaldatum", "date-in-future", "De laatste betaaldatum mag niet in de toekomst liggen.")
		}
	}
	return errs.Err()
}

// zrc-001: the zaaktype must be a published zaaktype of a Catalogi API.
func (r *register) zrc001Zaaktype(ctx context.Context, t *types, u string) (*zaaktype, error) {
	zt, err := t.zaaktype(ctx, "zaaktype", u)
	if err != nil {
		return nil, err
	}
	if zt.Concept {
		return nil, zgw.FieldError("zaaktype", "not-published", "Het zaaktype is nog niet gepubliceerd.")
	}
	return zt, nil
}

// zrc-010: communicatiekanaal must be a communicatiekanaal of the Referentielijsten API.
func zrc010Communicatiekanaal(ctx context.Context, t *types, u string) error {
	return t.get(ctx, "communicatiekanaal", u, nil, "url", "naam", "omschrijving")
}

// zrc-011: every relevanteAndereZaken url leads to a zaak.
func (r *register) zrc011RelevanteAndereZaken(ctx context.Context, t *types, rel []relevanteZaak, errs *zgw.Errs) error {
	for i, z := range rel {
		name := fmt.Sprintf("relevanteAndereZaken.%d", i)
		if id, ok := r.api.ParseURL(z.URL, "zaken"); ok {
			ref, err := zaakRefBy(ctx, r.db, "uuid = $1", id)
			if err != nil {
				return err
			}
			if ref == nil {
				errs.Add(name, "bad-url", "De URL "+z.URL+" resulteert niet in een 200-antwoord.")
			}
			continue
		}
		err := t.get(ctx, name, z.URL, nil, "bronorganisatie", "zaaktype", "startdatum")
		if err := mergeInvalid(errs, err); err != nil {
			return err
		}
	}
	return nil
}

// zrc-013: the hoofdzaak is a zaak of this API, not the zaak itself and not a deelzaak.
func (r *register) zrc013Hoofdzaak(ctx context.Context, u *string, self int64, errs *zgw.Errs) error {
	if u == nil || *u == "" {
		return nil
	}
	id, ok := r.api.ParseURL(*u, "zaken")
	if !ok {
		errs.Add("hoofdzaak", "no_match", "De URL "+*u+" is geen zaak van deze Zaken API.")
		return nil
	}
	var hid int64
	var hoofd sql.NullInt64
	err := r.db.QueryRow(ctx, `SELECT id, hoofdzaak_id FROM zaak WHERE uuid = $1`, id).Scan(&hid, &hoofd)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("hoofdzaak", "no_match", "Er is geen zaak "+*u+".")
	case err != nil:
		return fmt.Errorf("hoofdzaak: %w", err)
	case hid == self:
		errs.Add("hoofdzaak", "self-forbidden", "Een zaak kan niet haar eigen hoofdzaak zijn.")
	case hoofd.Valid:
		errs.Add("hoofdzaak", "deelzaak-als-hoofdzaak", "Een deelzaak kan niet de hoofdzaak van een andere zaak zijn.")
	}
	if self != 0 && hid != self {
		var n int
		if err := r.db.QueryRow(ctx, `SELECT count(*) FROM zaak WHERE hoofdzaak_id = $1`, self).Scan(&n); err != nil {
			return fmt.Errorf("deelzaken: %w", err)
		}
		if n > 0 {
			errs.Add("hoofdzaak", "deelzaak-als-hoofdzaak", "Een hoofdzaak kan niet zelf een deelzaak worden.")
		}
	}
	return nil
}

// zrc-014: laatsteBetaaldatum does not go with betalingsindicatie nvt; setting nvt clears it.
func zrc014Betaling(in *zaakIn, sent func(string) bool, errs *zgw.Errs) {
	if in.Betalingsindicatie != "nvt" {
		return
	}
	if in.LaatsteBetaaldatum != nil && sent("laatsteBetaaldatum") {
		errs.Add("laatsteBetaaldatum", "betaling-nvt", "Een laatste betaaldatum kan niet bij betalingsindicatie nvt.")
		return
	}
	in.LaatsteBetaaldatum = nil
}

// zrc-015: the producten of diensten are among the zaaktype's.
func zrc015ProductenOfDiensten(got, allowed []string, errs *zgw.Errs) {
	ok := map[string]bool{}
	for _, p := range allowed {
		ok[p] = true
	}
	for _, p := range got {
		if !ok[p] {
			errs.Add("productenOfDiensten", "invalid-products-services", "Niet alle producten/diensten horen bij het zaaktype.")
			return
		}
	}
}

// zrc-022: an archiefstatus other than nog_te_archiveren needs archiefnominatie and
// archiefactiedatum; the linked documents are checked by zrc022Documenten.
func zrc022Archiefstatus(in *zaakIn, errs *zgw.Errs) {
	if in.Archiefstatus == "nog_te_archiveren" {
		return
	}
	if in.Archiefnominatie == nil || *in.Archiefnominatie == "" {
		errs.Add("archiefnominatie", "archiefnominatie-not-set", "Moet van een waarde voorzien zijn als de archiefstatus een waarde heeft anders dan nog_te_archiveren.")
	}
	if in.Archiefactiedatum == nil || *in.Archiefactiedatum == "" {
		errs.Add("archiefactiedatum", "archiefactiedatum-not-set", "Moet van een waarde voorzien zijn als de archiefstatus een waarde heeft anders dan nog_te_archiveren.")
	}
}

// zaakDestroy deletes a zaak with everything that belongs to it (zrc-023): its deelzaken,
// statussen, resultaat, rollen, zaakobjecten, zaakeigenschappen and zaakinformatieobjecten go
// by the foreign keys; the audit trails of the zaak and its deelzaken are deleted here, and
// the Documenten mirrors of the zaakinformatieobjecten after the delete commits.
func (r *register) zaakDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := crs(c, false); err != nil {
		return err
	}
	if err := c.Query().Err(); err != nil {
		return err
	}
	var zios []*zioOut
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		z, err := zaakRefBy(ctx, tx, "uuid = $1", pathUUID(c, "uuid"))
		if err != nil {
			return err
		}
		if z == nil || pathUUID(c, "uuid") == "" {
			return zgw.ErrNotFound()
		}
		if !z.allows(c, scopeVerwijderen) {
			return zgw.ErrForbidden()
		}
		deel, err := zaakRefsWhere(ctx, tx, "hoofdzaak_id = $1", z.id)
		if err != nil {
			return err
		}
		if zios, err = r.zioLoad(ctx, tx, "(s.zaak_id = $1 OR z.hoofdzaak_id = $1)", z.id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM zaak WHERE id = $1`, z.id); err != nil {
			return fmt.Errorf("delete zaak: %w", err)
		}
		for _, x := range append(deel, z) {
			u := r.api.URL("zaken", x.uuid)
			if err := zgw.DeleteAuditTrail(ctx, tx, u); err != nil {
				return err
			}
			if err := r.notify(c, tx, x, "zaak", u, "destroy", x.identificatie, http.StatusNoContent, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.zrc023Unmirror(c, zios)
	return c.NoContent()
}

// zaakRefsWhere loads the zaakRefs matching where.
func zaakRefsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakRef, error) {
	rows, err := q.Query(ctx, `SELECT id, CAST(uuid AS TEXT), zaaktype, vertrouwelijkheid, einddatum, bronorganisatie, identificatie
		FROM zaak WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaken: %w", err)
	}
	defer rows.Close()
	var out []*zaakRef
	for rows.Next() {
		z := &zaakRef{}
		if err := rows.Scan(&z.id, &z.uuid, &z.zaaktype, &z.vertrouwelijkheid, &z.einddatum, &z.bronorganisatie, &z.identificatie); err != nil {
			return nil, err
		}
		z.uuid = strings.ToLower(z.uuid)
		out = append(out, z)
	}
	return out, rows.Err()
}
