package catalogi_test

import (
	"net/http"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
)

// unchanged runs f (requests that must be refused) and checks that the list at u and the
// outbox are as before.
func (h *hk) unchanged(t *testing.T, u string, f func()) {
	t.Helper()
	count, out := h.count(t, u), h.outbox(t)
	f()
	if got := h.count(t, u); got != count {
		t.Errorf("%s: count %d after refused requests, was %d", u, got, count)
	}
	if got := h.outbox(t); got != out {
		t.Errorf("outbox has %d notifications after refused requests, was %d", got, out)
	}
}

func TestCatalogus_CRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		r := h.do(t, http.MethodPost, hkRoot+"/catalogussen", map[string]any{
			"domein": "ABC", "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer", "naam": "Hoofdcatalogus",
			"contactpersoonBeheerEmailadres": "beheer@example.com",
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		c := r.JSON(t)
		u := c["url"].(string)
		if r.Header.Get("Location") != u {
			t.Errorf("Location %q, want %q", r.Header.Get("Location"), u)
		}
		for k, want := range map[string]any{"domein": "ABC", "rsin": "002220647", "naam": "Hoofdcatalogus", "versie": nil,
			"begindatumVersie": nil, "contactpersoonBeheerTelefoonnummer": "", "contactpersoonBeheerEmailadres": "beheer@example.com"} {
			if c[k] != want {
				t.Errorf("%s = %#v, want %#v", k, c[k], want)
			}
		}
		for _, k := range []string{"zaaktypen", "besluittypen", "informatieobjecttypen"} {
			if len(c[k].([]any)) != 0 {
				t.Errorf("%s = %v, want []", k, c[k])
			}
		}
		// The types of the catalogus are listed in it, concept or not.
		zt := h.zaaktype(t, u, "Z1", nil)["url"].(string)
		iot := h.iot(t, u, "Brief", nil)["url"].(string)
		bt := h.besluittype(t, u, "Besluit", nil)["url"].(string)
		got := h.must(t, http.MethodGet, u, nil, http.StatusOK)
		for k, want := range map[string]string{"zaaktypen": zt, "informatieobjecttypen": iot, "besluittypen": bt} {
			if l := hkStrings(got[k]); len(l) != 1 || l[0] != want {
				t.Errorf("%s = %v, want [%s]", k, l, want)
			}
		}

		// ETag, HEAD and If-None-Match.
		g := h.Get(t, u)
		etag := g.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		head := h.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: h.Admin})
		if head.Status != http.StatusOK || len(head.Body) != 0 || head.Header.Get("ETag") != etag {
			t.Errorf("HEAD = %d %q etag %q, want 200, no body, %q", head.Status, head.Body, head.Header.Get("ETag"), etag)
		}
		nm := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: h.Admin, Header: map[string]string{"If-None-Match": etag}})
		if nm.Status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d, want 304", nm.Status)
		}

		h.catalogus(t)
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 2}, {"?domein=ABC", 1}, {"?domein__in=ABC,XYZ", 1}, {"?rsin=002220647", 2}, {"?rsin__in=002220647", 2},
			{"?rsin=123456782", 0}, {"?domein=ABC&rsin=002220647", 1}, {"?page=1", 2},
		} {
			if n := h.count(t, hkRoot+"/catalogussen"+tc.query); n != tc.want {
				t.Errorf("catalogussen%s: count %d, want %d", tc.query, n, tc.want)
			}
		}
		for _, u := range []string{hkRoot + "/catalogussen/6f2b2d2e-8d7a-4d0e-9d36-0f0e0d0c0b0a", hkRoot + "/catalogussen/abc"} {
			if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: h.Admin, BadInput: true}); r.Status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", u, r.Status)
			}
		}
		// A page past the end is a 404 (zgw.Paginate), which the list operations do not document.
		if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: hkRoot + "/catalogussen?page=2", Token: h.Admin, Unchecked: true}); r.Status != http.StatusNotFound {
			t.Errorf("page 2 = %d, want 404", r.Status)
		}
	})
}

