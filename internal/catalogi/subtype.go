package catalogi

// The five types that belong to one zaaktype version (statustype, roltype, resultaattype,
// eigenschap, zaakobjecttype) are handled alike: a row holds the zaaktype it belongs to as
// zaaktype_id, the columns its lists filter on, and the stored API fields as JSON in data.
// This file holds what they share: the handlers of the six operations, the zaaktype they
// are read and checked against, the list filters on that zaaktype, validity and the
// publish rule ztc-010. Each resource file supplies a subtype value with its own parts.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// subtypeZaaktype is what a sub-type needs of its zaaktype.
type subtypeZaaktype struct {
	ID            int64
	UUID          string
	CatalogusID   int64
	CatalogusUUID string
	Identificatie string
	Concept       bool
	Begin         db.Date
	Einde         db.Date
	// Procestype is the zaaktype's selectielijstProcestype; only set by subtypeZaaktypeByURL.
	Procestype string
}

const subtypeZaaktypeCols = `z.id, z.uuid, z.catalogus_id, c.uuid, z.identificatie, z.concept, z.begin_geldigheid, z.einde_geldigheid`

func scanSubtypeZaaktype(sc interface{ Scan(...any) error }, extra ...any) (*subtypeZaaktype, error) {
	z := &subtypeZaaktype{}
	dst := append([]any{&z.ID, &z.UUID, &z.CatalogusID, &z.CatalogusUUID, &z.Identificatie, &z.Concept, &z.Begin, &z.Einde}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	return z, nil
}

// subtypeZaaktypeByURL resolves the zaaktype URL of a request body. Catalogi relations stay
// within this API (ztc-013), so a URL elsewhere is as bad as one that leads nowhere.
func (r *register) subtypeZaaktypeByURL(ctx context.Context, q db.Querier, field, u string) (*subtypeZaaktype, error) {
	bad := zgw.FieldError(field, "bad-url", "De URL "+u+" wijst niet naar een zaaktype van deze catalogi-API.")
	id, ok := r.api.ParseURL(u, "zaaktypen")
	if !ok {
		return nil, bad
	}
	var data []byte
	z, err := scanSubtypeZaaktype(q.QueryRow(ctx, `SELECT `+subtypeZaaktypeCols+`, z.data FROM zaaktype z
		JOIN catalogus c ON c.id = z.catalogus_id WHERE z.uuid = $1`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("zaaktype %s: %w", id, err)
	}
	var fields struct {
		Procestype string `json:"selectielijstProcestype"`
	}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, fmt.Errorf("zaaktype %s data: %w", id, err)
		}
	}
	z.Procestype = fields.Procestype
	return z, nil
}

