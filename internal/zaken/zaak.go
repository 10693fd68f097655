package zaken

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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
	// The relation lists are always present (zaakRender makes them non-nil); status and
	// resultaat are null when unset.
	Deelzaken              []string `json:"deelzaken"`
	Eigenschappen          []string `json:"eigenschappen"`
	Rollen                 []string `json:"rollen"`
	Status                 *string  `json:"status"`
	Zaakinformatieobjecten []string `json:"zaakinformatieobjecten"`
	Zaakobjecten           []string `json:"zaakobjecten"`
	Resultaat              *string  `json:"resultaat"`
	zaakData
	Expand map[string]any `json:"_expand,omitempty"`
}

// No MarshalJSON on zaakOut: encoding/json re-validates and compacts what a marshaler
// returns, which cost a third of the CPU of a page of zaken.

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
		id := zgw.NewUUID()
		vals, err := r.zaakValues(ctx, tx, in)
		if err != nil {
			return err
		}
		// zrc-002 last before the INSERT: a generated number locks the counter row of the
		// bronorganisatie until the commit, so the transaction does as little as it can
		// after it (the new zaak is rendered without looking for relations it cannot have).
		if in.Identificatie == "" {
			nr, err := r.zrc002Genereer(ctx, tx, in.Bronorganisatie, tx.Now.In(r.loc).Year())
			if err != nil {
				return err
			}
			in.Identificatie, vals[0] = nr, nr
		} else if err := zrc002Uniek(ctx, tx, in.Bronorganisatie, in.Identificatie, 0); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO zaak (identificatie, bronorganisatie, zaaktype, vertrouwelijkheid, archiefnominatie,
			archiefstatus, archiefactiedatum, startdatum, einddatum_gepland, uiterlijke_einddatum_afdoening, registratiedatum,
			publicatiedatum, hoofdzaak_id, geo_minx, geo_miny, geo_maxx, geo_maxy, data, uuid)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`, append(vals, id)...); err != nil {
			return fmt.Errorf("insert zaak: %w", err)
		}
		rows, err := zaakLoad(ctx, tx, "z.uuid = $1", id)
		if err != nil {
			return err
		}
		outs, err := r.zaakRenderRows(ctx, tx, rows, false)
		if err != nil {
			return err
		}
		out = outs[0]
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
// checked like a PUT, but only the rules of the fields sent run again. The zaak is read and
// checked before the transaction (the checks may read other registers); the transaction
// locks it and, when another request changed it in between, answers zgw.ErrChanged so that
// the update runs again on the new state: concurrent PATCHes of different fields all keep
// their change.
func (r *register) zaakUpdate(c *zgw.Call) error {
	if err := crs(c, true); err != nil {
		return err
	}
	if err := c.Query().Err(); err != nil {
		return err
	}
	id := pathUUID(c, "uuid")
	if id == "" {
		return zgw.ErrNotFound()
	}
	ctx := c.Ctx()
	partial := c.R.Method == http.MethodPatch
	rows, err := zaakLoad(ctx, r.db, "z.uuid = $1", id)
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
		if err := tx.LockRow(ctx, "zaak", "id = $1", cur.id); err != nil {
			return err
		}
		old, row, err := r.zaakOne(ctx, tx, cur.uuid)
		if err != nil {
			return err
		}
		if old == nil {
			return zgw.ErrNotFound()
		}
		if !sameZaakRow(row, cur) {
			return zgw.ErrChanged
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

// sameZaakRow reports whether a and b hold the same stored state of a zaak.
func sameZaakRow(a, b *zaakRow) bool {
	return a.id == b.id && a.identificatie == b.identificatie && a.bron == b.bron && a.ztype == b.ztype &&
		a.vertrouwelijkheid == b.vertrouwelijkheid && a.archiefnominatie == b.archiefnominatie && a.archiefst == b.archiefst &&
		a.archiefactiedatum == b.archiefactiedatum && a.start == b.start && a.eind == b.eind && a.eindGepland == b.eindGepland &&
		a.uiterlijk == b.uiterlijk && a.registratie == b.registratie && a.pub == b.pub && a.hoofdzaak == b.hoofdzaak &&
		bytes.Equal(a.data, b.data)
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
	id := pathUUID(c, "uuid")
	if id == "" {
		return zgw.ErrNotFound()
	}
	var zios []*zioOut
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		z, err := zaakRefBy(ctx, tx, "uuid = $1", id)
		if err != nil {
			return err
		}
		if z == nil {
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
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM zaak WHERE id = $1`, z.id))
		if err != nil {
			return fmt.Errorf("delete zaak: %w", err)
		}
		if n == 0 {
			return zgw.ErrNotFound() // deleted meanwhile: its destroy is announced once
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
