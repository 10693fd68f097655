package zaken

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

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
// remote one; without wiring, DocumentenAPI is used.
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

// DocumentenAPI talks to the Documenten register through its standard API: it reads
// informatieobjecten through URL resolution and keeps the objectinformatieobjecten in step
// (zrc-005) by writing them with Refs.Send, in process when the informatieobject is on this
// server and over HTTP under --allow-fetch. An informatieobject that may not be called has
// no mirror to keep.
type DocumentenAPI struct{ Refs *zgw.Resolver }

// Informatieobject implements Documenten.
func (d DocumentenAPI) Informatieobject(ctx context.Context, field, u string) (*Informatieobject, error) {
	var io Informatieobject
	if err := d.Refs.Resource(ctx, field, u, &io, "informatieobjecttype", "vertrouwelijkheidaanduiding"); err != nil {
		return nil, err
	}
	if io.URL == "" {
		io.URL = u
	}
	return &io, nil
}

// oioPath is the collection of the mirrors, next to the informatieobjecten.
const (
	eioPath = "/enkelvoudiginformatieobjecten/"
	oioPath = "/objectinformatieobjecten"
)

// documentenRoot is the root of the Documenten API that informatieobject u belongs to
// ("" when u is not an enkelvoudiginformatieobject URL or may not be called).
func (d DocumentenAPI) documentenRoot(u string) string {
	i := strings.LastIndex(u, eioPath)
	if i <= 0 || !zgw.IsURL(u) {
		return ""
	}
	r := d.Refs
	allowed := u == r.PublicURL || strings.HasPrefix(u, r.PublicURL+"/")
	for _, p := range r.Allow {
		allowed = allowed || strings.HasPrefix(u, p)
	}
	if !allowed {
		return ""
	}
	return u[:i]
}

// Mirror implements Documenten (zrc-005): POST the objectinformatieobject of the relation.
func (d DocumentenAPI) Mirror(ctx context.Context, zio ZaakInformatieObject) error {
	root := d.documentenRoot(zio.Informatieobject)
	if root == "" {
		return nil
	}
	return d.Refs.Send(ctx, http.MethodPost, root+oioPath, map[string]string{
		"informatieobject": zio.Informatieobject, "object": zio.Zaak, "objectType": "zaak"}, nil)
}

// Unmirror implements Documenten (zrc-005): find the objectinformatieobject of the relation
// and DELETE it. Not finding one is fine: there is nothing left to keep in step.
func (d DocumentenAPI) Unmirror(ctx context.Context, zio ZaakInformatieObject) error {
	root := d.documentenRoot(zio.Informatieobject)
	if root == "" {
		return nil
	}
	q := url.Values{"object": {zio.Zaak}, "informatieobject": {zio.Informatieobject}}
	var found []struct {
		URL string `json:"url"`
	}
	if err := d.Refs.Send(ctx, http.MethodGet, root+oioPath+"?"+q.Encode(), nil, &found); err != nil {
		return fmt.Errorf("find objectinformatieobject: %w", err)
	}
	for _, o := range found {
		if err := d.Refs.Send(ctx, http.MethodDelete, o.URL, nil, nil); err != nil {
			return fmt.Errorf("delete objectinformatieobject: %w", err)
		}
	}
	return nil
}
