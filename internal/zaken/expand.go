package zaken

import (
	"encoding/json"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// expand on GET /zaken, GET /zaken/{uuid} and _zoek (zaken.md §7): only Zaken resources and
// their Catalogi types, never documents or external objects (zrc-025). Each step loads what a
// whole page needs at once, and expanded zaken are filtered by the client's autorisaties like
// any list.

var (
	zaakExpandLevel1 = []string{"zaaktype", "hoofdzaak", "deelzaken", "relevanteAndereZaken", "eigenschappen", "rollen",
		"status", "zaakinformatieobjecten", "zaakobjecten", "resultaat"}
	zaakExpandSub = []string{"rollen.roltype", "rollen.statussen", "rollen.statussen.statustype", "rollen.statussen.gezetdoor",
		"status.statustype", "status.gezetdoor", "status.gezetdoor.roltype", "resultaat.resultaattype",
		// Below the relations, as far as they stay inside the Zaken API and the Catalogi
		// (zrc-025: no informatieobject or object).
		"zaakobjecten.zaakobjecttype", "status.zaakinformatieobjecten", "status.zaakinformatieobjecten.status",
		"rollen.statussen.zaakinformatieobjecten", "zaakinformatieobjecten.status", "zaakinformatieobjecten.status.statustype",
		"zaakinformatieobjecten.status.gezetdoor", "zaakinformatieobjecten.status.zaakinformatieobjecten"}
	zaakToZaak = []string{"hoofdzaak", "deelzaken", "relevanteAndereZaken"}
)

// zaakExpandPaths are the allowed expand paths, at most three steps deep.
var zaakExpandPaths = func() []string {
	out := append(append([]string{}, zaakExpandLevel1...), zaakExpandSub...)
	for _, p := range zaakToZaak {
		for _, l := range zaakExpandLevel1 {
			out = append(out, p+"."+l)
		}
		for _, s := range zaakExpandSub {
			if strings.Count(s, ".") == 1 {
				out = append(out, p+"."+s)
			}
		}
		for _, q := range zaakToZaak {
			for _, l := range zaakExpandLevel1 {
				out = append(out, p+"."+q+"."+l)
			}
		}
	}
	return out
}()

// empty is the expansion of a reference that is not set.
var empty = struct{}{}

func lastSegment(u string) string { return strings.ToLower(u[strings.LastIndex(u, "/")+1:]) }

// expandZaken fills _expand of zaken as exp asks.
func (r *register) expandZaken(c *zgw.Call, zaken []*zaakOut, exp zgw.Expand) error {
	if len(exp) == 0 || len(zaken) == 0 {
		return nil
	}
	return r.expandZakenWith(c, newTypes(r), zaken, exp)
}

func (r *register) expandZakenWith(c *zgw.Call, t *types, zaken []*zaakOut, exp zgw.Expand) error {
	ctx := c.Ctx()
	for _, z := range zaken {
		if z.Expand == nil {
			z.Expand = map[string]any{}
		}
	}
	for key, sub := range exp {
		switch key {
		case "zaaktype":
			for _, z := range zaken {
				var m json.RawMessage
				if err := t.Get(ctx, "expand", z.Zaaktype, &m); err != nil {
					return err
				}
				z.Expand[key] = m
			}
		case "status":
			var uuids []string
			for _, z := range zaken {
				if z.Status != nil {
					uuids = append(uuids, lastSegment(*z.Status))
				}
			}
			byURL, err := r.expandStatussen(c, t, uuids, sub)
			if err != nil {
				return err
			}
			for _, z := range zaken {
				z.Expand[key] = empty
				if z.Status != nil && byURL[*z.Status] != nil {
					z.Expand[key] = byURL[*z.Status]
				}
			}
		case "resultaat":
			var uuids []string
			for _, z := range zaken {
				if z.Resultaat != nil {
					uuids = append(uuids, lastSegment(*z.Resultaat))
				}
			}
			byURL := map[string]*resultaatOut{}
			if len(uuids) > 0 {
				rs, err := r.resultaatLoad(ctx, r.db, r.db.AnyUUID("s.uuid", "$1"), r.db.TextList(uuids))
				if err != nil {
					return err
				}
				for _, x := range rs {
					byURL[x.URL] = x
					if _, ok := sub["resultaattype"]; ok {
						var m json.RawMessage
						if err := t.Get(ctx, "expand", x.Resultaattype, &m); err != nil {
							return err
						}
						x.Expand = map[string]any{"resultaattype": m}
					}
				}
			}
			for _, z := range zaken {
				z.Expand[key] = empty
				if z.Resultaat != nil && byURL[*z.Resultaat] != nil {
					z.Expand[key] = byURL[*z.Resultaat]
				}
			}
		case "rollen":
			var uuids []string
			for _, z := range zaken {
				for _, u := range z.Rollen {
					uuids = append(uuids, lastSegment(u))
				}
			}
			byURL, err := r.expandRollen(c, t, uuids, sub)
			if err != nil {
				return err
			}
			for _, z := range zaken {
				list := []any{}
				for _, u := range z.Rollen {
					if x := byURL[u]; x != nil {
						list = append(list, x)
					}
				}
				z.Expand[key] = list
			}
		case "hoofdzaak", "deelzaken", "relevanteAndereZaken":
			refs := func(z *zaakOut) []string {
				switch key {
				case "hoofdzaak":
					if z.Hoofdzaak != nil {
						return []string{*z.Hoofdzaak}
					}
					return nil
				case "deelzaken":
					return z.Deelzaken
				}
				var out []string
				for _, rel := range z.RelevanteAndereZaken {
					out = append(out, rel.URL)
				}
				return out
			}
			var uuids []string
			for _, z := range zaken {
				for _, u := range refs(z) {
					if id, ok := r.api.ParseURL(u, "zaken"); ok {
						uuids = append(uuids, id)
					}
				}
			}
			byURL, err := r.expandZakenByUUID(c, t, uuids, sub)
			if err != nil {
				return err
			}
			for _, z := range zaken {
				if key == "hoofdzaak" {
					z.Expand[key] = empty
					if z.Hoofdzaak != nil && byURL[*z.Hoofdzaak] != nil {
						z.Expand[key] = byURL[*z.Hoofdzaak]
					}
					continue
				}
				list := []any{}
				for _, u := range refs(z) {
					if x := byURL[u]; x != nil {
						list = append(list, x)
					}
				}
				z.Expand[key] = list
			}
		case "eigenschappen", "zaakobjecten", "zaakinformatieobjecten":
			byURL, err := r.expandRelatie(c, t, zaken, key, sub)
			if err != nil {
				return err
			}
			for _, z := range zaken {
				list := []any{}
				for _, u := range relatieURLs(z, key) {
					if x, ok := byURL[u]; ok {
						list = append(list, x)
					}
				}
				z.Expand[key] = list
			}
		}
	}
	return nil
}

// relatieURLs are the URLs of the zaak's relation key, in the order the zaak lists them.
func relatieURLs(z *zaakOut, key string) []string {
	switch key {
	case "eigenschappen":
		return z.Eigenschappen
	case "zaakobjecten":
		return z.Zaakobjecten
	}
	return z.Zaakinformatieobjecten
}

// expandRelatie loads the zaakeigenschappen, zaakobjecten or zaakinformatieobjecten (key) of
// all zaken at once, rendered as their own detail endpoints render them, by URL. The zaken
// are those the client may read, so their relations are too.
func (r *register) expandRelatie(c *zgw.Call, t *types, zaken []*zaakOut, key string, sub zgw.Expand) (map[string]any, error) {
	out := map[string]any{}
	uuids := make([]string, 0, len(zaken))
	for _, z := range zaken {
		if len(relatieURLs(z, key)) > 0 {
			uuids = append(uuids, z.UUID)
		}
	}
	if len(uuids) == 0 {
		return out, nil
	}
	ctx := c.Ctx()
	where := r.db.AnyUUID("z.uuid", "$1")
	switch key {
	case "eigenschappen":
		xs, err := r.zaakeigenschapLoad(ctx, r.db, where, r.db.TextList(uuids))
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			out[x.URL] = x
		}
	case "zaakobjecten":
		xs, err := r.zaakobjectLoad(ctx, r.db, where, r.db.TextList(uuids))
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			out[x.URL] = x
			// An unset zaakobjecttype is left out: the schema has no empty ZaakObjectType.
			if _, ok := sub["zaakobjecttype"]; ok && x.Zaakobjecttype != "" {
				var m json.RawMessage
				if err := t.Get(ctx, "expand", x.Zaakobjecttype, &m); err != nil {
					return nil, err
				}
				x.Expand = map[string]any{"zaakobjecttype": m}
			}
		}
	default:
		xs, err := r.zioLoad(ctx, r.db, where, r.db.TextList(uuids))
		if err != nil {
			return nil, err
		}
		if err := r.expandZIOs(c, t, xs, sub); err != nil {
			return nil, err
		}
		for _, x := range xs {
			out[x.URL] = x
		}
	}
	return out, nil
}

