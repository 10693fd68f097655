package notificaties

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// staticRegister is a Register whose abonnementen are groups, without a database.
func staticRegister(groups map[string][]route) *Register {
	r := NewRegister(nil)
	r.RoutesTTL = time.Hour
	r.routes.Store(&routes{byKanaal: groups, gen: r.gen.Load(), loaded: time.Now()})
	return r
}

func sub(id string, filters map[string]string) route {
	return newRoute(outbox.Target{Abonnement: id, CallbackURL: "http://ontvanger.test/" + id, Auth: "Bearer " + id}, filters)
}

// TestRouteMatching is the filter rule of notificaties.md §2.
func TestRouteMatching(t *testing.T) {
	t.Parallel()
	r := staticRegister(map[string][]route{
		"zaken": {
			sub("alles", nil),
			sub("leeg", map[string]string{}),
			sub("org", map[string]string{"bronorganisatie": "111"}),
			sub("org-wild", map[string]string{"bronorganisatie": "*", "zaaktype": "https://ztc/zt/1"}),
			sub("camel", map[string]string{"vertrouwelijkheidAanduiding": "openbaar"}),
			// Two groups on one kanaal: either may match; a target once.
			sub("twee", map[string]string{"bronorganisatie": "222"}),
			sub("twee", map[string]string{"zaaktype": "https://ztc/zt/2"}),
		},
		"besluiten": {
			sub("snake", map[string]string{"verantwoordelijke_organisatie": "333"}),
			sub("camel-besluit", map[string]string{"verantwoordelijkeOrganisatie": "*", "besluittype": "https://ztc/bt/1"}),
		},
		"autorisaties": {sub("ac", nil)},
	})
	for _, tc := range []struct {
		name      string
		kanaal    string
		kenmerken map[string]string
		want      []string
	}{
		{"no filters: every message of the kanaal", "autorisaties", nil, []string{"ac"}},
		{"other kanaal: nothing", "documenten", map[string]string{"bronorganisatie": "111"}, nil},
		{"exact value", "zaken", map[string]string{"bronorganisatie": "111", "zaaktype": "https://ztc/zt/9", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg", "org"}},
		{"wildcard with exact", "zaken", map[string]string{"bronorganisatie": "999", "zaaktype": "https://ztc/zt/1", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg", "org-wild"}},
		{"wildcard needs the other filters too", "zaken", map[string]string{"bronorganisatie": "999", "zaaktype": "https://ztc/zt/9", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg"}},
		{"camelCase filter, snake kenmerk", "zaken", map[string]string{"bronorganisatie": "999", "zaaktype": "x", "vertrouwelijkheid_aanduiding": "openbaar"},
			[]string{"alles", "leeg", "camel"}},
		{"value comparison is exact", "zaken", map[string]string{"bronorganisatie": "111 ", "zaaktype": "x", "vertrouwelijkheidaanduiding": "Openbaar"},
			[]string{"alles", "leeg"}},
		{"kenmerk absent from the message: filter ignored", "zaken", map[string]string{"zaaktype": "x"},
			[]string{"alles", "leeg", "org", "camel", "twee"}},
		{"no kenmerken: every group matches", "zaken", nil,
			[]string{"alles", "leeg", "org", "org-wild", "camel", "twee"}},
		{"several groups, the first matches", "zaken", map[string]string{"bronorganisatie": "222", "zaaktype": "x", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg", "twee"}},
		{"several groups, the second matches", "zaken", map[string]string{"bronorganisatie": "1", "zaaktype": "https://ztc/zt/2", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg", "twee"}},
		{"several groups, both match: once", "zaken", map[string]string{"bronorganisatie": "222", "zaaktype": "https://ztc/zt/2", "vertrouwelijkheidaanduiding": "geheim"},
			[]string{"alles", "leeg", "twee"}},
		{"snake filter, camel kenmerk", "besluiten", map[string]string{"verantwoordelijkeOrganisatie": "333", "besluittype": "https://ztc/bt/9"},
			[]string{"snake"}},
		{"camel filter, snake kenmerk, wildcard", "besluiten", map[string]string{"verantwoordelijke_organisatie": "444", "besluittype": "https://ztc/bt/1"},
			[]string{"camel-besluit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			targets, err := r.Route(context.Background(), zgw.Notificatie{Kanaal: tc.kanaal, Kenmerken: tc.kenmerken})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range targets {
				got = append(got, tg.Abonnement)
				if tg.Auth != "Bearer "+tg.Abonnement || tg.CallbackURL != "http://ontvanger.test/"+tg.Abonnement {
					t.Errorf("target %+v", tg)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCanonicalKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"zaaktype":                      "zaaktype",
		"verantwoordelijke_organisatie": "verantwoordelijkeorganisatie",
		"verantwoordelijkeOrganisatie":  "verantwoordelijkeorganisatie",
		"object_type":                   "objecttype",
		"objectType":                    "objecttype",
		"Bronorganisatie":               "bronorganisatie",
		"zaaktype.catalogus":            "zaaktype.catalogus",
	} {
		if got := canonicalKey(in); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConsistentNames is Open Notificaties' rule for filter and kenmerk names: a subset or a
// superset of the kanaal's filters.
func TestConsistentNames(t *testing.T) {
	t.Parallel()
	zaken := []string{"bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"}
	for _, tc := range []struct {
		kanaal, names []string
		want          bool
	}{
		{zaken, nil, true},
		{zaken, []string{"zaaktype"}, true},
		{zaken, []string{"bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"}, true},
		{zaken, []string{"bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding", "extra"}, true},
		{zaken, []string{"zaaktype", "extra"}, false},
		{zaken, []string{"kleur"}, false},
		{zaken, []string{"Zaaktype", "vertrouwelijkheid_aanduiding"}, true},
		{[]string{"verantwoordelijke_organisatie", "besluittype"}, []string{"verantwoordelijkeOrganisatie"}, true},
		{[]string{}, []string{"wat", "dan", "ook"}, true},
		{nil, nil, true},
	} {
		if got := consistentNames(tc.kanaal, tc.names); got != tc.want {
			t.Errorf("consistentNames(%v, %v) = %v, want %v", tc.kanaal, tc.names, got, tc.want)
		}
	}
}

// BenchmarkRoute routes a zaken notification among 1,000 abonnementen on 11 kanalen (about
// 90 on zaken, with the filters consumers typically use): "few" reaches 7 of them, "fanout"
// a message without kenmerken reaches all 90.
func BenchmarkRoute(b *testing.B) {
	groups := map[string][]route{}
	kanalen := []string{"zaken", "documenten", "besluiten", "zaaktypen", "informatieobjecttypen", "besluittypen",
		"autorisaties", "objecten", "partijen", "klantcontacten", "internetaken"}
	for i := range 1000 {
		k := kanalen[i%len(kanalen)]
		var filters map[string]string
		switch i % 4 {
		case 1:
			filters = map[string]string{"bronorganisatie": fmt.Sprint(100000000 + i%7)}
		case 2, 3:
			filters = map[string]string{"zaaktype": fmt.Sprintf("https://meent.example/catalogi/api/v1/zaaktypen/%d", i%50), "vertrouwelijkheidaanduiding": "*"}
		default:
			if i%40 != 0 {
				filters = map[string]string{"bronorganisatie": "999999999"}
			}
		}
		groups[k] = append(groups[k], sub(fmt.Sprint(i), filters))
	}
	r := staticRegister(groups)
	ctx := context.Background()
	for _, bc := range []struct {
		name      string
		kenmerken map[string]string
		targets   int
	}{
		{"few", map[string]string{"bronorganisatie": "100000003", "zaaktype": "https://meent.example/catalogi/api/v1/zaaktypen/37", "vertrouwelijkheidaanduiding": "openbaar"}, 7},
		{"fanout", nil, len(groups["zaken"])},
	} {
		n := zgw.Notificatie{Kanaal: "zaken", Kenmerken: bc.kenmerken}
		if got, _ := r.Route(ctx, n); len(got) != bc.targets {
			b.Fatalf("%s: %d targets, want %d", bc.name, len(got), bc.targets)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Route(ctx, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
