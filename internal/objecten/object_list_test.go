package objecten_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/meent/meent/internal/app/apptest"
)

func TestObjectDataAttrFilters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		lamp := o.objecttype(t, "lamp", map[string]any{"type": "object"})
		o.object(t, typ, map[string]any{"naam": "eik", "hoogte": 12, "geplant": "2001-04-01", "soort": map[string]any{"nl": "Zomereik"}}, "2024-01-01")
		o.object(t, typ, map[string]any{"naam": "beuk", "hoogte": 30, "geplant": "1990-10-10", "soort": map[string]any{"nl": "Rode beuk"}}, "2024-01-01")
		o.object(t, typ, map[string]any{"naam": "linde", "hoogte": 8.5, "geplant": "2015-03-03"}, "2024-01-01")
		o.object(t, typ, map[string]any{"naam": "12"}, "2024-01-01")
		o.object(t, lamp, map[string]any{"naam": "lantaarn", "hoogte": 12}, "2024-01-01")
		cases := map[string]string{
			"data_attrs=naam__exact__eik":                                                   "eik",
			"data_attrs=hoogte__exact__12&type=" + url.QueryEscape(typ):                     "eik",
			"data_attrs=hoogte__gt__10&type=" + url.QueryEscape(typ):                        "eik,beuk",
			"data_attrs=hoogte__gte__12,hoogte__lt__30":                                     "eik,lantaarn",
			"data_attrs=hoogte__lte__8.5":                                                   "linde",
			"data_attr=geplant__gte__2001-04-01":                                            "eik,linde",
			"data_attr=geplant__lt__2000-01-01":                                             "beuk",
			"data_attr=soort__nl__icontains__EIK":                                           "eik",
			"data_attr=soort__nl__exact__Rode%20beuk":                                       "beuk",
			"data_attr=naam__in__eik|linde|es":                                              "eik,linde",
			"data_attr=naam__exact__12":                                                     "12",
			"data_attr=hoogte__exact__12&data_attr=naam__icontains__ant":                    "lantaarn",
			"data_icontains=ROde":                                                           "beuk",
			"typeVersion=1&data_attrs=naam__icontains__e":                                   "eik,beuk,linde",
			"type=" + url.QueryEscape(typ) + "&ordering=-record__data__naam":                "linde,eik,beuk,12",
			"type=" + url.QueryEscape(typ) + "&ordering=record__data__hoogte,record__index": "linde,eik,beuk,12",
		}
		for q, want := range cases {
			if got := uuids(o.list(t, e.Admin, q)); got != want {
				t.Errorf("%s: %q, want %q", q, got, want)
			}
		}
		// Bad filters are a 400 with invalidParams, never a 500.
		o.bad(t, http.MethodGet, objRoot+"/objects?data_attrs=naam__like__eik", nil, "data_attrs", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?data_attrs=naam", nil, "data_attrs", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?data_attr=na'am__exact__x", nil, "data_attr", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?data_attr=naam__gt__boom", nil, "data_attr", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?ordering=record__data__x'y", nil, "ordering", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?ordering=naam", nil, "ordering", "invalid")
		o.bad(t, http.MethodGet, objRoot+"/objects?fields=record__foo", nil, "fields", "invalid")
		for _, q := range []string{"data_attr=__exact__x", "data_attrs=a____exact__1", "data_attr=hoogte__gt__NaN", "data_attr=hoogte__gt__1e999",
			"data_attr=hoogte__lt__Inf", "data_attr=naam__in__", "data_attr=%C3%A9__exact__%27", "ordering=record__data__", "data_icontains=%25_%5C",
			"data_attr=naam__icontains__%25", "fields=record__data", "fields=uuid"} {
			r := e.Do(t, apptest.Req{Method: http.MethodGet, URL: objRoot + "/objects?" + q, Token: e.Admin, BadInput: true})
			if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
				t.Errorf("%s = %d: %s", q, r.Status, r.Body)
			}
		}
		// ?fields trims the response.
		r := o.do(t, e.Admin, http.MethodGet, objRoot+"/objects?data_attrs=naam__exact__eik&fields=type,record__typeVersion,record__startAt,record__data__naam", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("fields: %d %s", r.Status, r.Body)
		}
		var env struct {
			Results []map[string]any `json:"results"`
		}
		r.Decode(t, &env)
		if len(env.Results) != 1 || env.Results[0]["url"] != nil || len(data(env.Results[0])) != 1 || data(env.Results[0])["naam"] != "eik" {
			t.Fatalf("fields: %s", r.Body)
		}
		// pageSize
		var page struct {
			Count   int     `json:"count"`
			Next    *string `json:"next"`
			Results []any   `json:"results"`
		}
		e.Do(t, apptest.Req{Method: http.MethodGet, URL: objRoot + "/objects?pageSize=2", Token: e.Admin}).Decode(t, &page)
		if page.Count != 5 || len(page.Results) != 2 || page.Next == nil {
			t.Fatalf("pageSize: %+v", page)
		}
	})
}

