package besluiten

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// besluitIn is the request body of create, update and partial update.
type besluitIn struct {
	Identificatie                string  `json:"identificatie"`
	VerantwoordelijkeOrganisatie string  `json:"verantwoordelijkeOrganisatie"`
	Besluittype                  string  `json:"besluittype"`
	Zaak                         string  `json:"zaak"`
	Datum                        string  `json:"datum"`
	Toelichting                  string  `json:"toelichting"`
	Bestuursorgaan               string  `json:"bestuursorgaan"`
	Ingangsdatum                 string  `json:"ingangsdatum"`
	Vervaldatum                  *string `json:"vervaldatum"`
	Vervalreden                  string  `json:"vervalreden"`
	Publicatiedatum              *string `json:"publicatiedatum"`
	Verzenddatum                 *string `json:"verzenddatum"`
	UiterlijkeReactiedatum       *string `json:"uiterlijkeReactiedatum"`
}

// besluitOut is a Besluit as the API renders it.
type besluitOut struct {
	URL                          string         `json:"url"`
	Identificatie                string         `json:"identificatie"`
	VerantwoordelijkeOrganisatie string         `json:"verantwoordelijkeOrganisatie"`
	Besluittype                  string         `json:"besluittype"`
	Zaak                         string         `json:"zaak"`
	Datum                        string         `json:"datum"`
	Toelichting                  string         `json:"toelichting"`
	Bestuursorgaan               string         `json:"bestuursorgaan"`
	Ingangsdatum                 string         `json:"ingangsdatum"`
	Vervaldatum                  *string        `json:"vervaldatum"`
	Vervalreden                  string         `json:"vervalreden"`
	VervalredenWeergave          string         `json:"vervalredenWeergave"`
	Publicatiedatum              *string        `json:"publicatiedatum"`
	Verzenddatum                 *string        `json:"verzenddatum"`
	UiterlijkeReactiedatum       *string        `json:"uiterlijkeReactiedatum"`
	Expand                       map[string]any `json:"_expand,omitempty"`

	id   int64
	uuid string
}

var vervalredenWeergave = map[string]string{
	"tijdelijk":                  "Besluit met tijdelijke werking",
	"ingetrokken_overheid":       "Besluit ingetrokken door overheid",
	"ingetrokken_belanghebbende": "Besluit ingetrokken o.v.v. belanghebbende",
}

// in is the besluit as a request body, the starting point of a partial update.
func (b *besluitOut) in() besluitIn {
	return besluitIn{Identificatie: b.Identificatie, VerantwoordelijkeOrganisatie: b.VerantwoordelijkeOrganisatie,
		Besluittype: b.Besluittype, Zaak: b.Zaak, Datum: b.Datum, Toelichting: b.Toelichting, Bestuursorgaan: b.Bestuursorgaan,
		Ingangsdatum: b.Ingangsdatum, Vervaldatum: b.Vervaldatum, Vervalreden: b.Vervalreden, Publicatiedatum: b.Publicatiedatum,
		Verzenddatum: b.Verzenddatum, UiterlijkeReactiedatum: b.UiterlijkeReactiedatum}
}

// kenmerken are the notification kenmerken of the besluit (kanaal besluiten, besluiten.md §6),
// spelled as the kanaal's filters and Open Zaak spell them (verantwoordelijke_organisatie);
// the Notificaties register matches either spelling of a filter.
func (b *besluitOut) kenmerken() map[string]string {
	return map[string]string{"verantwoordelijke_organisatie": b.VerantwoordelijkeOrganisatie, "besluittype": b.Besluittype}
}

func (r *register) mountBesluit() {
	a := r.api
	a.Handle("GET /besluiten", zgw.Scopes(scopeLezen), r.besluitList)
	a.Handle("POST /besluiten", zgw.Scopes(scopeAanmaken), r.besluitCreate)
	// GET also answers HEAD (net/http routing), with the headers of GET and no body.
	a.Handle("GET /besluiten/{uuid}", zgw.Scopes(scopeLezen), r.besluitRetrieve)
	a.Handle("PUT /besluiten/{uuid}", zgw.Scopes(scopeBijwerken), r.besluitUpdate)
	a.Handle("PATCH /besluiten/{uuid}", zgw.Scopes(scopeBijwerken), r.besluitUpdate)
	a.Handle("DELETE /besluiten/{uuid}", zgw.Scopes(scopeVerwijderen), r.besluitDestroy)
}

const besluitColumns = `id, CAST(uuid AS TEXT), identificatie, verantwoordelijke_organisatie, besluittype, zaak, datum,
	ingangsdatum, vervaldatum, vervalreden, publicatiedatum, verzenddatum, uiterlijke_reactiedatum, toelichting, bestuursorgaan`

