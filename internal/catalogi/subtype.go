package catalogi

// The five types that belong to one zaaktype version (statustype, roltype, resultaattype,
// eigenschap, zaakobjecttype) are handled alike: a row holds the zaaktype it belongs to as
// zaaktype_id, the columns its lists filter on, and the stored API fields as JSON in data.
// This file holds the handlers of the six operations they share; subtypezaaktype.go what they
// share with their zaaktype (the zaaktype they are checked against, the publish rule
// ztc-010, validity, list filters). Each resource file supplies a subtype value with its
// own parts.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Reads accept zaken.lezen and documenten.lezen too (ztc-014, ztcRead); writes need
// catalogi.schrijven or the forcing scope of the operation, as the spec's security says.
var (
	subtypeWriteAccess  = zgw.Scopes(ztcSchrijven, ztcGeforceerdSchrijven)
	subtypeDeleteAccess = zgw.Scopes(ztcSchrijven, ztcGeforceerdVerwijderen)
)

// subtypeRow is one stored sub-type.
type subtypeRow struct {
	ID         int64
	UUID       string
	ZaaktypeID int64
	Data       []byte
}

// subtypeWrite is what a valid request stores: the resource's own columns (besides uuid,
// zaaktype_id and data) and the JSON of data.
type subtypeWrite struct {
	cols []string
	vals []any
	data any
}

// subtype is one sub-type resource: the shared handlers call its parts.
type subtype[In any] struct {
	r          *register
	table      string // also the operationId prefix
	collection string
	orderBy    string
	params     []string // list parameters (mount adds page)
	// filter adds the list filters; it returns the date to resolve relations at ("" = today).
	filter func(q *zgw.Query, w *db.Where) string
	kop    func(in *In) *subtypeKop
	// urls writes the references that data stores as uuids back as URLs, for the request
	// form a PATCH is applied to; may be nil.
	urls func(in *In)
	// prepare validates the resource's own fields of a request (rules that need no
	// transaction; the validity is checked already), adding to errs, and returns what to store.
	prepare func(ctx context.Context, in *In, zt *subtypeZaaktype, self *subtypeRow, errs *zgw.Errs) (*subtypeWrite, error)
	// check runs the rules that must see the transaction, such as uniqueness; may be nil.
	check func(ctx context.Context, tx *db.Tx, w *subtypeWrite, zaaktypeID, selfID int64) error
	// conflict is the answer when the database refuses a row for a unique index; may be nil.
	conflict func() error
	// render renders a page of rows, fetching related data once for the page.
	render func(ctx context.Context, rows []*subtypeRow, date string) ([]any, error)
	// unlink runs before a row leaves its zaaktype (delete, or moved to another); may be nil.
	unlink func(ctx context.Context, tx *db.Tx, row *subtypeRow) error
}

func (s *subtype[In]) mount() {
	a := s.r.api
	base := "/" + s.collection
	s.params = append(s.params[:len(s.params):len(s.params)], "page")
	a.Handle("GET "+base, ztcRead, s.list)
	a.Handle("POST "+base, subtypeWriteAccess, s.create)
	// GET also answers HEAD (net/http); Detail then sends the headers only.
	a.Handle("GET "+base+"/{uuid}", ztcRead, s.retrieve)
	a.Handle("PUT "+base+"/{uuid}", subtypeWriteAccess, func(c *zgw.Call) error { return s.update(c, false) })
	a.Handle("PATCH "+base+"/{uuid}", subtypeWriteAccess, func(c *zgw.Call) error { return s.update(c, true) })
	a.Handle("DELETE "+base+"/{uuid}", subtypeDeleteAccess, s.destroy)
}

