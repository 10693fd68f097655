// Package klantinteracties is the Klantinteracties API 0.9.0, as Open Klant 2 serves it.
package klantinteracties

import "github.com/meent/meent/internal/zgw"

// Mount adds the routes of the Klantinteracties API to api.
func Mount(api *zgw.API) {}