func TestCatalogus_BadInput(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		h.catalogus(t)
		valid := map[string]any{"domein": "X", "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer"}
		with := func(k string, v any) map[string]any {
			b := map[string]any{}
			for k, v := range valid {
				b[k] = v
			}
			b[k] = v
			return b
		}
		h.unchanged(t, hkRoot+"/catalogussen", func() {
			for _, tc := range []struct {
				body       any
				name, code string
			}{
				{`{"domein": `, "nonFieldErrors", "parse_error"},
				{with("domein", 12), "domein", "invalid"},
				{with("domein", "TOOLONG"), "domein", "max_length"},
				{map[string]any{"rsin": "002220647"}, "domein", "required"},
				{with("rsin", "00222064A"), "rsin", "only-digits"},
				{with("rsin", "12345678"), "rsin", "invalid-length"},
				{with("rsin", "123456789"), "rsin", "invalid"},
				{with("contactpersoonBeheerEmailadres", "geen-mail"), "contactpersoonBeheerEmailadres", "invalid"},
				{with("domein", "D1"), "nonFieldErrors", "unique"}, // h.catalogus made D1 with this rsin
			} {
				r := h.Do(t, apptest.Req{Method: http.MethodPost, URL: hkRoot + "/catalogussen", Body: tc.body, Token: h.Admin, BadInput: true})
				apptest.WantInvalid(t, r, tc.name, tc.code)
			}
			r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: hkRoot + "/catalogussen?onbekend=1", Token: h.Admin, BadInput: true})
			apptest.WantInvalid(t, r, "nonFieldErrors", "unknown-parameters")
		})
	})
}

// TestZtc014_ReadsWithZakenOrDocumentenLezen: a ZRC or DRC that reads zaken or documenten may
// read the catalogue, on every read endpoint; it may not write.
func TestZtc014_ReadsWithZakenOrDocumentenLezen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		zt := h.zaaktype(t, cat, "Z1", nil)["url"].(string)
		iot := h.iot(t, cat, "Brief", nil)["url"].(string)
		bt := h.besluittype(t, cat, "Besluit", nil)["url"].(string)
		ztiot := h.ztiot(t, zt, "Brief", 1)["url"].(string)
		tokens := map[string]string{
			"zaken.lezen": h.AddClient(t, autorisaties.Seed{ClientIDs: []string{"zrc"}, Secret: "zrc-secret", Label: "ZRC",
				Autorisaties: []autorisaties.Autorisatie{{Component: "zrc", Scopes: []string{"zaken.lezen"}, Zaaktype: zt, MaxVertrouwelijkheidaanduiding: "geheim"}}}),
			"documenten.lezen": h.AddClient(t, autorisaties.Seed{ClientIDs: []string{"drc"}, Secret: "drc-secret", Label: "DRC",
				Autorisaties: []autorisaties.Autorisatie{{Component: "drc", Scopes: []string{"documenten.lezen"}, Informatieobjecttype: iot, MaxVertrouwelijkheidaanduiding: "geheim"}}}),
			"catalogi.lezen": h.client(t, "catalogi.lezen"),
		}
		none := h.AddClient(t, autorisaties.Seed{ClientIDs: []string{"other"}, Secret: "other-secret", Label: "Other",
			Autorisaties: []autorisaties.Autorisatie{{Component: "zrc", Scopes: []string{"zaken.aanmaken"}, Zaaktype: zt, MaxVertrouwelijkheidaanduiding: "geheim"}}})
		reads := []string{cat, zt, iot, bt, ztiot}
		for _, c := range []string{"catalogussen", "zaaktypen?status=alles", "informatieobjecttypen?status=alles", "besluittypen?status=alles", "zaaktype-informatieobjecttypen?status=alles"} {
			reads = append(reads, hkRoot+"/"+c)
		}
		for scope, token := range tokens {
			for _, u := range reads {
				if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: token}); r.Status != http.StatusOK {
					t.Errorf("%s: GET %s = %d, want 200", scope, u, r.Status)
				}
			}
			r := h.Do(t, apptest.Req{Method: http.MethodPost, URL: hkRoot + "/catalogussen", Token: token,
				Body: map[string]any{"domein": "Y", "rsin": "002220647", "contactpersoonBeheerNaam": "B"}})
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: POST = %d, want 403", scope, r.Status)
			}
		}
		for _, u := range reads {
			if r := h.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: none}); r.Status != http.StatusForbidden {
				t.Errorf("without a reading scope: GET %s = %d, want 403", u, r.Status)
			}
		}
	})
}