func TestObjectSearchGeometryWithin(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		o := newOT(e)
		typ := o.objecttype(t, "boom", boomSchema)
		point := func(naam string, x, y float64) {
			o.must(t, http.MethodPost, objRoot+"/objects", map[string]any{"type": typ, "record": map[string]any{"typeVersion": 1,
				"data": map[string]any{"naam": naam}, "geometry": map[string]any{"type": "Point", "coordinates": []any{x, y}}, "startAt": "2024-01-01"}}, http.StatusCreated)
		}
		// An L-shaped area: (0,0)-(2,0)-(2,1)-(1,1)-(1,2)-(0,2). (1.5,1.5) is inside its
		// bounding box but outside the area.
		point("binnen", 0.5, 0.5)
		point("arm", 0.5, 1.5)
		point("bbox", 1.5, 1.5)
		point("buiten", 3, 3)
		o.object(t, typ, map[string]any{"naam": "zonder"}, "2024-01-01")
		lshape := map[string]any{"type": "Polygon", "coordinates": []any{[]any{
			[]any{0.0, 0.0}, []any{2.0, 0.0}, []any{2.0, 1.0}, []any{1.0, 1.0}, []any{1.0, 2.0}, []any{0.0, 2.0}, []any{0.0, 0.0}}}}
		search := func(body map[string]any) string {
			r := o.do(t, e.Admin, http.MethodPost, objRoot+"/objects/search", body)
			if r.Status != http.StatusOK {
				t.Fatalf("search: %d %s", r.Status, r.Body)
			}
			var env struct {
				Results []map[string]any `json:"results"`
			}
			r.Decode(t, &env)
			return uuids(env.Results)
		}
		if got := search(map[string]any{"geometry": map[string]any{"within": lshape}}); got != "binnen,arm" {
			t.Fatalf("within L: %q", got)
		}
		if got := search(map[string]any{"geometry": map[string]any{"within": lshape}, "data_attrs": "naam__exact__arm"}); got != "arm" {
			t.Fatalf("within + data_attrs: %q", got)
		}
		if got := search(map[string]any{"type": typ, "ordering": "record__data__naam"}); got != "arm,bbox,binnen,buiten,zonder" {
			t.Fatalf("search without geometry: %q", got)
		}
		o.bad(t, http.MethodPost, objRoot+"/objects/search", map[string]any{"geometry": map[string]any{"within": map[string]any{"type": "Point", "coordinates": []any{1.0, 1.0}}}},
			"geometry.within", "invalid")
		o.bad(t, http.MethodPost, objRoot+"/objects/search", map[string]any{"geometry": map[string]any{"within": map[string]any{"type": "Polygon",
			"coordinates": []any{[]any{[]any{0.0, 0.0}, []any{1.0, 0.0}}}}}}, "geometry.within", "invalid")
	})
}
