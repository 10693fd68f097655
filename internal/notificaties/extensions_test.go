package notificaties_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/notificaties"
)

type deliveryJSON struct {
	ID          string         `json:"id"`
	Abonnement  string         `json:"abonnement"`
	Notificatie map[string]any `json:"notificatie"`
	State       string         `json:"state"`
	Attempts    int            `json:"attempts"`
	NextAttempt *time.Time     `json:"nextAttempt"`
	DeliveredAt *time.Time     `json:"deliveredAt"`
	LastStatus  *int           `json:"lastStatus"`
	LastError   string         `json:"lastError"`
	Log         []attemptJSON  `json:"log"`
}

type attemptJSON struct {
	At     time.Time `json:"at"`
	Status *int      `json:"status"`
	Error  string    `json:"error"`
}

type deliveryPage struct {
	Count   int            `json:"count"`
	Results []deliveryJSON `json:"results"`
}

// deliveries lists the deliveries of abonnement a (URL) in state ("" for all).
func (n *nrc) deliveries(t *testing.T, a abonnementJSON, state string) deliveryPage {
	t.Helper()
	q := ""
	if state != "" {
		q = "?state=" + state
	}
	r := n.get(t, "/x-meent"+n.path(a.URL)+"/deliveries"+q, n.consumer)
	wantStatus(t, r, http.StatusOK)
	var p deliveryPage
	r.Decode(t, &p)
	return p
}

// subscribeAndPublish makes an abonnement on zaken for rc and publishes one message on it.
func (n *nrc) subscribeAndPublish(t *testing.T, rc *receiver) abonnementJSON {
	t.Helper()
	a := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("zaken", map[string]string{"bronorganisatie": "123456782"})))
	wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", map[string]string{"bronorganisatie": "123456782"})), http.StatusOK)
	return a
}

func TestDeliveryLog(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		n.deliver(t)
		rc := newReceiver(t, http.StatusNoContent)
		a := n.subscribeAndPublish(t, rc)
		eventually(t, "the delivery", func() bool { return len(rc.received()) == 2 }) // test message + this one
		got := rc.received()[1]
		if got.auth != "Bearer geheim-abc" || got.body.Kanaal != "zaken" || got.body.Resource != "status" {
			t.Errorf("received %+v", got)
		}

		var p deliveryPage
		eventually(t, "the delivery log", func() bool {
			p = n.deliveries(t, a, "delivered")
			return p.Count == 1
		})
		d := p.Results[0]
		if d.Abonnement != a.URL || d.Attempts != 1 || d.DeliveredAt == nil || d.NextAttempt != nil || d.LastStatus == nil || *d.LastStatus != 204 ||
			len(d.Log) != 1 || d.Log[0].Status == nil || *d.Log[0].Status != 204 || d.Notificatie["kanaal"] != "zaken" {
			t.Errorf("delivery %+v", d)
		}
		if p := n.deliveries(t, a, "pending"); p.Count != 0 {
			t.Errorf("pending %+v", p)
		}
		if p := n.deliveries(t, a, ""); p.Count != 1 {
			t.Errorf("all %+v", p)
		}
		apptest.WantInvalid(t, n.bad(t, http.MethodGet, "/x-meent"+n.path(a.URL)+"/deliveries?state=kwijt", n.consumer, nil), "state", "invalid_choice")
		apptest.WantInvalid(t, n.bad(t, http.MethodGet, "/x-meent"+n.path(a.URL)+"/deliveries?kanaal=zaken", n.consumer, nil), "nonFieldErrors", "unknown-parameters")
	})
}

func TestDeadLetterReplay(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		n.deliver(t)
		rc := newReceiver(t, http.StatusNoContent)
		a := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("zaken", nil)))
		rc.setStatus(http.StatusServiceUnavailable)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", nil)), http.StatusOK)

		var dead deliveryPage
		eventually(t, "a dead letter", func() bool {
			dead = n.deliveries(t, a, "dead")
			return dead.Count == 1
		})
		d := dead.Results[0]
		if d.Attempts < 1 || d.LastStatus == nil || *d.LastStatus != http.StatusServiceUnavailable || len(d.Log) != d.Attempts || d.DeliveredAt != nil {
			t.Errorf("dead letter %+v", d)
		}

		replay := func(path string) *apptest.Resp {
			return n.do(t, apptest.Req{Method: http.MethodPost, URL: "/x-meent" + n.path(a.URL) + path, Token: n.consumer})
		}
		wantStatus(t, replay("/deliveries/3fa85f64-5717-4562-b3fc-2c963f66afa6/replay"), http.StatusNotFound)
		wantStatus(t, replay("/deliveries/geen-uuid/replay"), http.StatusNotFound)
		rc.setStatus(http.StatusOK)
		r := replay("/deliveries/" + d.ID + "/replay")
		wantStatus(t, r, http.StatusOK)
		if c := r.JSON(t)["requeued"]; c != float64(1) {
			t.Errorf("requeued %v", c)
		}
		eventually(t, "the replayed delivery", func() bool { return n.deliveries(t, a, "delivered").Count == 1 })
		if c := replay("/deliveries/replay").JSON(t)["requeued"]; c != float64(0) {
			t.Errorf("replay all after success: requeued %v", c)
		}

		// Replay all: two new dead letters come back together.
		rc.setStatus(http.StatusInternalServerError)
		for range 2 {
			wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", nil)), http.StatusOK)
		}
		eventually(t, "two dead letters", func() bool { return n.deliveries(t, a, "dead").Count == 2 })
		rc.setStatus(http.StatusNoContent)
		r = replay("/deliveries/replay")
		wantStatus(t, r, http.StatusOK)
		if c := r.JSON(t)["requeued"]; c != float64(2) {
			t.Errorf("replay all: requeued %v", c)
		}
		eventually(t, "the replayed deliveries", func() bool { return n.deliveries(t, a, "delivered").Count == 3 })
	})
}

