package catalogi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/zgw"
)

const (
	hkRoot = "/catalogi/api/v1"
	hkRef  = "/referentielijsten/api/v1"
)

// hk is a running Meent with the helpers of the main-type tests.
type hk struct {
	*apptest.Env
	mu  sync.Mutex
	seq int
}

func newHK(e *apptest.Env) *hk { return &hk{Env: e} }

func (h *hk) next() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return h.seq
}

func (h *hk) do(t *testing.T, method, u string, body any) *apptest.Resp {
	t.Helper()
	return h.Do(t, apptest.Req{Method: method, URL: u, Body: body, Token: h.Admin})
}

// send is apptest.Send with the admin token.
func (h *hk) send(t *testing.T) apptest.Send {
	return func(method, u string, body any) *apptest.Resp { return h.do(t, method, u, body) }
}

// must sends a request with the admin token and expects status want; it returns the body.
func (h *hk) must(t *testing.T, method, u string, body any, want int) map[string]any {
	t.Helper()
	r := h.do(t, method, u, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d, want %d:\n%s", method, u, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.JSON(t)
}

func (h *hk) catalogus(t *testing.T) string {
	t.Helper()
	return h.Post(t, hkRoot+"/catalogussen", map[string]any{
		"domein": fmt.Sprintf("D%d", h.next()), "rsin": "002220647", "contactpersoonBeheerNaam": "Beheer",
	})["url"].(string)
}

func hkZaaktypeBody(catalogus, identificatie string, over map[string]any) map[string]any {
	b := map[string]any{
		"identificatie": identificatie, "omschrijving": "Zaaktype " + identificatie,
		"vertrouwelijkheidaanduiding": "openbaar", "doel": "Testen", "aanleiding": "Test",
		"indicatieInternOfExtern": "extern", "handelingInitiator": "Aanvragen", "onderwerp": "Test",
		"handelingBehandelaar": "Behandelen", "doorlooptijd": "P30D", "opschortingEnAanhoudingMogelijk": false,
		"verlengingMogelijk": false, "publicatieIndicatie": false, "productenOfDiensten": []string{},
		"referentieproces": map[string]any{"naam": "Test"}, "verantwoordelijke": "Gemeente", "versiedatum": "2024-01-01",
		"beginGeldigheid": "2024-01-01", "catalogus": catalogus, "besluittypen": []string{}, "deelzaaktypen": []string{},
		"gerelateerdeZaaktypen": []any{},
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func hkIOTBody(catalogus, omschrijving string, over map[string]any) map[string]any {
	b := map[string]any{
		"catalogus": catalogus, "omschrijving": omschrijving, "beginGeldigheid": "2024-01-01",
		"vertrouwelijkheidaanduiding": "openbaar", "informatieobjectcategorie": "Test",
	}
	for k, v := range over {
		b[k] = v
	}
	return b
}

func hkBesluittypeBody(catalogus, omschrijving string, over map[string]any) map[string]any {
	b := map[string]any{
		"catalogus": catalogus, "omschrijving": omschrijving, "beginGeldigheid": "2024-01-01", "publicatieIndicatie": false, "zaaktypen": []string{},
		"informatieobjecttypen": []string{},
	}
	for k, v := range over {
		b[k] = v
	}
	return b
}

func (h *hk) zaaktype(t *testing.T, catalogus, identificatie string, over map[string]any) map[string]any {
	t.Helper()
	return h.Post(t, hkRoot+"/zaaktypen", hkZaaktypeBody(catalogus, identificatie, over))
}

func (h *hk) iot(t *testing.T, catalogus, omschrijving string, over map[string]any) map[string]any {
	t.Helper()
	return h.Post(t, hkRoot+"/informatieobjecttypen", hkIOTBody(catalogus, omschrijving, over))
}

func (h *hk) besluittype(t *testing.T, catalogus, omschrijving string, over map[string]any) map[string]any {
	t.Helper()
	return h.Post(t, hkRoot+"/besluittypen", hkBesluittypeBody(catalogus, omschrijving, over))
}

func (h *hk) ztiot(t *testing.T, zaaktype, iot string, volgnummer int) map[string]any {
	t.Helper()
	return h.Post(t, hkRoot+"/zaaktype-informatieobjecttypen", map[string]any{
		"zaaktype": zaaktype, "informatieobjecttype": iot, "volgnummer": volgnummer, "richting": "inkomend",
	})
}

func (h *hk) publish(t *testing.T, u string) map[string]any {
	t.Helper()
	return h.must(t, http.MethodPost, u+"/publish", nil, http.StatusOK)
}

// count is the count of a list.
func (h *hk) count(t *testing.T, u string) int {
	t.Helper()
	r := h.Get(t, u)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", u, r.Status, r.Body)
	}
	return int(r.JSON(t)["count"].(float64))
}

// results returns the results of a list page.
func (h *hk) results(t *testing.T, u string) []map[string]any {
	t.Helper()
	r := h.Get(t, u)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", u, r.Status, r.Body)
	}
	var page struct {
		Results []map[string]any `json:"results"`
	}
	r.Decode(t, &page)
	return page.Results
}

// outbox is the number of notifications written so far.
func (h *hk) outbox(t *testing.T) int {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), h.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

// lastNotification is the newest notification.
func (h *hk) lastNotification(t *testing.T) zgw.OutboxRow {
	t.Helper()
	rows, err := zgw.Outbox(context.Background(), h.App.DB, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no notifications")
	}
	return rows[len(rows)-1]
}

// client returns a token of a client with only these ztc scopes.
func (h *hk) client(t *testing.T, scopes ...string) string {
	t.Helper()
	id := fmt.Sprintf("hk-%d", h.next())
	return h.AddClient(t, autorisaties.Seed{ClientIDs: []string{id}, Secret: id + "-secret", Label: id,
		Autorisaties: []autorisaties.Autorisatie{{Component: "ztc", Scopes: scopes}}})
}

// procestype is the URL of a procestype of the built-in Referentielijsten API.
func (h *hk) procestype(t *testing.T) string {
	t.Helper()
	var list []map[string]any
	h.Get(t, hkRef+"/procestypen").Decode(t, &list)
	if len(list) == 0 {
		t.Fatal("the Referentielijsten API serves no procestypen")
	}
	return list[0]["url"].(string)
}

func hkUUID(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func hkStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
