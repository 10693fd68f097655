package catalogi

import (
	"context"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// resultaattypeIn is the request form of a ResultaatType. data stores it without zaaktype,
// catalogus (the zaaktype's) and beginGeldigheid; besluittypen as the besluittype
// omschrijvingen (the history model relates them by name, catalogi §4), informatieobjecttypen
// as uuids, and omschrijvingGeneriek as read from the resultaattypeomschrijving when written.
type resultaattypeIn struct {
	Omschrijving              string                  `json:"omschrijving"`
	Resultaattypeomschrijving string                  `json:"resultaattypeomschrijving"`
	OmschrijvingGeneriek      string                  `json:"omschrijvingGeneriek"`
	Selectielijstklasse       string                  `json:"selectielijstklasse"`
	Toelichting               string                  `json:"toelichting"`
	Archiefnominatie          string                  `json:"archiefnominatie"`
	Archiefactietermijn       *string                 `json:"archiefactietermijn"`
	BrondatumArchiefprocedure *resultaattypeBrondatum `json:"brondatumArchiefprocedure"`
	Procesobjectaard          *string                 `json:"procesobjectaard"`
	Catalogus                 *string                 `json:"catalogus,omitempty"`
	IndicatieSpecifiek        *bool                   `json:"indicatieSpecifiek"`
	Procestermijn             *string                 `json:"procestermijn"`
	Besluittypen              []string                `json:"besluittypen"`
	Informatieobjecttypen     []string                `json:"informatieobjecttypen"`
	subtypeKop
}

type resultaattypeBrondatum struct {
	Afleidingswijze string  `json:"afleidingswijze"`
	Datumkenmerk    string  `json:"datumkenmerk"`
	EinddatumBekend bool    `json:"einddatumBekend"`
	Objecttype      string  `json:"objecttype"`
	Registratie     string  `json:"registratie"`
	Procestermijn   *string `json:"procestermijn"`
}

type resultaattypeOut struct {
	URL                              string                  `json:"url"`
	Zaaktype                         string                  `json:"zaaktype"`
	ZaaktypeIdentificatie            string                  `json:"zaaktypeIdentificatie"`
	Omschrijving                     string                  `json:"omschrijving"`
	Resultaattypeomschrijving        string                  `json:"resultaattypeomschrijving"`
	OmschrijvingGeneriek             string                  `json:"omschrijvingGeneriek"`
	Selectielijstklasse              string                  `json:"selectielijstklasse"`
	Toelichting                      string                  `json:"toelichting"`
	Archiefnominatie                 string                  `json:"archiefnominatie"`
	Archiefactietermijn              *string                 `json:"archiefactietermijn"`
	BrondatumArchiefprocedure        *resultaattypeBrondatum `json:"brondatumArchiefprocedure"`
	Procesobjectaard                 *string                 `json:"procesobjectaard"`
	Catalogus                        string                  `json:"catalogus"`
	BeginGeldigheid                  *string                 `json:"beginGeldigheid"`
	EindeGeldigheid                  *string                 `json:"eindeGeldigheid"`
	BeginObject                      *string                 `json:"beginObject"`
	EindeObject                      *string                 `json:"eindeObject"`
	IndicatieSpecifiek               *bool                   `json:"indicatieSpecifiek"`
	Procestermijn                    *string                 `json:"procestermijn"`
	Besluittypen                     []string                `json:"besluittypen"`
	BesluittypeOmschrijving          []string                `json:"besluittypeOmschrijving"`
	Informatieobjecttypen            []string                `json:"informatieobjecttypen"`
	InformatieobjecttypeOmschrijving []string                `json:"informatieobjecttypeOmschrijving"`
}

// resultaattypeKlasse is what ztc-002 and ztc-003 read of a selectielijstklasse.
type resultaattypeKlasse struct {
	ProcesType    string  `json:"procesType"`
	Waardering    string  `json:"waardering"`
	Procestermijn string  `json:"procestermijn"`
	Bewaartermijn *string `json:"bewaartermijn"`
}

func (r *register) mountResultaattype() {
	s := &subtype[resultaattypeIn]{
		r:          r,
		table:      "resultaattype",
		collection: "resultaattypen",
		orderBy:    "id",
		// The spec names two of these parameters in snake_case on this list only.
		params: []string{"zaaktype", "zaaktype_identificatie", "status", "datum_geldigheid"},
		filter: func(q *zgw.Query, w *db.Where) string {
			return r.subtypeFilter(q, w, subtypeFilters{"zaaktype", "zaaktype_identificatie", "status", "datum_geldigheid"})
		},
		kop: func(in *resultaattypeIn) *subtypeKop { return &in.subtypeKop },
		urls: func(in *resultaattypeIn) {
			for i, id := range in.Informatieobjecttypen {
				in.Informatieobjecttypen[i] = r.api.URL("informatieobjecttypen", id)
			}
		},
		prepare: r.prepareResultaattype,
		check:   resultaattypeOmschrijvingUnique,
		render:  r.renderResultaattypen,
	}
	s.mount()
}

func (r *register) prepareResultaattype(ctx context.Context, in *resultaattypeIn, zt *subtypeZaaktype, _ *subtypeRow, errs *zgw.Errs) (*subtypeWrite, error) {
	if err := r.subtypeCatalogus(ctx, in.Catalogus, zt, errs); err != nil {
		return nil, err
	}
	stored := *in
	stored.Catalogus = nil
	if err := r.ztc002(ctx, &stored, zt, errs); err != nil {
		return nil, err
	}
	var err error
	// besluittypen: omschrijvingen (ResultaatTypeCreate) or URLs (PatchedResultaatType) of
	// besluittypen in the zaaktype's catalogus (ztc-013), stored as omschrijvingen.
	if stored.Besluittypen, err = r.relatieNamen(ctx, r.db, htBesluittype, "besluittypen", "nonFieldErrors", zt.CatalogusID, in.Besluittypen, errs); err != nil {
		return nil, err
	}
	if stored.Informatieobjecttypen, err = r.resultaattypeInformatieobjecttypen(ctx, in.Informatieobjecttypen, zt, errs); err != nil {
		return nil, err
	}
	return &subtypeWrite{data: stored}, nil
}

// ztc002 checks the two Referentielijsten references of a resultaattype and fills the
// defaults they give (ztc-002), then the brondatumArchiefprocedure (ztc-003..008).
//
// ztc-002: resultaattypeomschrijving must be a resultaattypeomschrijving of the
// Referentielijsten API (its omschrijving is shown as omschrijvingGeneriek);
// selectielijstklasse must be a resultaat of that API whose procesType is the zaaktype's
// selectielijstProcestype (procestype-mismatch); an omitted archiefnominatie is the
// resultaat's waardering and an omitted archiefactietermijn its bewaartermijn.
func (r *register) ztc002(ctx context.Context, in *resultaattypeIn, zt *subtypeZaaktype, errs *zgw.Errs) error {
	var omschrijving struct {
		Omschrijving string `json:"omschrijving"`
	}
	if err := r.api.Refs.Resource(ctx, "resultaattypeomschrijving", in.Resultaattypeomschrijving, &omschrijving, "url", "omschrijving"); err != nil {
		if err := mergeInvalid(errs, err); err != nil {
			return err
		}
	} else if !strings.HasPrefix(in.Resultaattypeomschrijving, r.selectielijst+"/resultaattypeomschrijvingen/") {
		errs.Add("resultaattypeomschrijving", "invalid-resource", "De URL wijst niet naar een resultaattypeomschrijving van de Referentielijsten-API.")
	} else {
		in.OmschrijvingGeneriek = omschrijving.Omschrijving
	}
	var klasse resultaattypeKlasse
	if err := r.api.Refs.Resource(ctx, "selectielijstklasse", in.Selectielijstklasse, &klasse, "url", "procesType", "waardering"); err != nil {
		return mergeInvalid(errs, err)
	}
	if !strings.HasPrefix(in.Selectielijstklasse, r.selectielijst+"/resultaten/") {
		errs.Add("selectielijstklasse", "invalid-resource", "De URL wijst niet naar een resultaat van de Referentielijsten-API.")
		return nil
	}
	if klasse.ProcesType != zt.Procestype {
		errs.Add("nonFieldErrors", "procestype-mismatch",
			"De selectielijstklasse hoort niet bij het selectielijstProcestype van het zaaktype.")
	}
	if in.Archiefnominatie == "" && zgw.OneOf(klasse.Waardering, "blijvend_bewaren", "vernietigen") {
		in.Archiefnominatie = klasse.Waardering
	}
	if (in.Archiefactietermijn == nil || *in.Archiefactietermijn == "") && klasse.Bewaartermijn != nil && *klasse.Bewaartermijn != "" {
		t := *klasse.Bewaartermijn
		in.Archiefactietermijn = &t
	}
	if b := in.BrondatumArchiefprocedure; b != nil {
		ztc003Afleidingswijze(b, klasse.Procestermijn, errs)
		ztc004Datumkenmerk(b, errs)
		ztc005EinddatumBekend(b, errs)
		ztc006Objecttype(b, errs)
		ztc007Registratie(b, errs)
		ztc008Procestermijn(b, errs)
	}
	return nil
}

// ztc-003: the afleidingswijze must fit the selectielijstklasse's procestermijn: nihil allows
// only afgehandeld, ingeschatte_bestaansduur_procesobject only termijn. Without a procestermijn
// (typical for blijvend_bewaren) every afleidingswijze is allowed.
func ztc003Afleidingswijze(b *resultaattypeBrondatum, procestermijn string, errs *zgw.Errs) {
	want := map[string]string{"nihil": "afgehandeld", "ingeschatte_bestaansduur_procesobject": "termijn"}[procestermijn]
	if want != "" && b.Afleidingswijze != want {
		errs.Add("brondatumArchiefprocedure.afleidingswijze", "invalid-afleidingswijze-for-procestermijn",
			fmt.Sprintf("De afleidingswijze moet %s zijn bij procestermijn %s van de selectielijstklasse.", want, procestermijn))
	}
}

// resultaattypeBrondatumRegel says, for one afleidingswijze, which fields of
// brondatumArchiefprocedure must have a value (true) and which must stay empty (false)
// (catalogi §5, ztc-004..008).
type resultaattypeBrondatumRegel struct {
	datumkenmerk, objecttype, registratie, procestermijn bool
	// geenEinddatumBekend: einddatumBekend may not be true (it is never required).
	geenEinddatumBekend bool
}

var resultaattypeBrondatumRegels = map[string]resultaattypeBrondatumRegel{
	"afgehandeld":          {geenEinddatumBekend: true},
	"termijn":              {procestermijn: true, geenEinddatumBekend: true},
	"eigenschap":           {datumkenmerk: true},
	"zaakobject":           {datumkenmerk: true, objecttype: true},
	"ander_datumkenmerk":   {datumkenmerk: true, objecttype: true, registratie: true},
	"hoofdzaak":            {},
	"gerelateerde_zaak":    {},
	"ingangsdatum_besluit": {},
	"vervaldatum_besluit":  {},
}

// resultaattypeBrondatumVeld reports a field that must be filled but is empty (required) or
// must be empty but is filled (must-be-empty).
func resultaattypeBrondatumVeld(errs *zgw.Errs, b *resultaattypeBrondatum, field string, required, filled bool) {
	name := "brondatumArchiefprocedure." + field
	switch {
	case required && !filled:
		errs.Add(name, "required", "Dit veld is verplicht bij afleidingswijze "+b.Afleidingswijze+".")
	case !required && filled:
		errs.Add(name, "must-be-empty", "Dit veld moet leeg zijn bij afleidingswijze "+b.Afleidingswijze+".")
	}
}

// ztc-004: datumkenmerk is required for eigenschap, zaakobject and ander_datumkenmerk, and
// must be empty otherwise.
func ztc004Datumkenmerk(b *resultaattypeBrondatum, errs *zgw.Errs) {
	resultaattypeBrondatumVeld(errs, b, "datumkenmerk", resultaattypeBrondatumRegels[b.Afleidingswijze].datumkenmerk, b.Datumkenmerk != "")
}

// ztc-005: einddatumBekend may not be set for afgehandeld and termijn.
func ztc005EinddatumBekend(b *resultaattypeBrondatum, errs *zgw.Errs) {
	if resultaattypeBrondatumRegels[b.Afleidingswijze].geenEinddatumBekend && b.EinddatumBekend {
		resultaattypeBrondatumVeld(errs, b, "einddatumBekend", false, true)
	}
}

// ztc-006: objecttype is required for zaakobject and ander_datumkenmerk, and must be empty
// otherwise.
func ztc006Objecttype(b *resultaattypeBrondatum, errs *zgw.Errs) {
	resultaattypeBrondatumVeld(errs, b, "objecttype", resultaattypeBrondatumRegels[b.Afleidingswijze].objecttype, b.Objecttype != "")
}

// ztc-007: registratie is required for ander_datumkenmerk, and must be empty otherwise.
func ztc007Registratie(b *resultaattypeBrondatum, errs *zgw.Errs) {
	resultaattypeBrondatumVeld(errs, b, "registratie", resultaattypeBrondatumRegels[b.Afleidingswijze].registratie, b.Registratie != "")
}

// ztc-008: procestermijn is required for termijn, and must be empty otherwise.
func ztc008Procestermijn(b *resultaattypeBrondatum, errs *zgw.Errs) {
	filled := b.Procestermijn != nil && *b.Procestermijn != ""
	resultaattypeBrondatumVeld(errs, b, "procestermijn", resultaattypeBrondatumRegels[b.Afleidingswijze].procestermijn, filled)
}

// resultaattypeInformatieobjecttypen resolves informatieobjecttype URLs to the uuids stored;
// they must be of this API and of the zaaktype's catalogus (ztc-013).
func (r *register) resultaattypeInformatieobjecttypen(ctx context.Context, urls []string, zt *subtypeZaaktype, errs *zgw.Errs) ([]string, error) {
	ids := make([]string, 0, len(urls))
	for i, u := range urls {
		id, ok := r.api.ParseURL(u, "informatieobjecttypen")
		if !ok {
			errs.Add(fmt.Sprintf("informatieobjecttypen.%d", i), "bad-url", "De URL "+u+" wijst niet naar een informatieobjecttype van deze catalogi-API.")
			continue
		}
		ids = append(ids, id)
	}
	ids = distinct(ids)
	if len(ids) == 0 {
		return []string{}, nil
	}
	var w db.Where
	w.And(r.db.AnyUUID("uuid", "?"), r.db.TextList(ids))
	rows, err := r.db.Query(ctx, `SELECT uuid, catalogus_id FROM informatieobjecttype`+w.SQL(), w.Args...)
	if err != nil {
		return nil, fmt.Errorf("informatieobjecttypen: %w", err)
	}
	defer rows.Close()
	catalogus := map[string]int64{}
	for rows.Next() {
		var id string
		var c int64
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		catalogus[strings.ToLower(id)] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		c, ok := catalogus[id]
		switch {
		case !ok:
			errs.Add("informatieobjecttypen", "bad-url", "Informatieobjecttype "+r.api.URL("informatieobjecttypen", id)+" bestaat niet.")
		case c != zt.CatalogusID:
			errs.Add("nonFieldErrors", "relations-incorrect-catalogus", "Informatieobjecttype "+r.api.URL("informatieobjecttypen", id)+" hoort bij een andere catalogus dan het zaaktype.")
		}
	}
	return ids, nil
}

// resultaattypeOmschrijvingUnique: the omschrijving identifies a resultaattype within its
// zaaktype; Open Zaak refuses a duplicate with code unique.
func resultaattypeOmschrijvingUnique(ctx context.Context, tx *db.Tx, w *subtypeWrite, zaaktypeID, selfID int64) error {
	omschrijving := w.data.(resultaattypeIn).Omschrijving
	rows, err := tx.Query(ctx, `SELECT data FROM resultaattype WHERE zaaktype_id = $1 AND id <> $2`, zaaktypeID, selfID)
	if err != nil {
		return fmt.Errorf("resultaattypen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		row := &subtypeRow{}
		if err := rows.Scan(&row.Data); err != nil {
			return err
		}
		var other resultaattypeIn
		if err := subtypeDecode(row, &other); err != nil {
			return err
		}
		if other.Omschrijving == omschrijving {
			return zgw.FieldError("nonFieldErrors", "unique", "Het zaaktype heeft al een resultaattype met deze omschrijving.")
		}
	}
	return rows.Err()
}

// renderResultaattypen renders a page. besluittypen are resolved by omschrijving in the
// zaaktype's catalogus to the versions valid on date (catalogi §4: published, beginGeldigheid
// <= date, eindeGeldigheid empty or not before it). The end is taken inclusive, as validity
// is (§1) and as the zaaktype's relations are resolved: a new version begins the day after
// the previous one ends, so "> date" would leave that last day without a version.
// informatieobjecttypen are resolved by uuid. One query each for the whole page.
func (r *register) renderResultaattypen(ctx context.Context, rows []*subtypeRow, date string) ([]any, error) {
	zts, err := r.subtypePageZaaktypen(ctx, rows)
	if err != nil {
		return nil, err
	}
	stored := make([]resultaattypeIn, len(rows))
	var catalogi []int64
	var names, iots []string
	for i, row := range rows {
		if err := subtypeDecode(row, &stored[i]); err != nil {
			return nil, err
		}
		catalogi = append(catalogi, zts[row.ZaaktypeID].CatalogusID)
		names = append(names, stored[i].Besluittypen...)
		iots = append(iots, stored[i].Informatieobjecttypen...)
	}
	besluittypen := map[string][]string{} // catalogus id + omschrijving -> URLs
	if len(names) > 0 {
		var w db.Where
		w.And("concept = ?", false)
		w.And("begin_geldigheid <= ?", date)
		w.And("(einde_geldigheid IS NULL OR einde_geldigheid >= ?)", date)
		w.And(r.db.AnyID("catalogus_id", "?"), r.db.IDList(distinct(catalogi)))
		w.And(r.db.AnyText("omschrijving", "?"), r.db.TextList(distinct(names)))
		q, err := r.db.Query(ctx, `SELECT uuid, catalogus_id, omschrijving FROM besluittype`+w.SQL()+` ORDER BY begin_geldigheid, id`, w.Args...)
		if err != nil {
			return nil, fmt.Errorf("besluittypen: %w", err)
		}
		defer q.Close()
		for q.Next() {
			var id, name string
			var c int64
			if err := q.Scan(&id, &c, &name); err != nil {
				return nil, err
			}
			key := fmt.Sprint(c, "/", name)
			besluittypen[key] = append(besluittypen[key], r.api.URL("besluittypen", strings.ToLower(id)))
		}
		if err := q.Err(); err != nil {
			return nil, err
		}
	}
	iotNames := map[string]string{} // uuid -> omschrijving
	if len(iots) > 0 {
		var w db.Where
		w.And(r.db.AnyUUID("uuid", "?"), r.db.TextList(distinct(iots)))
		q, err := r.db.Query(ctx, `SELECT uuid, omschrijving FROM informatieobjecttype`+w.SQL(), w.Args...)
		if err != nil {
			return nil, fmt.Errorf("informatieobjecttypen: %w", err)
		}
		defer q.Close()
		for q.Next() {
			var id, name string
			if err := q.Scan(&id, &name); err != nil {
				return nil, err
			}
			iotNames[strings.ToLower(id)] = name
		}
		if err := q.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]any, 0, len(rows))
	for i, row := range rows {
		in := &stored[i]
		zt := zts[row.ZaaktypeID]
		bts := []string{}
		for _, name := range in.Besluittypen {
			bts = append(bts, besluittypen[fmt.Sprint(zt.CatalogusID, "/", name)]...)
		}
		iotURLs, iotOmschrijvingen := []string{}, []string{}
		for _, id := range in.Informatieobjecttypen {
			if name, ok := iotNames[id]; ok { // a deleted concept type drops out
				iotURLs = append(iotURLs, r.api.URL("informatieobjecttypen", id))
				iotOmschrijvingen = append(iotOmschrijvingen, name)
			}
		}
		begin, einde := in.render(zt)
		out = append(out, resultaattypeOut{
			URL:                              r.api.URL("resultaattypen", row.UUID),
			Zaaktype:                         r.api.URL("zaaktypen", zt.UUID),
			ZaaktypeIdentificatie:            zt.Identificatie,
			Omschrijving:                     in.Omschrijving,
			Resultaattypeomschrijving:        in.Resultaattypeomschrijving,
			OmschrijvingGeneriek:             in.OmschrijvingGeneriek,
			Selectielijstklasse:              in.Selectielijstklasse,
			Toelichting:                      in.Toelichting,
			Archiefnominatie:                 in.Archiefnominatie,
			Archiefactietermijn:              in.Archiefactietermijn,
			BrondatumArchiefprocedure:        in.BrondatumArchiefprocedure,
			Procesobjectaard:                 in.Procesobjectaard,
			Catalogus:                        r.api.URL("catalogussen", zt.CatalogusUUID),
			BeginGeldigheid:                  begin,
			EindeGeldigheid:                  einde,
			BeginObject:                      begin,
			EindeObject:                      einde,
			IndicatieSpecifiek:               in.IndicatieSpecifiek,
			Procestermijn:                    in.Procestermijn,
			Besluittypen:                     distinct(bts),
			BesluittypeOmschrijving:          nonNil(in.Besluittypen),
			Informatieobjecttypen:            iotURLs,
			InformatieobjecttypeOmschrijving: nonNil(distinct(iotOmschrijvingen)),
		})
	}
	return out, nil
}
