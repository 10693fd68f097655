package notificaties_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/notificaties"
)

type kanaalJSON struct {
	URL              string   `json:"url"`
	Naam             string   `json:"naam"`
	DocumentatieLink string   `json:"documentatieLink"`
	Filters          []string `json:"filters"`
}

func listKanalen(t *testing.T, n *nrc, query, token string) []kanaalJSON {
	t.Helper()
	r := n.get(t, "/kanaal"+query, token)
	wantStatus(t, r, http.StatusOK)
	var out []kanaalJSON
	r.Decode(t, &out)
	return out
}

func TestPlatformKanalenRegisteredAtStartUp(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		got := listKanalen(t, n, "", n.consumer)
		want := notificaties.PlatformKanalen()
		if len(got) != len(want) {
			t.Fatalf("%d kanalen, want %d: %+v", len(got), len(want), got)
		}
		for i, k := range want {
			g := got[i]
			if g.Naam != k.Naam || !slices.Equal(g.Filters, k.Filters) {
				t.Errorf("kanaal %d = %+v, want %s %v", i, g, k.Naam, k.Filters)
			}
			if g.DocumentatieLink != n.URL+root+"/x-meent/kanalen/"+k.Naam {
				t.Errorf("%s documentatieLink %q", k.Naam, g.DocumentatieLink)
			}
		}
		names := func() []string {
			var s []string
			for _, k := range got {
				s = append(s, k.Naam)
			}
			return s
		}()
		for _, must := range []string{"zaken", "documenten", "besluiten", "zaaktypen", "informatieobjecttypen", "besluittypen", "autorisaties", "objecten", "partijen", "klantcontacten", "internetaken"} {
			if !slices.Contains(names, must) {
				t.Errorf("kanaal %s missing", must)
			}
		}

		// Idempotent: a second start (another node) changes nothing, and a changed public URL
		// moves the documentatieLink along.
		if err := n.Reg.EnsureKanalen(context.Background(), notificaties.PlatformKanalen()); err != nil {
			t.Fatal(err)
		}
		if again := listKanalen(t, n, "", n.consumer); !slices.EqualFunc(again, got, func(a, b kanaalJSON) bool {
			return a.URL == b.URL && a.DocumentatieLink == b.DocumentatieLink && slices.Equal(a.Filters, b.Filters)
		}) {
			t.Errorf("second EnsureKanalen changed the kanalen:\n%+v\n%+v", again, got)
		}
		other := newNRC(t, e) // same database, other public URL
		for _, k := range listKanalen(t, other, "", other.consumer) {
			if !strings.HasPrefix(k.DocumentatieLink, other.URL) {
				t.Errorf("%s documentatieLink %q not moved to %s", k.Naam, k.DocumentatieLink, other.URL)
			}
		}
	})
}

func TestKanaalCreateListRead(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		r := n.post(t, "/kanaal", n.publisher, map[string]any{"naam": "meldingen", "documentatieLink": "https://example.com/meldingen", "filters": []string{"wijk", "soort_melding"}})
		wantStatus(t, r, http.StatusCreated)
		var created kanaalJSON
		r.Decode(t, &created)
		if created.Naam != "meldingen" || created.DocumentatieLink != "https://example.com/meldingen" || !slices.Equal(created.Filters, []string{"wijk", "soort_melding"}) {
			t.Errorf("created %+v", created)
		}
		if loc := r.Header.Get("Location"); loc != created.URL || !strings.HasPrefix(loc, n.URL+root+"/kanaal/") {
			t.Errorf("Location %q, url %q", loc, created.URL)
		}

		// Without documentatieLink and filters.
		r = n.post(t, "/kanaal", n.publisher, map[string]any{"naam": "kaal"})
		wantStatus(t, r, http.StatusCreated)
		var kaal kanaalJSON
		r.Decode(t, &kaal)
		if kaal.DocumentatieLink != "" || kaal.Filters == nil || len(kaal.Filters) != 0 {
			t.Errorf("kaal %+v", kaal)
		}

		read := n.get(t, strings.TrimPrefix(created.URL, n.URL+root), n.consumer)
		wantStatus(t, read, http.StatusOK)
		var got kanaalJSON
		read.Decode(t, &got)
		if got.URL != created.URL || got.Naam != "meldingen" {
			t.Errorf("read %+v", got)
		}

		if l := listKanalen(t, n, "?naam=meldingen", n.publisher); len(l) != 1 || l[0].URL != created.URL {
			t.Errorf("naam=meldingen: %+v", l)
		}
		if l := listKanalen(t, n, "?naam=bestaat-niet", n.publisher); len(l) != 0 {
			t.Errorf("naam=bestaat-niet: %+v", l)
		}
		if l := listKanalen(t, n, "", n.consumer); len(l) != len(notificaties.PlatformKanalen())+2 {
			t.Errorf("%d kanalen", len(l))
		}

		wantStatus(t, n.get(t, "/kanaal/3fa85f64-5717-4562-b3fc-2c963f66afa6", n.consumer), http.StatusNotFound)
		apptest.WantInvalid(t, n.bad(t, http.MethodGet, "/kanaal?zaaktype=x", n.consumer, nil), "nonFieldErrors", "unknown-parameters")
	})
}

