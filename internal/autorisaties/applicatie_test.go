package autorisaties_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/zgw"
)

const root = "/autorisaties/api/v1"

const zaaktype = "https://catalogi.example.com/catalogi/api/v1/zaaktypen/0f2f9ab4-5d47-4d5c-9d3a-3b1c1f0a6b11"

// zrcApplicatie is a valid body with a zrc and a ztc autorisatie.
func zrcApplicatie(label string, clientIDs ...string) map[string]any {
	return map[string]any{
		"clientIds": clientIDs,
		"label":     label,
		"autorisaties": []map[string]any{
			{"component": "zrc", "scopes": []string{"zaken.lezen", "zaken.aanmaken"}, "zaaktype": zaaktype, "maxVertrouwelijkheidaanduiding": "zaakvertrouwelijk"},
			{"component": "ztc", "scopes": []string{"catalogi.lezen"}},
		},
	}
}

func acApplicatie(label string, scopes []string, clientIDs ...string) map[string]any {
	return map[string]any{
		"clientIds":    clientIDs,
		"label":        label,
		"autorisaties": []map[string]any{{"component": "ac", "scopes": scopes}},
	}
}

// patch sends a PATCH with a partial body. The Autorisaties 1.0.0 spec reuses the full
// Applicatie schema (clientIds and label required) as the PATCH body, so a partial body does
// not match its letter; Open Zaak and Meent accept it as a partial update, which is what PATCH
// means in every other ZGW API. The response is still checked against the spec.
func patch(t *testing.T, e *apptest.Env, u, token string, body any) *apptest.Resp {
	t.Helper()
	return e.Do(t, apptest.Req{Method: http.MethodPatch, URL: u, Body: body, Token: token, BadInput: true})
}

// count returns the number of applicaties the list reports for query.
func count(t *testing.T, e *apptest.Env, query string) int {
	t.Helper()
	r := e.Get(t, root+"/applicaties"+query)
	if r.Status != http.StatusOK {
		t.Fatalf("list %s = %d:\n%s", query, r.Status, r.Body)
	}
	return int(r.JSON(t)["count"].(float64))
}

// outbox returns the notifications about resourceURL.
func outbox(t *testing.T, e *apptest.Env, resourceURL string) []zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), e.App.DB, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []zgw.OutboxRow
	for _, r := range rows {
		if r.ResourceURL == resourceURL {
			out = append(out, r)
		}
	}
	return out
}

func TestApplicatieCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		created := e.Post(t, root+"/applicaties", zrcApplicatie("Zaaksysteem", "zs-1"))
		u := created["url"].(string)
		if !strings.HasPrefix(u, e.URL+root+"/applicaties/") {
			t.Fatalf("url %q", u)
		}
		aut := created["autorisaties"].([]any)
		zrc, ztc := aut[0].(map[string]any), aut[1].(map[string]any)
		if zrc["componentWeergave"] != "Zaakregistratiecomponent" || zrc["zaaktype"] != zaaktype || zrc["maxVertrouwelijkheidaanduiding"] != "zaakvertrouwelijk" {
			t.Errorf("zrc autorisatie rendered as %v", zrc)
		}
		if _, ok := ztc["zaaktype"]; ok || ztc["componentWeergave"] != "Zaaktypecatalogus" {
			t.Errorf("ztc autorisatie rendered as %v", ztc)
		}
		if created["heeftAlleAutorisaties"] != false || created["label"] != "Zaaksysteem" {
			t.Errorf("created %v", created)
		}

		got := e.Get(t, u)
		if got.Status != http.StatusOK || got.JSON(t)["url"] != u {
			t.Fatalf("read = %d %s", got.Status, got.Body)
		}
		if n := count(t, e, ""); n != 2 { // the test admin and this one
			t.Errorf("count = %d, want 2", n)
		}
		if n := count(t, e, "?clientIds=onbekend,zs-1"); n != 1 {
			t.Errorf("clientIds filter count = %d, want 1", n)
		}
		if n := count(t, e, "?clientIds=onbekend"); n != 0 {
			t.Errorf("clientIds filter on unknown id count = %d, want 0", n)
		}

		cons := e.Get(t, root+"/applicaties/consumer?clientId=zs-1")
		if cons.Status != http.StatusOK || cons.JSON(t)["url"] != u {
			t.Fatalf("consumer = %d %s", cons.Status, cons.Body)
		}
		if r := e.Get(t, root+"/applicaties/consumer?clientId=niemand"); r.Status != http.StatusNotFound {
			t.Errorf("consumer of unknown client = %d", r.Status)
		}
		// The spec documents no 400 for the consumer lookup, but a missing required parameter
		// is one (algemeen §5), as in Open Zaak.
		r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties/consumer", Token: e.Admin, Unchecked: true})
		apptest.WantInvalid(t, r, "clientId", "required")

		put := zrcApplicatie("Zaaksysteem 2", "zs-1", "zs-2")
		put["autorisaties"] = []map[string]any{{"component": "ztc", "scopes": []string{"catalogi.lezen"}}}
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: put, Token: e.Admin})
		if r.Status != http.StatusOK {
			t.Fatalf("put = %d %s", r.Status, r.Body)
		}
		if b := r.JSON(t); b["label"] != "Zaaksysteem 2" || len(b["autorisaties"].([]any)) != 1 || len(b["clientIds"].([]any)) != 2 {
			t.Errorf("after put: %v", b)
		}

		r = patch(t, e, u, e.Admin, map[string]any{"label": "Zaaksysteem 3"})
		if b := r.JSON(t); r.Status != http.StatusOK || b["label"] != "Zaaksysteem 3" || len(b["autorisaties"].([]any)) != 1 {
			t.Fatalf("patch label = %d %v", r.Status, b)
		}
		// autorisaties in a PATCH replace the whole set.
		r = patch(t, e, u, e.Admin, map[string]any{"autorisaties": zrcApplicatie("", "")["autorisaties"]})
		if b := r.JSON(t); r.Status != http.StatusOK || len(b["autorisaties"].([]any)) != 2 || b["label"] != "Zaaksysteem 3" {
			t.Fatalf("patch autorisaties = %d %v", r.Status, b)
		}
		if b := e.Get(t, u).JSON(t); len(b["autorisaties"].([]any)) != 2 || len(b["clientIds"].([]any)) != 2 {
			t.Errorf("stored after patch: %v", b)
		}

		r = e.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: e.Admin})
		if r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d %s", r.Status, r.Body)
		}
		if r := e.Get(t, u); r.Status != http.StatusNotFound {
			t.Errorf("read after delete = %d", r.Status)
		}
		if r := e.Get(t, root+"/applicaties/consumer?clientId=zs-2"); r.Status != http.StatusNotFound {
			t.Errorf("consumer after delete = %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: e.Admin}); r.Status != http.StatusNotFound {
			t.Errorf("second delete = %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties/geen-uuid", Token: e.Admin, BadInput: true}); r.Status != http.StatusNotFound {
			t.Errorf("read of a malformed uuid = %d", r.Status)
		}
	})
}

// ac-001: a client id belongs to one applicatie.
func TestAc001_ClientIDUniqueAcrossApplicaties(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.Post(t, root+"/applicaties", zrcApplicatie("A", "a-1", "a-2"))
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("B", "b-1", "a-2"), Token: e.Admin})
		apptest.WantInvalid(t, r, "clientIds", "clientId-exists")
		if n := count(t, e, "?clientIds=b-1"); n != 0 {
			t.Errorf("rejected applicatie stored (%d)", n)
		}
		// The admin's client id of apptest is taken as well.
		r = e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("B", "test-admin"), Token: e.Admin})
		apptest.WantInvalid(t, r, "clientIds", "clientId-exists")

		// Within one body too: the id would belong to the applicatie twice.
		r = e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("B", "b-1", "b-1"), Token: e.Admin})
		apptest.WantInvalid(t, r, "clientIds", "unique")

		// Updating an applicatie with its own ids is no conflict.
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: a["url"].(string), Body: zrcApplicatie("A2", "a-2", "a-1"), Token: e.Admin})
		if r.Status != http.StatusOK {
			t.Fatalf("put with own client ids = %d %s", r.Status, r.Body)
		}
		b := e.Post(t, root+"/applicaties", zrcApplicatie("B", "b-1"))
		for _, m := range []string{http.MethodPatch, http.MethodPut} {
			body := zrcApplicatie("B", "b-1", "a-1")
			if m == http.MethodPatch {
				body = map[string]any{"clientIds": []string{"a-1"}}
			}
			r = e.Do(t, apptest.Req{Method: m, URL: b["url"].(string), Body: body, Token: e.Admin, BadInput: m == http.MethodPatch})
			apptest.WantInvalid(t, r, "clientIds", "clientId-exists")
		}
		if got := e.Get(t, root+"/applicaties/consumer?clientId=a-1").JSON(t)["url"]; got != a["url"] {
			t.Errorf("a-1 now belongs to %v", got)
		}
	})
}

