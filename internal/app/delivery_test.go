package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
)

// receiver records the notifications POSTed to it.
type receiver struct {
	mu    sync.Mutex
	got   []map[string]any
	auths []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rc.mu.Lock()
	rc.got = append(rc.got, m)
	rc.auths = append(rc.auths, r.Header.Get("Authorization"))
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// find returns the first received notification about resourceURL, with its auth header.
func (rc *receiver) find(resourceURL string) (map[string]any, string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i, m := range rc.got {
		if m["resourceUrl"] == resourceURL {
			return m, rc.auths[i]
		}
	}
	return nil, ""
}

// A change in a register reaches a subscriber through the whole platform: the Catalogi write
// puts its notification in the outbox in its own transaction, and the app's delivery workers
// route it by kanaal and kenmerk filter and POST it with the abonnement's auth header.
func TestRegisterChangeIsDeliveredToSubscriber(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.App.StartDelivery()
		cat := e.Post(t, "/catalogi/api/v1/catalogussen", map[string]any{"domein": "DELIV", "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"})["url"].(string)
		wanted, other := &receiver{}, &receiver{}
		for _, s := range []struct {
			rc     *receiver
			kanaal string
		}{{wanted, "informatieobjecttypen"}, {other, "besluittypen"}} {
			srv := httptest.NewServer(s.rc)
			defer srv.Close()
			e.Post(t, "/notificaties/api/v1/abonnement", map[string]any{
				"callbackUrl": srv.URL + "/hook", "auth": "Bearer token-" + s.kanaal,
				"kanalen": []map[string]any{{"naam": s.kanaal, "filters": map[string]string{"catalogus": cat}}},
			})
		}
		iot := e.Post(t, "/catalogi/api/v1/informatieobjecttypen", map[string]any{"catalogus": cat, "omschrijving": "Brief",
			"vertrouwelijkheidaanduiding": "openbaar", "informatieobjectcategorie": "Brief", "beginGeldigheid": "2026-01-01"})["url"].(string)

		var msg map[string]any
		var auth string
		for deadline := time.Now().Add(10 * time.Second); msg == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			msg, auth = wanted.find(iot)
		}
		if msg == nil {
			t.Fatal("the informatieobjecttype's notification did not arrive within 10 s")
		}
		kenmerken, _ := msg["kenmerken"].(map[string]any)
		if msg["kanaal"] != "informatieobjecttypen" || msg["actie"] != "create" || msg["hoofdObject"] != iot || kenmerken["catalogus"] != cat {
			t.Errorf("notification = %v", msg)
		}
		if auth != "Bearer token-informatieobjecttypen" {
			t.Errorf("Authorization = %q", auth)
		}
		if m, _ := other.find(iot); m != nil {
			t.Errorf("a besluittypen subscriber received an informatieobjecttypen notification: %v", m)
		}
	})
}
