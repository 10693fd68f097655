package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// rolIn is the request form of a Rol; betrokkeneIdentificatie has the shape of its
// betrokkeneType (checked against the spec's discriminator by c.Body).
type rolIn struct {
	Zaak           string `json:"zaak"`
	Betrokkene     string `json:"betrokkene"`
	BetrokkeneType string `json:"betrokkeneType"`
	Roltype        string `json:"roltype"`
	rolData
}

type rolData struct {
	AfwijkendeNaamBetrokkene string          `json:"afwijkendeNaamBetrokkene"`
	Roltoelichting           string          `json:"roltoelichting"`
	IndicatieMachtiging      string          `json:"indicatieMachtiging"`
	ContactpersoonRol        json.RawMessage `json:"contactpersoonRol"`
	BetrokkeneIdentificatie  json.RawMessage `json:"betrokkeneIdentificatie,omitempty"`
}

type rolOut struct {
	URL                  string   `json:"url"`
	UUID                 string   `json:"uuid"`
	Zaak                 string   `json:"zaak"`
	Betrokkene           string   `json:"betrokkene"`
	BetrokkeneType       string   `json:"betrokkeneType"`
	Roltype              string   `json:"roltype"`
	Omschrijving         string   `json:"omschrijving"`
	OmschrijvingGeneriek string   `json:"omschrijvingGeneriek"`
	Registratiedatum     string   `json:"registratiedatum"`
	Statussen            []string `json:"statussen"`
	rolData
	Expand map[string]any `json:"_expand,omitempty"`

	subRow
}

// roltype is what the register reads of a Catalogi roltype.
type roltype struct {
	Zaaktype             string `json:"zaaktype"`
	Omschrijving         string `json:"omschrijving"`
	OmschrijvingGeneriek string `json:"omschrijvingGeneriek"`
}

// rol is the rol for the shared flows (sub.go).
func (r *register) rol() sub[*rolOut] { return sub[*rolOut]{r: r, resource: "rol", load: r.rolLoad} }

func (o *rolOut) url() string      { return o.URL }
func (o *rolOut) weergave() string { return o.Omschrijving }

func (r *register) mountRol() {
	a, s := r.api, r.rol()
	write := zgw.Scopes(scopeBijwerken, scopeGeforceerd)
	a.Handle("GET /rollen", zgw.Scopes(scopeLezen), r.rolList)
	a.Handle("POST /rollen", write, r.rolCreate)
	a.Handle("GET /rollen/{uuid}", zgw.Scopes(scopeLezen), s.retrieve)
	a.Handle("DELETE /rollen/{uuid}", write, s.destroy((*zaakRef).writeScopes))
}

