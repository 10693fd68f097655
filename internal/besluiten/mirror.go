package besluiten

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/meent/meent/internal/zgw"
)

// The mirrors of the two relations a besluit leads (algemeen §14) are written through the
// other registers' standard APIs with api.Refs.Send: in process with Meent's system rights
// when the register runs here, over HTTP with Meent's own client credentials when it runs
// elsewhere. Both registers check the relation back, so the besluit side is always committed
// before a mirror is made and deleted before a mirror is removed.

// brc006Koppel creates the zaakbesluit of besluit at zaak (brc-006).
func (r *register) brc006Koppel(ctx context.Context, zaakURL, besluitURL string) error {
	_, err := r.brc006KoppelURL(ctx, zaakURL, besluitURL)
	return err
}

// brc006KoppelURL creates the zaakbesluit and returns its URL.
func (r *register) brc006KoppelURL(ctx context.Context, zaakURL, besluitURL string) (string, error) {
	var out struct {
		URL string `json:"url"`
	}
	if err := r.api.Refs.Send(ctx, http.MethodPost, zaakURL+"/besluiten", map[string]string{"besluit": besluitURL}, &out); err != nil {
		return "", err
	}
	return out.URL, nil
}

// brc006Ontkoppel removes the zaakbesluit of besluit at zaak, if there is one (brc-006).
func (r *register) brc006Ontkoppel(ctx context.Context, zaakURL, besluitURL string) error {
	var list []struct {
		URL     string `json:"url"`
		Besluit string `json:"besluit"`
	}
	if err := r.api.Refs.Send(ctx, http.MethodGet, zaakURL+"/besluiten", nil, &list); err != nil {
		return err
	}
	for _, zb := range list {
		if zb.Besluit == besluitURL {
			if err := r.api.Refs.Send(ctx, http.MethodDelete, zb.URL, nil, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// documentenBase is the root of the Documenten API an informatieobject URL belongs to: the
// URL up to /enkelvoudiginformatieobjecten/<uuid>.
func documentenBase(informatieobject string) (string, error) {
	i := strings.LastIndex(informatieobject, "/enkelvoudiginformatieobjecten/")
	if i < 0 {
		return "", fmt.Errorf("%s is not an enkelvoudiginformatieobject URL", informatieobject)
	}
	return informatieobject[:i], nil
}

// brc005Koppel creates the objectinformatieobject (objectType besluit) of a
// besluitinformatieobject in the Documenten register (brc-005).
func (r *register) brc005Koppel(ctx context.Context, informatieobject, besluitURL string) error {
	base, err := documentenBase(informatieobject)
	if err != nil {
		return err
	}
	return r.api.Refs.Send(ctx, http.MethodPost, base+"/objectinformatieobjecten",
		map[string]string{"informatieobject": informatieobject, "object": besluitURL, "objectType": "besluit"}, nil)
}

// brc005Ontkoppel removes the objectinformatieobject of a besluitinformatieobject (brc-005).
func (r *register) brc005Ontkoppel(ctx context.Context, informatieobject, besluitURL string) error {
	base, err := documentenBase(informatieobject)
	if err != nil {
		return err
	}
	q := url.Values{"object": {besluitURL}, "informatieobject": {informatieobject}}
	var list []struct {
		URL string `json:"url"`
	}
	if err := r.api.Refs.Send(ctx, http.MethodGet, base+"/objectinformatieobjecten?"+q.Encode(), nil, &list); err != nil {
		return err
	}
	for _, oio := range list {
		if err := r.api.Refs.Send(ctx, http.MethodDelete, oio.URL, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// mirrorFailed is the 400 of a relation the other register did not take; the cause is
// logged, not shown.
func mirrorFailed(field, reason string, cause error) error {
	e := zgw.FieldError(field, "inconsistent-relation", reason)
	e.Err = cause
	return e
}
