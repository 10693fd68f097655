package objecten

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
)

// reference is a record's link to a zaak.
type reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// recordOut is one record of an object (ObjectRecord, HistoryRecord).
type recordOut struct {
	Index          int             `json:"index"`
	TypeVersion    int             `json:"typeVersion"`
	Data           json.RawMessage `json:"data"`
	Geometry       json.RawMessage `json:"geometry"`
	References     []reference     `json:"references"`
	StartAt        string          `json:"startAt"`
	EndAt          *string         `json:"endAt"`
	RegistrationAt string          `json:"registrationAt"`
	CorrectionFor  *int            `json:"correctionFor"`
	CorrectedBy    *int            `json:"correctedBy"`

	id, objectID int64
}

// objectOut is an object with one of its records.
type objectOut struct {
	URL    string     `json:"url"`
	UUID   string     `json:"uuid"`
	Type   string     `json:"type"`
	Record *recordOut `json:"record"`

	id       int64
	typeUUID string
}

// recordCols are the columns recordLoad reads, for the table alias r joined with object o.
// SQLite keeps data as JSONB; json() renders it as text.
func (r *register) recordCols() string {
	data := "r.data"
	if r.db.Dialect == db.SQLite {
		data = "json(r.data)"
	}
	return `r.id, r.object_id, CAST(o.uuid AS TEXT), o.type, o.type_uuid, r.idx, r.type_version, ` + data + `,
	r.geometry, r.refs, r.start_at, r.end_at, r.registration_at, r.correction_for, r.corrected_by`
}

// recordLoad loads records (alias r) with their object (alias o).
func (r *register) recordLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*objectOut, error) {
	rows, err := q.Query(ctx, `SELECT `+r.recordCols()+` FROM object_record r JOIN object o ON o.id = r.object_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("object record: %w", err)
	}
	defer rows.Close()
	var out []*objectOut
	for rows.Next() {
		o := &objectOut{}
		rec := &recordOut{}
		var data, geom, refs any
		var start, end, reg db.Date
		var corrFor, corrBy sql.NullInt64
		if err := rows.Scan(&rec.id, &rec.objectID, &o.UUID, &o.Type, &o.typeUUID, &rec.Index, &rec.TypeVersion, &data,
			&geom, &refs, &start, &end, &reg, &corrFor, &corrBy); err != nil {
			return nil, fmt.Errorf("object record: %w", err)
		}
		o.id = rec.objectID
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("objects", o.UUID)
		rec.Data = append(json.RawMessage(nil), jsonText(data)...)
		if g := jsonText(geom); len(g) > 0 {
			rec.Geometry = append(json.RawMessage(nil), g...)
		} else {
			rec.Geometry = json.RawMessage("null")
		}
		if err := json.Unmarshal(jsonText(refs), &rec.References); err != nil {
			return nil, fmt.Errorf("object record refs: %w", err)
		}
		if rec.References == nil {
			rec.References = []reference{}
		}
		rec.StartAt, rec.EndAt, rec.RegistrationAt = string(start), end.Ptr(), string(reg)
		if corrFor.Valid {
			n := int(corrFor.Int64)
			rec.CorrectionFor = &n
		}
		if corrBy.Valid {
			n := int(corrBy.Int64)
			rec.CorrectedBy = &n
		}
		o.Record = rec
		out = append(out, o)
	}
	return out, rows.Err()
}

// materialCond is the actual record at a date (the material view): the record whose
// period holds the date. Periods of one object never overlap (a new record ends every
// record still valid at its startAt, see endRecords), so this needs no "latest of" test.
// Two ? placeholders, both the date.
func materialCond(alias string) string {
	return alias + `.start_at <= ? AND (` + alias + `.end_at IS NULL OR ` + alias + `.end_at > ?)`
}

// formalCond is the record as registered on a date (the formal view): the latest record
// registered on or before it. Two ? placeholders, both the date.
func formalCond(alias string) string {
	return alias + `.registration_at <= ? AND NOT EXISTS (SELECT 1 FROM object_record n WHERE n.object_id = ` + alias + `.object_id
		AND n.idx > ` + alias + `.idx AND n.registration_at <= ?)`
}

// viewWhere adds to w the record view: formal when registrationDate is given, else material
// at date (default today).
func viewWhere(w *db.Where, alias, date, registrationDate string) {
	if registrationDate != "" {
		d := db.Date(registrationDate)
		w.And(formalCond(alias), d, d)
		if date != "" {
			w.And(alias+".start_at <= ?", db.Date(date))
		}
		return
	}
	d := db.Date(date)
	w.And(materialCond(alias), d, d)
}

// objectRecordAt loads object uuid with its actual record today, or, when no record holds
// today (all start later), its last record. nil when there is no such object.
func (r *register) objectRecordAt(ctx context.Context, q db.Querier, uuid, date string) (*objectOut, error) {
	var w db.Where
	w.And("o.uuid = ?", nullUUID(uuid))
	viewWhere(&w, "r", date, "")
	out, err := r.recordLoad(ctx, q, strings.TrimPrefix(w.SQL(), " WHERE "), w.Args...)
	if err != nil {
		return nil, err
	}
	if len(out) > 0 {
		return out[0], nil
	}
	return r.objectLast(ctx, q, uuid)
}

// objectLast loads object uuid with its last record (highest index).
func (r *register) objectLast(ctx context.Context, q db.Querier, uuid string) (*objectOut, error) {
	out, err := r.recordLoad(ctx, q, `o.uuid = $1 AND r.idx = (SELECT MAX(idx) FROM object_record m WHERE m.object_id = o.id)`, nullUUID(uuid))
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// endRecords ends, at startAt, every record of the object still valid then: the previous
// record (Open Object's rule: its endAt becomes the new startAt) and, when the new record
// starts before earlier ones ended, those too. The newest record thus wins for every date
// from its startAt on, and at most one record holds any date.
func endRecords(ctx context.Context, tx *db.Tx, objectID int64, startAt string) error {
	_, err := tx.Exec(ctx, `UPDATE object_record SET end_at = $1 WHERE object_id = $2 AND (end_at IS NULL OR end_at > $1)`,
		db.Date(startAt), objectID)
	return err
}
