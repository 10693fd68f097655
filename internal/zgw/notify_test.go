package zgw_test

import (
	"context"
	"errors"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/zgw"
)

func TestNotifyCommitsWithTheChangeOrNotAtAll(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := dbtest.FixedClock(d, "2026-05-06T07:08:09Z")
		n := zgw.Notificatie{Kanaal: "zaken", HoofdObject: "http://h/z/1", Resource: "status", ResourceURL: "http://h/s/1", Actie: "create",
			Kenmerken: map[string]string{"bronorganisatie": "002220647", "zaaktype": "http://h/zt/1"}}
		if err := d.Update(ctx, func(tx *db.Tx) error { return zgw.Notify(ctx, tx, n) }); err != nil {
			t.Fatal(err)
		}
		failed := errors.New("business rule failed after the notification was written")
		if err := d.Update(ctx, func(tx *db.Tx) error {
			if err := zgw.Notify(ctx, tx, n); err != nil {
				return err
			}
			return failed
		}); !errors.Is(err, failed) {
			t.Fatalf("err = %v", err)
		}
		rows, err := zgw.Outbox(ctx, d, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("outbox has %d rows, want 1 (the rolled back one must be gone)", len(rows))
		}
		got := rows[0]
		if got.Kanaal != "zaken" || got.Resource != "status" || got.Kenmerken["zaaktype"] != "http://h/zt/1" || !got.Aanmaakdatum.Equal(now) {
			t.Errorf("row = %+v", got)
		}
	})
}
