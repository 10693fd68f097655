package zaken

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

type statusIn struct {
	Zaak              string `json:"zaak"`
	Statustype        string `json:"statustype"`
	DatumStatusGezet  string `json:"datumStatusGezet"`
	Statustoelichting string `json:"statustoelichting"`
	Gezetdoor         string `json:"gezetdoor"`
}

type statusData struct {
	Statustoelichting string `json:"statustoelichting"`
}

type statusOut struct {
	URL                          string   `json:"url"`
	UUID                         string   `json:"uuid"`
	Zaak                         string   `json:"zaak"`
	Statustype                   string   `json:"statustype"`
	DatumStatusGezet             string   `json:"datumStatusGezet"`
	IndicatieLaatstGezetteStatus bool     `json:"indicatieLaatstGezetteStatus"`
	Gezetdoor                    string   `json:"gezetdoor"`
	Zaakinformatieobjecten       []string `json:"zaakinformatieobjecten"`
	statusData
	Expand map[string]any `json:"_expand,omitempty"`

	subRow
}

// statustype is what the register reads of a Catalogi statustype.
type statustype struct {
	Zaaktype     string `json:"zaaktype"`
	IsEindstatus bool   `json:"isEindstatus"`
}

// status is the status for the shared flows (sub.go).
func (r *register) status() sub[*statusOut] {
	return sub[*statusOut]{r: r, resource: "status", load: r.statusLoad}
}

func (o *statusOut) url() string      { return o.URL }
func (o *statusOut) weergave() string { return o.DatumStatusGezet }

func (r *register) mountStatus() {
	a := r.api
	a.Handle("GET /statussen", zgw.Scopes(scopeLezen), r.statusList)
	a.Handle("POST /statussen", zgw.Scopes(scopeAanmaken, scopeStatusToevoegen, scopeHeropenen), r.statusCreate)
	a.Handle("GET /statussen/{uuid}", zgw.Scopes(scopeLezen), r.status().retrieve)
}

