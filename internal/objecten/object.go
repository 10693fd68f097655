package objecten

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// objectIn is the body of create, update and partial update.
type objectIn struct {
	UUID   string          `json:"uuid"`
	Type   string          `json:"type"`
	Record json.RawMessage `json:"record"`
}

// recordIn is the writable part of a record.
type recordIn struct {
	TypeVersion   *int            `json:"typeVersion"`
	Data          json.RawMessage `json:"data"`
	Geometry      json.RawMessage `json:"geometry"`
	References    *[]reference    `json:"references"`
	StartAt       string          `json:"startAt"`
	CorrectionFor *int            `json:"correctionFor"`
}

func (r *register) mountObject() {
	a := r.api
	token := zgw.Access{} // permissions per objecttype are checked per object and in SQL
	a.Handle("GET /objects", token, r.objectList)
	a.Handle("POST /objects", token, r.objectCreate)
	a.Handle("POST /objects/search", token, r.objectSearch)
	a.Handle("GET /objects/{uuid}", token, r.objectRetrieve)
	a.Handle("PUT /objects/{uuid}", token, r.objectUpdate)
	a.Handle("PATCH /objects/{uuid}", token, r.objectUpdate)
	a.Handle("DELETE /objects/{uuid}", token, r.objectDelete)
	a.Handle("GET /objects/{uuid}/history", token, r.objectHistory)
	a.Handle("GET /objects/{uuid}/{index}", token, r.objectHistoryDetail)
}

// newRecord is a record ready to be stored.
type newRecord struct {
	typeVersion   int
	data          []byte
	geometry      []byte // nil: none
	bound         *orb.Bound
	refs          []reference
	startAt       string
	correctionFor *int
}

// checkRecord validates a record against its objecttype version: the version exists,
// data follows its JSON Schema, geometry is well-formed and allowed. q reads the objecttype
// (in a transaction: the transaction, which holds a connection already).
func (r *register) checkRecord(ctx context.Context, q db.Querier, typeURL string, rec *newRecord) (*typeVersie, error) {
	tv, err := r.resolveType(ctx, q, typeURL, rec.typeVersion)
	if err != nil {
		return nil, err
	}
	if len(rec.geometry) > 0 {
		if !tv.allowGeometry {
			return nil, zgw.FieldError("record.geometry", "geometry-not-allowed", "Dit objecttype staat geen geometrie toe.")
		}
		g, ok := parseGeometry(rec.geometry)
		if !ok {
			return nil, zgw.FieldError("record.geometry", "invalid", "Geen geldige GeoJSON-geometrie.")
		}
		b := g.Bound()
		rec.bound = &b
	}
	return tv, r.schemas.validateData(tv.schema, rec.data)
}

