package zaken

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// aardRelatieHoortBij is how every zaakinformatieobject relates (zrc-004).
const aardRelatieHoortBij = "Hoort bij, omgekeerd: kent"

type zioIn struct {
	Informatieobject string  `json:"informatieobject"`
	Zaak             string  `json:"zaak"`
	Status           *string `json:"status"`
	zioData
}

type zioData struct {
	Titel              string  `json:"titel"`
	Beschrijving       string  `json:"beschrijving"`
	Vernietigingsdatum *string `json:"vernietigingsdatum"`
}

type zioOut struct {
	URL                 string  `json:"url"`
	UUID                string  `json:"uuid"`
	Informatieobject    string  `json:"informatieobject"`
	Zaak                string  `json:"zaak"`
	AardRelatieWeergave string  `json:"aardRelatieWeergave"`
	Registratiedatum    string  `json:"registratiedatum"`
	Status              *string `json:"status"`
	zioData
	Expand map[string]any `json:"_expand,omitempty"`

	subRow
}

func (o *zioOut) mirror() ZaakInformatieObject {
	return ZaakInformatieObject{URL: o.URL, Zaak: o.Zaak, Informatieobject: o.Informatieobject}
}

// zio is the zaakinformatieobject for the shared flows (sub.go).
func (r *register) zio() sub[*zioOut] {
	return sub[*zioOut]{r: r, resource: "zaakinformatieobject", load: r.zioLoad}
}

func (o *zioOut) url() string      { return o.URL }
func (o *zioOut) weergave() string { return o.Titel }