// besluitLoad loads the besluiten matching where, in id order.
func (r *register) besluitLoad(ctx context.Context, q db.Querier, where string, args ...any) ([]*besluitOut, error) {
	rows, err := q.Query(ctx, `SELECT `+besluitColumns+` FROM besluit WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("besluit: %w", err)
	}
	defer rows.Close()
	var out []*besluitOut
	for rows.Next() {
		b := &besluitOut{}
		var datum, ingang, verval, publicatie, verzend, reactie db.Date
		if err := rows.Scan(&b.id, &b.uuid, &b.Identificatie, &b.VerantwoordelijkeOrganisatie, &b.Besluittype, &b.Zaak,
			&datum, &ingang, &verval, &b.Vervalreden, &publicatie, &verzend, &reactie, &b.Toelichting, &b.Bestuursorgaan); err != nil {
			return nil, fmt.Errorf("besluit: %w", err)
		}
		b.uuid = strings.ToLower(b.uuid)
		b.URL = r.api.URL(collectionBesluit, b.uuid)
		b.Datum, b.Ingangsdatum = string(datum), string(ingang)
		b.Vervaldatum, b.Publicatiedatum, b.Verzenddatum, b.UiterlijkeReactiedatum = verval.Ptr(), publicatie.Ptr(), verzend.Ptr(), reactie.Ptr()
		b.VervalredenWeergave = vervalredenWeergave[b.Vervalreden]
		out = append(out, b)
	}
	return out, rows.Err()
}

// besluitByUUID loads one besluit (nil when there is none).
func (r *register) besluitByUUID(ctx context.Context, q db.Querier, id string) (*besluitOut, error) {
	out, err := r.besluitLoad(ctx, q, "uuid = $1", nullUUID(id))
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// besluitByPath loads the besluit of the path and answers 403 unless the client holds one of
// scopes on its besluittype.
func (r *register) besluitByPath(c *zgw.Call, scopes ...string) (*besluitOut, error) {
	id := pathUUID(c, "uuid")
	if id == "" {
		return nil, zgw.ErrNotFound()
	}
	b, err := r.besluitByUUID(c.Ctx(), r.db, id)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, zgw.ErrNotFound()
	}
	if !allows(c, b.Besluittype, scopes...) {
		return nil, zgw.ErrForbidden()
	}
	return b, nil
}

func (r *register) besluitList(c *zgw.Call) error {
	q := c.Query("identificatie", "verantwoordelijkeOrganisatie", "besluittype", "zaak", "page", "expand")
	var w db.Where
	if q.Has("identificatie") {
		w.And("identificatie = ?", q.String("identificatie"))
	}
	if q.Has("verantwoordelijkeOrganisatie") {
		w.And("verantwoordelijke_organisatie = ?", q.String("verantwoordelijkeOrganisatie"))
	}
	if u := q.URL("besluittype"); u != "" {
		w.And("besluittype = ?", u)
	}
	if u := q.URL("zaak"); u != "" {
		w.And("zaak = ?", u)
	}
	exp, err := expandParam(q, besluitExpandPaths)
	if err != nil {
		return err
	}
	authWhere(&w, c.Principal.Grants, "", scopeLezen)
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, "besluit", &w, "id", q.Page, zgw.PageSize)
	if err != nil {
		return err
	}
	var items []*besluitOut
	if len(p.IDs) > 0 {
		cond, arg := r.db.AnyID("id", "$1"), r.db.IDList(p.IDs)
		if items, err = r.besluitLoad(ctx, r.db, cond, arg); err != nil {
			return err
		}
		if err := r.expandBesluiten(c, newTypes(r), items, exp); err != nil {
			return err
		}
	}
	env, err := zgw.Paginate(c, q.Page, p.Count, items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, env)
}

func (r *register) besluitRetrieve(c *zgw.Call) error {
	return retrieve(c, r, besluitExpandPaths, r.besluitByPath, r.expandBesluiten)
}

// besluitCreate stores a besluit and mirrors its zaak relation in the Zaken register
// (brc-006); a relation the Zaken register does not take undoes the besluit (createMirrored).
func (r *register) besluitCreate(c *zgw.Call) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in besluitIn
	if _, err := c.Body("besluit_create", &in); err != nil {
		return err
	}
	if !allows(c, in.Besluittype, scopeAanmaken) {
		return zgw.ErrForbidden()
	}
	if err := r.validate(c, &in, nil); err != nil {
		return err
	}
	id := zgw.NewUUID()
	var out *besluitOut
	m := mirrored{url: r.api.URL(collectionBesluit, id), field: "zaak",
		reason: "De zaak kon niet aan het besluit gekoppeld worden (zaakbesluit).",
		insert: func(tx *db.Tx) error {
			if in.Identificatie == "" {
				nr, err := r.brc002Genereer(ctx, tx, in.VerantwoordelijkeOrganisatie, tx.Now.In(r.loc).Year())
				if err != nil {
					return err
				}
				in.Identificatie = nr
			} else if err := brc002Uniek(ctx, tx, in.VerantwoordelijkeOrganisatie, in.Identificatie, 0); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO besluit (uuid, identificatie, verantwoordelijke_organisatie, besluittype, zaak, datum,
			ingangsdatum, vervaldatum, vervalreden, publicatiedatum, verzenddatum, uiterlijke_reactiedatum, toelichting, bestuursorgaan)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				id, in.Identificatie, in.VerantwoordelijkeOrganisatie, in.Besluittype, in.Zaak, db.Date(in.Datum), db.Date(in.Ingangsdatum),
				dateArg(in.Vervaldatum), in.Vervalreden, dateArg(in.Publicatiedatum), dateArg(in.Verzenddatum), dateArg(in.UiterlijkeReactiedatum),
				in.Toelichting, in.Bestuursorgaan); err != nil {
				return fmt.Errorf("insert besluit: %w", err)
			}
			var err error
			if out, err = r.besluitByUUID(ctx, tx, id); err != nil {
				return err
			}
			return r.notify(c, tx, out, resourceBesluit, out.URL, "create", http.StatusCreated, nil, out)
		},
		undo: func() error { return r.besluitDelete(c, out) },
	}
	if in.Zaak != "" {
		m.koppel = func(ctx context.Context) error { return r.brc006Koppel(ctx, in.Zaak, m.url) }
	}
	if err := r.createMirrored(ctx, m); err != nil {
		return err
	}
	return c.Created(out.URL, out)
}

// besluitUpdate is PUT and PATCH. besluittype, identificatie and verantwoordelijkeOrganisatie
// are fixed (brc-001, brc-002). The zaak may change, as in Open Zaak: the zaakbesluit at the
// new zaak is made before the change is stored (so a refusal changes nothing), the one at the
// old zaak is removed after.
func (r *register) besluitUpdate(c *zgw.Call) error {
	ctx := c.Ctx()
	cur, err := forWrite(c, r.besluitByPath, scopeBijwerken)
	if err != nil {
		return err
	}
	seen, err := json.Marshal(cur) // the state the update is checked on
	if err != nil {
		return err
	}
	in := besluitIn{}
	if c.R.Method == http.MethodPatch {
		in = cur.in()
	}
	if _, err := c.Body("besluit_partial_update", &in); err != nil {
		return err
	}
	if in.Identificatie == "" {
		in.Identificatie = cur.Identificatie // PUT without identificatie keeps the generated one
	}
	if err := r.validate(c, &in, cur); err != nil {
		return err
	}
	moved := in.Zaak != cur.Zaak
	var nieuw string // the new zaakbesluit, undone when the change cannot be stored
	if moved && in.Zaak != "" {
		if nieuw, err = r.brc006KoppelURL(ctx, in.Zaak, cur.URL); err != nil {
			return mirrorFailed("zaak", "inconsistent-relation", "De nieuwe zaak kon niet aan het besluit gekoppeld worden (zaakbesluit).", err)
		}
	}
	var out *besluitOut
	err = r.db.Update(ctx, func(tx *db.Tx) error {
		// Another request's change since cur was read runs this one again on the new state.
		if err := tx.LockRow(ctx, "besluit", "id = $1", cur.id); err != nil {
			return err
		}
		now, err := r.besluitByUUID(ctx, tx, cur.uuid)
		if err != nil {
			return err
		}
		if now == nil {
			return zgw.ErrNotFound()
		}
		if b, err := json.Marshal(now); err != nil || !bytes.Equal(b, seen) {
			return zgw.ErrChanged
		}
		if _, err := tx.Exec(ctx, `UPDATE besluit SET zaak = $1, datum = $2, ingangsdatum = $3, vervaldatum = $4, vervalreden = $5,
			publicatiedatum = $6, verzenddatum = $7, uiterlijke_reactiedatum = $8, toelichting = $9, bestuursorgaan = $10 WHERE id = $11`,
			in.Zaak, db.Date(in.Datum), db.Date(in.Ingangsdatum), dateArg(in.Vervaldatum), in.Vervalreden, dateArg(in.Publicatiedatum),
			dateArg(in.Verzenddatum), dateArg(in.UiterlijkeReactiedatum), in.Toelichting, in.Bestuursorgaan, cur.id); err != nil {
			return fmt.Errorf("update besluit: %w", err)
		}
		b, err := r.besluitByUUID(ctx, tx, cur.uuid)
		if err != nil {
			return err
		}
		if b == nil {
			return zgw.ErrNotFound()
		}
		out = b
		return r.notify(c, tx, b, resourceBesluit, b.URL, actie(c), http.StatusOK, cur, b)
	})
	if err != nil {
		if nieuw != "" {
			if uerr := r.api.Refs.Send(ctx, http.MethodDelete, nieuw, nil, nil); uerr != nil {
				r.api.Log.Error("undo zaakbesluit", "url", nieuw, "err", uerr)
			}
		}
		return err
	}
	if moved && cur.Zaak != "" {
		if err := r.brc006Ontkoppel(ctx, cur.Zaak, cur.URL); err != nil {
			r.api.Log.Error("remove zaakbesluit of the previous zaak", "besluit", cur.URL, "zaak", cur.Zaak, "err", err)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// besluitDestroy deletes a besluit with its besluitinformatieobjecten and audit trail
// (brc-009), and the mirrors of its relations. The zaakbesluit (brc-006) goes first: as in
// Open Zaak, a zaakbesluit the Zaken register does not let go refuses the delete (400 zaak
// pending-relations) and nothing is deleted. The objectinformatieobjecten (brc-005) go after
// the besluit, because the Documenten register only lets one go once its relation is gone;
// one that cannot be removed is logged for beheer, as the besluit is gone by then.
func (r *register) besluitDestroy(c *zgw.Call) error {
	ctx := c.Ctx()
	cur, err := forWrite(c, r.besluitByPath, scopeVerwijderen)
	if err != nil {
		return err
	}
	bios, err := r.bioLoad(ctx, r.db, "b.besluit_id = $1", cur.id)
	if err != nil {
		return err
	}
	if cur.Zaak != "" {
		if err := r.brc006Ontkoppel(ctx, cur.Zaak, cur.URL); err != nil {
			return mirrorFailed("zaak", "pending-relations",
				"Het zaakbesluit kon niet uit de Zaken API verwijderd worden; het besluit is niet verwijderd.", err)
		}
	}
	if err := r.besluitDelete(c, cur); err != nil {
		// A besluit deleted meanwhile by another request keeps no zaakbesluit either.
		if cur.Zaak != "" && !errors.Is(err, zgw.ErrNotFound()) {
			if kerr := r.brc006Koppel(ctx, cur.Zaak, cur.URL); kerr != nil {
				r.api.Log.Error("restore zaakbesluit", "besluit", cur.URL, "zaak", cur.Zaak, "err", kerr)
			}
		}
		return err
	}
	for _, b := range bios {
		if err := r.brc005Ontkoppel(ctx, b.Informatieobject, b.Besluit); err != nil {
			r.api.Log.Error("remove objectinformatieobject", "besluit", b.Besluit, "informatieobject", b.Informatieobject, "err", err)
		}
	}
	return c.NoContent()
}

// besluitDelete deletes besluit cur. brc-009: its besluitinformatieobjecten go along
// (foreign key cascade), and its audit trail; the destroy notification is the last trace.
func (r *register) besluitDelete(c *zgw.Call, cur *besluitOut) error {
	ctx := c.Ctx()
	return r.db.Update(ctx, func(tx *db.Tx) error {
		if err := deleteRow(ctx, tx, "besluit", cur.id); err != nil {
			return err
		}
		if err := zgw.DeleteAuditTrail(ctx, tx, cur.URL); err != nil {
			return err
		}
		return r.notify(c, tx, cur, resourceBesluit, cur.URL, "destroy", http.StatusNoContent, cur, nil)
	})
}

// notify writes the notification of a change to besluit b or something of it, and its audit
// entry (not for the destroy of the besluit itself: its trail goes with it, brc-009).
func (r *register) notify(c *zgw.Call, tx *db.Tx, b *besluitOut, resource, resourceURL, actie string, status int, oud, nieuw any) error {
	ctx := c.Ctx()
	if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: kanaal, HoofdObject: b.URL, Resource: resource,
		ResourceURL: resourceURL, Actie: actie, Kenmerken: b.kenmerken()}); err != nil {
		return err
	}
	if actie == "destroy" && resource == resourceBesluit {
		return nil
	}
	return c.Audit(ctx, tx, zgw.AuditEntry{HoofdObject: b.URL, Resource: resource, ResourceURL: resourceURL,
		ResourceWeergave: b.Identificatie, Actie: actie, Resultaat: status, Oud: oud, Nieuw: nieuw})
}

// dateArg stores an optional date.
func dateArg(s *string) db.Date {
	if s == nil {
		return ""
	}
	return db.Date(*s)
}
