package catalogi

import (
	"context"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// catalogusIn is the request form of a Catalogus; catalogusData what data stores of it
// (domein and rsin are columns).
type catalogusIn struct {
	Domein string `json:"domein"`
	Rsin   string `json:"rsin"`
	catalogusData
}

type catalogusData struct {
	ContactpersoonBeheerNaam           string  `json:"contactpersoonBeheerNaam"`
	ContactpersoonBeheerTelefoonnummer string  `json:"contactpersoonBeheerTelefoonnummer"`
	ContactpersoonBeheerEmailadres     string  `json:"contactpersoonBeheerEmailadres"`
	Naam                               *string `json:"naam"`
	Versie                             *string `json:"versie"`
	BegindatumVersie                   *string `json:"begindatumVersie"`
}

type catalogusRow struct {
	id           int64
	uuid         string
	domein, rsin string
	data         []byte
}

func (r *register) mountCatalogus() {
	a := r.api
	a.Handle("GET /catalogussen", ztcRead, r.catalogusList)
	a.Handle("POST /catalogussen", zgw.Scopes(ztcSchrijven), r.catalogusCreate)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET /catalogussen/{uuid}", ztcRead, r.catalogusRetrieve)
}

func (r *register) catalogusList(c *zgw.Call) error {
	q := c.Query("domein", "domein__in", "rsin", "rsin__in", "page")
	var w db.Where
	if q.Has("domein") {
		w.And("domein = ?", q.String("domein"))
	}
	if q.Has("domein__in") {
		w.And(r.db.AnyText("domein", "?"), r.db.TextList(q.List("domein__in")))
	}
	if q.Has("rsin") {
		w.And("rsin = ?", q.String("rsin"))
	}
	if q.Has("rsin__in") {
		w.And(r.db.AnyText("rsin", "?"), r.db.TextList(q.List("rsin__in")))
	}
	if err := q.Err(); err != nil {
		return err
	}
	return r.ztcList(c, "", func() ([]byte, error) {
		p, err := db.List(c.Ctx(), r.db, "catalogus", &w, "id", q.Page, zgw.PageSize)
		if err != nil {
			return nil, err
		}
		rows, err := r.catalogusLoad(c.Ctx(), r.db.AnyID("id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return nil, err
		}
		items, err := r.catalogusRender(c.Ctx(), inOrder(p.IDs, rows, func(x *catalogusRow) int64 { return x.id }))
		if err != nil {
			return nil, err
		}
		return ztcPage(c, q.Page, p.Count, items)
	})
}

func (r *register) catalogusRetrieve(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	return r.ztcDetail(c, "", func() ([]byte, error) { return r.catalogusOne(c.Ctx(), pathUUID(c)) })
}

func (r *register) catalogusOne(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	rows, err := r.catalogusLoad(ctx, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	out, err := r.catalogusRender(ctx, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (r *register) catalogusCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	var in catalogusIn
	if _, err := c.Body("catalogus_create", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	rsinCheck(in.Rsin, &errs)
	if err := errs.Err(); err != nil {
		return err
	}
	data, err := jsonData(in.catalogusData)
	if err != nil {
		return err
	}
	id := zgw.NewUUID()
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM catalogus WHERE domein = $1 AND rsin = $2`, in.Domein, in.Rsin).Scan(&n); err != nil {
			return fmt.Errorf("catalogus unique: %w", err)
		}
		if n > 0 {
			return zgw.FieldError("nonFieldErrors", "unique", "Er bestaat al een catalogus met dit domein en rsin.")
		}
		_, err := tx.Exec(ctx, `INSERT INTO catalogus (uuid, domein, rsin, data) VALUES ($1, $2, $3, $4)`, id, in.Domein, in.Rsin, data)
		if err != nil {
			return fmt.Errorf("insert catalogus: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	b, err := r.catalogusOne(ctx, id)
	if err != nil {
		return err
	}
	return c.Created(r.api.URL("catalogussen", id), jsonRaw(b))
}

// rsinCheck validates an RSIN the way the reference implementation does: nine digits that
// pass the elfproef.
func rsinCheck(rsin string, errs *zgw.Errs) {
	if strings.Trim(rsin, "0123456789") != "" {
		errs.Add("rsin", "only-digits", "Voer een numerieke waarde in.")
		return
	}
	if len(rsin) != 9 {
		errs.Add("rsin", "invalid-length", "Waarde moet 9 tekens lang zijn.")
		return
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(rsin[i]-'0') * (9 - i)
	}
	sum -= int(rsin[8] - '0')
	if sum%11 != 0 {
		errs.Add("rsin", "invalid", "Ongeldig RSIN (elfproef).")
	}
}

func (r *register) catalogusLoad(ctx context.Context, where string, args ...any) ([]*catalogusRow, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := r.db.Query(ctx, `SELECT id, CAST(uuid AS TEXT), domein, rsin, data FROM catalogus WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("catalogus: %w", err)
	}
	defer rows.Close()
	var out []*catalogusRow
	for rows.Next() {
		x := &catalogusRow{}
		if err := rows.Scan(&x.id, &x.uuid, &x.domein, &x.rsin, &x.data); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// catalogusRender renders catalogussen with the URLs of all versions of their types, fetched
// for the whole page at once.
func (r *register) catalogusRender(ctx context.Context, rows []*catalogusRow) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	q := r.relq()
	ids := make([]any, len(rows))
	for i, x := range rows {
		ids[i] = x.id
	}
	in := q.in(ids)
	for k, t := range []*hoofdtype{htZaaktype, htIOT, htBesluittype} {
		q.add(`SELECT %d, catalogus_id, id, CAST(uuid AS TEXT), '', '', 1 FROM %s WHERE catalogus_id IN (%s)`, k, t.table, in)
	}
	rel, err := q.run(ctx, r.db)
	if err != nil {
		return nil, err
	}
	byKind := [3]map[int64][]string{{}, {}, {}}
	for _, x := range rel {
		byKind[x.kind][x.owner] = append(byKind[x.kind][x.owner], x.uuid)
	}
	out := make([][]byte, len(rows))
	for i, x := range rows {
		w := jw{b: make([]byte, 0, 512+len(x.data))}
		w.open()
		w.str("url", r.api.URL("catalogussen", x.uuid))
		w.str("domein", x.domein)
		w.str("rsin", x.rsin)
		w.urls("zaaktypen", r.api, htZaaktype.collection, byKind[0][x.id])
		w.urls("informatieobjecttypen", r.api, htIOT.collection, byKind[1][x.id])
		w.urls("besluittypen", r.api, htBesluittype.collection, byKind[2][x.id])
		w.splice(x.data)
		out[i] = w.b
	}
	return out, nil
}