func TestKanaalNaamUnique(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		before := countRows(t, e, "kanaal")
		apptest.WantInvalid(t, n.post(t, "/kanaal", n.publisher, map[string]any{"naam": "zaken"}), "naam", "unique")
		wantStatus(t, n.post(t, "/kanaal", n.publisher, map[string]any{"naam": "eigen"}), http.StatusCreated)
		apptest.WantInvalid(t, n.post(t, "/kanaal", n.publisher, map[string]any{"naam": "eigen"}), "naam", "unique")
		if got := countRows(t, e, "kanaal"); got != before+1 {
			t.Errorf("%d kanalen, want %d", got, before+1)
		}
	})
}

func TestKanaalBadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		before := countRows(t, e, "kanaal")
		for _, body := range []any{
			map[string]any{},
			map[string]any{"naam": strings.Repeat("x", 51)},
			map[string]any{"naam": ""},
			map[string]any{"naam": "x", "documentatieLink": "geen url"},
			map[string]any{"naam": "x", "filters": "bronorganisatie"},
			map[string]any{"naam": "x", "filters": []any{1}},
			`{"naam": `,
			`[]`,
		} {
			r := n.bad(t, http.MethodPost, "/kanaal", n.publisher, body)
			if r.Status != http.StatusBadRequest {
				t.Errorf("%v: status %d:\n%s", body, r.Status, r.Body)
			}
		}
		apptest.WantInvalid(t, n.bad(t, http.MethodPost, "/kanaal", n.publisher, map[string]any{}), "naam", "required")
		if got := countRows(t, e, "kanaal"); got != before {
			t.Errorf("bad input stored a kanaal: %d, want %d", got, before)
		}
	})
}

func TestKanaalScopes(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		// Reading takes either nrc scope; creating takes publiceren.
		wantStatus(t, n.get(t, "/kanaal", n.publisher), http.StatusOK)
		wantStatus(t, n.get(t, "/kanaal", n.consumer), http.StatusOK)
		wantStatus(t, n.get(t, "/kanaal", n.outsider), http.StatusForbidden)
		wantStatus(t, n.get(t, "/kanaal", ""), http.StatusUnauthorized)
		wantStatus(t, n.post(t, "/kanaal", n.consumer, map[string]any{"naam": "x"}), http.StatusForbidden)
		wantStatus(t, n.post(t, "/kanaal", n.outsider, map[string]any{"naam": "x"}), http.StatusForbidden)
		wantStatus(t, n.post(t, "/kanaal", e.Admin, map[string]any{"naam": "x"}), http.StatusCreated)
	})
}

func TestKanaalDocumentatiePage(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		r := n.get(t, "/x-meent/kanalen/besluiten", "") // public
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q", ct)
		}
		for _, want := range []string{"besluiten", "Besluiten API", "verantwoordelijke_organisatie", "besluittype", "besluitinformatieobject", "partial_update"} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("page lacks %q:\n%s", want, r.Body)
			}
		}
		r = n.get(t, "/x-meent/kanalen/autorisaties", "")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), "geen kenmerken") {
			t.Errorf("autorisaties page:\n%s", r.Body)
		}
		wantStatus(t, n.get(t, "/x-meent/kanalen/bestaat-niet", ""), http.StatusNotFound)
	})
}

