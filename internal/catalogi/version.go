package catalogi

// The version model of the three main types (zaaktype, informatieobjecttype, besluittype):
// every row is one version, concept until published; published versions are frozen
// (ztc-009) and may not overlap in validity with the other published versions of the same
// type (ztc-016). Publishing, deleting and the notifications work alike for the three.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// hoofdtype describes one main type.
type hoofdtype struct {
	table      string
	collection string
	resource   string // notification resource
	kanaal     string
	naamCol    string // what versions share: identificatie (zaaktype) or omschrijving
}

var (
	htZaaktype    = &hoofdtype{table: "zaaktype", collection: "zaaktypen", resource: "zaaktype", kanaal: "zaaktypen", naamCol: "identificatie"}
	htIOT         = &hoofdtype{table: "informatieobjecttype", collection: "informatieobjecttypen", resource: "informatieobjecttype", kanaal: "informatieobjecttypen", naamCol: "omschrijving"}
	htBesluittype = &hoofdtype{table: "besluittype", collection: "besluittypen", resource: "besluittype", kanaal: "besluittypen", naamCol: "omschrijving"}
)

// versie is what the version rules need of one stored version.
type versie struct {
	ID            int64
	UUID          string
	CatalogusID   int64
	CatalogusUUID string
	Naam          string
	Concept       bool
	Begin, Einde  db.Date
	stamp         string // the stored data, to see a change by another request
}

// versieByURL is the version of t at URL u, or nil when u is not one of this API: a list
// filter on it then matches nothing.
func (r *register) versieByURL(ctx context.Context, t *hoofdtype, u string) (*versie, error) {
	id, ok := r.api.ParseURL(u, t.collection)
	if !ok {
		return nil, nil
	}
	return r.hoofdVersie(ctx, r.db, t, id)
}

// hoofdVersie loads the version with uuid id, or nil.
func (r *register) hoofdVersie(ctx context.Context, q db.Querier, t *hoofdtype, id string) (*versie, error) {
	v := &versie{}
	err := q.QueryRow(ctx, `SELECT t.id, t.uuid, t.catalogus_id, c.uuid, t.`+t.naamCol+`, t.concept, t.begin_geldigheid, t.einde_geldigheid,
		CAST(t.data AS TEXT) FROM `+t.table+` t JOIN catalogus c ON c.id = t.catalogus_id WHERE t.uuid = $1`, id).
		Scan(&v.ID, &v.UUID, &v.CatalogusID, &v.CatalogusUUID, &v.Naam, &v.Concept, &v.Begin, &v.Einde, &v.stamp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", t.table, id, err)
	}
	v.UUID = id
	return v, nil
}

// hoofdByPath loads the version named by the path, or answers 404.
func (r *register) hoofdByPath(c *zgw.Call, q db.Querier, t *hoofdtype) (*versie, error) {
	id := pathUUID(c)
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	v, err := r.hoofdVersie(c.Ctx(), q, t, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, zgw.ErrNotFound()
	}
	return v, nil
}

// hoofdNotify announces a change of a main type on its kanaal; kenmerk catalogus.
func (r *register) hoofdNotify(ctx context.Context, tx *db.Tx, t *hoofdtype, id, catalogusUUID, actie string) error {
	u := r.api.URL(t.collection, id)
	return zgw.Notify(ctx, tx, zgw.Notificatie{
		Kanaal: t.kanaal, HoofdObject: u, Resource: t.resource, ResourceURL: u, Actie: actie,
		Kenmerken: map[string]string{"catalogus": r.api.URL("catalogussen", catalogusUUID)},
	})
}

// ztc-009: a published version can no longer be replaced or patched, except a PATCH that
// only sets eindeGeldigheid (how a version is ended); a client with
// catalogi.geforceerd-schrijven may still correct it.
func ztc009Wijzigen(c *zgw.Call, v *versie, keys map[string]json.RawMessage) error {
	if v.Concept || c.Principal.Grants.HasScope(c.API.Component, ztcGeforceerdSchrijven) {
		return nil
	}
	if einde, ok := keys["eindeGeldigheid"]; ok && len(keys) == 1 && string(einde) != "null" && c.R.Method == "PATCH" {
		return nil
	}
	return zgw.FieldError("nonFieldErrors", "non-concept-object", "Het is niet toegestaan om een gepubliceerd object bij te werken.")
}