func (r *register) rolLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*rolOut, error) {
	rows, err := q.Query(ctx, `SELECT s.id, CAST(s.uuid AS TEXT), s.zaak_id, CAST(z.uuid AS TEXT), s.betrokkene, s.betrokkene_type,
		s.roltype, s.omschrijving, s.omschrijving_generiek, s.registratiedatum, s.data
		FROM rol s JOIN zaak z ON z.id = s.zaak_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("rol: %w", err)
	}
	defer rows.Close()
	var out []*rolOut
	byID := map[int64]*rolOut{}
	for rows.Next() {
		o := &rolOut{Statussen: []string{}}
		var zaakUUID string
		var ts time.Time
		var data []byte
		if err := rows.Scan(&o.id, &o.UUID, &o.zaakID, &zaakUUID, &o.Betrokkene, &o.BetrokkeneType, &o.Roltype, &o.Omschrijving,
			&o.OmschrijvingGeneriek, &ts, &data); err != nil {
			return nil, fmt.Errorf("rol: %w", err)
		}
		o.UUID = strings.ToLower(o.UUID)
		o.URL = r.api.URL("rollen", o.UUID)
		o.Zaak = r.api.URL("zaken", strings.ToLower(zaakUUID))
		o.Registratiedatum = ts.UTC().Format(time.RFC3339Nano)
		if err := json.Unmarshal(data, &o.rolData); err != nil {
			return nil, fmt.Errorf("rol data: %w", err)
		}
		if len(o.ContactpersoonRol) == 0 {
			o.ContactpersoonRol = json.RawMessage("null")
		}
		out = append(out, o)
		byID[o.id] = o
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// The statussen each rol has set, for the whole page in one query.
	ids := make([]int64, 0, len(out))
	for _, o := range out {
		ids = append(ids, o.id)
	}
	st, err := q.Query(ctx, `SELECT gezetdoor_id, CAST(uuid AS TEXT) FROM status WHERE `+r.db.AnyID("gezetdoor_id", "$1")+` ORDER BY id`, r.db.IDList(ids))
	if err != nil {
		return nil, fmt.Errorf("rol statussen: %w", err)
	}
	defer st.Close()
	for st.Next() {
		var id int64
		var u string
		if err := st.Scan(&id, &u); err != nil {
			return nil, err
		}
		byID[id].Statussen = append(byID[id].Statussen, r.api.URL("statussen", strings.ToLower(u)))
	}
	return out, st.Err()
}

func (r *register) rolList(c *zgw.Call) error {
	params := []string{"betrokkene", "betrokkeneType", "roltype", "omschrijving", "omschrijvingGeneriek", "page"}
	for _, f := range rolIdentificatieFilters {
		params = append(params, "betrokkeneIdentificatie__"+f.param)
	}
	s := r.rol()
	q, w := s.listQuery(c, params...)
	if u := q.URL("betrokkene"); u != "" {
		w.And("betrokkene = ?", u)
	}
	if v := q.Enum("betrokkeneType", betrokkeneTypen...); v != "" {
		w.And("betrokkene_type = ?", v)
	}
	if u := q.URL("roltype"); u != "" {
		w.And("roltype = ?", u)
	}
	if v := q.String("omschrijving"); v != "" {
		w.And("omschrijving = ?", v)
	}
	if v := q.Enum("omschrijvingGeneriek", omschrijvingenGen...); v != "" {
		w.And("omschrijving_generiek = ?", v)
	}
	for _, f := range rolIdentificatieFilters {
		if v := q.String("betrokkeneIdentificatie__" + f.param); v != "" {
			w.And(f.col+" = ?", v)
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	return s.page(c, w, q.Page)
}

// rolIdentificatie is the union of the identifying fields of the betrokkeneIdentificatie
// variants; which of them apply depends on betrokkeneType.
type rolIdentificatie struct {
	InpBsn           string `json:"inpBsn"`
	AnpIdentificatie string `json:"anpIdentificatie"`
	InpANummer       string `json:"inpA_nummer"`
	InnNnpID         string `json:"innNnpId"`
	AnnIdentificatie string `json:"annIdentificatie"`
	VestigingsNummer string `json:"vestigingsNummer"`
	Identificatie    string `json:"identificatie"`
}

// rolColumns are the filter columns of a rol, in the order of rolIdentificatieFilters.
func rolColumns(betrokkeneType string, raw json.RawMessage) []any {
	var id rolIdentificatie
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &id)
	}
	v := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	cols := make([]any, len(rolIdentificatieFilters))
	switch betrokkeneType {
	case "natuurlijk_persoon":
		cols[0], cols[1], cols[2] = v(id.InpBsn), v(id.AnpIdentificatie), v(id.InpANummer)
	case "niet_natuurlijk_persoon":
		cols[3], cols[4] = v(id.InnNnpID), v(id.AnnIdentificatie)
	case "vestiging":
		cols[5] = v(id.VestigingsNummer)
	case "medewerker":
		cols[6] = v(id.Identificatie)
	case "organisatorische_eenheid":
		cols[7] = v(id.Identificatie)
	}
	return cols
}

func (r *register) rolCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in rolIn
	if _, err := c.Body("rol_create", &in); err != nil {
		return err
	}
	z, err := r.zaakFor(c, "zaak", in.Zaak, (*zaakRef).writeScopes)
	if err != nil {
		return err
	}
	var rt roltype
	if err := newTypes(r).Get(ctx, "roltype", in.Roltype, &rt, "zaaktype", "omschrijving", "omschrijvingGeneriek"); err != nil {
		return err
	}
	if err := zrc019Roltype(&rt, z); err != nil {
		return err
	}
	if in.Betrokkene == "" && len(in.BetrokkeneIdentificatie) == 0 {
		return zgw.FieldError("nonFieldErrors", "invalid-betrokkene", "Geef betrokkene en/of betrokkeneIdentificatie op.")
	}
	if string(in.BetrokkeneIdentificatie) == "null" {
		in.BetrokkeneIdentificatie = nil
	}
	data, err := json.Marshal(in.rolData)
	if err != nil {
		return err
	}
	return r.rol().create(c, z, func(tx *db.Tx, id string) error {
		args := append([]any{id, z.id, in.Betrokkene, in.BetrokkeneType, in.Roltype, rt.Omschrijving, rt.OmschrijvingGeneriek, tx.Now},
			rolColumns(in.BetrokkeneType, in.BetrokkeneIdentificatie)...)
		if _, err := tx.Exec(ctx, `INSERT INTO rol (uuid, zaak_id, betrokkene, betrokkene_type, roltype, omschrijving,
			omschrijving_generiek, registratiedatum, inp_bsn, anp_identificatie, inp_a_nummer, inn_nnp_id, ann_identificatie,
			vestigings_nummer, medewerker_id, org_eenheid_id, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`, append(args, string(data))...); err != nil {
			return fmt.Errorf("insert rol: %w", err)
		}
		return nil
	})
}

// zrc-019: the roltype belongs to the zaaktype of the zaak.
func zrc019Roltype(rt *roltype, z *zaakRef) error {
	if rt.Zaaktype != z.zaaktype {
		return zgw.FieldError("nonFieldErrors", "zaaktype-mismatch", "Het roltype hoort niet bij het zaaktype van de zaak.")
	}
	return nil
}
