package zaken

import (
	"github.com/meent/meent/internal/zgw"
)

func (r *register) mountAudittrail() {
	a := r.api
	a.Handle("GET /zaken/{zaak_uuid}/audittrail", zgw.Scopes(scopeAudittrails), func(c *zgw.Call) error { return r.audittrail(c, "") })
	a.Handle("GET /zaken/{zaak_uuid}/audittrail/{uuid}", zgw.Scopes(scopeAudittrails), func(c *zgw.Call) error {
		id := pathUUID(c, "uuid")
		if id == "" {
			return zgw.ErrNotFound()
		}
		return r.audittrail(c, id)
	})
}

// audittrail answers the trail of a zaak, or one entry of it, to a client holding
// audittrails.lezen on the zaak (zrc-006).
func (r *register) audittrail(c *zgw.Call, entry string) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	z, err := zaakRefBy(ctx, r.db, "uuid = $1", nullUUID(pathUUID(c, "zaak_uuid")))
	if err != nil {
		return err
	}
	if z == nil {
		return zgw.ErrNotFound()
	}
	if !z.allows(c, scopeAudittrails) {
		return zgw.ErrForbidden()
	}
	trail, err := zgw.AuditTrail(ctx, r.db, r.api.URL("zaken", z.uuid), entry)
	if err != nil {
		return err
	}
	if entry != "" {
		if len(trail) == 0 {
			return zgw.ErrNotFound()
		}
		return c.JSON(200, trail[0])
	}
	return c.JSON(200, trail)
}