// expandZIOs expands the status of zaakinformatieobjecten as sub asks; an unset status is
// left out (ZaakInformatieObjectEmbedded has no empty status).
func (r *register) expandZIOs(c *zgw.Call, t *types, xs []*zioOut, sub zgw.Expand) error {
	s, ok := sub["status"]
	if !ok {
		return nil
	}
	var uuids []string
	for _, x := range xs {
		if x.Status != nil {
			uuids = append(uuids, lastSegment(*x.Status))
		}
	}
	byURL, err := r.expandStatussen(c, t, uuids, s)
	if err != nil {
		return err
	}
	for _, x := range xs {
		if x.Status != nil && byURL[*x.Status] != nil {
			x.Expand = map[string]any{"status": byURL[*x.Status]}
		}
	}
	return nil
}

// expandZakenByUUID loads the zaken the client may read among uuids, expanded as sub.
func (r *register) expandZakenByUUID(c *zgw.Call, t *types, uuids []string, sub zgw.Expand) (map[string]*zaakOut, error) {
	out := map[string]*zaakOut{}
	if len(uuids) == 0 {
		return out, nil
	}
	var w db.Where
	w.And(r.db.AnyUUID("z.uuid", "?"), r.db.TextList(uuids))
	authWhere(&w, c.Principal.Grants, "z.", scopeLezen)
	rows, err := zaakLoad(c.Ctx(), r.db, strings.TrimPrefix(w.SQL(), " WHERE "), w.Args...)
	if err != nil {
		return nil, err
	}
	zs, err := r.zaakRender(c.Ctx(), r.db, rows)
	if err != nil {
		return nil, err
	}
	if len(sub) > 0 {
		if err := r.expandZakenWith(c, t, zs, sub); err != nil {
			return nil, err
		}
	}
	for _, z := range zs {
		out[z.URL] = z
	}
	return out, nil
}

