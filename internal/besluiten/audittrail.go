package besluiten

import (
	"net/http"

	"github.com/meent/meent/internal/zgw"
)

func (r *register) mountAudittrail() {
	a := r.api
	a.Handle("GET /besluiten/{besluit_uuid}/audittrail", zgw.Scopes(scopeAudittrails), func(c *zgw.Call) error { return r.audittrail(c, "") })
	a.Handle("GET /besluiten/{besluit_uuid}/audittrail/{uuid}", zgw.Scopes(scopeAudittrails), func(c *zgw.Call) error {
		id := pathUUID(c, "uuid")
		if id == "" {
			return zgw.ErrNotFound()
		}
		return r.audittrail(c, id)
	})
}

// audittrail answers the trail of a besluit, or one entry of it, to a client holding
// audittrails.lezen on its besluittype.
func (r *register) audittrail(c *zgw.Call, entry string) error {
	ctx := c.Ctx()
	if err := c.Query().Err(); err != nil {
		return err
	}
	b, err := r.besluitByUUID(ctx, r.db, pathUUID(c, "besluit_uuid"))
	if err != nil {
		return err
	}
	if b == nil {
		// The OAS has no 404 for the list: the trail of a besluit that does not exist (any
		// more, brc-009) is empty.
		if entry == "" {
			return c.JSON(http.StatusOK, []zgw.AuditRegel{})
		}
		return zgw.ErrNotFound()
	}
	if !allows(c, b.Besluittype, scopeAudittrails) {
		return zgw.ErrForbidden()
	}
	trail, err := zgw.AuditTrail(ctx, r.db, b.URL, entry)
	if err != nil {
		return err
	}
	if entry != "" {
		if len(trail) == 0 {
			return zgw.ErrNotFound()
		}
		return c.JSON(http.StatusOK, trail[0])
	}
	return c.JSON(http.StatusOK, trail)
}
