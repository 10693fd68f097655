package zgw

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meent/meent/internal/db"
)

// AuditEntry is one write on a main object or on one of its related objects (algemeen §12).
type AuditEntry struct {
	HoofdObject      string
	Resource         string
	ResourceURL      string
	ResourceWeergave string
	Actie            string // create, update, partial_update, destroy
	Resultaat        int    // HTTP status of the operation
	Oud, Nieuw       any    // full representations before and after; nil on create/destroy
}

// Audit writes e to the audit trail inside tx, with the caller's applicatie and user taken
// from the token and the toelichting from the X-Audit-Toelichting header.
func (c *Call) Audit(ctx context.Context, tx *db.Tx, e AuditEntry) error {
	oud, err := json.Marshal(e.Oud)
	if err != nil {
		return err
	}
	nieuw, err := json.Marshal(e.Nieuw)
	if err != nil {
		return err
	}
	p := c.Principal
	var label string
	if p.Grants != nil {
		label = p.Grants.Label
	}
	_, err = tx.Exec(ctx, `INSERT INTO audittrail (uuid, bron, applicatie_id, applicatie_weergave, gebruikers_id,
		gebruikers_weergave, actie, resultaat, hoofd_object, resource, resource_url, resource_weergave, toelichting,
		aanmaakdatum, oud, nieuw) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		NewUUID(), c.API.Component, p.ClientID, label, p.UserID, p.UserRepresentation, e.Actie, e.Resultaat,
		e.HoofdObject, e.Resource, e.ResourceURL, e.ResourceWeergave, c.R.Header.Get("X-Audit-Toelichting"),
		tx.Now, string(oud), string(nieuw))
	if err != nil {
		return fmt.Errorf("audittrail: %w", err)
	}
	return nil
}

// AuditRegel is one entry of an audit trail as the APIs render it.
type AuditRegel struct {
	UUID               string      `json:"uuid"`
	Bron               string      `json:"bron"`
	ApplicatieID       string      `json:"applicatieId"`
	ApplicatieWeergave string      `json:"applicatieWeergave"`
	GebruikersID       string      `json:"gebruikersId"`
	GebruikersWeergave string      `json:"gebruikersWeergave"`
	Actie              string      `json:"actie"`
	ActieWeergave      string      `json:"actieWeergave"`
	Resultaat          int         `json:"resultaat"`
	HoofdObject        string      `json:"hoofdObject"`
	Resource           string      `json:"resource"`
	ResourceURL        string      `json:"resourceUrl"`
	Toelichting        string      `json:"toelichting"`
	ResourceWeergave   string      `json:"resourceWeergave"`
	Aanmaakdatum       time.Time   `json:"aanmaakdatum"`
	Wijzigingen        Wijzigingen `json:"wijzigingen"`
}

// Wijzigingen holds the representations before and after a write.
type Wijzigingen struct {
	Oud   json.RawMessage `json:"oud"`
	Nieuw json.RawMessage `json:"nieuw"`
}

var actieWeergave = map[string]string{
	"create": "Object aangemaakt", "list": "Lijst van objecten opgehaald", "retrieve": "Object opgehaald",
	"destroy": "Object verwijderd", "update": "Object bijgewerkt", "partial_update": "Object deels bijgewerkt",
}

// AuditTrail returns the trail of one main object, oldest first; uuid selects one entry ("" for
// all). The caller has already checked that the client may read the main object.
func AuditTrail(ctx context.Context, q db.Querier, hoofdObject, uuid string) ([]AuditRegel, error) {
	query := `SELECT uuid, bron, applicatie_id, applicatie_weergave, gebruikers_id, gebruikers_weergave, actie,
		resultaat, hoofd_object, resource, resource_url, resource_weergave, toelichting, aanmaakdatum, oud, nieuw
		FROM audittrail WHERE hoofd_object = $1`
	args := []any{hoofdObject}
	if uuid != "" {
		query += ` AND uuid = $2`
		args = append(args, uuid)
	}
	rows, err := q.Query(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("audittrail: %w", err)
	}
	defer rows.Close()
	out := []AuditRegel{}
	for rows.Next() {
		var r AuditRegel
		var oud, nieuw string
		if err := rows.Scan(&r.UUID, &r.Bron, &r.ApplicatieID, &r.ApplicatieWeergave, &r.GebruikersID, &r.GebruikersWeergave,
			&r.Actie, &r.Resultaat, &r.HoofdObject, &r.Resource, &r.ResourceURL, &r.ResourceWeergave, &r.Toelichting,
			&r.Aanmaakdatum, &oud, &nieuw); err != nil {
			return nil, err
		}
		r.ActieWeergave = actieWeergave[r.Actie]
		r.Wijzigingen = Wijzigingen{Oud: json.RawMessage(oud), Nieuw: json.RawMessage(nieuw)}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteAuditTrail removes the trail of a main object that is deleted (zrc-023, drc-008,
// brc-009: no trail outlives its object).
func DeleteAuditTrail(ctx context.Context, tx *db.Tx, hoofdObject string) error {
	_, err := tx.Exec(ctx, `DELETE FROM audittrail WHERE hoofd_object = $1`, hoofdObject)
	return err
}
