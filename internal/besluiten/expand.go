package besluiten

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/meent/meent/internal/zgw"
)

// expand (Besluiten 1.1.0, besluiten.md §5): besluittype and zaak on a besluit, informatieobject
// and besluit on a besluitinformatieobject, nested with dots. A zaak is expanded by the Zaken
// register itself (its expand parameter gets the rest of the path), so it looks exactly as
// GET /zaken/{uuid}?expand= renders it; paths into other zaken (hoofdzaak, deelzaken,
// relevanteAndereZaken) are not offered, because those need their own autorisatie check.
// Objects of another register are shown only when the client may read them there (zaken.lezen
// on the zaaktype, documenten.lezen on the informatieobjecttype, up to the vertrouwelijkheid);
// otherwise the expansion is {} as for a reference that is not set.

var (
	zaakExpandSub = []string{"zaaktype", "eigenschappen", "rollen", "status", "zaakinformatieobjecten", "zaakobjecten", "resultaat",
		"rollen.roltype", "rollen.statussen", "status.statustype", "status.gezetdoor", "resultaat.resultaattype"}
	besluitExpandPaths = func() []string {
		out := []string{"besluittype", "zaak"}
		for _, s := range zaakExpandSub {
			out = append(out, "zaak."+s)
		}
		return out
	}()
	bioExpandPaths = func() []string {
		out := []string{"informatieobject", "informatieobject.informatieobjecttype"}
		for _, p := range besluitExpandPaths {
			out = append(out, "besluit."+p)
		}
		return out
	}()
)

// expandParam reads the expand parameter of q; an error of the query itself (an unknown
// parameter) is answered before one of expand.
func expandParam(q *zgw.Query, allowed []string) (zgw.Expand, error) {
	exp, err := zgw.ParseExpand(q.String("expand"), allowed)
	if qerr := q.Err(); qerr != nil {
		return nil, qerr
	}
	return exp, err
}

// retrieve answers the detail read of a besluit or besluitinformatieobject: the object of the
// path (byPath checks besluiten.lezen), expanded as the expand parameter asks.
func retrieve[T any](c *zgw.Call, r *register, allowed []string, byPath func(*zgw.Call, ...string) (T, error),
	expand func(*zgw.Call, *types, []T, zgw.Expand) error) error {
	exp, err := expandParam(c.Query("expand"), allowed)
	if err != nil {
		return err
	}
	o, err := byPath(c, scopeLezen)
	if err != nil {
		return err
	}
	if err := expand(c, newTypes(r), []T{o}, exp); err != nil {
		return err
	}
	return c.Detail(o)
}

// empty is the expansion of a reference that is not set or may not be read.
var empty = struct{}{}

// paths turns an expand tree back into its dotted paths.
func paths(e zgw.Expand, prefix string) []string {
	var out []string
	for k, sub := range e {
		if len(sub) == 0 {
			out = append(out, prefix+k)
			continue
		}
		out = append(out, paths(sub, prefix+k+".")...)
	}
	sort.Strings(out)
	return out
}

// expandBesluiten fills _expand of besluiten as exp asks.
func (r *register) expandBesluiten(c *zgw.Call, t *types, bs []*besluitOut, exp zgw.Expand) error {
	if len(exp) == 0 || len(bs) == 0 {
		return nil
	}
	ctx := c.Ctx()
	for _, b := range bs {
		b.Expand = map[string]any{}
	}
	for key, sub := range exp {
		switch key {
		case "besluittype":
			for _, b := range bs {
				var m json.RawMessage
				if err := t.Get(ctx, "expand", b.Besluittype, &m); err != nil {
					return err
				}
				b.Expand[key] = m
			}
		case "zaak":
			for _, b := range bs {
				z, err := r.expandZaak(c, t, b.Zaak, sub)
				if err != nil {
					return err
				}
				b.Expand[key] = z
			}
		}
	}
	return nil
}

// expandZaak reads the zaak at u from the Zaken register, expanded there as sub.
func (r *register) expandZaak(c *zgw.Call, t *types, u string, sub zgw.Expand) (any, error) {
	if u == "" {
		return empty, nil
	}
	if len(sub) > 0 {
		u += "?expand=" + url.QueryEscape(strings.Join(paths(sub, ""), ","))
	}
	var m json.RawMessage
	if err := t.Get(c.Ctx(), "expand", u, &m, "zaaktype", "vertrouwelijkheidaanduiding"); err != nil {
		return nil, err
	}
	var z zaak
	if err := json.Unmarshal(m, &z); err != nil {
		return nil, zgw.FieldError("expand", "invalid-resource", "De zaak kon niet gelezen worden.")
	}
	if !c.Principal.Grants.Allows("zrc", z.Zaaktype, z.Vertrouwelijkheidaanduiding, "zaken.lezen") {
		return empty, nil
	}
	return m, nil
}

// expandBIOs fills _expand of besluitinformatieobjecten as exp asks.
func (r *register) expandBIOs(c *zgw.Call, t *types, bios []*bioOut, exp zgw.Expand) error {
	if len(exp) == 0 || len(bios) == 0 {
		return nil
	}
	ctx := c.Ctx()
	for _, b := range bios {
		b.Expand = map[string]any{}
	}
	for key, sub := range exp {
		switch key {
		case "informatieobject":
			for _, b := range bios {
				io, err := r.expandInformatieobject(c, t, b.Informatieobject, sub)
				if err != nil {
					return err
				}
				b.Expand[key] = io
			}
		case "besluit":
			ids := make([]int64, 0, len(bios))
			for _, b := range bios {
				ids = append(ids, b.besluitID)
			}
			cond, arg := r.db.AnyID("id", "$1"), r.db.IDList(ids)
			bs, err := r.besluitLoad(ctx, r.db, cond, arg)
			if err != nil {
				return err
			}
			if err := r.expandBesluiten(c, t, bs, sub); err != nil {
				return err
			}
			byID := make(map[int64]*besluitOut, len(bs))
			for _, b := range bs {
				byID[b.id] = b
			}
			for _, b := range bios {
				b.Expand[key] = empty
				if x := byID[b.besluitID]; x != nil {
					b.Expand[key] = x
				}
			}
		}
	}
	return nil
}

// expandInformatieobject reads the informatieobject at u from the Documenten register; its
// informatieobjecttype is expanded here from the catalogue when sub asks for it.
func (r *register) expandInformatieobject(c *zgw.Call, t *types, u string, sub zgw.Expand) (any, error) {
	var m map[string]json.RawMessage
	if err := t.Get(c.Ctx(), "expand", u, &m, "informatieobjecttype"); err != nil {
		return nil, err
	}
	var io informatieobject
	raw, _ := json.Marshal(m)
	if err := json.Unmarshal(raw, &io); err != nil {
		return nil, zgw.FieldError("expand", "invalid-resource", "Het informatieobject kon niet gelezen worden.")
	}
	if !c.Principal.Grants.Allows("drc", io.Informatieobjecttype, io.Vertrouwelijkheidaanduiding, "documenten.lezen") {
		return empty, nil
	}
	if _, ok := sub["informatieobjecttype"]; ok {
		var iot json.RawMessage
		if err := t.Get(c.Ctx(), "expand", io.Informatieobjecttype, &iot); err != nil {
			return nil, err
		}
		e, _ := json.Marshal(map[string]json.RawMessage{"informatieobjecttype": iot})
		m["_expand"] = e
	}
	return m, nil
}
