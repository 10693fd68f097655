package zgw

import (
	"slices"
	"testing"
)

func TestGrantsTypeLimitsAndAllows(t *testing.T) {
	g := &Grants{Autorisaties: []Autorisatie{
		{Component: "zrc", Scopes: []string{"zaken.lezen"}, Type: "https://x/zt/1", MaxVertrouwelijkheid: "intern"},
		{Component: "zrc", Scopes: []string{"zaken.lezen", "zaken.aanmaken"}, Type: "https://x/zt/1", MaxVertrouwelijkheid: "geheim"},
		{Component: "zrc", Scopes: []string{"zaken.aanmaken"}, Type: "https://x/zt/2", MaxVertrouwelijkheid: "openbaar"},
		{Component: "ztc", Scopes: []string{"catalogi.lezen"}},
	}}
	all, limits := g.TypeLimits("zrc", "zaken.lezen")
	if all || len(limits) != 1 || limits["https://x/zt/1"] != VertrouwelijkheidLevel("geheim") {
		t.Fatalf("TypeLimits = %v %v", all, limits)
	}
	cases := []struct {
		typ, v, scope string
		want          bool
	}{
		{"https://x/zt/1", "geheim", "zaken.lezen", true},
		{"https://x/zt/1", "zeer_geheim", "zaken.lezen", false},
		{"https://x/zt/2", "openbaar", "zaken.lezen", false},
		{"https://x/zt/2", "openbaar", "zaken.aanmaken", true},
		{"https://x/zt/2", "intern", "zaken.aanmaken", false},
	}
	for _, c := range cases {
		if got := g.Allows("zrc", c.typ, c.v, c.scope); got != c.want {
			t.Errorf("Allows(%s, %s, %s) = %v", c.typ, c.v, c.scope, got)
		}
	}
	if !g.HasScope("ztc", "catalogi.lezen") || g.HasScope("ztc", "zaken.lezen") || !g.HasScope("", "zaken.lezen") {
		t.Error("HasScope per component / any component wrong")
	}
	var none *Grants
	if none.HasScope("ztc", "catalogi.lezen") || none.Allows("zrc", "https://x/zt/1", "", "zaken.lezen") {
		t.Error("nil grants allow something")
	}
	if !(&Grants{All: true}).Allows("zrc", "https://other", "zeer_geheim", "zaken.verwijderen") {
		t.Error("heeftAlleAutorisaties must allow everything")
	}
}

func TestGrantsTypeCond(t *testing.T) {
	g := &Grants{Autorisaties: []Autorisatie{
		{Component: "zrc", Scopes: []string{"zaken.lezen"}, Type: "https://t/b", MaxVertrouwelijkheid: "openbaar"},
		{Component: "zrc", Scopes: []string{"zaken.lezen"}, Type: "https://t/a", MaxVertrouwelijkheid: "openbaar"},
		{Component: "zrc", Scopes: []string{"zaken.lezen"}, Type: "https://t/c", MaxVertrouwelijkheid: "geheim"},
		{Component: "brc", Scopes: []string{"besluiten.lezen"}, Type: "https://t/x"},
	}}
	cond, args, all := g.TypeCond("zrc", "z.zaaktype", "z.vertrouwelijkheid", "zaken.lezen")
	wantArgs := []any{"https://t/a", "https://t/b", 0, "https://t/c", VertrouwelijkheidLevel("geheim")}
	if all || cond != "(z.zaaktype IN (?,?) AND z.vertrouwelijkheid <= ?) OR (z.zaaktype IN (?) AND z.vertrouwelijkheid <= ?)" || !slices.Equal(args, wantArgs) {
		t.Errorf("zrc: %q %v %v", cond, args, all)
	}
	cond, args, _ = g.TypeCond("brc", "besluittype", "", "besluiten.lezen")
	if cond != "besluittype IN (?)" || !slices.Equal(args, []any{"https://t/x"}) {
		t.Errorf("brc: %q %v", cond, args)
	}
	if cond, _, all := g.TypeCond("drc", "t", "v", "documenten.lezen"); all || cond != "1=0" {
		t.Errorf("no autorisatie: %q %v", cond, all)
	}
	if _, _, all := (&Grants{All: true}).TypeCond("drc", "t", "v", "documenten.lezen"); !all {
		t.Error("heeftAlleAutorisaties must need no condition")
	}
}