// ztc009InTx re-reads version cur inside tx, locked, before it is changed: when another
// request changed it since the request was judged against it, the request runs again on
// the new state (zgw.ErrChanged), so concurrent updates each keep their change; ztc-009
// holds for what it is now.
func (r *register) ztc009InTx(c *zgw.Call, tx *db.Tx, t *hoofdtype, cur *versie, keys map[string]json.RawMessage) (*versie, error) {
	if err := tx.LockRow(c.Ctx(), t.table, "uuid = $1", cur.UUID); err != nil {
		return nil, err
	}
	v, err := r.hoofdVersie(c.Ctx(), tx, t, cur.UUID)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, zgw.ErrNotFound()
	}
	if *v != *cur {
		return nil, zgw.ErrChanged
	}
	if err := ztc009Wijzigen(c, v, keys); err != nil {
		return nil, err
	}
	return v, nil
}

// ztc-009: a published version can only be deleted with catalogi.geforceerd-verwijderen.
func ztc009Verwijderen(c *zgw.Call, v *versie) error {
	if v.Concept || c.Principal.Grants.HasScope(c.API.Component, ztcGeforceerdVerwijderen) {
		return nil
	}
	return zgw.FieldError("nonFieldErrors", "non-concept-object", "Het is niet toegestaan om een gepubliceerd object te verwijderen.")
}

// ztc-016: the published versions of one type (same catalogus and identificatie or
// omschrijving) may not overlap in validity; an empty eindeGeldigheid is open-ended and both
// ends are inclusive. v is the version as it will be stored. Open Zaak answers
// beginGeldigheid/overlap.
func (r *register) ztc016Overlap(ctx context.Context, tx *db.Tx, t *hoofdtype, v *versie) error {
	if v.Concept {
		return nil
	}
	var w db.Where
	w.And("catalogus_id = ?", v.CatalogusID)
	w.And(t.naamCol+" = ?", v.Naam)
	w.And("concept = ?", false)
	w.And("id <> ?", v.ID)
	w.And("(einde_geldigheid IS NULL OR einde_geldigheid >= ?)", string(v.Begin))
	if v.Einde != "" {
		w.And("begin_geldigheid <= ?", string(v.Einde))
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+t.table+w.SQL(), w.Args...).Scan(&n); err != nil {
		return fmt.Errorf("ztc-016 %s: %w", t.table, err)
	}
	if n > 0 {
		return zgw.FieldError("beginGeldigheid", "overlap", "Dit "+t.resource+" komt al voor binnen de catalogus en opgegeven geldigheidsperiode.")
	}
	return nil
}

// ztc016Afsluiten ends the open-ended published predecessor of v the day before v begins,
// as the reference implementation does when a new version is published (catalogi §3: this
// is how a new version goes live). It returns the version it ended, or nil.
func (r *register) ztc016Afsluiten(ctx context.Context, tx *db.Tx, t *hoofdtype, v *versie) (*versie, error) {
	rows, err := tx.Query(ctx, `SELECT id, CAST(uuid AS TEXT), begin_geldigheid FROM `+t.table+`
		WHERE catalogus_id = $1 AND `+t.naamCol+` = $2 AND concept = $3 AND einde_geldigheid IS NULL AND id <> $4`,
		v.CatalogusID, v.Naam, false, v.ID)
	if err != nil {
		return nil, fmt.Errorf("predecessor %s: %w", t.table, err)
	}
	var open []*versie
	for rows.Next() {
		p := &versie{CatalogusID: v.CatalogusID, CatalogusUUID: v.CatalogusUUID, Naam: v.Naam}
		if err := rows.Scan(&p.ID, &p.UUID, &p.Begin); err != nil {
			rows.Close()
			return nil, err
		}
		open = append(open, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(open) != 1 || open[0].Begin >= v.Begin {
		return nil, nil // nothing to end, or an overlap ztc016Overlap reports
	}
	begin, err := time.Parse(time.DateOnly, string(v.Begin))
	if err != nil {
		return nil, fmt.Errorf("beginGeldigheid %q: %w", v.Begin, err)
	}
	p := open[0]
	p.Einde = db.Date(begin.AddDate(0, 0, -1).Format(time.DateOnly))
	if _, err := tx.Exec(ctx, `UPDATE `+t.table+` SET einde_geldigheid = $1 WHERE id = $2`, p.Einde, p.ID); err != nil {
		return nil, fmt.Errorf("end predecessor %s: %w", t.table, err)
	}
	return p, nil
}

// hoofdPublish is POST /{type}/{uuid}/publish: check (ztc-012 for zaaktypen) runs in the
// transaction before the version goes live; render renders the result. Publishing a
// published version changes nothing.
func (r *register) hoofdPublish(c *zgw.Call, t *hoofdtype, check func(ctx context.Context, tx *db.Tx, v *versie) error, render func(ctx context.Context, id string) ([]byte, error)) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var id string
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		v, err := r.hoofdByPath(c, tx, t)
		if err != nil {
			return err
		}
		id = v.UUID
		if !v.Concept {
			return nil
		}
		if check != nil {
			if err := check(ctx, tx, v); err != nil {
				return err
			}
		}
		ended, err := r.ztc016Afsluiten(ctx, tx, t, v)
		if err != nil {
			return err
		}
		v.Concept = false
		if err := r.ztc016Overlap(ctx, tx, t, v); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+t.table+` SET concept = $1 WHERE id = $2`, false, v.ID); err != nil {
			return fmt.Errorf("publish %s: %w", t.table, err)
		}
		if ended != nil {
			if err := r.hoofdNotify(ctx, tx, t, ended.UUID, ended.CatalogusUUID, "partial_update"); err != nil {
				return err
			}
		}
		return r.hoofdNotify(ctx, tx, t, v.UUID, v.CatalogusUUID, "update")
	})
	if err != nil {
		return err
	}
	b, err := render(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, json.RawMessage(b))
}