func (s *subtype[In]) load(ctx context.Context, q db.Querier, where string, args ...any) ([]*subtypeRow, error) {
	rows, err := q.Query(ctx, `SELECT id, uuid, zaaktype_id, data FROM `+s.table+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", s.table, err)
	}
	defer rows.Close()
	var out []*subtypeRow
	for rows.Next() {
		row := &subtypeRow{}
		if err := rows.Scan(&row.ID, &row.UUID, &row.ZaaktypeID, &row.Data); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// byPath loads the row named by the {uuid} of the path, or answers 404.
func (s *subtype[In]) byPath(c *zgw.Call, q db.Querier) (*subtypeRow, error) {
	id := pathUUID(c)
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	rows, err := s.load(c.Ctx(), q, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, zgw.ErrNotFound()
	}
	return rows[0], nil
}

func (s *subtype[In]) list(c *zgw.Call) error {
	q := c.Query(s.params...)
	var w db.Where
	date := s.filter(q, &w)
	if err := q.Err(); err != nil {
		return err
	}
	date = s.r.peildatum(date)
	p, err := db.List(c.Ctx(), s.r.db, s.table, &w, s.orderBy, q.Page, zgw.PageSize)
	if err != nil {
		return err
	}
	var results []any
	if len(p.IDs) > 0 {
		rows, err := s.load(c.Ctx(), s.r.db, "id IN ("+db.Placeholders(1, len(p.IDs))+")", db.Int64s(p.IDs)...)
		if err != nil {
			return err
		}
		byID := make(map[int64]*subtypeRow, len(rows))
		for _, row := range rows {
			byID[row.ID] = row
		}
		ordered := make([]*subtypeRow, 0, len(rows))
		for _, id := range p.IDs {
			if row, ok := byID[id]; ok {
				ordered = append(ordered, row)
			}
		}
		if results, err = s.render(c.Ctx(), ordered, date); err != nil {
			return err
		}
	}
	page, err := zgw.Paginate(c, q.Page, p.Count, results)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *subtype[In]) renderOne(ctx context.Context, row *subtypeRow) (any, error) {
	out, err := s.render(ctx, []*subtypeRow{row}, s.r.peildatum(""))
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// reload renders a row just written.
func (s *subtype[In]) reload(ctx context.Context, where string, arg any) (any, error) {
	rows, err := s.load(ctx, s.r.db, where, arg)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("reload %s: row %v is gone", s.table, arg)
	}
	return s.renderOne(ctx, rows[0])
}

// retrieve ignores query parameters: the detail operations declare none, and their
// responses have no 400 to refuse them with.
func (s *subtype[In]) retrieve(c *zgw.Call) error {
	row, err := s.byPath(c, s.r.db)
	if err != nil {
		return err
	}
	out, err := s.renderOne(c.Ctx(), row)
	if err != nil {
		return err
	}
	return c.Detail(out)
}

func (s *subtype[In]) create(c *zgw.Call) error {
	ctx := c.Ctx()
	in := new(In)
	if _, err := c.Body(s.table+"_create", in); err != nil {
		return err
	}
	zt, err := s.r.subtypeZaaktypeByURL(ctx, s.r.db, "zaaktype", s.kop(in).Zaaktype)
	if err != nil {
		return err
	}
	w, err := s.validate(ctx, in, zt, nil)
	if err != nil {
		return err
	}
	id := zgw.NewUUID()
	err = s.r.db.Update(ctx, func(tx *db.Tx) error {
		if err := s.inTx(c, tx, w, zt.ID, 0, ztcGeforceerdSchrijven); err != nil {
			return err
		}
		cols := append([]string{"uuid", "zaaktype_id", "data"}, w.cols...)
		data, err := jsonData(w.data)
		if err != nil {
			return err
		}
		vals := append([]any{id, zt.ID, data}, w.vals...)
		_, err = tx.Exec(ctx, `INSERT INTO `+s.table+` (`+strings.Join(cols, ", ")+`) VALUES (`+db.Placeholders(1, len(cols))+`)`, vals...)
		return s.refused(err)
	})
	if err != nil {
		return err
	}
	out, err := s.reload(ctx, "uuid = $1", id)
	if err != nil {
		return err
	}
	return c.Created(s.r.api.URL(s.collection, id), out)
}

// validate checks a request against its zaaktype zt: the validity every sub-type has, then
// the resource's own rules (prepare). It returns what to store.
func (s *subtype[In]) validate(ctx context.Context, in *In, zt *subtypeZaaktype, self *subtypeRow) (*subtypeWrite, error) {
	var errs zgw.Errs
	kop := s.kop(in)
	kop.check(zt, &errs)
	kop.Zaaktype = "" // stored as zaaktype_id
	w, err := s.prepare(ctx, in, zt, self, &errs)
	if err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return w, nil
}

// input is the stored row in the request form, the start of a PATCH.
func (s *subtype[In]) input(row *subtypeRow, zt *subtypeZaaktype) (*In, error) {
	in := new(In)
	if err := subtypeDecode(row, in); err != nil {
		return nil, err
	}
	s.kop(in).Zaaktype = s.r.api.URL("zaaktypen", zt.UUID)
	if s.urls != nil {
		s.urls(in)
	}
	return in, nil
}

// inTx re-reads the zaaktype inside the transaction, so that a zaaktype published in the
// meantime is seen, applies ztc-010 and the resource's own transactional checks.
func (s *subtype[In]) inTx(c *zgw.Call, tx *db.Tx, w *subtypeWrite, zaaktypeID, selfID int64, force string) error {
	zts, err := s.r.subtypeZaaktypen(c.Ctx(), tx, []int64{zaaktypeID})
	if err != nil {
		return err
	}
	zt, ok := zts[zaaktypeID]
	if !ok {
		return zgw.FieldError("zaaktype", "bad-url", "Het zaaktype bestaat niet meer.")
	}
	if err := subtypeConcept(c, zt, force); err != nil {
		return err
	}
	if w != nil && s.check != nil {
		return s.check(c.Ctx(), tx, w, zaaktypeID, selfID)
	}
	return nil
}

// refused maps a unique-index refusal (a race the checks could not see) to the resource's
// validation error instead of a 500.
func (s *subtype[In]) refused(err error) error {
	if err == nil || s.conflict == nil {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") {
		return s.conflict()
	}
	return err
}

func (s *subtype[In]) update(c *zgw.Call, partial bool) error {
	ctx := c.Ctx()
	row, err := s.byPath(c, s.r.db)
	if err != nil {
		return err
	}
	zts, err := s.r.subtypeZaaktypen(ctx, s.r.db, []int64{row.ZaaktypeID})
	if err != nil {
		return err
	}
	old := zts[row.ZaaktypeID]
	if old == nil {
		return zgw.ErrNotFound()
	}
	in := new(In)
	if partial {
		if in, err = s.patched(c, row, old); err != nil {
			return err
		}
	} else if _, err := c.Body(s.table+"_update", in); err != nil {
		return err
	}
	zt, err := s.r.subtypeZaaktypeByURL(ctx, s.r.db, "zaaktype", s.kop(in).Zaaktype)
	if err != nil {
		return err
	}
	w, err := s.validate(ctx, in, zt, row)
	if err != nil {
		return err
	}
	err = s.r.db.Update(ctx, func(tx *db.Tx) error {
		const force = ztcGeforceerdSchrijven
		if err := tx.LockRow(ctx, s.table, "id = $1", row.ID); err != nil {
			return err
		}
		cur, err := s.load(ctx, tx, "id = $1", row.ID)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
		}
		// Changed by another request since it was read: run again on the new state.
		if cur[0].ZaaktypeID != row.ZaaktypeID || !bytes.Equal(cur[0].Data, row.Data) {
			return zgw.ErrChanged
		}
		if cur[0].ZaaktypeID != zt.ID {
			// Moving it away changes the zaaktype it leaves, which must be a concept too.
			if err := s.inTx(c, tx, nil, cur[0].ZaaktypeID, row.ID, force); err != nil {
				return err
			}
			if s.unlink != nil {
				if err := s.unlink(ctx, tx, cur[0]); err != nil {
					return err
				}
			}
		}
		if err := s.inTx(c, tx, w, zt.ID, row.ID, force); err != nil {
			return err
		}
		data, err := jsonData(w.data)
		if err != nil {
			return err
		}
		set := "zaaktype_id = $1, data = $2"
		vals := []any{zt.ID, data}
		for i, col := range w.cols {
			set += fmt.Sprintf(", %s = $%d", col, i+3)
		}
		vals = append(vals, w.vals...)
		vals = append(vals, row.ID)
		_, err = tx.Exec(ctx, `UPDATE `+s.table+` SET `+set+fmt.Sprintf(` WHERE id = $%d`, len(vals)), vals...)
		return s.refused(err)
	})
	if err != nil {
		return err
	}
	out, err := s.reload(ctx, "id = $1", row.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// patched applies a PATCH body to the stored resource: the keys sent replace those of the
// current request form, and the result is validated as a whole, like a PUT.
func (s *subtype[In]) patched(c *zgw.Call, row *subtypeRow, zt *subtypeZaaktype) (*In, error) {
	keys, err := c.Body(s.table+"_partial_update", new(In))
	if err != nil {
		return nil, err
	}
	base, err := s.input(row, zt)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	merged := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &merged); err != nil {
		return nil, err
	}
	for k, v := range keys {
		merged[k] = v
	}
	if raw, err = json.Marshal(merged); err != nil {
		return nil, err
	}
	in := new(In)
	if err := json.Unmarshal(raw, in); err != nil {
		return nil, zgw.FieldError("nonFieldErrors", "invalid", "De gewijzigde resource is ongeldig: "+err.Error())
	}
	return in, nil
}

func (s *subtype[In]) destroy(c *zgw.Call) error {
	ctx := c.Ctx()
	row, err := s.byPath(c, s.r.db)
	if err != nil {
		return err
	}
	err = s.r.db.Update(ctx, func(tx *db.Tx) error {
		cur, err := s.load(ctx, tx, "id = $1", row.ID)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
		}
		if err := s.inTx(c, tx, nil, cur[0].ZaaktypeID, row.ID, ztcGeforceerdVerwijderen); err != nil {
			return err
		}
		if s.unlink != nil {
			if err := s.unlink(ctx, tx, cur[0]); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM `+s.table+` WHERE id = $1`, row.ID)
		return err
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// subtypeDecode decodes the stored JSON of a row.
func subtypeDecode(row *subtypeRow, dst any) error {
	if err := json.Unmarshal(row.Data, dst); err != nil {
		return fmt.Errorf("decode %s: %w", row.UUID, err)
	}
	return nil
}