// ac-001: the check holds for more client ids than a statement takes parameters (65,535 on
// PostgreSQL), and finds a taken one far down the list.
func TestAc001_ManyClientIDs(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ids := make([]string, 70000)
		for i := range ids {
			ids[i] = fmt.Sprintf("veel-%d", i)
		}
		a := e.Post(t, root+"/applicaties", zrcApplicatie("Veel", ids...))
		r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("B", "b-1", "veel-69999"), Token: e.Admin})
		apptest.WantInvalid(t, r, "clientIds", "clientId-exists")
		// Giving up half of them frees those.
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: a["url"].(string), Body: zrcApplicatie("Veel", ids[:35000]...), Token: e.Admin})
		if r.Status != http.StatusOK {
			t.Fatalf("put = %d %.300s", r.Status, r.Body)
		}
		e.Post(t, root+"/applicaties", zrcApplicatie("B", "b-1", "veel-69999"))
	})
}

// ac-001: creates racing for one client id: one wins, the others get the field error, never a 500.
func TestAc001_ConcurrentCreates(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const n = 6
		status := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie(fmt.Sprint("Race ", i), fmt.Sprint("race-", i), "race"), Token: e.Admin})
				status[i] = r.Status
				if r.Status == http.StatusBadRequest && !strings.Contains(string(r.Body), "clientId-exists") {
					t.Errorf("race %d: %s", i, r.Body)
				}
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range status {
			switch s {
			case http.StatusCreated:
				created++
			case http.StatusBadRequest:
			default:
				t.Errorf("statuses %v: want one 201 and 400s", status)
			}
		}
		if created != 1 || count(t, e, "?clientIds=race") != 1 {
			t.Errorf("statuses %v: want exactly one 201", status)
		}
	})
}

// ac-001a: one applicatie may hold several client ids.
func TestAc001a_SeveralClientIDsInOneApplicatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.Post(t, root+"/applicaties", zrcApplicatie("Multi", "m-zrc", "m-drc", "m-brc"))
		for _, id := range []string{"m-zrc", "m-drc", "m-brc"} {
			if got := e.Get(t, root+"/applicaties/consumer?clientId="+id).JSON(t)["url"]; got != a["url"] {
				t.Errorf("consumer %s = %v", id, got)
			}
		}
		if n := count(t, e, "?clientIds=m-drc,m-brc"); n != 1 {
			t.Errorf("filter on two ids of one applicatie count = %d, want 1", n)
		}
		if ids := a["clientIds"].([]any); len(ids) != 3 || ids[0] != "m-zrc" || ids[2] != "m-brc" {
			t.Errorf("clientIds = %v (order kept)", ids)
		}
	})
}

