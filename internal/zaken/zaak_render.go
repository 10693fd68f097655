package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Kinds of the relations zaakRender loads for a page.
const (
	relDeelzaak = iota
	relRol
	relStatus
	relResultaat
	relZaakobject
	relEigenschap
	relZIO
)

// zaakRender renders zaken; everything they refer to comes from one query for the page.
func (r *register) zaakRender(ctx context.Context, q db.Querier, rows []*zaakRow) ([]*zaakOut, error) {
	return r.zaakRenderRows(ctx, q, rows, true)
}

// zaakRenderRows is zaakRender; relations is false for a zaak that cannot have any yet (one
// just inserted), which saves the query for them.
func (r *register) zaakRenderRows(ctx context.Context, q db.Querier, rows []*zaakRow, relations bool) ([]*zaakOut, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	found := map[relKey][]string{}
	if relations {
		var err error
		if found, err = r.zaakRelations(ctx, q, rows); err != nil {
			return nil, err
		}
	}
	urls := func(collection string, uuids []string) []string {
		out := make([]string, len(uuids))
		for i, u := range uuids {
			out[i] = r.api.URL(collection, u)
		}
		return out
	}
	one := func(collection string, uuids []string) *string {
		if len(uuids) == 0 {
			return nil
		}
		u := r.api.URL(collection, uuids[0])
		return &u
	}
	out := make([]*zaakOut, len(rows))
	for i, x := range rows {
		o := &zaakOut{
			URL: r.api.URL("zaken", x.uuid), UUID: x.uuid, Identificatie: x.identificatie, Bronorganisatie: x.bron,
			Zaaktype: x.ztype, Registratiedatum: string(x.registratie), Startdatum: string(x.start), Einddatum: x.eind.Ptr(),
			EinddatumGepland: x.eindGepland.Ptr(), UiterlijkeEinddatumAfdoening: x.uiterlijk.Ptr(), Publicatiedatum: x.pub.Ptr(),
			Vertrouwelijkheidaanduiding: zgw.Vertrouwelijkheden()[x.vertrouwelijkheid], Archiefstatus: x.archiefst,
			Archiefactiedatum:      x.archiefactiedatum.Ptr(),
			Deelzaken:              urls("zaken", found[relKey{relDeelzaak, x.id}]),
			Rollen:                 urls("rollen", found[relKey{relRol, x.id}]),
			Status:                 one("statussen", found[relKey{relStatus, x.id}]),
			Resultaat:              one("resultaten", found[relKey{relResultaat, x.id}]),
			Zaakobjecten:           urls("zaakobjecten", found[relKey{relZaakobject, x.id}]),
			Zaakinformatieobjecten: urls("zaakinformatieobjecten", found[relKey{relZIO, x.id}]),
		}
		for _, u := range found[relKey{relEigenschap, x.id}] {
			o.Eigenschappen = append(o.Eigenschappen, r.api.URL("zaken", x.uuid)+"/zaakeigenschappen/"+u)
		}
		if x.archiefnominatie != "" {
			s := x.archiefnominatie
			o.Archiefnominatie = &s
		}
		if x.hoofdzaak.Valid {
			u := r.api.URL("zaken", strings.ToLower(x.hoofdzaak.String))
			o.Hoofdzaak = &u
		}
		if err := json.Unmarshal(x.data, &o.zaakData); err != nil {
			return nil, fmt.Errorf("zaak %s data: %w", x.uuid, err)
		}
		// zrc-012: the gegevensgroepen are always rendered; opschorting as an empty group.
		if o.Opschorting == nil {
			o.Opschorting = &opschorting{}
		}
		if len(o.Zaakgeometrie) == 0 {
			o.Zaakgeometrie = json.RawMessage("null")
		}
		o.Deelzaken, o.Eigenschappen, o.Rollen = nonNil(o.Deelzaken), nonNil(o.Eigenschappen), nonNil(o.Rollen)
		o.Zaakinformatieobjecten, o.Zaakobjecten = nonNil(o.Zaakinformatieobjecten), nonNil(o.Zaakobjecten)
		o.ProductenOfDiensten = nonNil(o.ProductenOfDiensten)
		o.RelevanteAndereZaken = nonNil(o.RelevanteAndereZaken)
		o.Kenmerken = nonNil(o.Kenmerken)
		o.BetalingsindicatieWeergave = betalingsindicatieWeergave[o.Betalingsindicatie]
		out[i] = o
	}
	return out, nil
}

// zaakOne renders the zaak with uuid id (nil when there is none).
func (r *register) zaakOne(ctx context.Context, q db.Querier, id string) (*zaakOut, *zaakRow, error) {
	if id == "" {
		return nil, nil, nil
	}
	rows, err := zaakLoad(ctx, q, "z.uuid = $1", id)
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	out, err := r.zaakRender(ctx, q, rows)
	if err != nil {
		return nil, nil, err
	}
	return out[0], rows[0], nil
}

// relKey is one relation list of one zaak (a kind rel* and the zaak id).
type relKey struct {
	kind  int
	owner int64
}

// zaakRelations loads the uuids of everything the zaken refer to, in one query for the page.
func (r *register) zaakRelations(ctx context.Context, q db.Querier, rows []*zaakRow) (map[relKey][]string, error) {
	ids := make([]int64, len(rows))
	for i, x := range rows {
		ids[i] = x.id
	}
	in := func(col string) string { return r.db.AnyID(col, "$1") }
	rel, err := q.Query(ctx, fmt.Sprintf(`
		SELECT %d, hoofdzaak_id, id, CAST(uuid AS TEXT) FROM zaak WHERE %s
		UNION ALL SELECT %d, zaak_id, id, CAST(uuid AS TEXT) FROM rol WHERE %s
		UNION ALL SELECT %d, s.zaak_id, s.id, CAST(s.uuid AS TEXT) FROM status s WHERE %s AND NOT EXISTS (
			SELECT 1 FROM status n WHERE n.zaak_id = s.zaak_id AND (n.datum_status_gezet > s.datum_status_gezet
			OR (n.datum_status_gezet = s.datum_status_gezet AND n.id > s.id)))
		UNION ALL SELECT %d, zaak_id, id, CAST(uuid AS TEXT) FROM resultaat WHERE %s
		UNION ALL SELECT %d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakobject WHERE %s
		UNION ALL SELECT %d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakeigenschap WHERE %s
		UNION ALL SELECT %d, zaak_id, id, CAST(uuid AS TEXT) FROM zaakinformatieobject WHERE %s
		ORDER BY 1, 2, 3`, relDeelzaak, in("hoofdzaak_id"), relRol, in("zaak_id"), relStatus, in("s.zaak_id"),
		relResultaat, in("zaak_id"), relZaakobject, in("zaak_id"), relEigenschap, in("zaak_id"), relZIO, in("zaak_id")), r.db.IDList(ids))
	if err != nil {
		return nil, fmt.Errorf("zaak relations: %w", err)
	}
	defer rel.Close()
	found := map[relKey][]string{}
	for rel.Next() {
		var k relKey
		var id int64
		var u string
		if err := rel.Scan(&k.kind, &k.owner, &id, &u); err != nil {
			return nil, err
		}
		found[k] = append(found[k], strings.ToLower(u))
	}
	if err := rel.Err(); err != nil {
		return nil, err
	}
	return found, nil
}
