package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// objectTypen are the values of ZaakObject.objectType (ObjectTypeEnum).
var objectTypen = []string{"adres", "besluit", "buurt", "enkelvoudig_document", "gemeente", "gemeentelijke_openbare_ruimte",
	"huishouden", "inrichtingselement", "kadastrale_onroerende_zaak", "kunstwerkdeel", "maatschappelijke_activiteit", "medewerker",
	"natuurlijk_persoon", "niet_natuurlijk_persoon", "openbare_ruimte", "organisatorische_eenheid", "pand", "spoorbaandeel",
	"status", "terreindeel", "terrein_gebouwd_object", "vestiging", "waterdeel", "wegdeel", "wijk", "woonplaats",
	"woz_deelobject", "woz_object", "woz_waarde", "zakelijk_recht", "overige"}

// zaakobjectIn is the request form of a ZaakObject; objectIdentificatie has the shape of its
// objectType (checked against the spec's discriminator by c.Body).
type zaakobjectIn struct {
	Zaak       string `json:"zaak"`
	Object     string `json:"object"`
	ObjectType string `json:"objectType"`
	zaakobjectData
}

// zaakobjectData is what is stored in data; objectTypeOverige is left out when empty
// because its pattern does not accept "". archief.go reads objectIdentificatie from it
// (afleidingswijze zaakobject, zrc-021).
type zaakobjectData struct {
	Zaakobjecttype             string          `json:"zaakobjecttype"`
	ObjectTypeOverige          string          `json:"objectTypeOverige,omitempty"`
	ObjectTypeOverigeDefinitie json.RawMessage `json:"objectTypeOverigeDefinitie"`
	Relatieomschrijving        string          `json:"relatieomschrijving"`
	ObjectIdentificatie        json.RawMessage `json:"objectIdentificatie,omitempty"`
}

type zaakobjectOut struct {
	URL        string `json:"url"`
	UUID       string `json:"uuid"`
	Zaak       string `json:"zaak"`
	Object     string `json:"object"`
	ObjectType string `json:"objectType"`
	zaakobjectData
	Expand map[string]any `json:"_expand,omitempty"`

	subRow
}

// zaakobject is the zaakobject for the shared flows (sub.go).
func (r *register) zaakobject() sub[*zaakobjectOut] {
	return sub[*zaakobjectOut]{r: r, resource: "zaakobject", load: r.zaakobjectLoad}
}

func (o *zaakobjectOut) url() string { return o.URL }

func (o *zaakobjectOut) weergave() string {
	if o.Object != "" {
		return o.ObjectType + " " + o.Object
	}
	return o.ObjectType
}