// hoofdDestroy is DELETE /{type}/{uuid}: concept versions may go, published ones only with
// catalogi.geforceerd-verwijderen (ztc-009). The sub-types of a zaaktype go with it.
func (r *register) hoofdDestroy(c *zgw.Call, t *hoofdtype) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		v, err := r.hoofdByPath(c, tx, t)
		if err != nil {
			return err
		}
		if err := ztc009Verwijderen(c, v); err != nil {
			return err
		}
		n, err := db.Affected(tx.Exec(ctx, `DELETE FROM `+t.table+` WHERE id = $1`, v.ID))
		if err != nil {
			return fmt.Errorf("delete %s: %w", t.table, err)
		}
		if n == 0 {
			return zgw.ErrNotFound() // deleted meanwhile: its destroy is announced once
		}
		return r.hoofdNotify(ctx, tx, t, v.UUID, v.CatalogusUUID, "destroy")
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// filterCatalogus limits a list to the types of the catalogus with URL u.
func (r *register) filterCatalogus(w *db.Where, u string) {
	if id, ok := r.api.ParseURL(u, "catalogussen"); ok {
		w.And("catalogus_id IN (SELECT id FROM catalogus WHERE uuid = ?)", id)
	} else {
		w.And("1=0") // not a catalogus of this API: no type belongs to it
	}
}

// derefDate is a nullable date as text, "" for null.
func derefDate(d *string) string {
	if d == nil {
		return ""
	}
	return *d
}

// mergeInvalid adds the invalidParams of a 400 to errs; any other error is returned.
func mergeInvalid(errs *zgw.Errs, err error) error {
	var e *zgw.Error
	if err == nil {
		return nil
	}
	if errors.As(err, &e) && e.Kind == zgw.Invalid {
		errs.Params = append(errs.Params, e.InvalidParams...)
		return nil
	}
	return err
}

// peildatum is the date at which validity is judged and relations by name are resolved:
// the datumGeldigheid asked for, else today in the municipality's time zone.
func (r *register) peildatum(asked string) string {
	if asked != "" {
		return asked
	}
	return r.db.Clock().In(r.loc).Format(time.DateOnly)
}

// ztcStatus adds the status filter of the main types: concept versions are hidden unless
// asked for (catalogi §4, default definitief).
func ztcStatus(q *zgw.Query, w *db.Where, col string) {
	switch q.Enum("status", "alles", "concept", "definitief") {
	case "alles":
	case "concept":
		w.And(col+" = ?", true)
	default:
		w.And(col+" = ?", false)
	}
}

// ztcGeldig adds the datumGeldigheid filter (the version valid on that date, both ends
// inclusive) and returns the date, or "".
func ztcGeldig(q *zgw.Query, w *db.Where, alias string) string {
	d := q.Date("datumGeldigheid")
	if d != "" {
		w.And(alias+"begin_geldigheid <= ? AND ("+alias+"einde_geldigheid IS NULL OR "+alias+"einde_geldigheid >= ?)", d, d)
	}
	return d
}

// geldigheidCheck checks the validity period of a version.
func geldigheidCheck(begin string, einde *string, errs *zgw.Errs) {
	if einde != nil && *einde != "" && *einde < begin {
		errs.Add("eindeGeldigheid", "date-mismatch", "eindeGeldigheid mag niet voor beginGeldigheid liggen.")
	}
}

// dateArg is a nullable date column value.
func dateArg(d *string) any {
	if d == nil || *d == "" {
		return nil
	}
	return *d
}