func (r *register) objectCreate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	if err := crs(c, true); err != nil {
		return err
	}
	var in objectIn
	if _, err := c.Body("object_create", &in); err != nil {
		return err
	}
	var ri recordIn
	if err := decodeRecord(in.Record, &ri, nil); err != nil {
		return err
	}
	ctx := c.Ctx()
	acc, err := r.accessOf(ctx, c.Principal)
	if err != nil {
		return err
	}
	typeUUID := lastSegment(in.Type)
	if !acc.canWrite(typeUUID) {
		return zgw.ErrForbidden()
	}
	if ri.CorrectionFor != nil {
		return zgw.FieldError("record.correctionFor", "invalid", "Een nieuw object heeft geen record om te corrigeren.")
	}
	rec := &newRecord{typeVersion: *ri.TypeVersion, data: dataOrEmpty(ri.Data), geometry: geometryOrNil(ri.Geometry), startAt: ri.StartAt, refs: []reference{}}
	if ri.References != nil {
		rec.refs = *ri.References
	}
	tv, err := r.checkRecord(ctx, r.db, in.Type, rec)
	if err != nil {
		return err
	}
	id := strings.ToLower(in.UUID)
	if id == "" {
		id = zgw.NewUUID()
	}
	var out *objectOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		if tv.objecttypeID != 0 {
			// The objecttype stays while its first object is created (see objecttypeDelete).
			if err := lockRow(ctx, tx, "objecttype", tv.objecttypeID, true); err != nil {
				if errors.Is(err, zgw.ErrNotFound()) {
					return zgw.FieldError("type", "bad-url", "De URL "+in.Type+" resulteert niet in een 200-antwoord.")
				}
				return err
			}
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM object WHERE uuid = $1)`, id).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return zgw.FieldError("uuid", "unique", "Een object met deze uuid bestaat al.")
		}
		var objectID int64
		if err := tx.QueryRow(ctx, `INSERT INTO object (uuid, type, type_uuid) VALUES ($1, $2, $3) RETURNING id`,
			id, in.Type, typeUUID).Scan(&objectID); err != nil {
			return err
		}
		if err := r.insertRecord(ctx, tx, objectID, typeUUID, 1, rec); err != nil {
			return err
		}
		if err := r.notify(ctx, tx, "create", id, in.Type); err != nil {
			return err
		}
		// Read in the transaction: the answer is this record, not one written right after.
		out, err = r.objectLast(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

// insertRecord stores record idx of an object.
func (r *register) insertRecord(ctx context.Context, tx *db.Tx, objectID int64, typeUUID string, idx int, rec *newRecord) error {
	var geom any
	var minx, miny, maxx, maxy any
	if len(rec.geometry) > 0 {
		geom = string(rec.geometry)
		minx, miny, maxx, maxy = rec.bound.Min[0], rec.bound.Min[1], rec.bound.Max[0], rec.bound.Max[1]
	}
	var corr any
	if rec.correctionFor != nil {
		corr = *rec.correctionFor
	}
	data := "$5"
	if tx.Dialect == db.SQLite {
		data = "jsonb($5)" // see the migration: SQLite keeps record data as JSONB
	}
	_, err := tx.Exec(ctx, `INSERT INTO object_record (object_id, type_uuid, idx, type_version, data, geometry, geo_minx, geo_miny, geo_maxx, geo_maxy,
		refs, start_at, end_at, registration_at, correction_for) VALUES ($1, $2, $3, $4, `+data+`, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14)`,
		objectID, typeUUID, idx, rec.typeVersion, string(rec.data), geom, minx, miny, maxx, maxy, mustJSON(rec.refs),
		db.Date(rec.startAt), db.Date(r.today(tx.Now)), corr)
	return err
}

// notify writes the notification of an object change (kanaal objecten, kenmerk objectType).
func (r *register) notify(ctx context.Context, tx *db.Tx, actie, id, typeURL string) error {
	u := r.api.URL("objects", id)
	return zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: kanaal, HoofdObject: u, Resource: "object", ResourceURL: u,
		Actie: actie, Kenmerken: map[string]string{"objectType": typeURL}})
}

func (r *register) objectRetrieve(c *zgw.Call) error {
	q := c.Query("fields")
	fields := q.List("fields")
	if err := q.Err(); err != nil {
		return err
	}
	if err := crs(c, false); err != nil {
		return err
	}
	o, acc, err := r.pathObject(c, false)
	if err != nil {
		return err
	}
	if removed := acc.trim(o.typeUUID, o.Record); removed != nil {
		unauthorizedHeader(c, map[string][]string{o.Type: removed})
	}
	if len(fields) > 0 {
		sel, err := selectFields([]*objectOut{o}, fields)
		if err != nil {
			return err
		}
		return c.Detail(sel[0])
	}
	return c.Detail(o)
}

// objectUpdate adds a record (PUT: the record as sent; PATCH: the sent fields over the
// last record, record.data as a JSON Merge Patch, RFC 7396). Records are never changed:
// the previous one gets endAt = the new startAt; a correction marks the corrected record.
func (r *register) objectUpdate(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	if err := crs(c, true); err != nil {
		return err
	}
	patch := c.R.Method == http.MethodPatch
	op, actie := "object_update", "update"
	if patch {
		op, actie = "object_partial_update", "partial_update"
	}
	var in objectIn
	var err error
	if patch {
		// The PATCH body is a PatchedObject with a partial record, not an object_update body.
		_, err = c.BodySchema("PatchedObject", &in)
	} else {
		_, err = c.Body(op, &in)
	}
	if err != nil {
		return err
	}
	cur, _, err := r.pathObject(c, true)
	if err != nil {
		return err
	}
	if in.Type != "" && lastSegment(in.Type) != cur.typeUUID {
		return zgw.FieldError("type", "immutable-field", "Het objecttype van een object kan niet gewijzigd worden.")
	}
	if in.UUID != "" && !strings.EqualFold(in.UUID, cur.UUID) {
		return zgw.FieldError("uuid", "immutable-field", "De uuid van een object kan niet gewijzigd worden.")
	}
	ctx := c.Ctx()
	rec, err := r.updatedRecord(ctx, r.db, cur, in.Record, patch)
	if err != nil {
		return err
	}
	var out *objectOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		last, err := r.lockObject(ctx, tx, cur)
		if err != nil {
			return err
		}
		if last != cur {
			// Another writer added a record since cur was read: this one builds on that.
			if rec, err = r.updatedRecord(ctx, tx, last, in.Record, patch); err != nil {
				return err
			}
		}
		if err := r.addRecord(ctx, tx, last, rec, actie); err != nil {
			return err
		}
		// Read in the transaction: the answer is this record, not one written right after.
		out, err = r.objectLast(ctx, tx, cur.UUID)
		return err
	})
	if err != nil {
		return err
	}
	return c.Detail(out)
}

// updatedRecord is the record an update body makes of the last record cur: PUT takes the
// record as sent, PATCH the sent fields over cur's. It is checked against its objecttype,
// read through q.
func (r *register) updatedRecord(ctx context.Context, q db.Querier, cur *objectOut, raw json.RawMessage, patch bool) (*newRecord, error) {
	prev := cur.Record
	rec := carriedOver(prev)
	if len(raw) > 0 && string(raw) != "null" {
		var ri recordIn
		sent := map[string]json.RawMessage{}
		if err := decodeRecord(raw, &ri, sent); err != nil {
			return nil, err
		}
		if ri.TypeVersion != nil {
			rec.typeVersion = *ri.TypeVersion
		}
		if _, ok := sent["startAt"]; ok {
			rec.startAt = ri.StartAt
		}
		if ri.References != nil {
			rec.refs = *ri.References
		}
		if _, ok := sent["geometry"]; ok || !patch {
			rec.geometry = geometryOrNil(ri.Geometry)
		}
		switch _, ok := sent["data"]; {
		case ok && patch:
			merged, err := mergePatch(prev.Data, ri.Data)
			if err != nil {
				return nil, err
			}
			rec.data = merged
		case ok || !patch:
			rec.data = dataOrEmpty(ri.Data)
		}
		rec.correctionFor = ri.CorrectionFor
	}
	if rec.correctionFor != nil && (*rec.correctionFor < 1 || *rec.correctionFor > prev.Index) {
		return nil, zgw.FieldError("record.correctionFor", "invalid", "Er is geen record met index "+strconv.Itoa(*rec.correctionFor)+" om te corrigeren.")
	}
	if _, err := r.checkRecord(ctx, q, cur.Type, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// carriedOver is a new record with everything of prev but its index and correction.
func carriedOver(prev *recordOut) *newRecord {
	return &newRecord{typeVersion: prev.TypeVersion, data: prev.Data, geometry: geometryOrNil(prev.Geometry),
		refs: prev.References, startAt: prev.StartAt}
}

// lockObject makes the writers of one object take turns (lockRow), so that none builds on
// a record another has just replaced (the unique (object_id, idx) would refuse its record)
// or writes to an object another has just destroyed. It returns the last record: cur when
// it is still the last, else the newer one.
func (r *register) lockObject(ctx context.Context, tx *db.Tx, cur *objectOut) (*objectOut, error) {
	if err := lockRow(ctx, tx, "object", cur.id, false); err != nil {
		return nil, err
	}
	var last int
	if err := tx.QueryRow(ctx, `SELECT MAX(idx) FROM object_record WHERE object_id = $1`, cur.id).Scan(&last); err != nil {
		return nil, err
	}
	if last == cur.Record.Index {
		return cur, nil
	}
	return r.objectLast(ctx, tx, cur.UUID)
}

// addRecord appends rec to object cur after its last record: it ends the records still
// valid at rec's startAt, marks a corrected record and notifies actie.
func (r *register) addRecord(ctx context.Context, tx *db.Tx, cur *objectOut, rec *newRecord, actie string) error {
	idx := cur.Record.Index + 1
	if err := endRecords(ctx, tx, cur.id, rec.startAt); err != nil {
		return err
	}
	if rec.correctionFor != nil {
		if _, err := tx.Exec(ctx, `UPDATE object_record SET corrected_by = $1 WHERE object_id = $2 AND idx = $3`,
			idx, cur.id, *rec.correctionFor); err != nil {
			return err
		}
	}
	if err := r.insertRecord(ctx, tx, cur.id, cur.typeUUID, idx, rec); err != nil {
		return err
	}
	return r.notify(ctx, tx, actie, cur.UUID, cur.Type)
}

// objectDelete removes the object with all its records (privacy). With ?zaak= (archiving a
// zaak) an object that also refers to other zaken is kept: only that zaak reference is
// dropped, in a new record, and the answer is 200 with the kept object.
func (r *register) objectDelete(c *zgw.Call) error {
	q := c.Query("zaak")
	zaak := q.URL("zaak")
	if err := q.Err(); err != nil {
		return err
	}
	cur, _, err := r.pathObject(c, true)
	if err != nil {
		return err
	}
	ctx := c.Ctx()
	var kept bool
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		last, err := r.lockObject(ctx, tx, cur)
		if err != nil {
			return err
		}
		if keep := otherZaken(last.Record.References, zaak); keep != nil {
			kept = true
			rec := carriedOver(last.Record)
			rec.refs = keep
			if len(rec.geometry) > 0 {
				g, _ := parseGeometry(rec.geometry)
				if g != nil {
					b := g.Bound()
					rec.bound = &b
				} else {
					rec.geometry = nil
				}
			}
			return r.addRecord(ctx, tx, last, rec, "partial_update")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM object WHERE id = $1`, last.id); err != nil {
			return err
		}
		return r.notify(ctx, tx, "destroy", last.UUID, last.Type)
	})
	if err != nil {
		return err
	}
	if kept {
		return ok(c, map[string][]string{"behouden": {cur.URL}})
	}
	return c.NoContent()
}