func (r *register) mountZaakinformatieobject() {
	a := r.api
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaakinformatieobjecten", zgw.Scopes(scopeLezen), r.zioList)
	a.Handle("POST /zaakinformatieobjecten", zgw.Scopes(scopeAanmaken, scopeBijwerken, scopeGeforceerd), r.zioCreate)
	// GET also answers HEAD.
	a.Handle("GET /zaakinformatieobjecten/{uuid}", zgw.Scopes(scopeLezen), r.zio().retrieve)
	a.Handle("PUT /zaakinformatieobjecten/{uuid}", write, r.zioUpdate)
	a.Handle("PATCH /zaakinformatieobjecten/{uuid}", write, r.zioUpdate)
	a.Handle("DELETE /zaakinformatieobjecten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd, scopeVerwijderen), r.zioDestroy)
}

func (r *register) zioLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zioOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.informatieobject,
		COALESCE(CAST(st.uuid AS TEXT), ''), s.registratiedatum, s.data
		FROM zaakinformatieobject s JOIN zaak z ON z.id = s.zaak_id LEFT JOIN status st ON st.id = s.status_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaakinformatieobject: %w", err)
	}
	defer rows.Close()
	var out []*zioOut
	for rows.Next() {
		o := &zioOut{AardRelatieWeergave: aardRelatieHoortBij}
		var zaakUUID, status string
		var ts time.Time
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Informatieobject, &status, &ts, &data); err != nil {
			return nil, fmt.Errorf("zaakinformatieobject: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("zaakinformatieobjecten", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		o.Registratiedatum = ts.UTC().Format(time.RFC3339Nano)
		if status != "" {
			u := r.api.URL("statussen", strings.ToLower(status))
			o.Status = &u
		}
		if err := json.Unmarshal(data, &o.zioData); err != nil {
			return nil, fmt.Errorf("zaakinformatieobject data: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// zioList answers the zaakinformatieobjecten (a plain list in the spec) of the zaken the
// client may read.
func (r *register) zioList(c *zgw.Call) error {
	s := r.zio()
	q, w := s.listQuery(c, "informatieobject")
	if u := q.URL("informatieobject"); u != "" {
		w.And("informatieobject = ?", u)
	}
	if err := q.Err(); err != nil {
		return err
	}
	return s.all(c, w)
}

// zioStatus resolves the status field: a status of the same zaak (nil when unset).
func (r *register) zioStatus(ctx context.Context, u *string, z *zaakRef) (any, error) {
	if u == nil || *u == "" {
		return nil, nil
	}
	bad := zgw.FieldError("status", "bad-url", "De URL "+*u+" is geen status van deze zaak.")
	id, ok := r.api.ParseURL(*u, "statussen")
	if !ok {
		return nil, bad
	}
	var sid, zaakID int64
	err := r.db.QueryRow(ctx, `SELECT id, zaak_id FROM status WHERE uuid = $1`, id).Scan(&sid, &zaakID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && zaakID != z.id) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	return sid, nil
}

// zrc-003: the informatieobject must resolve to an informatieobject (bad-url otherwise).
// zrc-017: its informatieobjecttype must be one the zaaktype of the zaak allows.
func (r *register) zrc003Informatieobject(ctx context.Context, u string, z *zaakRef) error {
	io, err := r.docs.Informatieobject(ctx, "informatieobject", u)
	if err != nil {
		return err
	}
	return r.zrc017Informatieobjecttype(ctx, io.Informatieobjecttype, z)
}

// zrc-017: the informatieobjecttype is among the zaaktype's informatieobjecttypen. Catalogi
// relates them by omschrijving, so another version of a listed type (same catalogus and
// omschrijving) is accepted too.
func (r *register) zrc017Informatieobjecttype(ctx context.Context, iot string, z *zaakRef) error {
	t := newTypes(r)
	var zt struct {
		Informatieobjecttypen []string `json:"informatieobjecttypen"`
	}
	if err := t.Get(ctx, "zaak", z.zaaktype, &zt); err != nil {
		return err
	}
	if slices.Contains(zt.Informatieobjecttypen, iot) {
		return nil
	}
	missing := zgw.FieldError("nonFieldErrors", "missing-zaaktype-informatieobjecttype-relation",
		"Het informatieobjecttype hoort niet bij het zaaktype van de zaak.")
	type iotype struct {
		Omschrijving string `json:"omschrijving"`
		Catalogus    string `json:"catalogus"`
	}
	var own iotype
	if err := t.Get(ctx, "informatieobject", iot, &own, "omschrijving", "catalogus"); err != nil {
		return missing
	}
	for _, u := range zt.Informatieobjecttypen {
		var listed iotype
		if err := t.Get(ctx, "informatieobject", u, &listed); err == nil && listed == own {
			return nil
		}
	}
	return missing
}

func (r *register) zioCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in zioIn
	if _, err := c.Body("zaakinformatieobject_create", &in); err != nil {
		return err
	}
	z, err := r.zaakFor(c, "zaak", in.Zaak, (*zaakRef).createScopes)
	if err != nil {
		return err
	}
	if err := r.zrc004Archiefstatus(ctx, z); err != nil {
		return err
	}
	if err := r.zrc003Informatieobject(ctx, in.Informatieobject, z); err != nil {
		return err
	}
	statusID, err := r.zioStatus(ctx, in.Status, z)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in.zioData)
	s := r.zio()
	out, err := s.add(c, z, func(tx *db.Tx, id string) error {
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM zaakinformatieobject WHERE zaak_id = $1 AND informatieobject = $2)`,
			z.id, in.Informatieobject).Scan(&dup); err != nil {
			return fmt.Errorf("zaakinformatieobject: %w", err)
		}
		if dup {
			return zgw.FieldError("nonFieldErrors", "unique", "Dit informatieobject hoort al bij deze zaak.")
		}
		// zrc-004: the server sets aardRelatie (hoort_bij) and registratiedatum.
		if _, err := tx.Exec(ctx, `INSERT INTO zaakinformatieobject (uuid, zaak_id, informatieobject, status_id, registratiedatum, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, z.id, in.Informatieobject, statusID, tx.Now.UTC(), string(data)); err != nil {
			return fmt.Errorf("insert zaakinformatieobject: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// zrc-005: store first, then mirror; a relation the Documenten register does not take is
	// undone, so the two registers agree.
	if err := r.docs.Mirror(ctx, out.mirror()); err != nil {
		if uerr := s.remove(c, z, out); uerr != nil {
			r.api.Log.Error("undo zaakinformatieobject", "url", out.URL, "err", uerr)
		}
		// As Open Zaak: the relation could not be made in the Documenten register.
		r.api.Log.Warn("mirror zaakinformatieobject", "url", out.URL, "err", err)
		return zgw.FieldError("informatieobject", "pending-relations",
			"De relatie kon niet in de Documenten API worden vastgelegd; het zaakinformatieobject is niet aangemaakt.")
	}
	return c.Created(out.URL, out)
}

// zrc-004 (OAS): documents are added only to a zaak that is not archived.
func (r *register) zrc004Archiefstatus(ctx context.Context, z *zaakRef) error {
	var st string
	if err := r.db.QueryRow(ctx, `SELECT archiefstatus FROM zaak WHERE id = $1`, z.id).Scan(&st); err != nil {
		return fmt.Errorf("archiefstatus: %w", err)
	}
	if st != "nog_te_archiveren" {
		return zgw.FieldError("nonFieldErrors", "zaak-archiefstatus-invalid",
			"De huidige zaak archiefstatus staat dit request niet toe. Archiefstatus moet gelijk zijn aan 'nog_te_archiveren'.")
	}
	return nil
}

// zioUpdate is PUT and PATCH; zaak and informatieobject cannot change (zrc-004).
func (r *register) zioUpdate(c *zgw.Call) error {
	s := r.zio()
	cur, z, err := s.byPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	in := zioIn{}
	if c.R.Method == http.MethodPatch {
		in = zioIn{Informatieobject: cur.Informatieobject, Zaak: cur.Zaak, Status: cur.Status, zioData: cur.zioData}
	}
	if _, err := c.Body("zaakinformatieobject_partial_update", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	wijzigenNietToegelaten(&errs, "zaak", cur.Zaak, in.Zaak, "De zaak van een zaakinformatieobject kan niet gewijzigd worden.")
	wijzigenNietToegelaten(&errs, "informatieobject", cur.Informatieobject, in.Informatieobject,
		"Het informatieobject van een zaakinformatieobject kan niet gewijzigd worden.")
	if err := errs.Err(); err != nil {
		return err
	}
	statusID, err := r.zioStatus(c.Ctx(), in.Status, z)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(in.zioData)
	return s.update(c, z, cur, "status_id = $1, data = $2", statusID, string(data))
}

func (r *register) zioDestroy(c *zgw.Call) error {
	s := r.zio()
	cur, z, err := s.byPath(c, (*zaakRef).deleteScopes)
	if err != nil {
		return err
	}
	if err := s.remove(c, z, cur); err != nil {
		return err
	}
	// zrc-005: the mirror goes after the relation, because the Documenten register only
	// deletes an objectinformatieobject whose relation is gone. The relation stays deleted
	// when that fails; the failure is logged for beheer.
	if err := r.docs.Unmirror(c.Ctx(), cur.mirror()); err != nil {
		r.api.Log.Error("unmirror zaakinformatieobject", "url", cur.URL, "err", err)
	}
	return c.NoContent()
}

// zrc-007: a zaak closes only when every informatieobject linked to it has
// indicatieGebruiksrecht set (true or false).
func (r *register) zrc007Gebruiksrecht(ctx context.Context, tx *db.Tx, z *zaakRef) error {
	rows, err := tx.Query(ctx, `SELECT informatieobject FROM zaakinformatieobject WHERE zaak_id = $1 ORDER BY id`, z.id)
	if err != nil {
		return fmt.Errorf("zaakinformatieobjecten: %w", err)
	}
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		urls = append(urls, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	unset := zgw.FieldError("nonFieldErrors", "indicatiegebruiksrecht-unset",
		"Er zijn gerelateerde informatieobjecten waarvoor `indicatieGebruiksrecht` nog niet gespecifieerd is. Je moet deze zetten voor je de zaak kan afsluiten.")
	for _, u := range urls {
		io, err := r.docs.Informatieobject(ctx, "informatieobject", u)
		if err != nil {
			if zgw.KindOf(err) == zgw.Invalid {
				return unset
			}
			return err
		}
		if io.IndicatieGebruiksrecht == nil {
			return unset
		}
	}
	return nil
}
