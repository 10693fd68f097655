// Package zaken is the Zaken API 1.5.1 (ZRC): zaken and what belongs to them (statussen,
// resultaten, rollen, ...), their audit trail and notifications.
package zaken

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Scopes of the Zaken API (component zrc), per zaaktype and up to a vertrouwelijkheid.
const (
	scopeLezen           = "zaken.lezen"
	scopeAanmaken        = "zaken.aanmaken"
	scopeBijwerken       = "zaken.bijwerken"
	scopeGeforceerd      = "zaken.geforceerd-bijwerken"
	scopeStatusToevoegen = "zaken.statussen.toevoegen"
	scopeHeropenen       = "zaken.heropenen"
	scopeVerwijderen     = "zaken.verwijderen"
	scopeAudittrails     = "audittrails.lezen"
	component            = "zrc"
	kanaal               = "zaken"
)

// Options configure the register.
type Options struct {
	// IdentificatiePrefix starts generated identificaties: PREFIX-YYYY-NNNNNNNNNN.
	IdentificatiePrefix string
	// Documenten answers the questions about informatieobjecten and keeps the
	// objectinformatieobjecten in step (zrc-005); default DocumentenAPI.
	Documenten Documenten
}

// register is the Zaken register mounted on one API.
type register struct {
	api *zgw.API
	db  *db.DB
	// loc is the municipality's time zone: "today" (registratiedatum) is a date there.
	loc    *time.Location
	prefix string
	docs   Documenten
}

// Mount adds the routes of the Zaken API to api with the default options.
func Mount(api *zgw.API) { MountWith(api, Options{}) }

// MountWith adds the routes of the Zaken API to api.
func MountWith(api *zgw.API, o Options) {
	r := &register{api: api, db: api.DB, loc: time.Local, prefix: o.IdentificatiePrefix, docs: o.Documenten}
	if r.docs == nil {
		r.docs = DocumentenAPI{Refs: api.Refs}
	}
	if r.prefix == "" {
		r.prefix = "ZAAK"
	}
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		r.loc = loc
	}
	r.mountZaak()
	r.mountAudittrail()
	r.mountStatus()
	r.mountResultaat()
	r.mountRol()
	r.mountZaakobject()
	r.mountZaakeigenschap()
	r.mountZaakinformatieobject()
	r.mountZaakcontactmoment()
	r.mountZaakverzoek()
	r.mountKlantcontact()
	r.mountZaakbesluit()
}

// today is the current date in the municipality.
func (r *register) today(now time.Time) string { return now.In(r.loc).Format(time.DateOnly) }

// authWhere adds the autorisatie predicate (zrc-006) for scopes to w; col prefixes the zaak
// columns ("" or "z.").
func authWhere(w *db.Where, g *zgw.Grants, col string, scopes ...string) {
	if cond, args, all := authCond(g, col, scopes...); !all {
		w.And(cond, args...)
	}
}

// authCond is the autorisatie predicate (zrc-006, zgw.Grants.TypeCond) on the zaak columns;
// col prefixes them ("" or "z.").
func authCond(g *zgw.Grants, col string, scopes ...string) (cond string, args []any, all bool) {
	return g.TypeCond(component, col+"zaaktype", col+"vertrouwelijkheid", scopes...)
}

// authSub adds to w, for a sub-resource table with a zaak_id column, that its zaak is
// readable by the client.
func authSub(w *db.Where, g *zgw.Grants) {
	if cond, args, all := authCond(g, "z.", scopeLezen); !all {
		w.And("zaak_id IN (SELECT z.id FROM zaak z WHERE "+cond+")", args...)
	}
}

// crs applies the geo headers of the zaak endpoints (algemeen §11): Accept-Crs is required
// on reads and writes, Content-Crs on requests with a body; only EPSG:4326 is supported.
func crs(c *zgw.Call, body bool) error {
	check := func(h string, required bool) error {
		v := c.R.Header.Get(h)
		switch {
		case v == "" && required:
			return &zgw.Error{Kind: zgw.PreconditionFailed, Code: "precondition_failed", Detail: "'" + h + "' header ontbreekt"}
		case v != "" && v != "EPSG:4326":
			return &zgw.Error{Kind: zgw.NotAcceptable, Code: "not_acceptable", Detail: "CRS '" + v + "' is niet ondersteund"}
		}
		return nil
	}
	if err := check("Accept-Crs", c.R.Method != http.MethodDelete); err != nil {
		return err
	}
	if err := check("Content-Crs", body); err != nil {
		return err
	}
	c.W.Header().Set("Content-Crs", "EPSG:4326")
	return nil
}

