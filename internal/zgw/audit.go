package zgw

import (
	"context"
	"encoding/json"
	"fmt"

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
