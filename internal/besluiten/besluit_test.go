package besluiten_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
)

// TestBesluitCRUD: create, read, list with every filter, PUT, PATCH, HEAD, delete, with
// notifications and audit trail.
func TestBesluitCRUD(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		r := b.do(t, "", http.MethodPost, brcRoot+"/besluiten", besluitBody(f.besluittype, map[string]any{
			"identificatie": "B-1", "toelichting": "Verleend", "bestuursorgaan": "College", "vervaldatum": "2030-01-01",
			"vervalreden": "tijdelijk", "publicatiedatum": "2024-03-03"}))
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d: %s", r.Status, r.Body)
		}
		got := r.JSON(t)
		u := got["url"].(string)
		if r.Header.Get("Location") != u || !strings.HasPrefix(u, e.URL+brcRoot+"/besluiten/") {
			t.Errorf("url %q, Location %q", u, r.Header.Get("Location"))
		}
		if got["identificatie"] != "B-1" || got["vervalredenWeergave"] != "Besluit met tijdelijke werking" || got["zaak"] != "" ||
			got["verzenddatum"] != nil || got["vervaldatum"] != "2030-01-01" {
			t.Errorf("created: %v", got)
		}
		read := b.must(t, http.MethodGet, u, nil, http.StatusOK)
		if read["toelichting"] != "Verleend" || read["bestuursorgaan"] != "College" {
			t.Errorf("read: %v", read)
		}
		// The OAS has no HEAD operation (algemeen §10); GET answers it with the same headers.
		h := b.Do(t, apptest.Req{Method: http.MethodHead, URL: u, Token: b.Admin, Unchecked: true})
		if h.Status != http.StatusOK || len(h.Body) != 0 || h.Header.Get("ETag") == "" {
			t.Errorf("HEAD = %d %q etag %q", h.Status, h.Body, h.Header.Get("ETag"))
		}
		if r := b.Do(t, apptest.Req{Method: http.MethodGet, URL: u, Token: b.Admin, Header: map[string]string{"If-None-Match": h.Header.Get("ETag")}}); r.Status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d, want 304", r.Status)
		}
		other := b.besluit(t, f.ander, map[string]any{"verantwoordelijkeOrganisatie": "123456782"})
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{u, other["url"].(string)}},
			{"identificatie=B-1", []string{u}},
			{"verantwoordelijkeOrganisatie=123456782", []string{other["url"].(string)}},
			{"besluittype=" + url.QueryEscape(f.besluittype), []string{u}},
			{"zaak=" + url.QueryEscape(e.URL+zrcRoot+"/zaken/00000000-0000-0000-0000-000000000000"), nil},
		} {
			n, urls := b.list(t, "", brcRoot+"/besluiten?"+c.query)
			if n != len(c.want) || strings.Join(urls, ",") != strings.Join(c.want, ",") {
				t.Errorf("list %q = %d %v, want %v", c.query, n, urls, c.want)
			}
		}
		// PUT replaces everything but what is fixed; identificatie may be left out.
		put := besluitBody(f.besluittype, map[string]any{"toelichting": "Herzien"})
		upd := b.must(t, http.MethodPut, u, put, http.StatusOK)
		if upd["toelichting"] != "Herzien" || upd["bestuursorgaan"] != "" || upd["vervaldatum"] != nil || upd["identificatie"] != "B-1" ||
			upd["vervalreden"] != "" {
			t.Errorf("put: %v", upd)
		}
		patched := b.must(t, http.MethodPatch, u, map[string]any{"verzenddatum": "2024-03-04"}, http.StatusOK)
		if patched["verzenddatum"] != "2024-03-04" || patched["toelichting"] != "Herzien" {
			t.Errorf("patch: %v", patched)
		}
		trail := b.array(t, "", u+"/audittrail")
		var acties []string
		for _, a := range trail {
			acties = append(acties, a["actie"].(string))
		}
		if strings.Join(acties, ",") != "create,update,partial_update" || trail[0]["bron"] != "brc" || trail[0]["resourceWeergave"] != "B-1" {
			t.Errorf("audittrail: %v", trail)
		}
		one := b.must(t, http.MethodGet, u+"/audittrail/"+trail[1]["uuid"].(string), nil, http.StatusOK)
		if one["actie"] != "update" {
			t.Errorf("audittrail entry: %v", one)
		}
		b.must(t, http.MethodDelete, u, nil, http.StatusNoContent)
		b.must(t, http.MethodGet, u, nil, http.StatusNotFound)
		ns := b.notifications(t, "besluiten")
		var seen []string
		for _, n := range ns {
			if n.HoofdObject == u {
				seen = append(seen, n.Actie)
				if n.Resource != "besluit" || n.Kenmerken["besluittype"] != f.besluittype || n.Kenmerken["verantwoordelijke_organisatie"] != rsin {
					t.Errorf("notification: %+v", n)
				}
			}
		}
		if strings.Join(seen, ",") != "create,update,partial_update,destroy" {
			t.Errorf("notifications: %v", seen)
		}
	})
}

