// Package objecten is the Objecttypen API 2.2.2 and the Objecten API 2.7.0, as Open Object
// serves them.
package objecten

import "github.com/meent/meent/internal/zgw"

// MountObjecttypen adds the routes of the Objecttypen API to api.
func MountObjecttypen(api *zgw.API) {}

// MountObjecten adds the routes of the Objecten API to api.
func MountObjecten(api *zgw.API) {}