// otherZaken are the references of refs without zaak when some other zaak is among them
// (the object is kept), else nil (the object goes).
func otherZaken(refs []reference, zaak string) []reference {
	if zaak == "" {
		return nil
	}
	var keep []reference
	hasOther := false
	for _, ref := range refs {
		if ref.URL != zaak {
			keep = append(keep, ref)
			if ref.Type == "zaak" {
				hasOther = true
			}
		}
	}
	if !hasOther {
		return nil
	}
	return keep
}

func (r *register) objectHistory(c *zgw.Call) error {
	q := c.Query("page", "pageSize")
	size := pageSize(q)
	if err := q.Err(); err != nil {
		return err
	}
	if err := crs(c, false); err != nil {
		return err
	}
	ctx := c.Ctx()
	cur, acc, err := r.pathObject(c, false)
	if err != nil {
		return err
	}
	var w db.Where
	w.And("object_id = ?", cur.id)
	p, err := db.List(ctx, r.db, "object_record", &w, "idx", q.Page, size)
	if err != nil {
		return err
	}
	var items []*recordOut
	if len(p.IDs) > 0 {
		os, err := r.recordLoad(ctx, r.db, "r.id IN ("+db.Placeholders(1, len(p.IDs))+") ORDER BY r.idx", db.Int64s(p.IDs)...)
		if err != nil {
			return err
		}
		var removed []string
		for _, o := range os {
			removed = append(removed, acc.trim(o.typeUUID, o.Record)...)
			items = append(items, o.Record)
		}
		if len(removed) > 0 {
			unauthorizedHeader(c, map[string][]string{cur.Type: removed})
		}
	}
	return paginate(c, q.Page, size, p.Count, items)
}

