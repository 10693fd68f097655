package zaken_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

// zaaktypeMetIOTEnEigenschap is zaaktypeMetIOT with an eigenschap "kleur" as well.
func (z *zt) zaaktypeMetIOTEnEigenschap(t testing.TB) (iotType, string) {
	t.Helper()
	var out iotType
	var kleur string
	out.typ = z.zaaktypeMet(t, "openbaar", func(zt, cat string) {
		kleur = z.eigenschap(t, zt, "kleur")
		oms := fmt.Sprintf("Brief %d", z.next())
		out.iot = z.Post(t, ztcRoot+"/informatieobjecttypen", map[string]any{"catalogus": cat, "omschrijving": oms,
			"vertrouwelijkheidaanduiding": "openbaar", "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "brief"})["url"].(string)
		z.must(t, http.MethodPost, out.iot+"/publish", nil, http.StatusOK)
		z.Post(t, ztcRoot+"/zaaktype-informatieobjecttypen", map[string]any{"zaaktype": zt, "informatieobjecttype": oms,
			"volgnummer": 1, "richting": "inkomend"})
	})
	return out, kleur
}

// The expand of eigenschappen, zaakobjecten and zaakinformatieobjecten renders them as their
// own detail endpoints do, on the list, the detail and _zoek; Status.zaakinformatieobjecten
// lists the zaakinformatieobjecten that point at the status.
func TestZaakExpand_Relaties(t *testing.T) {
	t.Parallel()
	rm := newRemote(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		ty, kleur := z.zaaktypeMetIOTEnEigenschap(t)
		a := z.zaak(t, ty.zaaktype, nil)
		b := z.zaak(t, ty.zaaktype, nil)
		aURL, bURL := a["url"].(string), b["url"].(string)
		ze := z.must(t, http.MethodPost, aURL+"/zaakeigenschappen", map[string]any{"zaak": aURL, "eigenschap": kleur, "waarde": "rood"},
			http.StatusCreated)["url"].(string)
		zo := z.must(t, http.MethodPost, zrcRoot+"/zaakobjecten", map[string]any{"zaak": aURL, "objectType": "pand",
			"objectIdentificatie": map[string]any{"identificatie": "P1"}, "relatieomschrijving": "pand"}, http.StatusCreated)["url"].(string)
		zioA1 := z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(aURL, rm.document(ty.iot, true)), http.StatusCreated)["url"].(string)
		zioA2 := z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(aURL, rm.document(ty.iot, true)), http.StatusCreated)["url"].(string)
		zioB := z.must(t, http.MethodPost, zrcRoot+"/zaakinformatieobjecten", zioBody(bURL, rm.document(ty.iot, true)), http.StatusCreated)["url"].(string)
		st := z.status(t, aURL, ty.statustype[0], "2024-03-02T10:00:00Z")["url"].(string)
		z.must(t, http.MethodPatch, zioA2, map[string]any{"status": st}, http.StatusOK)

		detail := func(urls ...string) []any {
			out := []any{}
			for _, u := range urls {
				out = append(out, z.must(t, http.MethodGet, u, nil, http.StatusOK))
			}
			return out
		}
		want := map[string]map[string][]any{
			aURL: {"eigenschappen": detail(ze), "zaakobjecten": detail(zo), "zaakinformatieobjecten": detail(zioA1, zioA2)},
			bURL: {"eigenschappen": {}, "zaakobjecten": {}, "zaakinformatieobjecten": detail(zioB)},
		}
		check := func(how string, zaak map[string]any) {
			t.Helper()
			exp, _ := zaak["_expand"].(map[string]any)
			for key, w := range want[zaak["url"].(string)] {
				if got, _ := exp[key].([]any); !reflect.DeepEqual(got, w) {
					t.Errorf("%s %s: _expand.%s = %v, want %v", how, zaak["url"], key, exp[key], w)
				}
			}
		}
		const expand = "eigenschappen,zaakobjecten,zaakinformatieobjecten"
		check("detail", z.must(t, http.MethodGet, aURL+"?expand="+expand, nil, http.StatusOK))
		check("detail", z.must(t, http.MethodGet, bURL+"?expand="+expand, nil, http.StatusOK))
		pages := map[string]map[string]any{
			"list":  z.must(t, http.MethodGet, zrcRoot+"/zaken?expand="+expand, nil, http.StatusOK),
			"_zoek": z.must(t, http.MethodPost, zrcRoot+"/zaken/_zoek", map[string]any{"uuid__in": []string{a["uuid"].(string), b["uuid"].(string)}, "expand": expand}, http.StatusOK),
		}
		for how, page := range pages {
			results := page["results"].([]any)
			if len(results) != 2 {
				t.Fatalf("%s: %d zaken", how, len(results))
			}
			for _, x := range results {
				check(how, x.(map[string]any))
			}
		}

		// Status.zaakinformatieobjecten on the detail, the list and the expanded status.
		wantZIO := []any{zioA2}
		if got := z.must(t, http.MethodGet, st, nil, http.StatusOK)["zaakinformatieobjecten"]; !reflect.DeepEqual(got, wantZIO) {
			t.Errorf("status detail zaakinformatieobjecten %v", got)
		}
		list := z.must(t, http.MethodGet, zrcRoot+"/statussen?zaak="+aURL, nil, http.StatusOK)["results"].([]any)
		if len(list) != 1 || !reflect.DeepEqual(list[0].(map[string]any)["zaakinformatieobjecten"], wantZIO) {
			t.Errorf("status list %v", list)
		}
		got := z.must(t, http.MethodGet, aURL+"?expand=status", nil, http.StatusOK)["_expand"].(map[string]any)["status"].(map[string]any)
		if !reflect.DeepEqual(got["zaakinformatieobjecten"], wantZIO) {
			t.Errorf("expanded status %v", got)
		}
		// Below the relations: the status of a zaakinformatieobject (with its statustype), and
		// the zaakinformatieobjecten of the status (with their status again).
		deep := z.must(t, http.MethodGet, aURL+"?expand=zaakinformatieobjecten.status.statustype,status.zaakinformatieobjecten.status", nil, http.StatusOK)["_expand"].(map[string]any)
		var withStatus int
		for _, x := range deep["zaakinformatieobjecten"].([]any) {
			zio := x.(map[string]any)
			e, ok := zio["_expand"].(map[string]any)
			if zio["status"] == nil {
				if ok {
					t.Errorf("zaakinformatieobject without status expanded: %v", e)
				}
				continue
			}
			withStatus++
			es := e["status"].(map[string]any)
			if es["url"] != st || es["_expand"].(map[string]any)["statustype"].(map[string]any)["url"] != ty.statustype[0] {
				t.Errorf("zaakinformatieobjecten.status.statustype: %v", es)
			}
		}
		if withStatus != 1 {
			t.Errorf("%d zaakinformatieobjecten with an expanded status, want 1", withStatus)
		}
		sz := deep["status"].(map[string]any)["_expand"].(map[string]any)["zaakinformatieobjecten"].([]any)
		if len(sz) != 1 || sz[0].(map[string]any)["url"] != zioA2 || sz[0].(map[string]any)["_expand"].(map[string]any)["status"].(map[string]any)["url"] != st {
			t.Errorf("status.zaakinformatieobjecten.status: %v", sz)
		}
		// A status without zaakinformatieobjecten lists none.
		stB := z.status(t, bURL, ty.statustype[0], "2024-03-02T10:00:00Z")
		if got := stB["zaakinformatieobjecten"].([]any); len(got) != 0 {
			t.Errorf("status of b: %v", got)
		}
	}, rm.allow())
}