func TestPauseResume(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		n.deliver(t)
		rc := newReceiver(t, http.StatusNoContent)
		a := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("zaken", nil)))
		op := func(what string) *apptest.Resp {
			return n.do(t, apptest.Req{Method: http.MethodPost, URL: "/x-meent" + n.path(a.URL) + "/" + what, Token: n.consumer})
		}
		wantStatus(t, op("pause"), http.StatusNoContent)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", nil)), http.StatusOK)
		eventually(t, "the pending delivery", func() bool { return n.deliveries(t, a, "pending").Count == 1 })
		time.Sleep(600 * time.Millisecond) // longer than MaxAge: a paused delivery waits, it does not die
		if got := len(rc.received()); got != 1 {
			t.Fatalf("paused abonnement received %d POSTs, want only the test message", got)
		}
		if p := n.deliveries(t, a, "pending"); p.Count != 1 {
			t.Errorf("pending while paused: %+v", p)
		}
		wantStatus(t, op("resume"), http.StatusNoContent)
		eventually(t, "the delivery after resume", func() bool { return len(rc.received()) == 2 })

		// Deleting an abonnement forgets its waiting deliveries, in the same transaction.
		wantStatus(t, op("pause"), http.StatusNoContent)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", nil)), http.StatusOK)
		eventually(t, "the pending delivery", func() bool { return n.deliveries(t, a, "pending").Count == 1 })
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodDelete, URL: n.path(a.URL), Token: n.consumer}), http.StatusNoContent)
		ds, _, err := n.Del.Deliveries(context.Background(), a.URL[len(a.URL)-36:], "pending", 1, 10)
		if err != nil || len(ds) != 0 {
			t.Errorf("pending deliveries of a deleted abonnement: %v %+v", err, ds)
		}
		wantStatus(t, op("resume"), http.StatusNotFound)
	})
}

func TestExtensionAccess(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		rc := newReceiver(t, http.StatusNoContent)
		a := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("zaken", nil)))
		base := "/x-meent" + n.path(a.URL)
		routes := []struct{ method, path string }{
			{http.MethodGet, base + "/deliveries"},
			{http.MethodPost, base + "/deliveries/replay"},
			{http.MethodPost, base + "/deliveries/3fa85f64-5717-4562-b3fc-2c963f66afa6/replay"},
			{http.MethodPost, base + "/pause"},
			{http.MethodPost, base + "/resume"},
		}
		for _, rt := range routes {
			for _, tc := range []struct {
				token string
				want  int
			}{{"", http.StatusUnauthorized}, {n.publisher, http.StatusForbidden}, {n.outsider, http.StatusForbidden}} {
				if r := n.do(t, apptest.Req{Method: rt.method, URL: rt.path, Token: tc.token}); r.Status != tc.want {
					t.Errorf("%s %s: %d, want %d", rt.method, rt.path, r.Status, tc.want)
				}
			}
			unknown := "/x-meent/abonnement/3fa85f64-5717-4562-b3fc-2c963f66afa6" + rt.path[len(base):]
			if r := n.do(t, apptest.Req{Method: rt.method, URL: unknown, Token: n.consumer}); r.Status != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", rt.method, unknown, r.Status)
			}
		}
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodPost, URL: base + "/pause", Token: e.Admin}), http.StatusNoContent)
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodPost, URL: base + "/resume", Token: n.consumer}), http.StatusNoContent)

		// The extension document is public and is what the package embeds (loadLocal has
		// checked that it is a valid OpenAPI document).
		r := n.get(t, "/x-meent/openapi.yaml", "")
		wantStatus(t, r, http.StatusOK)
		if !bytes.Equal(r.Body, notificaties.ExtensionSpec()) {
			t.Error("served extension spec differs from the embedded one")
		}
	})
}
