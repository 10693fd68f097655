// Package klantinteracties is the Klantinteracties API 0.9.0, as Open Klant 2 serves it.
//
// Every resource is described once (resource in resource.go: its table, references,
// read-only back lists, indexed columns and filters) and served by one set of generic
// handlers (handlers.go); a resource file adds only its own rules and computed fields.
package klantinteracties

import (
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// register serves the API.
type register struct {
	api *zgw.API
	db  *db.DB
	res map[string]*resource // by collection name
	all []*resource
}

// Mount adds the routes of the Klantinteracties API to api.
func Mount(api *zgw.API) {
	r := &register{api: api, db: api.DB, res: map[string]*resource{}}
	r.all = []*resource{
		partijResource(), partijIdentificatorResource(), digitaalAdresResource(), klantcontactResource(),
		betrokkeneResource(), onderwerpobjectResource(), bijlageResource(), actorResource(),
		actorKlantcontactResource(), interneTaakResource(), rekeningnummerResource(),
		vertegenwoordigingResource(), categorieResource(), categorieRelatieResource(),
	}
	for _, s := range r.all {
		r.res[s.coll] = s
	}
	for _, s := range r.all {
		r.mountResource(s)
	}
	api.Handle("POST /maak-klantcontact", zgw.Access{}, guard(r.maakKlantcontact))
}

// guard admits a caller with an API token (Open Klant's "Authorization: Token", which gives
// full access) or a ZGW JWT of an applicatie with heeftAlleAutorisaties (klantinteracties.md
// §1): the API has no scopes, so anything less would be a partial access it cannot express.
func guard(h zgw.HandlerFunc) zgw.HandlerFunc {
	return func(c *zgw.Call) error {
		if !allowed(c.Principal) {
			return zgw.ErrForbidden()
		}
		return h(c)
	}
}

func allowed(p *zgw.Principal) bool {
	return p != nil && (p.Token || (p.Grants != nil && p.Grants.All))
}
