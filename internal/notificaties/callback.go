package notificaties

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/meent/meent/internal/zgw"
)

// testMessage is the dummy notification POSTed to a callback before an abonnement is
// accepted; the same message Open Notificaties sends, on kanaal "test", so that receivers
// written for it recognise it.
func testMessage(now time.Time) zgw.Notificatie {
	return zgw.Notificatie{
		Kanaal:       "test",
		HoofdObject:  "http://some.hoofdobject.nl/",
		Resource:     "some_resource",
		ResourceURL:  "http://some.resource.nl/",
		Actie:        "create",
		Aanmaakdatum: now.UTC().Truncate(time.Second),
		Kenmerken:    map[string]string{},
	}
}

// testCallback POSTs a test message to callback with auth as its Authorization header, the
// way notifications will be delivered (notificaties.md §2). Anything but a 2xx within
// CallbackTimeout, or no answer at all, is 400 invalid-callback-url. The URL comes from the
// client and is not limited to --allow-fetch: subscribing means Meent will POST there anyway.
func (r *Register) testCallback(ctx context.Context, callback, auth string) error {
	body, err := json.Marshal(testMessage(time.Now()))
	if err != nil {
		return err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, r.CallbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		return invalidCallback(err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	resp, err := r.client.Do(req)
	if err != nil {
		if parent.Err() != nil {
			return parent.Err() // the caller went away
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return invalidCallback(fmt.Sprintf("geen antwoord binnen %s", r.CallbackTimeout))
		}
		return invalidCallback("niet bereikbaar")
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return invalidCallback(fmt.Sprintf("antwoord %d", resp.StatusCode))
	}
	return nil
}

func invalidCallback(why string) error {
	return zgw.FieldError("nonFieldErrors", "invalid-callback-url",
		"De opgegeven callback URL kan geen notificaties ontvangen ("+why+").")
}
