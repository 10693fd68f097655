// Package catalogi is the Catalogi API 1.3.1 (ZTC): catalogussen and the versioned types that
// describe zaken, documenten and besluiten.
package catalogi

import (
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// register is the Catalogi register mounted on one API.
type register struct {
	api *zgw.API
	db  *db.DB
	// selectielijst is the root of the Referentielijsten API that selectielijst URLs must
	// point into (ztc-001, ztc-002).
	selectielijst string
}

// Mount adds the routes of the Catalogi API to api. selectielijst is the root of the
// Referentielijsten API whose procestypen and resultaten the types refer to.
func Mount(api *zgw.API, selectielijst string) {
	r := &register{api: api, db: api.DB, selectielijst: selectielijst}
	r.mountCatalogus()
	r.mountZaaktype()
	r.mountInformatieobjecttype()
	r.mountBesluittype()
	r.mountZaaktypeInformatieobjecttype()
	r.mountStatustype()
	r.mountRoltype()
	r.mountResultaattype()
	r.mountEigenschap()
	r.mountZaakobjecttype()
}