// ac-002: heeftAlleAutorisaties or autorisaties, exactly one.
func TestAc002_OneWayOfGranting(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		post := func(body map[string]any) *apptest.Resp {
			return e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: body, Token: e.Admin})
		}
		both := zrcApplicatie("Beide", "x-1")
		both["heeftAlleAutorisaties"] = true
		apptest.WantInvalid(t, post(both), "nonFieldErrors", "ambiguous-authorizations-specified")
		apptest.WantInvalid(t, post(map[string]any{"clientIds": []string{"x-1"}, "label": "Leeg", "autorisaties": []any{}}), "nonFieldErrors", "missing-authorizations")
		apptest.WantInvalid(t, post(map[string]any{"clientIds": []string{"x-1"}, "label": "Niets"}), "nonFieldErrors", "missing-authorizations")
		apptest.WantInvalid(t, post(map[string]any{"clientIds": []string{"x-1"}, "label": "Niets", "heeftAlleAutorisaties": false}), "nonFieldErrors", "missing-authorizations")
		if n := count(t, e, "?clientIds=x-1"); n != 0 {
			t.Fatalf("a rejected applicatie was stored")
		}
		all := e.Post(t, root+"/applicaties", map[string]any{"clientIds": []string{"x-1"}, "label": "Alles", "heeftAlleAutorisaties": true})
		if all["heeftAlleAutorisaties"] != true || len(all["autorisaties"].([]any)) != 0 {
			t.Errorf("created %v", all)
		}

		// PATCH: the rules judge the merged result.
		u := e.Post(t, root+"/applicaties", zrcApplicatie("Patch", "p-1"))["url"].(string)
		patch := func(body map[string]any) *apptest.Resp {
			return patch(t, e, u, e.Admin, body)
		}
		apptest.WantInvalid(t, patch(map[string]any{"heeftAlleAutorisaties": true}), "nonFieldErrors", "ambiguous-authorizations-specified")
		apptest.WantInvalid(t, patch(map[string]any{"autorisaties": []any{}}), "nonFieldErrors", "missing-authorizations")
		r := patch(map[string]any{"heeftAlleAutorisaties": true, "autorisaties": []any{}})
		if b := r.JSON(t); r.Status != http.StatusOK || b["heeftAlleAutorisaties"] != true || len(b["autorisaties"].([]any)) != 0 {
			t.Fatalf("switch to heeftAlleAutorisaties = %d %v", r.Status, b)
		}
		apptest.WantInvalid(t, patch(map[string]any{"heeftAlleAutorisaties": false}), "nonFieldErrors", "missing-authorizations")
		// PUT needs clientIds and label; what it leaves out keeps its value, as in Open Zaak.
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: map[string]any{"clientIds": []string{"p-1"}, "label": "Put"}, Token: e.Admin})
		if b := r.JSON(t); r.Status != http.StatusOK || b["heeftAlleAutorisaties"] != true || b["label"] != "Put" {
			t.Fatalf("put without the grant fields = %d %v", r.Status, b)
		}
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: map[string]any{"clientIds": []string{"p-1"}, "label": "Put", "heeftAlleAutorisaties": false}, Token: e.Admin})
		apptest.WantInvalid(t, r, "nonFieldErrors", "missing-authorizations")
		r = e.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: map[string]any{"label": "Put", "heeftAlleAutorisaties": true}, Token: e.Admin, BadInput: true})
		apptest.WantInvalid(t, r, "clientIds", "required")
	})
}

