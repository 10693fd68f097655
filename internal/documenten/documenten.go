// Package documenten is the Documenten API 1.5.0 (DRC).
package documenten

import (
	"github.com/meent/meent/internal/blob"
	"github.com/meent/meent/internal/zgw"
)

// Options configure the register.
type Options struct {
	Blob    *blob.Store
	MaxSize int64 // largest content of one document, in bytes
}

// Mount adds the routes of the Documenten API to api.
func Mount(api *zgw.API, o Options) {}
