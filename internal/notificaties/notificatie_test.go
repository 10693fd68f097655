package notificaties_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/zgw"
)

func message(kanaal string, kenmerken map[string]string) map[string]any {
	if kenmerken == nil {
		kenmerken = map[string]string{}
	}
	return map[string]any{
		"kanaal":       kanaal,
		"hoofdObject":  "https://zaken.example.com/zaken/api/v1/zaken/d7a22b8e-7e3b-4f1a-9d3c-1b2c3d4e5f60",
		"resource":     "status",
		"resourceUrl":  "https://zaken.example.com/zaken/api/v1/statussen/721c9a4e-5c2d-4e8f-9a1b-2c3d4e5f6a7b",
		"actie":        "create",
		"aanmaakdatum": "2024-03-01T10:15:30.5+01:00",
		"kenmerken":    kenmerken,
	}
}

func outboxRows(t *testing.T, e *apptest.Env) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), e.App.DB, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestNotificatiePublish(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		before := len(outboxRows(t, e))
		kenmerken := map[string]string{"bronorganisatie": "123456782", "zaaktype": "https://catalogi.example.com/zaaktypen/1", "vertrouwelijkheidaanduiding": "openbaar"}
		r := n.post(t, "/notificaties", n.publisher, message("zaken", kenmerken))
		wantStatus(t, r, http.StatusOK)
		var echoed zgw.Notificatie
		r.Decode(t, &echoed)
		want := time.Date(2024, 3, 1, 9, 15, 30, 500_000_000, time.UTC)
		if echoed.Kanaal != "zaken" || echoed.Resource != "status" || !echoed.Aanmaakdatum.Equal(want) || echoed.Kenmerken["zaaktype"] != kenmerken["zaaktype"] {
			t.Errorf("answered %+v", echoed)
		}

		rows := outboxRows(t, e)
		if len(rows) != before+1 {
			t.Fatalf("%d outbox rows, want %d", len(rows), before+1)
		}
		got := rows[len(rows)-1]
		// Forwarded unchanged: the publisher's aanmaakdatum, not the time of receipt.
		if got.Kanaal != "zaken" || got.Actie != "create" || got.HoofdObject != message("", nil)["hoofdObject"] || !got.Aanmaakdatum.Equal(want) || len(got.Kenmerken) != 3 {
			t.Errorf("outbox row %+v", got)
		}

		// Kenmerken named in camelCase for a kanaal declared in snake_case, no kenmerken on a
		// kanaal without filters, and fewer kenmerken than declared are all accepted.
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("besluiten", map[string]string{"verantwoordelijkeOrganisatie": "002220647", "besluittype": "x"})), http.StatusOK)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("autorisaties", map[string]string{})), http.StatusOK)
		noKenmerken := message("autorisaties", nil)
		delete(noKenmerken, "kenmerken")
		wantStatus(t, n.post(t, "/notificaties", n.publisher, noKenmerken), http.StatusOK)
		wantStatus(t, n.post(t, "/notificaties", n.publisher, message("zaken", map[string]string{"zaaktype": "x"})), http.StatusOK)
		if got := len(outboxRows(t, e)); got != before+5 {
			t.Errorf("%d outbox rows, want %d", got, before+5)
		}
	})
}

func TestNotificatieBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		before := len(outboxRows(t, e))
		apptest.WantInvalid(t, n.post(t, "/notificaties", n.publisher, message("bestaat-niet", nil)), "kanaal", "message_kanaal")
		apptest.WantInvalid(t, n.post(t, "/notificaties", n.publisher, message("zaken", map[string]string{"bronorganisatie": "1", "kleur": "rood"})), "kenmerken", "kenmerken_inconsistent")
		apptest.WantInvalid(t, n.post(t, "/notificaties", n.publisher, message("besluiten", map[string]string{"zaaktype": "x"})), "kenmerken", "kenmerken_inconsistent")

		malformed := func(change func(m map[string]any)) map[string]any {
			m := message("zaken", map[string]string{"bronorganisatie": "1"})
			change(m)
			return m
		}
		for name, body := range map[string]any{
			"no kanaal":          malformed(func(m map[string]any) { delete(m, "kanaal") }),
			"no aanmaakdatum":    malformed(func(m map[string]any) { delete(m, "aanmaakdatum") }),
			"bad aanmaakdatum":   malformed(func(m map[string]any) { m["aanmaakdatum"] = "gisteren" }),
			"bad hoofdObject":    malformed(func(m map[string]any) { m["hoofdObject"] = "geen url" }),
			"empty resource":     malformed(func(m map[string]any) { m["resource"] = "" }),
			"number kenmerk":     malformed(func(m map[string]any) { m["kenmerken"] = map[string]any{"bronorganisatie": 1} }),
			"kenmerken list":     malformed(func(m map[string]any) { m["kenmerken"] = []string{"bronorganisatie"} }),
			"kanaal too long":    malformed(func(m map[string]any) { m["kanaal"] = string(make([]byte, 51)) }),
			"not an object":      `["zaken"]`,
			"not JSON":           `{"kanaal": `,
			"aanmaakdatum naive": malformed(func(m map[string]any) { m["aanmaakdatum"] = "2024-03-01 10:15" }),
		} {
			r := n.bad(t, http.MethodPost, "/notificaties", n.publisher, body)
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s: %d:\n%s", name, r.Status, r.Body)
			}
		}
		if got := len(outboxRows(t, e)); got != before {
			t.Errorf("bad input wrote %d outbox rows", got-before)
		}

		// Publishing takes notificaties.publiceren.
		wantStatus(t, n.post(t, "/notificaties", n.consumer, message("autorisaties", nil)), http.StatusForbidden)
		wantStatus(t, n.post(t, "/notificaties", n.outsider, message("autorisaties", nil)), http.StatusForbidden)
		wantStatus(t, n.post(t, "/notificaties", "", message("autorisaties", nil)), http.StatusUnauthorized)
	})
}