func (r *register) objectHistoryDetail(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	if err := crs(c, false); err != nil {
		return err
	}
	idx, err := strconv.Atoi(c.R.PathValue("index"))
	if err != nil {
		return zgw.ErrNotFound()
	}
	cur, acc, err := r.pathObject(c, false)
	if err != nil {
		return err
	}
	os, err := r.recordLoad(c.Ctx(), r.db, "r.object_id = $1 AND r.idx = $2", cur.id, idx)
	if err != nil {
		return err
	}
	if len(os) == 0 {
		return zgw.ErrNotFound()
	}
	if removed := acc.trim(os[0].typeUUID, os[0].Record); removed != nil {
		unauthorizedHeader(c, map[string][]string{cur.Type: removed})
	}
	return c.Detail(os[0].Record)
}

// pathObject loads the object of the path and checks the caller may read it, or with write,
// write it. A write gets the last record (the one it builds on), a read the actual one.
func (r *register) pathObject(c *zgw.Call, write bool) (*objectOut, *access, error) {
	ctx := c.Ctx()
	acc, err := r.accessOf(ctx, c.Principal)
	if err != nil {
		return nil, nil, err
	}
	id := pathUUID(c, "uuid")
	var cur *objectOut
	if write {
		cur, err = r.objectLast(ctx, r.db, id)
	} else {
		cur, err = r.objectRecordAt(ctx, r.db, id, r.today(r.db.Clock()))
	}
	if err != nil {
		return nil, nil, err
	}
	if cur == nil {
		return nil, nil, zgw.ErrNotFound()
	}
	may := acc.canRead
	if write {
		may = acc.canWrite
	}
	if !may(cur.typeUUID) {
		return nil, nil, zgw.ErrForbidden()
	}
	return cur, acc, nil
}
