// Package besluiten is the Besluiten API 1.1.0 (BRC).
package besluiten

import "github.com/meent/meent/internal/zgw"

// Mount adds the routes of the Besluiten API to api.
func Mount(api *zgw.API) {}