// TestRouteThroughTheAPI subscribes through the API and routes notifications as the delivery
// engine does: every write of this process is in force for the next notification.
func TestRouteThroughTheAPI(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		ctx := context.Background()
		rc := newReceiver(t, http.StatusNoContent)
		alles := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("zaken", nil)))
		org := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(),
			group("zaken", map[string]string{"bronorganisatie": "111"}),
			group("zaken", map[string]string{"vertrouwelijkheidaanduiding": "openbaar"})))
		besluit := n.createAbonnement(t, n.consumer, abonnementBody(rc.URL(), group("besluiten", map[string]string{"verantwoordelijke_organisatie": "222"})))
		uuid := func(a abonnementJSON) string { return a.URL[len(a.URL)-36:] }

		route := func(kanaal string, kenmerken map[string]string) []string {
			t.Helper()
			targets, err := n.Reg.Route(ctx, zgw.Notificatie{Kanaal: kanaal, Kenmerken: kenmerken})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, tg := range targets {
				if tg.CallbackURL != rc.URL() || tg.Auth != "Bearer geheim-abc" {
					t.Errorf("target %+v", tg)
				}
				ids = append(ids, tg.Abonnement)
			}
			return ids
		}
		for _, tc := range []struct {
			kanaal    string
			kenmerken map[string]string
			want      []string
		}{
			{"zaken", map[string]string{"bronorganisatie": "999", "vertrouwelijkheidaanduiding": "geheim"}, []string{uuid(alles)}},
			{"zaken", map[string]string{"bronorganisatie": "111", "vertrouwelijkheidaanduiding": "geheim"}, []string{uuid(alles), uuid(org)}},
			// Both groups of org match: it is a target once.
			{"zaken", map[string]string{"bronorganisatie": "111", "vertrouwelijkheidaanduiding": "openbaar"}, []string{uuid(alles), uuid(org)}},
			{"besluiten", map[string]string{"verantwoordelijkeOrganisatie": "222"}, []string{uuid(besluit)}},
			{"besluiten", map[string]string{"verantwoordelijkeOrganisatie": "333"}, nil},
			{"documenten", map[string]string{}, nil},
		} {
			if got := route(tc.kanaal, tc.kenmerken); !slices.Equal(got, tc.want) {
				t.Errorf("%s %v: %v, want %v", tc.kanaal, tc.kenmerken, got, tc.want)
			}
		}

		// Changes are in force at once in this process.
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodDelete, URL: n.path(alles.URL), Token: n.consumer}), http.StatusNoContent)
		wantStatus(t, n.do(t, apptest.Req{Method: http.MethodPatch, URL: n.path(besluit.URL), Token: n.consumer,
			Body: map[string]any{"kanalen": []any{group("besluiten", map[string]string{"verantwoordelijke_organisatie": "*"})}}}), http.StatusOK)
		if got := route("zaken", map[string]string{"bronorganisatie": "999", "vertrouwelijkheidaanduiding": "geheim"}); got != nil {
			t.Errorf("deleted abonnement still routed: %v", got)
		}
		if got := route("besluiten", map[string]string{"verantwoordelijkeOrganisatie": "333"}); !slices.Equal(got, []string{uuid(besluit)}) {
			t.Errorf("patched filters not in force: %v", got)
		}

		// A write by another node (here: straight into the database) is seen within RoutesTTL.
		n.Reg.RoutesTTL = 50 * time.Millisecond
		route("zaken", nil)   // load
		other := newNRC(t, e) // a second node on the same database
		nieuw := other.createAbonnement(t, other.consumer, abonnementBody(rc.URL(), group("documenten", nil)))
		time.Sleep(60 * time.Millisecond)
		if got := route("documenten", nil); !slices.Equal(got, []string{uuid(nieuw)}) {
			t.Errorf("abonnement of another node not seen after the TTL: %v", got)
		}
	})
}
