package zaken

import (
	"context"

	"github.com/meent/meent/internal/zgw"
)

// Informatieobject is what the Zaken register reads of a Documenten informatieobject.
type Informatieobject struct {
	URL                         string `json:"url"`
	Informatieobjecttype        string `json:"informatieobjecttype"`
	Vertrouwelijkheidaanduiding string `json:"vertrouwelijkheidaanduiding"`
	// IndicatieGebruiksrecht is nil while it is not set (zrc-007).
	IndicatieGebruiksrecht *bool  `json:"indicatieGebruiksrecht"`
	Status                 string `json:"status"`
}

// ZaakInformatieObject is a zaak–informatieobject relation as the Documenten register
// mirrors it (objectinformatieobject with objectType zaak, zrc-005).
type ZaakInformatieObject struct {
	URL              string // the zaakinformatieobject
	Zaak             string // object of the mirror
	Informatieobject string
}

// Documenten is what the Zaken register asks of the Documenten register (zaakinformatie-
// objecten, zrc-003/005/007/017). The app wires it to the local register or to a client of a
// remote one; without wiring, DocumentenByURL is used.
type Documenten interface {
	// Informatieobject reads the informatieobject at u for the request field; a URL that
	// does not lead to one is a 400 on field (bad-url / invalid-resource).
	Informatieobject(ctx context.Context, field, u string) (*Informatieobject, error)
	// Mirror creates the objectinformatieobject of zio. It is called after the relation is
	// committed, because the Documenten register checks the relation back (drc-004).
	Mirror(ctx context.Context, zio ZaakInformatieObject) error
	// Unmirror deletes the objectinformatieobject of zio, after the relation is deleted.
	Unmirror(ctx context.Context, zio ZaakInformatieObject) error
}

// DocumentenByURL reads informatieobjecten through URL resolution (in process when they are
// on this server, remote under --allow-fetch) and does not mirror: until the Documenten
// register exists there is no objectinformatieobject to keep in step.
type DocumentenByURL struct{ Refs *zgw.Resolver }

// Informatieobject implements Documenten.
func (d DocumentenByURL) Informatieobject(ctx context.Context, field, u string) (*Informatieobject, error) {
	var io Informatieobject
	if err := d.Refs.Resource(ctx, field, u, &io, "informatieobjecttype", "vertrouwelijkheidaanduiding"); err != nil {
		return nil, err
	}
	if io.URL == "" {
		io.URL = u
	}
	return &io, nil
}

// Mirror implements Documenten; there is nothing to mirror into.
func (DocumentenByURL) Mirror(context.Context, ZaakInformatieObject) error { return nil }

// Unmirror implements Documenten; there is nothing to mirror into.
func (DocumentenByURL) Unmirror(context.Context, ZaakInformatieObject) error { return nil }
