package catalogi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// ztiotIn is the request form of a ZaakTypeInformatieObjectType. informatieobjecttype is an
// omschrijving (ztc-011c; the URL of a version is accepted too) and is stored as a column,
// like zaaktype, volgnummer and richting; data holds statustype.
type ztiotIn struct {
	Zaaktype             string `json:"zaaktype"`
	Informatieobjecttype string `json:"informatieobjecttype"`
	Volgnummer           int64  `json:"volgnummer"`
	Richting             string `json:"richting"`
	ztiotData
}

type ztiotData struct {
	Statustype *string `json:"statustype"`
}

type ztiotRow struct {
	id            int64
	uuid          string
	zaaktypeID    int64
	zaaktypeUUID  string
	identificatie string
	catID         int64
	catUUID       string
	concept       bool
	iot           string
	richting      string
	volgnummer    int64
	data          []byte
}

func (r *register) mountZaaktypeInformatieobjecttype() {
	a := r.api
	base := "/zaaktype-informatieobjecttypen"
	a.Handle("GET "+base, ztcRead, r.ztiotList)
	a.Handle("POST "+base, zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.ztiotWrite)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET "+base+"/{uuid}", ztcRead, r.ztiotRetrieve)
	a.Handle("PUT "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.ztiotWrite)
	a.Handle("PATCH "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven), r.ztiotWrite)
	a.Handle("DELETE "+base+"/{uuid}", zgw.Scopes(ztcSchrijven, ztcGeforceerdVerwijderen), r.ztiotDestroy)
}

func (r *register) ztiotList(c *zgw.Call) error {
	ctx := c.Ctx()
	q := c.Query("zaaktype", "informatieobjecttype", "richting", "status", "page")
	var w db.Where
	if u := q.URL("zaaktype"); u != "" {
		if id, ok := r.api.ParseURL(u, "zaaktypen"); ok {
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE uuid = ?)", id)
		} else {
			w.And("1=0")
		}
	}
	if v := q.String("informatieobjecttype"); v != "" {
		if err := r.iotFilter(ctx, &w, v, "informatieobjecttype_omschrijving = ?", func(naam string) string { return naam },
			"zaaktype_id IN (SELECT id FROM zaaktype WHERE catalogus_id = ?)"); err != nil {
			return err
		}
	}
	if v := q.Enum("richting", "inkomend", "intern", "uitgaand"); v != "" {
		w.And("richting = ?", v)
	}
	// The concept status of a zaaktype-informatieobjecttype is its zaaktype's (ztc-010).
	switch q.Enum("status", "alles", "concept", "definitief") {
	case "alles":
	case "concept":
		w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", true)
	default:
		w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", false)
	}
	if err := q.Err(); err != nil {
		return err
	}
	return r.ztcList(c, "", func() ([]byte, error) {
		p, err := db.List(ctx, r.db, "zaaktypeinformatieobjecttype", &w, "zaaktype_id, volgnummer, id", q.Page, zgw.PageSize)
		if err != nil {
			return nil, err
		}
		rows, err := r.ztiotLoad(ctx, r.db, r.db.AnyID("t.id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return nil, err
		}
		items, err := r.ztiotRender(ctx, inOrder(p.IDs, rows, func(x *ztiotRow) int64 { return x.id }), r.peildatum(""))
		if err != nil {
			return nil, err
		}
		return ztcPage(c, q.Page, p.Count, items)
	})
}

func (r *register) ztiotRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	return r.ztcDetail(c, "", func() ([]byte, error) { return r.ztiotOne(c.Ctx(), pathUUID(c)) })
}

