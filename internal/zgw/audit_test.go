package zgw_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/zgw"
)

func TestAuditTrailRoundTripAndDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := dbtest.FixedClock(d, "2026-03-04T05:06:07Z")
		req := httptest.NewRequest("POST", "/zaken/api/v1/zaken", nil)
		req.Header.Set("X-Audit-Toelichting", "aangemaakt vanuit het portaal")
		c := &zgw.Call{R: req, API: &zgw.API{Component: "zrc"}, Principal: &zgw.Principal{ClientID: "portaal", UserID: "u1", UserRepresentation: "Jan", Grants: &zgw.Grants{Label: "Portaal"}}}
		zaak := "http://meent.test/zaken/api/v1/zaken/1"
		err := d.Update(ctx, func(tx *db.Tx) error {
			if err := c.Audit(ctx, tx, zgw.AuditEntry{HoofdObject: zaak, Resource: "zaak", ResourceURL: zaak, ResourceWeergave: "ZAAK-1", Actie: "create", Resultaat: 201, Nieuw: map[string]string{"identificatie": "ZAAK-1"}}); err != nil {
				return err
			}
			return c.Audit(ctx, tx, zgw.AuditEntry{HoofdObject: "http://meent.test/zaken/api/v1/zaken/2", Resource: "zaak", Actie: "create", Resultaat: 201})
		})
		if err != nil {
			t.Fatal(err)
		}
		trail, err := zgw.AuditTrail(ctx, d, zaak, "")
		if err != nil || len(trail) != 1 {
			t.Fatalf("trail = %v, %v", trail, err)
		}
		r := trail[0]
		if r.Bron != "zrc" || r.ApplicatieID != "portaal" || r.ApplicatieWeergave != "Portaal" || r.GebruikersWeergave != "Jan" ||
			r.Toelichting != "aangemaakt vanuit het portaal" || r.ActieWeergave != "Object aangemaakt" || !r.Aanmaakdatum.Equal(now) {
			t.Errorf("entry = %+v", r)
		}
		var nieuw map[string]string
		if err := json.Unmarshal(r.Wijzigingen.Nieuw, &nieuw); err != nil || nieuw["identificatie"] != "ZAAK-1" || string(r.Wijzigingen.Oud) != "null" {
			t.Errorf("wijzigingen = %s / %s", r.Wijzigingen.Oud, r.Wijzigingen.Nieuw)
		}
		if one, _ := zgw.AuditTrail(ctx, d, zaak, r.UUID); len(one) != 1 {
			t.Errorf("by uuid = %d entries", len(one))
		}
		if err := d.Update(ctx, func(tx *db.Tx) error { return zgw.DeleteAuditTrail(ctx, tx, zaak) }); err != nil {
			t.Fatal(err)
		}
		if rest, _ := zgw.AuditTrail(ctx, d, zaak, ""); len(rest) != 0 {
			t.Errorf("trail survives its object: %d entries", len(rest))
		}
		if other, _ := zgw.AuditTrail(ctx, d, "http://meent.test/zaken/api/v1/zaken/2", ""); len(other) != 1 {
			t.Error("deleting one trail removed another")
		}
	})
}
