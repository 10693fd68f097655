package catalogi_test

import (
	"context"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// TestBesluittype_Resultaattypen: a besluittype lists the resultaattypen (of published
// zaaktypen of its catalogus) that name it, with their omschrijvingen.
func TestBesluittype_Resultaattypen(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		cat := h.catalogus(t)
		bt := h.besluittype(t, cat, "Besluit", nil)["url"].(string)
		h.publish(t, bt)
		zt := h.zaaktype(t, cat, "Z", map[string]any{"besluittypen": []string{"Besluit"}})["url"].(string)
		// The resultaattypen are stored as their register stores them: besluittypen by
		// omschrijving in data (written here directly, to test this side only).
		ids := map[string]string{}
		for _, rt := range []struct{ omschrijving, data string }{
			{"Verleend", `{"omschrijving": "Verleend", "besluittypen": ["Besluit"]}`},
			{"Geweigerd", `{"omschrijving": "Geweigerd", "besluittypen": ["Ander", "Besluit"]}`},
			{"Ingetrokken", `{"omschrijving": "Ingetrokken", "besluittypen": []}`},
		} {
			ids[rt.omschrijving] = zgw.NewUUID()
			err := e.App.DB.Update(context.Background(), func(tx *db.Tx) error {
				_, err := tx.Exec(context.Background(), `INSERT INTO resultaattype (uuid, zaaktype_id, data)
					VALUES ($1, (SELECT id FROM zaaktype WHERE uuid = $2), $3)`, ids[rt.omschrijving], hkUUID(zt), rt.data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The zaaktype is a concept: not valid yet, so not rendered.
		if got := h.Get(t, bt).JSON(t); len(got["resultaattypen"].([]any)) != 0 {
			t.Errorf("resultaattypen of a concept zaaktype: %v", got["resultaattypen"])
		}
		h.publish(t, zt)
		got := h.Get(t, bt).JSON(t)
		want := map[string]bool{e.URL + hkRoot + "/resultaattypen/" + ids["Verleend"]: true, e.URL + hkRoot + "/resultaattypen/" + ids["Geweigerd"]: true}
		rts := hkStrings(got["resultaattypen"])
		if len(rts) != 2 || !want[rts[0]] || !want[rts[1]] {
			t.Errorf("resultaattypen = %v, want %v", rts, want)
		}
		if names := hkStrings(got["resultaattypenOmschrijving"]); len(names) != 2 {
			t.Errorf("resultaattypenOmschrijving = %v", names)
		}
		onlyURL(t, "besluittype", got, "zaaktypen", zt)
	})
}

// Concurrent deletes of one concept besluittype: it is deleted and announced once.
func TestBesluittype_ConcurrentDelete(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := newHK(e)
		e.DeleteAtOnce(t, h.besluittype(t, h.catalogus(t), "Vergunning", nil)["url"].(string), 8, h.send(t))
	})
}
