package autorisaties

import "github.com/meent/meent/internal/zgw"

// Mount adds the routes of the Autorisaties API to api.
func (r *Register) Mount(api *zgw.API) {
	r.api = api
}
