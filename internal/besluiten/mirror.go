package besluiten

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The mirrors of the two relations a besluit leads (algemeen §14) are written through the
// other registers' standard APIs with api.Refs.Send: in process with Meent's system rights
// when the register runs here, over HTTP with Meent's own client credentials when it runs
// elsewhere. Both registers check the relation back on create, so the besluit side is
// committed before a mirror is made (createMirrored). The Documenten register also checks it
// on delete, so an objectinformatieobject is removed after its relation; a zaakbesluit is
// removed before its besluit (besluitDestroy).

// mirrored is the create of a row that another register mirrors: a besluit with a zaak
// (brc-006) or a besluitinformatieobject (brc-005).
type mirrored struct {
	url           string // of the row, for the log
	field, reason string // the 400 when the other register does not make the mirror
	// insert stores the row with its notification and audit entry, in one transaction.
	insert func(*db.Tx) error
	// undo deletes the row again and announces that, when the mirror is refused.
	undo func() error
	// koppel makes the mirror; nil: there is none.
	koppel func(context.Context) error
}

// createMirrored stores m and then makes its mirror: the other register checks the relation
// back, so the row must be committed first. The row's notification is written in the same
// transaction as the row (a crash can never leave a change unannounced); a refused mirror
// therefore undoes the row with a destroy notification after the create, and answers 400.
func (r *register) createMirrored(ctx context.Context, m mirrored) error {
	if err := r.db.Update(ctx, m.insert); err != nil || m.koppel == nil {
		return err
	}
	if err := m.koppel(ctx); err != nil {
		if uerr := m.undo(); uerr != nil {
			r.api.Log.Error("undo create", "url", m.url, "err", uerr)
		}
		return mirrorFailed(m.field, "inconsistent-relation", m.reason, err)
	}
	return nil
}

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
		return ignoreGone(err)
	}
	for _, zb := range list {
		if zb.Besluit == besluitURL {
			if err := r.api.Refs.Send(ctx, http.MethodDelete, zb.URL, nil, nil); err != nil {
				return ignoreGone(err)
			}
		}
	}
	return nil
}

// ignoreGone drops the error of a resource that is not there (404, 410): a zaak that was
// deleted took its zaakbesluiten along, so there is nothing left to remove.
func ignoreGone(err error) error {
	var se *zgw.SendError
	if errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusGone) {
		return nil
	}
	return err
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

// mirrorFailed is the 400 of a mirror the other register did not make or remove; the cause
// is logged, not shown.
func mirrorFailed(field, code, reason string, cause error) error {
	e := zgw.FieldError(field, code, reason)
	e.Err = cause
	return e
}