// statusLoad loads statussen (alias s) with, per status, whether it is the latest of its zaak.
func (r *register) statusLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*statusOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.statustype, s.datum_status_gezet,
		COALESCE(CAST(g.uuid AS TEXT), ''), s.data, CASE WHEN EXISTS (SELECT 1 FROM status n WHERE n.zaak_id = s.zaak_id
		AND (n.datum_status_gezet > s.datum_status_gezet OR (n.datum_status_gezet = s.datum_status_gezet AND n.id > s.id)))
		THEN 0 ELSE 1 END
		FROM status s JOIN zaak z ON z.id = s.zaak_id LEFT JOIN rol g ON g.id = s.gezetdoor_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	defer rows.Close()
	var out []*statusOut
	for rows.Next() {
		var zaakUUID, gezet string
		var ts time.Time
		var data []byte
		var laatste int
		o := &statusOut{}
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Statustype, &ts, &gezet, &data, &laatste); err != nil {
			return nil, fmt.Errorf("status: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("statussen", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		o.DatumStatusGezet = ts.UTC().Format(time.RFC3339Nano)
		o.IndicatieLaatstGezetteStatus = laatste == 1
		if gezet != "" {
			o.Gezetdoor = r.api.URL("rollen", strings.ToLower(gezet))
		}
		o.Zaakinformatieobjecten = []string{}
		if err := json.Unmarshal(data, &o.statusData); err != nil {
			return nil, fmt.Errorf("status data: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	// Close before the next query: a transaction holds one connection.
	rows.Close()
	if err := r.statusZaakinformatieobjecten(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// statusZaakinformatieobjecten fills Status.zaakinformatieobjecten (the zaakinformatieobjecten
// whose status is that status) of all statussen at once.
func (r *register) statusZaakinformatieobjecten(ctx context.Context, q db.Querier, sts []*statusOut) error {
	if len(sts) == 0 {
		return nil
	}
	byID := make(map[int64]*statusOut, len(sts))
	ids := make([]int64, 0, len(sts))
	for _, s := range sts {
		byID[s.id] = s
		ids = append(ids, s.id)
	}
	rows, err := q.Query(ctx, `SELECT status_id, CAST(uuid AS TEXT) FROM zaakinformatieobject
		WHERE `+r.db.AnyID("status_id", "$1")+` ORDER BY id`, r.db.IDList(ids))
	if err != nil {
		return fmt.Errorf("status zaakinformatieobjecten: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			return fmt.Errorf("status zaakinformatieobjecten: %w", err)
		}
		if s := byID[id]; s != nil {
			s.Zaakinformatieobjecten = append(s.Zaakinformatieobjecten, r.api.URL("zaakinformatieobjecten", strings.ToLower(u)))
		}
	}
	return rows.Err()
}

func (r *register) statusList(c *zgw.Call) error {
	s := r.status()
	q, w := s.listQuery(c, "statustype", "indicatieLaatstGezetteStatus", "page")
	if u := q.URL("statustype"); u != "" {
		w.And("statustype = ?", u)
	}
	laatste := q.Bool("indicatieLaatstGezetteStatus")
	if err := q.Err(); err != nil {
		return err
	}
	if laatste != nil {
		cond := `NOT EXISTS (SELECT 1 FROM status n WHERE n.zaak_id = status.zaak_id AND (n.datum_status_gezet > status.datum_status_gezet
			OR (n.datum_status_gezet = status.datum_status_gezet AND n.id > status.id)))`
		if !*laatste {
			cond = "NOT " + cond
		}
		w.And(cond)
	}
	return s.page(c, w, q.Page)
}

func (r *register) statusCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in statusIn
	if _, err := c.Body("status_create", &in); err != nil {
		return err
	}
	z, err := r.zaakByURL(ctx, r.db, "zaak", in.Zaak)
	if err != nil {
		return err
	}
	var heeftStatus bool
	if err := r.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM status WHERE zaak_id = $1)`, z.id).Scan(&heeftStatus); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if !z.allows(c, statusScopes(z, heeftStatus)...) {
		return zgw.ErrForbidden()
	}
	gezet, err := time.Parse(time.RFC3339Nano, in.DatumStatusGezet)
	if err != nil {
		return zgw.FieldError("datumStatusGezet", "invalid", "Voer een geldige datum/tijd in.")
	}
	t := newTypes(r)
	var st statustype
	if err := t.Get(ctx, "statustype", in.Statustype, &st, "zaaktype", "volgnummer", "omschrijving"); err != nil {
		return err
	}
	if err := zrc016Statustype(&st, z); err != nil {
		return err
	}
	var gezetdoor any
	if in.Gezetdoor != "" {
		rolID, ok := r.api.ParseURL(in.Gezetdoor, "rollen")
		var id, zaakID int64
		if ok {
			err = r.db.QueryRow(ctx, `SELECT id, zaak_id FROM rol WHERE uuid = $1`, rolID).Scan(&id, &zaakID)
		}
		if !ok || errors.Is(err, sql.ErrNoRows) || (err == nil && zaakID != z.id) {
			return zgw.FieldError("gezetdoor", "bad-url", "De URL "+in.Gezetdoor+" is geen rol van deze zaak.")
		}
		if err != nil {
			return fmt.Errorf("gezetdoor: %w", err)
		}
		gezetdoor = id
	}
	data, err := json.Marshal(statusData{Statustoelichting: in.Statustoelichting})
	if err != nil {
		return err
	}
	return r.status().create(c, z, func(tx *db.Tx, id string) error {
		cur, err := zaakRefBy(ctx, tx, "id = $1", z.id)
		if err != nil {
			return err
		}
		if cur == nil {
			return zgw.FieldError("zaak", "bad-url", "De zaak bestaat niet meer.")
		}
		if st.IsEindstatus {
			if err := r.zrc007Afsluiten(ctx, tx, t, cur, r.dateIn(gezet)); err != nil {
				return err
			}
		} else if cur.closed() {
			if err := zrc008Heropenen(ctx, tx, cur); err != nil {
				return err
			}
		}
		// The notification carries the zaak as the transaction sees it.
		*z = *cur
		if _, err := tx.Exec(ctx, `INSERT INTO status (uuid, zaak_id, statustype, datum_status_gezet, gezetdoor_id, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, z.id, in.Statustype, gezet.UTC(), gezetdoor, string(data)); err != nil {
			return fmt.Errorf("insert status: %w", err)
		}
		return nil
	})
}

// dateIn is the date of t in the municipality.
func (r *register) dateIn(t time.Time) string { return t.In(r.loc).Format(time.DateOnly) }

// statusScopes are the scopes that allow a new status (zaken.md §2, as Open Zaak applies
// them): the first status comes with the zaak (zaken.aanmaken), a closed zaak is re-opened
// (zaken.heropenen, zrc-008), otherwise zaken.statussen.toevoegen.
func statusScopes(z *zaakRef, heeftStatus bool) []string {
	switch {
	case z.closed():
		return []string{scopeHeropenen}
	case !heeftStatus:
		return []string{scopeAanmaken, scopeStatusToevoegen}
	default:
		return []string{scopeStatusToevoegen}
	}
}

// zrc-016: the statustype belongs to the zaaktype of the zaak.
func zrc016Statustype(st *statustype, z *zaakRef) error {
	if st.Zaaktype != z.zaaktype {
		return zgw.FieldError("nonFieldErrors", "zaaktype-mismatch", "Het statustype hoort niet bij het zaaktype van de zaak.")
	}
	return nil
}

// zrc-008: a status that is not the end status re-opens a closed zaak: einddatum,
// archiefactiedatum and archiefnominatie are cleared.
func zrc008Heropenen(ctx context.Context, tx *db.Tx, z *zaakRef) error {
	if _, err := tx.Exec(ctx, `UPDATE zaak SET einddatum = NULL, archiefactiedatum = NULL, archiefnominatie = '' WHERE id = $1`, z.id); err != nil {
		return fmt.Errorf("heropenen: %w", err)
	}
	return nil
}
