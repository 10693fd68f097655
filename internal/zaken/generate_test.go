package zaken_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/bench/benchdata"
	"github.com/meent/meent/internal/app/apptest"
)

// TestGenerateReadsLikeTheAPI generates a small municipality and reads it back through the
// API: every response is validated against the spec, and the generated relations are
// consistent (current status, rollen with the BSN, the resultaat of closed zaken).
func TestGenerateReadsLikeTheAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		z := newZT(e)
		res, err := benchdata.Fill(context.Background(), e.App, benchdata.Options{N: 1000, Zaaktypen: 3, Seed: 7, Batch: 300})
		if err != nil {
			t.Fatal(err)
		}
		list := z.must(t, http.MethodGet, zrcRoot+"/zaken?zaaktype="+url.QueryEscape(res.Zaaktypen[0]), nil, http.StatusOK)
		if n := list["count"].(float64); n < 200 || n > 450 {
			t.Fatalf("zaaktype %s has %v of 1000 zaken, want about a third", res.Zaaktypen[0], n)
		}
		all := z.must(t, http.MethodGet, zrcRoot+"/zaken", nil, http.StatusOK)
		if all["count"].(float64) != 1000 {
			t.Fatalf("count %v, want 1000", all["count"])
		}
		closed, open := 0, 0
		for _, x := range all["results"].([]any)[:40] {
			zk := x.(map[string]any)
			d := z.must(t, http.MethodGet, zk["url"].(string)+"?expand=status,resultaat,rollen", nil, http.StatusOK)
			if d["status"] == nil || len(d["rollen"].([]any)) == 0 {
				t.Fatalf("zaak without status or rollen: %v", d)
			}
			if d["einddatum"] != nil {
				closed++
				if d["resultaat"] == nil || d["archiefnominatie"] == nil || d["archiefactiedatum"] == nil {
					t.Fatalf("closed zaak without resultaat/archiefnominatie: %v", d)
				}
			} else {
				open++
			}
			for _, rol := range d["rollen"].([]any) {
				z.must(t, http.MethodGet, rol.(string), nil, http.StatusOK)
			}
			st := z.must(t, http.MethodGet, zrcRoot+"/statussen?zaak="+url.QueryEscape(zk["url"].(string)), nil, http.StatusOK)
			if st["count"].(float64) < 1 {
				t.Fatalf("no statussen for %s", zk["url"])
			}
		}
		if closed == 0 || open == 0 {
			t.Fatalf("want open and closed zaken, got %d open %d closed", open, closed)
		}
		bsn := z.must(t, http.MethodGet, zrcRoot+"/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn="+res.BSNs[1], nil, http.StatusOK)
		if bsn["count"].(float64) < 1 {
			t.Fatalf("no zaken for BSN %s", res.BSNs[1])
		}
		// The API keeps working on generated data: a new zaak gets a fresh identificatie.
		nz := z.must(t, http.MethodPost, zrcRoot+"/zaken", zaakBody(res.Zaaktypen[0], nil), http.StatusCreated)
		if nz["identificatie"] == "" {
			t.Fatal("no identificatie")
		}
	})
}