// ac-003: type and maximum vertrouwelijkheidaanduiding per component.
func TestAc003_RequiredFieldsPerComponent(t *testing.T) {
	t.Parallel()
	type ac003Case struct {
		name  string
		aut   map[string]any
		wants []string // missing fields of autorisaties.1
	}
	cases := []ac003Case{
		{"zrc without zaaktype", map[string]any{"component": "zrc", "scopes": []string{"zaken.lezen"}, "maxVertrouwelijkheidaanduiding": "openbaar"}, []string{"zaaktype"}},
		{"zrc without max", map[string]any{"component": "zrc", "scopes": []string{"zaken.bijwerken"}, "zaaktype": zaaktype}, []string{"maxVertrouwelijkheidaanduiding"}},
		{"zrc without both", map[string]any{"component": "zrc", "scopes": []string{"audittrails.lezen", "zaken.lezen"}}, []string{"zaaktype", "maxVertrouwelijkheidaanduiding"}},
		{"zrc with empty zaaktype", map[string]any{"component": "zrc", "scopes": []string{"zaken.lezen"}, "zaaktype": "", "maxVertrouwelijkheidaanduiding": "geheim"}, []string{"zaaktype"}},
		{"drc without informatieobjecttype", map[string]any{"component": "drc", "scopes": []string{"documenten.lezen"}, "maxVertrouwelijkheidaanduiding": "openbaar"}, []string{"informatieobjecttype"}},
		{"drc without both", map[string]any{"component": "drc", "scopes": []string{"documenten.aanmaken"}}, []string{"informatieobjecttype", "maxVertrouwelijkheidaanduiding"}},
		{"brc without besluittype", map[string]any{"component": "brc", "scopes": []string{"besluiten.lezen"}}, []string{"besluittype"}},
		{"zrc with generic scopes only", map[string]any{"component": "zrc", "scopes": []string{"audittrails.lezen"}}, nil},
		{"drc with generic scopes only", map[string]any{"component": "drc", "scopes": []string{"notificaties.consumeren"}}, nil},
		{"brc with besluittype", map[string]any{"component": "brc", "scopes": []string{"besluiten.lezen"}, "besluittype": "https://c.example/besluittypen/1"}, nil},
		{"nrc needs nothing", map[string]any{"component": "nrc", "scopes": []string{"notificaties.publiceren"}}, nil},
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i, c := range cases {
			body := zrcApplicatie(c.name, fmt.Sprintf("ac003-%d", i))
			body["autorisaties"] = []map[string]any{body["autorisaties"].([]map[string]any)[0], c.aut}
			r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: body, Token: e.Admin})
			if len(c.wants) == 0 {
				if r.Status != http.StatusCreated {
					t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
				}
				continue
			}
			for _, f := range c.wants {
				apptest.WantInvalid(t, r, "autorisaties.1."+f, "required")
			}
		}
		// A zrc autorisatie without a type renders an empty zaaktype and no maximum.
		generic := slices.IndexFunc(cases, func(c ac003Case) bool { return c.name == "zrc with generic scopes only" })
		got := e.Get(t, root+fmt.Sprintf("/applicaties/consumer?clientId=ac003-%d", generic)).JSON(t)
		zrc := got["autorisaties"].([]any)[1].(map[string]any)
		if _, ok := zrc["maxVertrouwelijkheidaanduiding"]; ok || zrc["zaaktype"] != "" {
			t.Errorf("generic zrc autorisatie rendered as %v", zrc)
		}
		// PATCH runs the rule too.
		u := got["url"].(string)
		r := patch(t, e, u, e.Admin, map[string]any{"autorisaties": []map[string]any{
			{"component": "brc", "scopes": []string{"besluiten.aanmaken"}},
		}})
		apptest.WantInvalid(t, r, "autorisaties.0.besluittype", "required")
	})
}

func TestNotificatiesApplicatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		u := e.Post(t, root+"/applicaties", zrcApplicatie("Notif", "n-1"))["url"].(string)
		steps := []struct {
			method string
			body   any
		}{
			{http.MethodPut, zrcApplicatie("Notif 2", "n-1")},
			// A PATCH with a body that satisfies the spec's letter (clientIds and label).
			{http.MethodPatch, map[string]any{"clientIds": []string{"n-1"}, "label": "Notif 3"}},
		}
		for _, s := range steps {
			if r := e.Do(t, apptest.Req{Method: s.method, URL: u, Body: s.body, Token: e.Admin}); r.Status != http.StatusOK {
				t.Fatalf("%s = %d %s", s.method, r.Status, r.Body)
			}
		}
		// Failed writes leave no notification.
		before := len(outbox(t, e, u))
		apptest.WantInvalid(t, patch(t, e, u, e.Admin, map[string]any{"autorisaties": []any{}}), "nonFieldErrors", "missing-authorizations")
		apptest.WantInvalid(t, e.Do(t, apptest.Req{Method: http.MethodPut, URL: u, Body: zrcApplicatie("X", "test-admin"), Token: e.Admin}), "clientIds", "clientId-exists")
		if after := len(outbox(t, e, u)); after != before {
			t.Fatalf("failed requests wrote %d notifications", after-before)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: e.Admin}); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d", r.Status)
		}
		rows := outbox(t, e, u)
		want := []string{"create", "update", "partial_update", "destroy"}
		if len(rows) != len(want) {
			t.Fatalf("notifications %+v, want actions %v", rows, want)
		}
		for i, r := range rows {
			if r.Actie != want[i] || r.Kanaal != "autorisaties" || r.Resource != "applicatie" || r.HoofdObject != u || len(r.Kenmerken) != 0 {
				t.Errorf("notification %d = %+v, want actie %s on kanaal autorisaties", i, r.Notificatie, want[i])
			}
		}
		// A rejected create writes nothing at all.
		all, _ := zgw.Outbox(context.Background(), e.App.DB, 0, 10000)
		apptest.WantInvalid(t, e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("Y", "y", "y"), Token: e.Admin}), "clientIds", "unique")
		if again, _ := zgw.Outbox(context.Background(), e.App.DB, 0, 10000); len(again) != len(all) {
			t.Errorf("rejected create wrote a notification")
		}
	})
}