func (r *register) mountZaakobject() {
	a, s := r.api, r.zaakobject()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /zaakobjecten", zgw.Scopes(scopeLezen), r.zaakobjectList)
	a.Handle("POST /zaakobjecten", zgw.Scopes(scopeAanmaken, scopeBijwerken, scopeGeforceerd), r.zaakobjectCreate)
	// GET also answers HEAD.
	a.Handle("GET /zaakobjecten/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("PUT /zaakobjecten/{uuid}", write, r.zaakobjectUpdate)
	a.Handle("PATCH /zaakobjecten/{uuid}", write, r.zaakobjectUpdate)
	a.Handle("DELETE /zaakobjecten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd, scopeVerwijderen), s.destroy((*zaakRef).deleteScopes))
}

func (r *register) zaakobjectLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*zaakobjectOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.object, s.object_type, s.data
		FROM zaakobject s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("zaakobject: %w", err)
	}
	defer rows.Close()
	var out []*zaakobjectOut
	for rows.Next() {
		o := &zaakobjectOut{}
		var zaakUUID string
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Object, &o.ObjectType, &data); err != nil {
			return nil, fmt.Errorf("zaakobject: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("zaakobjecten", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		if err := json.Unmarshal(data, &o.zaakobjectData); err != nil {
			return nil, fmt.Errorf("zaakobject data: %w", err)
		}
		if len(o.ObjectTypeOverigeDefinitie) == 0 {
			o.ObjectTypeOverigeDefinitie = json.RawMessage("null")
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (r *register) zaakobjectList(c *zgw.Call) error {
	s := r.zaakobject()
	q, w := s.listQuery(c, "object", "objectType", "page")
	if u := q.URL("object"); u != "" {
		w.And("object = ?", u)
	}
	if v := q.Enum("objectType", objectTypen...); v != "" {
		w.And("object_type = ?", v)
	}
	if err := q.Err(); err != nil {
		return err
	}
	return s.page(c, w, q.Page)
}

// zaakobjectCheck runs the rules the schema cannot express (zaken.md §5).
func (r *register) zaakobjectCheck(ctx context.Context, in *zaakobjectIn, z *zaakRef, sent func(string) bool) error {
	if string(in.ObjectIdentificatie) == "null" {
		in.ObjectIdentificatie = nil
	}
	if string(in.ObjectTypeOverigeDefinitie) == "null" {
		in.ObjectTypeOverigeDefinitie = nil
	}
	var errs zgw.Errs
	if in.Object == "" && len(in.ObjectIdentificatie) == 0 {
		errs.Add("nonFieldErrors", "invalid-zaakobject", "Geef object en/of objectIdentificatie op.")
	}
	zaakobjectOverige(in, &errs)
	if in.Object != "" && sent("object") {
		if err := mergeInvalid(&errs, r.api.Refs.Resource(ctx, "object", in.Object, nil)); err != nil {
			return err
		}
	}
	if in.Zaakobjecttype != "" && sent("zaakobjecttype") {
		if err := mergeInvalid(&errs, r.zaakobjecttypeOfZaak(ctx, in.Zaakobjecttype, z)); err != nil {
			return err
		}
	}
	return errs.Err()
}

// zaakobjectOverige: objectType overige needs objectTypeOverige or its definitie; the other
// objectTypen take neither; a definitie goes with an object URL.
func zaakobjectOverige(in *zaakobjectIn, errs *zgw.Errs) {
	overige := in.ObjectTypeOverige != "" || len(in.ObjectTypeOverigeDefinitie) > 0
	switch {
	case in.ObjectType == "overige" && !overige:
		errs.Add("nonFieldErrors", "missing-object-type-overige",
			"Als `objectType` de waarde \"overige\" heeft, moet `objectTypeOverige` of `objectTypeOverigeDefinitie` van een waarde voorzien zijn.")
	case in.ObjectType != "overige" && overige:
		errs.Add("nonFieldErrors", "invalid-object-type-overige-usage",
			"Als `objectType` niet de waarde \"overige\" heeft, mogen `objectTypeOverige` en `objectTypeOverigeDefinitie` niet van een waarde voorzien zijn.")
	}
	// The definitie describes the object behind a URL (as Open Zaak requires).
	if len(in.ObjectTypeOverigeDefinitie) > 0 && in.Object == "" {
		errs.Add("object", "required", "Indien je `objectTypeOverigeDefinitie` gebruikt, dan moet je een OBJECT url opgeven.")
	}
}

// zaakobjecttypeOfZaak: the zaakobjecttype (Catalogi 1.3) belongs to the zaaktype of the zaak
// (zaken.md §5, the same consistency as zrc-016..020).
func (r *register) zaakobjecttypeOfZaak(ctx context.Context, u string, z *zaakRef) error {
	var zot struct {
		Zaaktype string `json:"zaaktype"`
	}
	if err := newTypes(r).Get(ctx, "zaakobjecttype", u, &zot, "zaaktype", "objecttype", "relatieOmschrijving"); err != nil {
		return err
	}
	if zot.Zaaktype != z.zaaktype {
		return zgw.FieldError("zaakobjecttype", "zaaktype-mismatch", "Het zaakobjecttype hoort niet bij het zaaktype van de zaak.")
	}
	return nil
}

func (r *register) zaakobjectCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in zaakobjectIn
	if _, err := c.Body("zaakobject_create", &in); err != nil {
		return err
	}
	z, err := r.zaakFor(c, "zaak", in.Zaak, (*zaakRef).createScopes)
	if err != nil {
		return err
	}
	if err := r.zaakobjectCheck(ctx, &in, z, func(string) bool { return true }); err != nil {
		return err
	}
	data, err := json.Marshal(in.zaakobjectData)
	if err != nil {
		return err
	}
	return r.zaakobject().create(c, z, func(tx *db.Tx, id string) error {
		if _, err := tx.Exec(ctx, `INSERT INTO zaakobject (uuid, zaak_id, object, object_type, data) VALUES ($1, $2, $3, $4, $5)`,
			id, z.id, in.Object, in.ObjectType, string(data)); err != nil {
			return fmt.Errorf("insert zaakobject: %w", err)
		}
		return nil
	})
}

// zaakobjectUpdate is PUT and PATCH; zaak, object and objectType cannot change (zaken.md §1).
func (r *register) zaakobjectUpdate(c *zgw.Call) error {
	s := r.zaakobject()
	cur, z, err := s.byPath(c, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	in := zaakobjectIn{}
	partial := c.R.Method == http.MethodPatch
	if partial {
		in = zaakobjectIn{Zaak: cur.Zaak, Object: cur.Object, ObjectType: cur.ObjectType}
		// A copy: decoding the body into raw JSON fields shared with cur would change cur
		// (the audit trail's "oud") in place.
		b, err := json.Marshal(cur.zaakobjectData)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &in.zaakobjectData); err != nil {
			return err
		}
		if string(in.ObjectTypeOverigeDefinitie) == "null" {
			in.ObjectTypeOverigeDefinitie = nil
		}
	}
	keys, err := c.Body("zaakobject_partial_update", &in)
	if err != nil {
		return err
	}
	sent := func(k string) bool { return !partial || zgw.Sent(keys, k) }
	var errs zgw.Errs
	wijzigenNietToegelaten(&errs, "zaak", cur.Zaak, in.Zaak, "De zaak van een zaakobject kan niet gewijzigd worden.")
	wijzigenNietToegelaten(&errs, "object", cur.Object, in.Object, "Het object van een zaakobject kan niet gewijzigd worden.")
	wijzigenNietToegelaten(&errs, "objectType", cur.ObjectType, in.ObjectType, "Het objectType van een zaakobject kan niet gewijzigd worden.")
	if err := errs.Err(); err != nil {
		return err
	}
	if err := r.zaakobjectCheck(c.Ctx(), &in, z, func(k string) bool { return k != "object" && sent(k) }); err != nil {
		return err
	}
	data, err := json.Marshal(in.zaakobjectData)
	if err != nil {
		return err
	}
	return s.update(c, z, cur, "data = $1", string(data))
}
