// Package referentielijsten serves the Referentielijsten API 0.6.0 (Selectielijst procestypen
// and resultaten, resultaattypeomschrijvingen, communicatiekanalen) from data embedded in the
// binary.
package referentielijsten

import "github.com/meent/meent/internal/zgw"

// Mount adds the routes of the Referentielijsten API to api.
func Mount(api *zgw.API) {}