// TestBRC002Identificatie: a generated identificatie is unique per organisation; a supplied
// one that exists is refused; neither field changes; the organisation is an RSIN.
func TestBRC002Identificatie(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		a := b.besluit(t, f.ander, nil)
		c := b.besluit(t, f.ander, nil)
		ia, ic := a["identificatie"].(string), c["identificatie"].(string)
		if ia == "" || ia == ic || !strings.HasPrefix(ia, "BESLUIT-") {
			t.Errorf("generated %q and %q", ia, ic)
		}
		b.bad(t, http.MethodPost, brcRoot+"/besluiten", besluitBody(f.ander, map[string]any{"identificatie": ia}), false,
			"identificatie", "identificatie-niet-uniek")
		// Another organisation may use the same identificatie.
		b.besluit(t, f.ander, map[string]any{"identificatie": ia, "verantwoordelijkeOrganisatie": "123456782"})
		// A hand-made identificatie in the generator's next slot is skipped.
		next := ic[:len(ic)-1] + string(ic[len(ic)-1]+1)
		b.besluit(t, f.ander, map[string]any{"identificatie": next})
		if d := b.besluit(t, f.ander, nil)["identificatie"]; d == next || d == ia || d == ic {
			t.Errorf("generated %v again", d)
		}
		b.bad(t, http.MethodPatch, a["url"].(string), map[string]any{"identificatie": "ANDERS"}, false, "identificatie", "wijzigen-niet-toegelaten")
		b.bad(t, http.MethodPatch, a["url"].(string), map[string]any{"verantwoordelijkeOrganisatie": "123456782"}, false,
			"verantwoordelijkeOrganisatie", "wijzigen-niet-toegelaten")
		for _, c := range []struct{ rsin, code string }{{"002220648", "invalid"}, {"12345678", "invalid-length"}, {"00222064a", "only-digits"}} {
			b.bad(t, http.MethodPost, brcRoot+"/besluiten", besluitBody(f.ander, map[string]any{"verantwoordelijkeOrganisatie": c.rsin}),
				false, "verantwoordelijkeOrganisatie", c.code)
		}
		if n := b.count(t, `SELECT count(*) FROM besluit`); n != 5 {
			t.Errorf("%d besluiten stored, want 5", n)
		}
	})
}

// TestBRC001Besluittype: the besluittype resolves to a published Catalogi besluittype and is
// fixed afterwards.
func TestBRC001Besluittype(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		post := func(bt string) *apptest.Resp {
			return b.do(t, "", http.MethodPost, brcRoot+"/besluiten", besluitBody(bt, nil))
		}
		apptest.WantInvalid(t, post(f.concept), "besluittype", "not-published")
		apptest.WantInvalid(t, post(e.URL+ztcRoot+"/besluittypen/00000000-0000-0000-0000-000000000000"), "besluittype", "bad-url")
		apptest.WantInvalid(t, post(f.zaaktype), "besluittype", "invalid-resource")
		apptest.WantInvalid(t, post("https://elders.example/besluittypen/1"), "besluittype", "bad-url")
		u := b.besluit(t, f.besluittype, nil)["url"].(string)
		b.bad(t, http.MethodPatch, u, map[string]any{"besluittype": f.ander}, false, "besluittype", "wijzigen-niet-toegelaten")
		b.bad(t, http.MethodPut, u, besluitBody(f.ander, nil), false, "besluittype", "wijzigen-niet-toegelaten")
		if n := b.count(t, `SELECT count(*) FROM besluit`); n != 1 {
			t.Errorf("%d besluiten stored, want 1", n)
		}
	})
}