func (r *register) ztiotOne(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	rows, err := r.ztiotLoad(ctx, r.db, "t.uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	out, err := r.ztiotRender(ctx, rows, r.peildatum(""))
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// ztc-010 (zaaktype-informatieobjecttype): the relations of a published zaaktype are frozen;
// only a client with the forcing scope (geforceerd-schrijven to create or change,
// geforceerd-verwijderen to delete) may still correct them. The 1.3.1 text froze them only
// when the informatieobjecttype was published too; relations by name make that side
// version-independent, so Meent follows the 1.3.2 text and freezes by zaaktype.
func ztc010ZTIOT(c *zgw.Call, zaaktypeConcept bool, force string) error {
	if zaaktypeConcept || c.Principal.Grants.HasScope(c.API.Component, force) {
		return nil
	}
	return zgw.FieldError("nonFieldErrors", "non-concept-zaaktype", "Het zaaktype is gepubliceerd; zijn informatieobjecttypen kunnen niet meer worden gewijzigd.")
}

// ztiotZaaktype resolves the zaaktype URL of a request: a zaaktype of this API.
func (r *register) ztiotZaaktype(ctx context.Context, u string) (*versie, error) {
	if id, ok := r.api.ParseURL(u, "zaaktypen"); ok {
		v, err := r.hoofdVersie(ctx, r.db, htZaaktype, id)
		if err != nil || v != nil {
			return v, err
		}
		return nil, zgw.FieldError("zaaktype", "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
	}
	if err := r.api.Refs.Resource(ctx, "zaaktype", u, nil, "identificatie", "catalogus"); err != nil {
		return nil, err
	}
	return nil, zgw.FieldError("zaaktype", "invalid-resource", "De URL "+u+" is geen zaaktype van deze Catalogi API.")
}

// ztiotWrite is create, update and partial update.
func (r *register) ztiotWrite(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	in := &ztiotIn{}
	var cur *ztiotRow
	op := "zaakinformatieobjecttype_create"
	if c.R.Method != http.MethodPost {
		op = "zaakinformatieobjecttype_update"
		id := pathUUID(c)
		var rows []*ztiotRow
		if id != "" {
			var err error
			if rows, err = r.ztiotLoad(ctx, r.db, "t.uuid = $1", id); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return zgw.ErrNotFound()
		}
		cur = rows[0]
		if err := ztc010ZTIOT(c, cur.concept, ztcGeforceerdSchrijven); err != nil {
			return err
		}
		if c.R.Method == http.MethodPatch {
			op = "zaakinformatieobjecttype_partial_update"
			in = &ztiotIn{Zaaktype: r.api.URL("zaaktypen", cur.zaaktypeUUID), Informatieobjecttype: cur.iot, Volgnummer: cur.volgnummer, Richting: cur.richting}
			if err := jsonUnmarshal(cur.data, &in.ztiotData); err != nil {
				return err
			}
		}
	}
	keys, err := c.Body(op, in)
	if err != nil {
		return err
	}
	sent := func(k string) bool { return c.R.Method != http.MethodPatch || zgw.Sent(keys, k) }
	var errs zgw.Errs
	var zt *versie
	if cur != nil && !sent("zaaktype") {
		zt = &versie{ID: cur.zaaktypeID, CatalogusID: cur.catID, Concept: cur.concept}
	} else if zt, err = r.ztiotZaaktype(ctx, in.Zaaktype); mergeInvalid(&errs, err) != nil {
		return err
	}
	if zt != nil {
		if err := ztc010ZTIOT(c, zt.Concept, ztcGeforceerdSchrijven); err != nil {
			return err
		}
		// ztc-013: the informatieobjecttype is in the zaaktype's catalogus.
		if sent("informatieobjecttype") || sent("zaaktype") {
			names, err := r.relatieNamen(ctx, r.db, htIOT, "informatieobjecttype", "nonFieldErrors", zt.CatalogusID, []string{in.Informatieobjecttype}, &errs)
			if err != nil {
				return err
			}
			if len(names) == 1 {
				in.Informatieobjecttype = names[0]
			}
		}
		if in.Statustype != nil && *in.Statustype != "" && (sent("statustype") || sent("zaaktype")) {
			if err := r.ztiotStatustype(ctx, *in.Statustype, zt, &errs); err != nil {
				return err
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	data, err := jsonData(in.ztiotData)
	if err != nil {
		return err
	}
	id := zgw.NewUUID()
	if cur != nil {
		id = cur.uuid
	}
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM zaaktypeinformatieobjecttype WHERE zaaktype_id = $1 AND volgnummer = $2 AND uuid <> $3`,
			zt.ID, in.Volgnummer, id).Scan(&n); err != nil {
			return fmt.Errorf("ztiot volgnummer: %w", err)
		}
		if n > 0 {
			return zgw.FieldError("nonFieldErrors", "unique", "Het volgnummer is binnen het zaaktype al in gebruik.")
		}
		if cur == nil {
			_, err := tx.Exec(ctx, `INSERT INTO zaaktypeinformatieobjecttype (uuid, zaaktype_id, informatieobjecttype_omschrijving, richting, volgnummer, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, zt.ID, in.Informatieobjecttype, in.Richting, in.Volgnummer, data)
			return wrapErr("insert zaaktype-informatieobjecttype", err)
		}
		_, err := tx.Exec(ctx, `UPDATE zaaktypeinformatieobjecttype SET zaaktype_id = $1, informatieobjecttype_omschrijving = $2, richting = $3,
			volgnummer = $4, data = $5 WHERE id = $6`, zt.ID, in.Informatieobjecttype, in.Richting, in.Volgnummer, data, cur.id)
		return wrapErr("update zaaktype-informatieobjecttype", err)
	})
	if err != nil {
		return err
	}
	return r.written(c, cur == nil, "zaaktype-informatieobjecttypen", id, r.ztiotOne)
}

// ztiotStatustype checks the statustype of a request: one of the zaaktype's.
func (r *register) ztiotStatustype(ctx context.Context, u string, zt *versie, errs *zgw.Errs) error {
	id, ok := r.api.ParseURL(u, "statustypen")
	var zaaktypeID int64
	err := sql.ErrNoRows
	if ok {
		err = r.db.QueryRow(ctx, `SELECT zaaktype_id FROM statustype WHERE uuid = $1`, id).Scan(&zaaktypeID)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("statustype", "bad-url", "De URL "+u+" wijst niet naar een statustype van deze Catalogi API.")
	case err != nil:
		return fmt.Errorf("statustype %s: %w", id, err)
	case zaaktypeID != zt.ID:
		errs.Add("statustype", "zaaktype-mismatch", "Het statustype hoort niet bij het zaaktype.")
	}
	return nil
}

func (r *register) ztiotDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	id := pathUUID(c)
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		var rows []*ztiotRow
		if id != "" {
			var err error
			if rows, err = r.ztiotLoad(ctx, tx, "t.uuid = $1", id); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return zgw.ErrNotFound()
		}
		if err := ztc010ZTIOT(c, rows[0].concept, ztcGeforceerdVerwijderen); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM zaaktypeinformatieobjecttype WHERE id = $1`, rows[0].id)
		return wrapErr("delete zaaktype-informatieobjecttype", err)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

func (r *register) ztiotLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*ztiotRow, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT t.id, CAST(t.uuid AS TEXT), t.zaaktype_id, CAST(z.uuid AS TEXT), z.identificatie, z.catalogus_id, CAST(c.uuid AS TEXT),
		z.concept, t.informatieobjecttype_omschrijving, t.richting, t.volgnummer, t.data
		FROM zaaktypeinformatieobjecttype t JOIN zaaktype z ON z.id = t.zaaktype_id JOIN catalogus c ON c.id = z.catalogus_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaaktype-informatieobjecttype: %w", err)
	}
	defer rows.Close()
	var out []*ztiotRow
	for rows.Next() {
		x := &ztiotRow{}
		if err := rows.Scan(&x.id, &x.uuid, &x.zaaktypeID, &x.zaaktypeUUID, &x.identificatie, &x.catID, &x.catUUID,
			&x.concept, &x.iot, &x.richting, &x.volgnummer, &x.data); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ztiotRender renders a page; the informatieobjecttype, related by omschrijving, renders as
// the URL of the version published and valid on date, else of the newest version (while
// both are still being prepared), else as the omschrijving itself.
func (r *register) ztiotRender(ctx context.Context, rows []*ztiotRow, date string) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	cats := paginaCatalogi(rows, func(x *ztiotRow) int64 { return x.catID })
	names := make([]any, len(rows))
	for i, x := range rows {
		names[i] = x.iot
	}
	q := r.relq()
	q.add(`SELECT 0, i.catalogus_id, i.id, CAST(i.uuid AS TEXT), i.omschrijving, '', %s FROM informatieobjecttype i
		WHERE i.catalogus_id IN (%s) AND i.omschrijving IN (%s)`, q.geldigFlag("i", date), q.in(cats), q.in(names))
	found, err := q.run(ctx, r.db)
	if err != nil {
		return nil, err
	}
	iots := versies{}
	for _, x := range found {
		iots.add(x)
	}
	out := make([][]byte, len(rows))
	for i, x := range rows {
		w := jw{b: make([]byte, 0, 512+len(x.data))}
		w.open()
		w.str("url", r.api.URL("zaaktype-informatieobjecttypen", x.uuid))
		w.str("zaaktype", r.api.URL("zaaktypen", x.zaaktypeUUID))
		w.str("zaaktypeIdentificatie", x.identificatie)
		w.str("catalogus", r.api.URL("catalogussen", x.catUUID))
		iot := x.iot
		if id := iots.een(x.catID, x.iot); id != "" {
			iot = r.api.URL(htIOT.collection, id)
		}
		w.str("informatieobjecttype", iot)
		w.int("volgnummer", x.volgnummer)
		w.str("richting", x.richting)
		w.splice(x.data)
		out[i] = w.b
	}
	return out, nil
}