// pathUUID is the path value name when it is a UUID, else "" (a 404).
func pathUUID(c *zgw.Call, name string) string {
	id := strings.ToLower(c.R.PathValue(name))
	if !zgw.ValidUUID(id) {
		return ""
	}
	return id
}

// types resolves catalogue types (zaaktype, statustype, ...) by URL once per request.
type types struct{ *zgw.Memo }

func newTypes(r *register) *types { return &types{r.api.Refs.Memo()} }

// zaaktype is what the Zaken register reads of a Catalogi zaaktype.
type zaaktype struct {
	URL                         string   `json:"url"`
	Concept                     bool     `json:"concept"`
	Vertrouwelijkheidaanduiding string   `json:"vertrouwelijkheidaanduiding"`
	ProductenOfDiensten         []string `json:"productenOfDiensten"`
	Statustypen                 []string `json:"statustypen"`
	Roltypen                    []string `json:"roltypen"`
	Resultaattypen              []string `json:"resultaattypen"`
	Eigenschappen               []string `json:"eigenschappen"`
	Catalogus                   string   `json:"catalogus"`
}

// zaaktype resolves a zaaktype URL (zrc-001): it must lead to a zaaktype.
func (t *types) zaaktype(ctx context.Context, field, u string) (*zaaktype, error) {
	var zt zaaktype
	if err := t.Get(ctx, field, u, &zt, "identificatie", "catalogus", "statustypen", "roltypen", "resultaattypen", "vertrouwelijkheidaanduiding"); err != nil {
		return nil, err
	}
	if zt.URL == "" {
		zt.URL = u
	}
	return &zt, nil
}

// zaakRef is the authorisation-relevant state of a zaak that a sub-resource belongs to.
type zaakRef struct {
	id                int64
	uuid              string
	zaaktype          string
	vertrouwelijkheid int
	einddatum         db.Date
	bronorganisatie   string
	identificatie     string
}

func (z *zaakRef) closed() bool { return z.einddatum != "" }

// kenmerken are the notification kenmerken of the zaak (kanaal zaken).
func (z *zaakRef) kenmerken() map[string]string {
	return map[string]string{
		"bronorganisatie":             z.bronorganisatie,
		"zaaktype":                    z.zaaktype,
		"vertrouwelijkheidaanduiding": zgw.Vertrouwelijkheden()[z.vertrouwelijkheid],
	}
}

// allows reports whether the client holds one of scopes on the zaak (zrc-006).
func (z *zaakRef) allows(c *zgw.Call, scopes ...string) bool {
	return c.Principal.Grants.Allows(component, z.zaaktype, zgw.Vertrouwelijkheden()[z.vertrouwelijkheid], scopes...)
}

// writeScopes are the scopes that allow changing what belongs to the zaak: zaken.bijwerken
// while it is open, zaken.geforceerd-bijwerken once it is closed (zrc-007).
func (z *zaakRef) writeScopes() []string {
	if z.closed() {
		return []string{scopeGeforceerd}
	}
	return []string{scopeBijwerken, scopeGeforceerd}
}

// zaakRefBy loads the zaak with uuid id (nil when there is none).
func zaakRefBy(ctx context.Context, q db.Querier, where string, arg any) (*zaakRef, error) {
	z := &zaakRef{}
	err := q.QueryRow(ctx, `SELECT id, CAST(uuid AS TEXT), zaaktype, vertrouwelijkheid, einddatum, bronorganisatie, identificatie
		FROM zaak WHERE `+where, arg).Scan(&z.id, &z.uuid, &z.zaaktype, &z.vertrouwelijkheid, &z.einddatum, &z.bronorganisatie, &z.identificatie)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("zaak: %w", err)
	}
	z.uuid = strings.ToLower(z.uuid)
	return z, nil
}