// TestBRCDatum: datum may not be in the future (OAS); bad dates and vervalreden are 400s.
func TestBRCDatum(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		morgen := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		b.bad(t, http.MethodPost, brcRoot+"/besluiten", besluitBody(f.ander, map[string]any{"datum": morgen}), false, "datum", "future_not_allowed")
		vandaag := time.Now().Format(time.DateOnly)
		u := b.besluit(t, f.ander, map[string]any{"datum": vandaag})["url"].(string)
		b.bad(t, http.MethodPatch, u, map[string]any{"datum": morgen}, false, "datum", "future_not_allowed")
		r := b.Do(t, apptest.Req{Method: http.MethodPost, URL: brcRoot + "/besluiten", Token: b.Admin, BadInput: true,
			Body: besluitBody(f.ander, map[string]any{"vervalreden": "vergeten"})})
		if r.Status != http.StatusBadRequest {
			t.Errorf("vervalreden vergeten = %d", r.Status)
		}
		r = b.Do(t, apptest.Req{Method: http.MethodPost, URL: brcRoot + "/besluiten", Token: b.Admin, BadInput: true,
			Body: besluitBody(f.ander, map[string]any{"ingangsdatum": "2024-02-30"})})
		if r.Status != http.StatusBadRequest {
			t.Errorf("ingangsdatum 2024-02-30 = %d", r.Status)
		}
		r = b.Do(t, apptest.Req{Method: http.MethodGet, URL: brcRoot + "/besluiten?onbekend=1", Token: b.Admin, BadInput: true})
		apptest.WantInvalid(t, r, "nonFieldErrors", "unknown-parameters")
		if n := b.count(t, `SELECT count(*) FROM besluit`); n != 1 {
			t.Errorf("%d besluiten stored, want 1", n)
		}
	})
}

// TestBRC002Gelijktijdig: concurrent creates without identificatie all get their own.
func TestBRC002Gelijktijdig(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		const n = 8
		ids := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				r := b.do(t, "", http.MethodPost, brcRoot+"/besluiten", besluitBody(f.ander, nil))
				if r.Status != http.StatusCreated {
					t.Errorf("create = %d: %s", r.Status, r.Body)
					return
				}
				ids <- r.JSON(t)["identificatie"].(string)
			})
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			if seen[id] {
				t.Errorf("identificatie %s twice", id)
			}
			seen[id] = true
		}
		if len(seen) != n {
			t.Errorf("%d identificaties, want %d", len(seen), n)
		}
	})
}

// TestBesluitIndexes: on PostgreSQL every list filter of the OAS is served by an index.
func TestBesluitIndexes(t *testing.T) {
	t.Parallel()
	e := apptest.MustStart(t, true)
	ctx := context.Background()
	for _, q := range []string{
		`SELECT id FROM besluit WHERE identificatie = 'x' ORDER BY id LIMIT 100`,
		`SELECT id FROM besluit WHERE verantwoordelijke_organisatie = 'x' ORDER BY id LIMIT 100`,
		`SELECT id FROM besluit WHERE besluittype = 'x' ORDER BY id LIMIT 100`,
		`SELECT id FROM besluit WHERE zaak = 'x' ORDER BY id LIMIT 100`,
		`SELECT b.id FROM besluitinformatieobject b JOIN besluit s ON s.id = b.besluit_id WHERE s.uuid = '00000000-0000-0000-0000-000000000000'`,
		`SELECT b.id FROM besluitinformatieobject b WHERE b.informatieobject = 'x'`,
	} {
		var plan []string
		err := e.App.DB.Update(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+q)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				plan = append(plan, s)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") {
			t.Errorf("no index for %s:\n%s", q, p)
		}
	}
}

// Concurrent deletes of one besluit: it is deleted and announced once.
func TestBesluitConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		e.DeleteAtOnce(t, b.besluit(t, f.besluittype, nil)["url"].(string), 8, b.send(t))
	})
}

// Concurrent PATCHes of different fields of one besluit all keep their change.
func TestBesluitConcurrentPatches(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBT(e)
		f := b.fixture(t)
		for range 3 {
			e.PatchAtOnce(t, b.besluit(t, f.besluittype, nil)["url"].(string), map[string]any{"toelichting": "Toegekend",
				"bestuursorgaan": "College", "vervalreden": "tijdelijk", "publicatiedatum": "2024-04-01"}, b.send(t))
		}
	})
}