// expandStatussen loads statussen by uuid, expanded as sub.
func (r *register) expandStatussen(c *zgw.Call, t *types, uuids []string, sub zgw.Expand) (map[string]*statusOut, error) {
	out := map[string]*statusOut{}
	if len(uuids) == 0 {
		return out, nil
	}
	ctx := c.Ctx()
	sts, err := r.statusLoad(ctx, r.db, r.db.AnyUUID("s.uuid", "$1"), r.db.TextList(uuids))
	if err != nil {
		return nil, err
	}
	var rollen []string
	for _, s := range sts {
		out[s.URL] = s
		if s.Gezetdoor != "" {
			rollen = append(rollen, lastSegment(s.Gezetdoor))
		}
	}
	var gezet map[string]*rolOut
	if g, ok := sub["gezetdoor"]; ok {
		if gezet, err = r.expandRollen(c, t, rollen, g); err != nil {
			return nil, err
		}
	}
	// Status.zaakinformatieobjecten: the relations whose status this is, in one query.
	zios := map[string]*zioOut{}
	if zs, ok := sub["zaakinformatieobjecten"]; ok {
		var ids []string
		for _, s := range sts {
			for _, u := range s.Zaakinformatieobjecten {
				ids = append(ids, lastSegment(u))
			}
		}
		if len(ids) > 0 {
			xs, err := r.zioLoad(ctx, r.db, r.db.AnyUUID("s.uuid", "$1"), r.db.TextList(ids))
			if err != nil {
				return nil, err
			}
			if err := r.expandZIOs(c, t, xs, zs); err != nil {
				return nil, err
			}
			for _, x := range xs {
				zios[x.URL] = x
			}
		}
	}
	for _, s := range sts {
		if len(sub) == 0 {
			continue
		}
		s.Expand = map[string]any{}
		if _, ok := sub["statustype"]; ok {
			var m json.RawMessage
			if err := t.Get(ctx, "expand", s.Statustype, &m); err != nil {
				return nil, err
			}
			s.Expand["statustype"] = m
		}
		if _, ok := sub["gezetdoor"]; ok {
			s.Expand["gezetdoor"] = empty
			if x := gezet[s.Gezetdoor]; x != nil {
				s.Expand["gezetdoor"] = x
			}
		}
		if _, ok := sub["zaakinformatieobjecten"]; ok {
			list := []any{}
			for _, u := range s.Zaakinformatieobjecten {
				if x := zios[u]; x != nil {
					list = append(list, x)
				}
			}
			s.Expand["zaakinformatieobjecten"] = list
		}
	}
	return out, nil
}

// expandRollen loads rollen by uuid, expanded as sub.
func (r *register) expandRollen(c *zgw.Call, t *types, uuids []string, sub zgw.Expand) (map[string]*rolOut, error) {
	out := map[string]*rolOut{}
	if len(uuids) == 0 {
		return out, nil
	}
	ctx := c.Ctx()
	rs, err := r.rolLoad(ctx, r.db, r.db.AnyUUID("s.uuid", "$1"), r.db.TextList(uuids))
	if err != nil {
		return nil, err
	}
	var statussen []string
	for _, x := range rs {
		out[x.URL] = x
		for _, s := range x.Statussen {
			statussen = append(statussen, lastSegment(s))
		}
	}
	var st map[string]*statusOut
	if s, ok := sub["statussen"]; ok {
		if st, err = r.expandStatussen(c, t, statussen, s); err != nil {
			return nil, err
		}
	}
	for _, x := range rs {
		if len(sub) == 0 {
			continue
		}
		x.Expand = map[string]any{}
		if _, ok := sub["roltype"]; ok {
			var m json.RawMessage
			if err := t.Get(ctx, "expand", x.Roltype, &m); err != nil {
				return nil, err
			}
			x.Expand["roltype"] = m
		}
		if _, ok := sub["statussen"]; ok {
			list := []any{}
			for _, u := range x.Statussen {
				if s := st[u]; s != nil {
					list = append(list, s)
				}
			}
			x.Expand["statussen"] = list
		}
	}
	return out, nil
}
