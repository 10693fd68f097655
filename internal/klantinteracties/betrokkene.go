package klantinteracties

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// betrokkeneResource: Betrokkene, a participant of a klantcontact, possibly a known partij.
func betrokkeneResource() *resource {
	return &resource{
		coll: "betrokkenen", table: "ki_betrokkene", op: "betrokkenen", name: "betrokkene",
		refs: []ref{
			{field: "hadKlantcontact", col: "klantcontact", to: "klantcontacten", cascade: true},
			{field: "wasPartij", col: "partij", to: "partijen"},
		},
		backs:  []back{{field: "digitaleAdressen", from: "digitaleadressen", col: "betrokkene"}},
		ignore: []string{"volledigeNaam"},
		cols: []column{
			{col: "rol", path: []string{"rol"}},
			{col: "organisatienaam", path: []string{"organisatienaam"}},
			{col: "cn_voorletters", path: []string{"contactnaam", "voorletters"}},
			{col: "cn_voornaam", path: []string{"contactnaam", "voornaam"}},
			{col: "cn_voorvoegsel", path: []string{"contactnaam", "voorvoegselAchternaam"}},
			{col: "cn_achternaam", path: []string{"contactnaam", "achternaam"}},
		},
		defaults: map[string]any{"bezoekadres": nil, "correspondentieadres": nil, "contactnaam": nil, "organisatienaam": "", "initiator": false},
		expand:   []string{"digitaleAdressen"},
		filters: slices.Concat([]filter{
			{param: "contactnaamAchternaam", cond: "cn_achternaam = ?"},
			{param: "contactnaamVoorletters", cond: "cn_voorletters = ?"},
			{param: "contactnaamVoornaam", cond: "cn_voornaam = ?"},
			{param: "contactnaamVoorvoegselAchternaam", cond: "cn_voorvoegsel = ?"},
			{param: "hadKlantcontact__nummer", cond: "klantcontact IN (SELECT uuid FROM ki_klantcontact WHERE nummer = ?)"},
			{param: "hadKlantcontact__referentienummer", cond: "klantcontact IN (SELECT uuid FROM ki_klantcontact WHERE referentienummer = ?)"},
			{param: "hadKlantcontact__url", typ: "url:klantcontacten", cond: "klantcontact = ?"},
			{param: "hadKlantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
			{param: "organisatienaam", cond: "organisatienaam = ?"},
			{param: "verstrektedigitaalAdres__adres", cond: "uuid IN (SELECT betrokkene FROM ki_digitaal_adres WHERE adres = ?)"},
			{param: "verstrektedigitaalAdres__url", typ: "url:digitaleadressen", cond: "uuid IN (SELECT betrokkene FROM ki_digitaal_adres WHERE uuid = ?)"},
			{param: "verstrektedigitaalAdres__uuid", typ: "uuid", cond: "uuid IN (SELECT betrokkene FROM ki_digitaal_adres WHERE uuid = ?)"},
			{param: "wasPartij__nummer", cond: "partij IN (SELECT uuid FROM ki_partij WHERE nummer = ?)"},
			{param: "wasPartij__url", typ: "url:partijen", cond: "partij = ?"},
			{param: "wasPartij__uuid", typ: "uuid", cond: "partij = ?"},
		}, identificatorFilters("wasPartij__partijIdentificator__", "p", "partij IN (SELECT p.partij FROM ki_partij_identificator p WHERE %s)")),
		render: func(_ context.Context, _ db.Querier, _ *register, rows []*row, outs []map[string]any) error {
			for i, w := range rows {
				var cn map[string]any
				_ = json.Unmarshal(w.data["contactnaam"], &cn)
				outs[i]["volledigeNaam"] = volledigeNaam(cn)
			}
			return nil
		},
	}
}

// onderwerpobjectResource: Onderwerpobject, what a klantcontact was about (a zaak, ...) by
// its identifier in another register, or an earlier klantcontact (wasKlantcontact).
func onderwerpobjectResource() *resource {
	return &resource{
		coll: "onderwerpobjecten", table: "ki_onderwerpobject", op: "onderwerpobjecten", name: "onderwerpobject",
		refs: []ref{
			{field: "klantcontact", col: "klantcontact", to: "klantcontacten"},
			{field: "wasKlantcontact", col: "was_klantcontact", to: "klantcontacten"},
		},
		cols:     identificatorCols("onderwerpobjectidentificator"),
		defaults: map[string]any{"onderwerpobjectidentificator": nil},
		filters: []filter{
			{param: "klantcontact__url", typ: "url:klantcontacten", cond: "klantcontact = ?"},
			{param: "klantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
			{param: "onderwerpobjectidentificatorCodeObjecttype", cond: "code_objecttype = ?"},
			{param: "onderwerpobjectidentificatorCodeRegister", cond: "code_register = ?"},
			{param: "onderwerpobjectidentificatorCodeSoortObjectId", cond: "code_soort = ?"},
			{param: "onderwerpobjectidentificatorObjectId", cond: "object_id = ?"},
			{param: "wasKlantcontact__url", typ: "url:klantcontacten", cond: "was_klantcontact = ?"},
			{param: "wasKlantcontact__uuid", typ: "uuid", cond: "was_klantcontact = ?"},
		},
	}
}

// bijlageResource: Bijlage, an attachment of a klantcontact by its identifier elsewhere.
func bijlageResource() *resource {
	return &resource{
		coll: "bijlagen", table: "ki_bijlage", op: "bijlagen", name: "bijlage",
		refs:     []ref{{field: "wasBijlageVanKlantcontact", col: "klantcontact", to: "klantcontacten", cascade: true}},
		cols:     identificatorCols("bijlageidentificator"),
		defaults: map[string]any{"bijlageidentificator": nil},
		filters: []filter{
			{param: "bijlageidentificatorCodeObjecttype", cond: "code_objecttype = ?"},
			{param: "bijlageidentificatorCodeRegister", cond: "code_register = ?"},
			{param: "bijlageidentificatorCodeSoortObjectId", cond: "code_soort = ?"},
			{param: "bijlageidentificatorObjectId", cond: "object_id = ?"},
			{param: "klantcontact__uuid", typ: "uuid", cond: "klantcontact = ?"},
		},
	}
}

// onderwerpobjectCascade: DELETE /onderwerpobjecten/{uuid}?cascade=true also deletes the
// klantcontacten of the onderwerpobject (klantcontact, wasKlantcontact) with the digitale
// adressen of their betrokkenen, unless another onderwerpobject still refers to that
// klantcontact; those are listed in behouden.
func (r *register) onderwerpobjectCascade(c *zgw.Call, s *resource, id string) error {
	ctx := c.Ctx()
	behouden := []string{}
	kcRes := r.res["klantcontacten"]
	err := r.db.Update(ctx, func(tx *db.Tx) error {
		behouden = behouden[:0]
		cur, err := r.load(ctx, tx, s, "uuid = $1", id)
		if err != nil {
			return err
		}
		if len(cur) == 0 {
			return zgw.ErrNotFound()
		}
		if err := r.remove(ctx, tx, s, id); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, kc := range []string{cur[0].refs["klantcontact"], cur[0].refs["wasKlantcontact"]} {
			if kc == "" || seen[kc] {
				continue
			}
			seen[kc] = true
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM ki_onderwerpobject WHERE klantcontact = $1 OR was_klantcontact = $1", kc).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				behouden = append(behouden, r.api.URL("klantcontacten", kc))
				continue
			}
			rows, err := r.load(ctx, tx, kcRes, "uuid = $1", kc)
			if err != nil || len(rows) == 0 {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM ki_digitaal_adres WHERE betrokkene IN (SELECT uuid FROM ki_betrokkene WHERE klantcontact = $1)", kc); err != nil {
				return err
			}
			if err := r.notify(c, tx, kcRes, kc, "destroy", rows[0].data); err != nil {
				return err
			}
			if err := r.remove(ctx, tx, kcRes, kc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"behouden": behouden})
}
