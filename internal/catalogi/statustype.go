package catalogi

import (
	"context"
	"fmt"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// statustypeIn is the request form of a StatusType; without zaaktype and beginGeldigheid it
// is also what data stores. eigenschappen is read-only here, as in Open Zaak: it lists the
// eigenschappen that name this statustype.
type statustypeIn struct {
	Omschrijving            string                `json:"omschrijving"`
	OmschrijvingGeneriek    string                `json:"omschrijvingGeneriek"`
	Statustekst             string                `json:"statustekst"`
	Volgnummer              int                   `json:"volgnummer"`
	Informeren              bool                  `json:"informeren"`
	Doorlooptijd            *string               `json:"doorlooptijd"`
	Toelichting             *string               `json:"toelichting"`
	ChecklistitemStatustype []statustypeChecklist `json:"checklistitemStatustype"`
	subtypeKop
}

type statustypeChecklist struct {
	Itemnaam      string  `json:"itemnaam"`
	Toelichting   *string `json:"toelichting"`
	Vraagstelling string  `json:"vraagstelling"`
	Verplicht     bool    `json:"verplicht"`
}

type statustypeOut struct {
	URL                     string                `json:"url"`
	Omschrijving            string                `json:"omschrijving"`
	OmschrijvingGeneriek    string                `json:"omschrijvingGeneriek"`
	Statustekst             string                `json:"statustekst"`
	Zaaktype                string                `json:"zaaktype"`
	Catalogus               string                `json:"catalogus"`
	ZaaktypeIdentificatie   string                `json:"zaaktypeIdentificatie"`
	Volgnummer              int                   `json:"volgnummer"`
	IsEindstatus            bool                  `json:"isEindstatus"`
	Informeren              bool                  `json:"informeren"`
	Doorlooptijd            *string               `json:"doorlooptijd"`
	Toelichting             *string               `json:"toelichting"`
	ChecklistitemStatustype []statustypeChecklist `json:"checklistitemStatustype"`
	Eigenschappen           []string              `json:"eigenschappen"`
	BeginGeldigheid         *string               `json:"beginGeldigheid"`
	EindeGeldigheid         *string               `json:"eindeGeldigheid"`
	BeginObject             *string               `json:"beginObject"`
	EindeObject             *string               `json:"eindeObject"`
}

func (r *register) mountStatustype() {
	s := &subtype[statustypeIn]{
		r:          r,
		table:      "statustype",
		collection: "statustypen",
		orderBy:    "zaaktype_id, volgnummer, id",
		params:     []string{"zaaktype", "zaaktypeIdentificatie", "status", "datumGeldigheid"},
		filter: func(q *zgw.Query, w *db.Where) string {
			return r.subtypeFilter(q, w, subtypeFilters{"zaaktype", "zaaktypeIdentificatie", "status", "datumGeldigheid"})
		},
		kop: func(in *statustypeIn) *subtypeKop { return &in.subtypeKop },
		prepare: func(_ context.Context, in *statustypeIn, _ *subtypeZaaktype, _ *subtypeRow, _ *zgw.Errs) (*subtypeWrite, error) {
			stored := *in
			stored.ChecklistitemStatustype = nonNil(in.ChecklistitemStatustype)
			return &subtypeWrite{cols: []string{"volgnummer"}, vals: []any{in.Volgnummer}, data: stored}, nil
		},
		check:    statustypeVolgnummerUnique,
		conflict: statustypeVolgnummerTaken,
		render:   r.renderStatustypen,
		unlink:   statustypeUnlinkEigenschappen,
	}
	s.mount()
}

// statustypeVolgnummerUnique keeps volgnummer unique within the zaaktype: it orders the
// statussen of a zaak and the highest is the eindstatus (catalogi §5).
func statustypeVolgnummerUnique(ctx context.Context, tx *db.Tx, w *subtypeWrite, zaaktypeID, selfID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM statustype WHERE zaaktype_id = $1 AND volgnummer = $2 AND id <> $3`,
		zaaktypeID, w.vals[0], selfID).Scan(&n); err != nil {
		return fmt.Errorf("volgnummer: %w", err)
	}
	if n > 0 {
		return statustypeVolgnummerTaken()
	}
	return nil
}

func statustypeVolgnummerTaken() error {
	return zgw.FieldError("volgnummer", "unique", "Het zaaktype heeft al een statustype met dit volgnummer.")
}

// statustypeUnlinkEigenschappen clears eigenschap.statustype where it names a statustype
// that is deleted or leaves the zaaktype, so no eigenschap points at a statustype that is gone.
func statustypeUnlinkEigenschappen(ctx context.Context, tx *db.Tx, row *subtypeRow) error {
	eigenschappen, err := eigenschapRows(ctx, tx, []int64{row.ZaaktypeID})
	if err != nil {
		return err
	}
	for _, e := range eigenschappen {
		if e.stored.Statustype == nil || *e.stored.Statustype != row.UUID {
			continue
		}
		e.stored.Statustype = nil
		if err := eigenschapSave(ctx, tx, e.row.ID, &e.stored); err != nil {
			return err
		}
	}
	return nil
}

// renderStatustypen renders a page; isEindstatus needs the highest volgnummer per zaaktype
// and eigenschappen the eigenschappen naming each statustype, one query each for the page.
func (r *register) renderStatustypen(ctx context.Context, rows []*subtypeRow, _ string) ([]any, error) {
	zts, err := r.subtypePageZaaktypen(ctx, rows)
	if err != nil {
		return nil, err
	}
	ztIDs := make([]int64, 0, len(zts))
	for id := range zts {
		ztIDs = append(ztIDs, id)
	}
	highest := map[int64]int{}
	q, err := r.db.Query(ctx, `SELECT zaaktype_id, max(volgnummer) FROM statustype WHERE zaaktype_id IN (`+
		db.Placeholders(1, len(ztIDs))+`) GROUP BY zaaktype_id`, db.Int64s(ztIDs)...)
	if err != nil {
		return nil, fmt.Errorf("eindstatus: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var id int64
		var n int
		if err := q.Scan(&id, &n); err != nil {
			return nil, err
		}
		highest[id] = n
	}
	if err := q.Err(); err != nil {
		return nil, err
	}
	eigenschappen, err := eigenschapRows(ctx, r.db, ztIDs)
	if err != nil {
		return nil, err
	}
	required := map[string][]string{} // statustype uuid -> eigenschap URLs
	for _, e := range eigenschappen {
		if e.stored.Statustype != nil {
			required[*e.stored.Statustype] = append(required[*e.stored.Statustype], r.api.URL("eigenschappen", e.row.UUID))
		}
	}
	out := make([]any, 0, len(rows))
	for _, row := range rows {
		var in statustypeIn
		if err := subtypeDecode(row, &in); err != nil {
			return nil, err
		}
		zt := zts[row.ZaaktypeID]
		begin, einde := in.render(zt)
		checklist := nonNil(in.ChecklistitemStatustype)
		out = append(out, statustypeOut{
			URL:                     r.api.URL("statustypen", row.UUID),
			Omschrijving:            in.Omschrijving,
			OmschrijvingGeneriek:    in.OmschrijvingGeneriek,
			Statustekst:             in.Statustekst,
			Zaaktype:                r.api.URL("zaaktypen", zt.UUID),
			Catalogus:               r.api.URL("catalogussen", zt.CatalogusUUID),
			ZaaktypeIdentificatie:   zt.Identificatie,
			Volgnummer:              in.Volgnummer,
			IsEindstatus:            in.Volgnummer == highest[row.ZaaktypeID],
			Informeren:              in.Informeren,
			Doorlooptijd:            in.Doorlooptijd,
			Toelichting:             in.Toelichting,
			ChecklistitemStatustype: checklist,
			Eigenschappen:           nonNil(required[row.UUID]),
			BeginGeldigheid:         begin,
			EindeGeldigheid:         einde,
			BeginObject:             begin,
			EindeObject:             einde,
		})
	}
	return out, nil
}
