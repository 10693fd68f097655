package klantinteracties

import (
	"encoding/json"
	"net/http"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// maakKlantcontact: POST /maak-klantcontact registers a klantcontact with, optionally, its
// betrokkene and onderwerpobject in one transaction; the betrokkene and onderwerpobject are
// linked to the new klantcontact (klantinteracties.md §4).
func (r *register) maakKlantcontact(c *zgw.Call) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	var in struct {
		Klantcontact    map[string]json.RawMessage `json:"klantcontact"`
		Betrokkene      map[string]json.RawMessage `json:"betrokkene"`
		Onderwerpobject map[string]json.RawMessage `json:"onderwerpobject"`
	}
	if _, err := c.Body("maakKlantcontactCreate", &in); err != nil {
		return err
	}
	if in.Klantcontact == nil {
		return zgw.FieldError("klantcontact", "required", "Dit veld is vereist.")
	}
	ctx := c.Ctx()
	out := map[string]any{}
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		kc := r.res["klantcontacten"]
		w, err := r.apply(ctx, tx, c, kc, nil, in.Klantcontact, false, "klantcontact.")
		if err != nil {
			return err
		}
		self, _ := json.Marshal(map[string]string{"uuid": w.uuid})
		for _, part := range []struct {
			key, coll, field string
			body             map[string]json.RawMessage
		}{
			{"betrokkene", "betrokkenen", "hadKlantcontact", in.Betrokkene},
			{"onderwerpobject", "onderwerpobjecten", "klantcontact", in.Onderwerpobject},
		} {
			if part.body == nil {
				continue
			}
			part.body[part.field] = self
			s := r.res[part.coll]
			pw, err := r.apply(ctx, tx, c, s, nil, part.body, false, part.key+".")
			if err != nil {
				return err
			}
			if out[part.key], err = r.one(ctx, tx, s, pw.uuid); err != nil {
				return err
			}
		}
		if out["klantcontact"], err = r.one(ctx, tx, kc, w.uuid); err != nil {
			return err
		}
		return r.notify(c, tx, kc, w.uuid, "create", w.data)
	})
	if err != nil {
		return err
	}
	c.W.Header().Set("Location", out["klantcontact"].(map[string]any)["url"].(string))
	return c.JSON(http.StatusCreated, out)
}