// zaakByURL resolves the zaak field of a sub-resource: it must be a zaak of this API
// (bad-url otherwise). q is a transaction when the zaak is about to change.
func (r *register) zaakByURL(ctx context.Context, q db.Querier, field, u string) (*zaakRef, error) {
	id, ok := r.api.ParseURL(u, "zaken")
	if !ok {
		return nil, zgw.FieldError(field, "bad-url", "De URL "+u+" is geen zaak van deze Zaken API.")
	}
	z, err := zaakRefBy(ctx, q, "uuid = $1", id)
	if err != nil {
		return nil, err
	}
	if z == nil {
		return nil, zgw.FieldError(field, "bad-url", "De URL "+u+" resulteert niet in een 200-antwoord.")
	}
	return z, nil
}

// notify writes the notification of a change to something of zaak z, and its audit entry.
func (r *register) notify(c *zgw.Call, tx *db.Tx, z *zaakRef, resource, resourceURL, actie, weergave string, status int, oud, nieuw any) error {
	ctx := c.Ctx()
	zaakURL := r.api.URL("zaken", z.uuid)
	if err := zgw.Notify(ctx, tx, zgw.Notificatie{Kanaal: kanaal, HoofdObject: zaakURL, Resource: resource,
		ResourceURL: resourceURL, Actie: actie, Kenmerken: z.kenmerken()}); err != nil {
		return err
	}
	if actie == "destroy" && resource == "zaak" {
		return nil // zrc-023: the trail goes with the zaak
	}
	return c.Audit(ctx, tx, zgw.AuditEntry{HoofdObject: zaakURL, Resource: resource, ResourceURL: resourceURL,
		ResourceWeergave: weergave, Actie: actie, Resultaat: status, Oud: oud, Nieuw: nieuw})
}

// actie is the notification/audit action of an update request.
func actie(c *zgw.Call) string {
	if c.R.Method == http.MethodPatch {
		return "partial_update"
	}
	return "update"
}

// nonNil renders an absent list as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// mergeInvalid adds the params of a 400 to errs and returns any other error.
func mergeInvalid(errs *zgw.Errs, err error) error {
	if err == nil {
		return nil
	}
	var e *zgw.Error
	if errors.As(err, &e) && e.Kind == zgw.Invalid {
		errs.Params = append(errs.Params, e.InvalidParams...)
		return nil
	}
	return err
}

// createScopes are the scopes that allow adding a zaakobject or zaakinformatieobject: the
// OAS also accepts zaken.aanmaken there, while the zaak is open (zrc-007).
func (z *zaakRef) createScopes() []string {
	if z.closed() {
		return []string{scopeGeforceerd}
	}
	return []string{scopeAanmaken, scopeBijwerken, scopeGeforceerd}
}

// deleteScopes are the scopes that allow deleting a zaakobject or zaakinformatieobject: the
// OAS also accepts zaken.verwijderen there, while the zaak is open (zrc-007).
func (z *zaakRef) deleteScopes() []string {
	if z.closed() {
		return []string{scopeGeforceerd}
	}
	return []string{scopeBijwerken, scopeGeforceerd, scopeVerwijderen}
}

// zaakFor resolves the zaak URL in field of a new sub-resource and answers 403 unless the
// client holds one of scopes(zaak) on it (zrc-006, zrc-007).
func (r *register) zaakFor(c *zgw.Call, field, u string, scopes func(*zaakRef) []string) (*zaakRef, error) {
	z, err := r.zaakByURL(c.Ctx(), r.db, field, u)
	if err != nil {
		return nil, err
	}
	if !z.allows(c, scopes(z)...) {
		return nil, zgw.ErrForbidden()
	}
	return z, nil
}

// zaakOf loads the zaak that where (one argument) selects, of a stored sub-resource or a
// nested path: 404 when there is none, 403 unless the client holds one of scopes(zaak) on it.
func (r *register) zaakOf(c *zgw.Call, where string, arg any, scopes func(*zaakRef) []string) (*zaakRef, error) {
	z, err := zaakRefBy(c.Ctx(), r.db, where, arg)
	if err != nil {
		return nil, err
	}
	if z == nil {
		return nil, zgw.ErrNotFound()
	}
	if !z.allows(c, scopes(z)...) {
		return nil, zgw.ErrForbidden()
	}
	return z, nil
}

// readScopes and (*zaakRef).writeScopes as the scopes argument of zaakFor and zaakOf.
func readScopes(*zaakRef) []string { return []string{scopeLezen} }