// The platform kanalen of Klantinteracties and Objecten: an abonnement filters on their
// kenmerken (in either spelling, snake_case or camelCase), a message on them reaches exactly
// the matching abonnementen, and their documentatieLink page lists the kenmerken.
func TestPlatformKanalenKlantinteractiesEnObjecten(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		n := newNRC(t, e)
		n.deliver(t)
		rc := newReceiver(t, http.StatusNoContent)
		const objecttype = "https://meent.example/objecttypes/api/v2/objecttypes/8e3b1c4a-0d6f-4b7e-9a2c-5f1d3e7b9c20"
		wantStatus(t, n.post(t, "/abonnement", n.consumer, abonnementBody(rc.URL(),
			group("objecten", map[string]string{"objectType": objecttype}),
			group("partijen", map[string]string{"soortPartij": "persoon"}),
			group("klantcontacten", map[string]string{"indicatie_contact_gelukt": "true"}),
			group("internetaken", map[string]string{"status": "verwerkt", "gevraagde_handeling": "*"}),
		)), http.StatusCreated)

		for _, m := range []struct {
			kanaal, resource string
			kenmerken        map[string]string
			want             bool
		}{
			{"objecten", "object", map[string]string{"objectType": objecttype}, true},
			{"objecten", "object", map[string]string{"object_type": objecttype}, true},
			{"objecten", "object", map[string]string{"objectType": objecttype + "x"}, false},
			{"partijen", "partij", map[string]string{"nummer": "0000001", "interneNotitie": "x", "soortPartij": "persoon"}, true},
			{"partijen", "partij", map[string]string{"nummer": "0000002", "interneNotitie": "x", "soortPartij": "organisatie"}, false},
			{"klantcontacten", "klantcontact", map[string]string{"hoofdOnderwerpType": "zaak", "indicatieContactGelukt": "true", "verdereActieOndernomen": "false"}, true},
			{"klantcontacten", "klantcontact", map[string]string{"hoofdOnderwerpType": "zaak", "indicatieContactGelukt": "false", "verdereActieOndernomen": "false"}, false},
			{"internetaken", "internetaak", map[string]string{"nummer": "0000003", "gevraagdeHandeling": "bellen", "toelichting": "x", "status": "verwerkt"}, true},
			{"internetaken", "internetaak", map[string]string{"nummer": "0000004", "gevraagdeHandeling": "bellen", "toelichting": "x", "status": "te_verwerken"}, false},
		} {
			msg := message(m.kanaal, m.kenmerken)
			msg["resource"] = m.resource
			msg["resourceUrl"] = "https://meent.example/" + m.kanaal + "/" + m.kenmerken["nummer"] + m.kenmerken["objectType"] + m.kenmerken["object_type"] + m.kenmerken["soortPartij"] + m.kenmerken["indicatieContactGelukt"] + m.kenmerken["status"]
			wantStatus(t, n.post(t, "/notificaties", n.publisher, msg), http.StatusOK)
		}
		// A kenmerk the kanaal does not declare is refused (kenmerken_inconsistent).
		apptest.WantInvalid(t, n.post(t, "/notificaties", n.publisher, message("objecten", map[string]string{"kleur": "rood", "maat": "L"})),
			"kenmerken", "kenmerken_inconsistent")

		want := 5 // 4 groups, objecten twice
		var got []string
		eventually(t, "the matching notifications", func() bool {
			got = got[:0]
			for _, r := range rc.received() {
				if r.body.Kanaal != "test" {
					got = append(got, r.body.Kanaal+" "+r.body.ResourceURL)
				}
			}
			return len(got) >= want
		})
		time.Sleep(200 * time.Millisecond) // nothing else arrives
		got = got[:0]
		for _, r := range rc.received() {
			if r.body.Kanaal != "test" {
				got = append(got, r.body.Kanaal+" "+r.body.ResourceURL)
			}
		}
		slices.Sort(got)
		wantGot := []string{
			"internetaken https://meent.example/internetaken/0000003verwerkt",
			"klantcontacten https://meent.example/klantcontacten/true",
			"objecten https://meent.example/objecten/" + objecttype,
			"objecten https://meent.example/objecten/" + objecttype,
			"partijen https://meent.example/partijen/0000001persoon",
		}
		if !slices.Equal(got, wantGot) {
			t.Errorf("delivered:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantGot, "\n"))
		}

		for naam, words := range map[string][]string{
			"objecten":       {"Objecten API", "objectType", "<code>object</code>"},
			"partijen":       {"Klantinteracties API", "nummer", "interne_notitie", "soort_partij"},
			"klantcontacten": {"Klantinteracties API", "hoofd_onderwerp_type", "indicatie_contact_gelukt", "verdere_actie_ondernomen"},
			"internetaken":   {"Klantinteracties API", "gevraagde_handeling", "toelichting", "status"},
		} {
			r := n.get(t, "/x-meent/kanalen/"+naam, "")
			wantStatus(t, r, http.StatusOK)
			for _, w := range words {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("page of %s lacks %q", naam, w)
				}
			}
		}
	})
}