// A change of an applicatie counts for the next request of its clients, not after a cache
// expires.
func TestAutorisatieWijzigingDirectVanKracht(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := e.AddClient(t, autorisaties.Seed{ClientIDs: []string{"beheer"}, Secret: "beheer-secret-1", Label: "Beheer",
			Autorisaties: []autorisaties.Autorisatie{{Component: "ac", Scopes: []string{"autorisaties.lezen"}}}})
		post := func() *apptest.Resp {
			return e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("Nieuw", "nieuw-1"), Token: tok})
		}
		// Reading works (and fills the cache); writing is forbidden.
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: tok}); r.Status != http.StatusOK {
			t.Fatalf("read with autorisaties.lezen = %d", r.Status)
		}
		if r := post(); r.Status != http.StatusForbidden {
			t.Fatalf("post with only autorisaties.lezen = %d %s", r.Status, r.Body)
		}
		u := e.Get(t, root+"/applicaties/consumer?clientId=beheer").JSON(t)["url"].(string)
		r := patch(t, e, u, e.Admin, map[string]any{"autorisaties": []map[string]any{
			{"component": "ac", "scopes": []string{"autorisaties.lezen", "autorisaties.bijwerken"}},
		}})
		if r.Status != http.StatusOK {
			t.Fatalf("patch = %d %s", r.Status, r.Body)
		}
		if r := post(); r.Status != http.StatusCreated {
			t.Fatalf("post right after the grant = %d %s", r.Status, r.Body)
		}
		// And taking the right away is immediate too.
		r = patch(t, e, u, e.Admin, map[string]any{"autorisaties": []map[string]any{
			{"component": "ac", "scopes": []string{"autorisaties.lezen"}},
		}})
		if r.Status != http.StatusOK {
			t.Fatalf("patch = %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodPost, URL: root + "/applicaties", Body: zrcApplicatie("Nog een", "nieuw-2"), Token: tok}); r.Status != http.StatusForbidden {
			t.Fatalf("post right after the revocation = %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodDelete, URL: u, Token: e.Admin}); r.Status != http.StatusNoContent {
			t.Fatalf("delete = %d", r.Status)
		}
		if r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: root + "/applicaties", Token: tok}); r.Status != http.StatusForbidden {
			t.Fatalf("read after the applicatie was deleted = %d", r.Status)
		}
	})
}

func TestApplicatieListPaginated(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		seeds := make([]autorisaties.Seed, 0, zgw.PageSize+5)
		for i := range zgw.PageSize + 5 {
			id := fmt.Sprintf("bulk-%03d", i)
			seeds = append(seeds, autorisaties.Seed{ClientIDs: []string{id}, Label: id,
				Autorisaties: []autorisaties.Autorisatie{{Component: "ztc", Scopes: []string{"catalogi.lezen"}}}})
		}
		if err := e.App.Auth.Seed(context.Background(), seeds, e.App.Secrets); err != nil {
			t.Fatal(err)
		}
		first := e.Get(t, root+"/applicaties").JSON(t)
		if first["count"].(float64) != float64(zgw.PageSize+6) || len(first["results"].([]any)) != zgw.PageSize || first["next"] == nil || first["previous"] != nil {
			t.Fatalf("first page: count %v, %d results, next %v", first["count"], len(first["results"].([]any)), first["next"])
		}
		second := e.Get(t, first["next"].(string)).JSON(t)
		if len(second["results"].([]any)) != 6 || second["next"] != nil || second["previous"] == nil {
			t.Fatalf("second page: %d results, next %v", len(second["results"].([]any)), second["next"])
		}
	})
}