// subtypeZaaktypen loads the zaaktypen of a page of sub-types in one query.
func (r *register) subtypeZaaktypen(ctx context.Context, q db.Querier, ids []int64) (map[int64]*subtypeZaaktype, error) {
	out := map[int64]*subtypeZaaktype{}
	ids = subtypeDistinct(ids)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT `+subtypeZaaktypeCols+` FROM zaaktype z JOIN catalogus c ON c.id = z.catalogus_id
		WHERE z.id IN (`+db.Placeholders(1, len(ids))+`)`, db.Int64s(ids)...)
	if err != nil {
		return nil, fmt.Errorf("zaaktypen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		z, err := scanSubtypeZaaktype(rows)
		if err != nil {
			return nil, err
		}
		out[z.ID] = z
	}
	return out, rows.Err()
}

// subtypePageZaaktypen loads the zaaktypen of a page of rows; every row has one (the
// foreign key cascades deletes).
func (r *register) subtypePageZaaktypen(ctx context.Context, rows []*subtypeRow) (map[int64]*subtypeZaaktype, error) {
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ZaaktypeID
	}
	zts, err := r.subtypeZaaktypen(ctx, r.db, ids)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if zts[row.ZaaktypeID] == nil {
			return nil, fmt.Errorf("%s: zaaktype %d is gone", row.UUID, row.ZaaktypeID)
		}
	}
	return zts, nil
}

func subtypeDistinct[T comparable](in []T) []T {
	seen := make(map[T]bool, len(in))
	out := make([]T, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// subtypeConcept enforces ztc-010: the sub-types of a published zaaktype are frozen; only a
// client with the forcing scope (catalogi.geforceerd-schrijven for create, replace and patch,
// catalogi.geforceerd-verwijderen for delete) may still correct them.
func subtypeConcept(c *zgw.Call, zt *subtypeZaaktype, force string) error {
	if zt.Concept || c.Principal.Grants.HasScope(c.API.Component, force) {
		return nil
	}
	return zgw.FieldError("nonFieldErrors", "non-concept-zaaktype",
		"Het zaaktype is gepubliceerd; zijn deeltypen kunnen niet meer worden aangemaakt, gewijzigd of verwijderd.")
}

// subtypeGeldigheid is the validity every sub-type carries. It follows the zaaktype: an
// omitted beginGeldigheid or eindeGeldigheid is the zaaktype's (rendered from the zaaktype,
// so a later eindeGeldigheid on the zaaktype shows on its sub-types too); a supplied
// beginGeldigheid must equal the zaaktype's. Only a supplied eindeGeldigheid is stored.
type subtypeGeldigheid struct {
	BeginGeldigheid *string `json:"beginGeldigheid,omitempty"`
	EindeGeldigheid *string `json:"eindeGeldigheid,omitempty"`
}

func (g *subtypeGeldigheid) check(zt *subtypeZaaktype, errs *zgw.Errs) {
	if g.BeginGeldigheid != nil && *g.BeginGeldigheid != string(zt.Begin) {
		errs.Add("beginGeldigheid", "invalid", fmt.Sprintf("beginGeldigheid moet gelijk zijn aan die van het zaaktype (%s).", zt.Begin))
	}
	geldigheidCheck(string(zt.Begin), g.EindeGeldigheid, errs)
	g.BeginGeldigheid = nil // never stored: it is the zaaktype's
}

// render returns beginGeldigheid, eindeGeldigheid, beginObject and eindeObject. A version of
// a sub-type lives exactly as long as its zaaktype version, so the object dates are the
// version's own, as in Open Zaak.
func (g *subtypeGeldigheid) render(zt *subtypeZaaktype) (begin, einde *string) {
	begin = zt.Begin.Ptr()
	einde = zt.Einde.Ptr()
	if g.EindeGeldigheid != nil {
		einde = g.EindeGeldigheid
	}
	return begin, einde
}

// subtypeCatalogus checks a writable catalogus field (roltype, resultaattype,
// zaakobjecttype): when given it must be a catalogus of this API, the zaaktype's (ztc-013).
func (r *register) subtypeCatalogus(ctx context.Context, u *string, zt *subtypeZaaktype, errs *zgw.Errs) error {
	if u == nil || *u == "" {
		return nil
	}
	id, _, err := r.ztcCatalogus(ctx, r.db, "catalogus", *u)
	if err != nil {
		return mergeInvalid(errs, err)
	}
	if id != zt.CatalogusID {
		errs.Add("nonFieldErrors", "relations-incorrect-catalogus", "De catalogus moet die van het zaaktype zijn.")
	}
	return nil
}

// subtypeFilters adds the list filters on the zaaktype that the sub-types share; the names
// are the spec's, which differ per resource (resultaattypen uses snake_case). An empty name
// leaves the filter out. It returns the datumGeldigheid asked for, or "".
type subtypeFilters struct {
	zaaktype, identificatie, status, datumGeldigheid string
}

func (r *register) subtypeFilter(q *zgw.Query, w *db.Where, f subtypeFilters) string {
	if f.zaaktype != "" {
		if u := q.URL(f.zaaktype); u != "" {
			if id, ok := r.api.ParseURL(u, "zaaktypen"); ok {
				w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE uuid = ?)", id)
			} else {
				w.And("1=0") // not a zaaktype of this API: nothing can belong to it
			}
		}
	}
	if f.identificatie != "" {
		if v := q.String(f.identificatie); v != "" { // an empty value filters nothing, as in DRF
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE identificatie = ?)", v)
		}
	}
	if f.status != "" {
		// Concept versions are hidden unless asked for (catalogi §4).
		switch q.Enum(f.status, "alles", "concept", "definitief") {
		case "alles":
		case "concept":
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", true)
		default:
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE concept = ?)", false)
		}
	}
	var date string
	if f.datumGeldigheid != "" {
		// The version valid on that date: the validity is the zaaktype's, inclusive.
		if date = q.Date(f.datumGeldigheid); date != "" {
			w.And("zaaktype_id IN (SELECT id FROM zaaktype WHERE begin_geldigheid <= ? AND (einde_geldigheid IS NULL OR einde_geldigheid >= ?))", date, date)
		}
	}
	return date
}

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
	// zaaktype is the zaaktype URL of a request.
	zaaktype func(in *In) string
	// input turns a stored row back into the request form a PATCH is applied to.
	input func(ctx context.Context, row *subtypeRow, zt *subtypeZaaktype) (*In, error)
	// prepare validates a request (rules that need no transaction) and returns what to store.
	prepare func(ctx context.Context, in *In, zt *subtypeZaaktype, self *subtypeRow) (*subtypeWrite, error)
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
	zt, err := s.r.subtypeZaaktypeByURL(ctx, s.r.db, "zaaktype", s.zaaktype(in))
	if err != nil {
		return err
	}
	w, err := s.prepare(ctx, in, zt, nil)
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
	zt, err := s.r.subtypeZaaktypeByURL(ctx, s.r.db, "zaaktype", s.zaaktype(in))
	if err != nil {
		return err
	}
	w, err := s.prepare(ctx, in, zt, row)
	if err != nil {
		return err
	}
	err = s.r.db.Update(ctx, func(tx *db.Tx) error {
		const force = ztcGeforceerdSchrijven
		cur, err := s.load(ctx, tx, "id = $1", row.ID)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
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
	base, err := s.input(c.Ctx(), row, zt)
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
