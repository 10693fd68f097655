package notificaties

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/zgw"
)

// Subscribe gives an in-process consumer (cache invalidation on kanaal autorisaties, say) an
// abonnement, so that it gets its notifications through the same durable delivery as every
// other subscriber. The consumer serves Webhook at callbackURL (usually below Meent's own
// public URL). Subscribe is idempotent and meant for start-up: the abonnement is found by its
// callbackURL and updated when auth or kanalen differ. The callback is not test-POSTed, since
// the server may not listen yet. It returns the abonnement's uuid.
func (r *Register) Subscribe(ctx context.Context, callbackURL, auth string, kanalen []FilterGroup) (string, error) {
	if r.api == nil {
		return "", fmt.Errorf("notificaties: Subscribe before Mount")
	}
	callbackURL = strings.TrimSpace(callbackURL)
	have, err := loadAbonnementen(ctx, r.db, "callback_url = $1", callbackURL)
	if err != nil {
		return "", err
	}
	a := &abonnement{UUID: zgw.NewUUID(), CallbackURL: callbackURL, Auth: auth, ClientID: "meent", Kanalen: kanalen}
	create := len(have) == 0
	if !create {
		h := have[0]
		if h.Auth == auth && sameGroups(h.Kanalen, kanalen) {
			return h.UUID, nil
		}
		a.ID, a.UUID, a.ClientID = h.ID, h.UUID, h.ClientID
	}
	if err := r.store(ctx, a, create, false); err != nil {
		return "", fmt.Errorf("subscribe %s: %w", callbackURL, err)
	}
	return a.UUID, nil
}

func sameGroups(a, b []FilterGroup) bool {
	return slices.EqualFunc(a, b, func(x, y FilterGroup) bool {
		return x.Naam == y.Naam && len(x.Filters) == len(y.Filters) && (len(x.Filters) == 0 || maps.Equal(x.Filters, y.Filters))
	})
}

// Webhook is the receiving end of a subscription (the consumer API of
// notificaties-consumer-1.0.0-rc1): it checks the Authorization header against auth (401 when
// missing, 403 when wrong), reads the message (400 when it is not one), and answers 204 when
// handle succeeds. An error from handle answers 500, so the delivery is retried. The test
// message on kanaal "test" that precedes a subscription is acknowledged without calling
// handle.
func Webhook(auth string, handle func(ctx context.Context, n zgw.Notificatie) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		got := req.Header.Get("Authorization")
		switch {
		case got == "":
			webhookError(w, http.StatusUnauthorized, "not_authenticated", "Authenticatiegegevens zijn niet opgegeven.", nil)
			return
		case subtle.ConstantTimeCompare([]byte(got), []byte(auth)) != 1:
			webhookError(w, http.StatusForbidden, "permission_denied", "U heeft geen toestemming om deze actie uit te voeren.", nil)
			return
		}
		var n zgw.Notificatie
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, zgw.MaxBody))
		if err == nil {
			err = json.Unmarshal(body, &n)
		}
		if err != nil || n.Kanaal == "" || n.HoofdObject == "" || n.Resource == "" || n.ResourceURL == "" || n.Actie == "" || n.Aanmaakdatum.IsZero() {
			webhookError(w, http.StatusBadRequest, "invalid", "Het bericht is geen notificatie.",
				[]zgw.InvalidParam{{Name: "nonFieldErrors", Code: "invalid", Reason: "kanaal, hoofdObject, resource, resourceUrl, actie en aanmaakdatum zijn vereist."}})
			return
		}
		if n.Kanaal != "test" {
			if err := handle(req.Context(), n); err != nil {
				webhookError(w, http.StatusInternalServerError, "error", "De notificatie kon niet verwerkt worden.", nil)
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// webhookError writes a Fout or ValidatieFout (params non-nil) as the consumer API describes.
func webhookError(w http.ResponseWriter, status int, code, detail string, params []zgw.InvalidParam) {
	body := map[string]any{"type": "", "code": code, "title": strings.TrimSpace(http.StatusText(status)), "status": status,
		"detail": detail, "instance": "urn:uuid:" + zgw.NewUUID()}
	if params != nil {
		body["invalidParams"] = params
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
