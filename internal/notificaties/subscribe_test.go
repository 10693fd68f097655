package notificaties_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/notificaties"
	"github.com/meent/meent/internal/zgw"
)

// An in-process consumer (cache invalidation on kanaal autorisaties) subscribes at start-up
// and receives its notifications through the same delivery as any subscriber.
func TestSubscribeInProcessConsumer(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		n.deliver(t)
		ctx := context.Background()
		var mu sync.Mutex
		var got []zgw.Notificatie
		const auth = "Bearer intern-geheim"
		consumer := httptest.NewServer(notificaties.Webhook(auth, func(_ context.Context, m zgw.Notificatie) error {
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
			return nil
		}))
		t.Cleanup(consumer.Close)
		callback := consumer.URL + "/autorisaties/api/v1/x-meent/notificaties"
		kanalen := []notificaties.FilterGroup{{Naam: "autorisaties"}}

		id, err := n.Reg.Subscribe(ctx, callback, auth, kanalen)
		if err != nil {
			t.Fatal(err)
		}
		// Idempotent: every node calls it at every start.
		again, err := n.Reg.Subscribe(ctx, callback, auth, kanalen)
		if err != nil || again != id {
			t.Fatalf("second Subscribe = %q, %v; want %q", again, err, id)
		}
		if c := countRows(t, e, "abonnement"); c != 1 {
			t.Fatalf("%d abonnementen", c)
		}
		// A changed auth (another secret key) updates the one abonnement.
		if again, err := n.Reg.Subscribe(ctx, callback, "Bearer ander-geheim", kanalen); err != nil || again != id {
			t.Fatalf("Subscribe with new auth = %q, %v", again, err)
		}
		if again, err := n.Reg.Subscribe(ctx, callback, auth, kanalen); err != nil || again != id {
			t.Fatalf("Subscribe back = %q, %v", again, err)
		}
		if _, err := n.Reg.Subscribe(ctx, callback, auth, []notificaties.FilterGroup{{Naam: "bestaat-niet"}}); zgw.KindOf(err) != zgw.Invalid {
			t.Errorf("Subscribe to an unknown kanaal: %v", err)
		}

		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("autorisaties", nil)), http.StatusOK)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", nil)), http.StatusOK)
		// The Autorisaties register's own notifications (the test clients) may arrive too;
		// the one published here must, and nothing of kanaal zaken.
		eventually(t, "the in-process consumer", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return slices.ContainsFunc(got, func(m zgw.Notificatie) bool { return m.Resource == "status" })
		})
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		for _, m := range got {
			if m.Kanaal != "autorisaties" {
				t.Errorf("consumer got %+v", m)
			}
		}
		mu.Unlock()
	})
}

// Webhook implements the consumer API (notificaties-consumer-1.0.0-rc1).
func TestWebhook(t *testing.T) {
	t.Parallel()
	var handled []string
	fail := false
	h := notificaties.Webhook("Bearer juist", func(_ context.Context, m zgw.Notificatie) error {
		if fail {
			return errors.New("cache weg")
		}
		handled = append(handled, m.Kanaal)
		return nil
	})
	msg := `{"kanaal":"autorisaties","hoofdObject":"http://x/a","resource":"applicatie","resourceUrl":"http://x/a","actie":"update","aanmaakdatum":"2024-01-01T12:00:00Z","kenmerken":{}}`
	test := `{"kanaal":"test","hoofdObject":"http://x/a","resource":"r","resourceUrl":"http://x/a","actie":"create","aanmaakdatum":"2024-01-01T12:00:00Z","kenmerken":{}}`
	for _, tc := range []struct {
		name, auth, body string
		fail             bool
		want             int
	}{
		{"no auth", "", msg, false, http.StatusUnauthorized},
		{"wrong auth", "Bearer fout", msg, false, http.StatusForbidden},
		{"not a message", "Bearer juist", `{"kanaal":"x"}`, false, http.StatusBadRequest},
		{"not JSON", "Bearer juist", `{`, false, http.StatusBadRequest},
		{"test message", "Bearer juist", test, false, http.StatusNoContent},
		{"message", "Bearer juist", msg, false, http.StatusNoContent},
		{"handler fails", "Bearer juist", msg, true, http.StatusInternalServerError},
	} {
		fail = tc.fail
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tc.body))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, w.Code, tc.want, w.Body)
		}
		if tc.want >= 400 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: Content-Type %q", tc.name, w.Header().Get("Content-Type"))
		}
	}
	if len(handled) != 1 || handled[0] != "autorisaties" {
		t.Errorf("handled %v", handled)
	}
}
