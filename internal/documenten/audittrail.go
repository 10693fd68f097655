package documenten

import (
	"net/http"

	"github.com/meent/meent/internal/zgw"
)

func (r *register) mountAudittrail() {
	a := r.api
	a.Handle("GET /enkelvoudiginformatieobjecten/{enkelvoudiginformatieobject_uuid}/audittrail", zgw.Scopes(scopeAudittrails),
		func(c *zgw.Call) error { return r.audittrail(c, "") })
	a.Handle("GET /enkelvoudiginformatieobjecten/{enkelvoudiginformatieobject_uuid}/audittrail/{uuid}", zgw.Scopes(scopeAudittrails),
		func(c *zgw.Call) error {
			id := pathUUID(c, "uuid")
			if id == "" {
				return zgw.ErrNotFound()
			}
			return r.audittrail(c, id)
		})
}

// audittrail answers the trail of a document, or one entry of it, to a client holding
// audittrails.lezen on the document's type.
func (r *register) audittrail(c *zgw.Call, entry string) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	d, err := r.docOf(c, r.db, pathUUID(c, "enkelvoudiginformatieobject_uuid"), false, scopeAudittrails)
	if err != nil {
		return err
	}
	trail, err := zgw.AuditTrail(c.Ctx(), r.db, r.api.URL(collectionEIO, d.uuid), entry)
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
