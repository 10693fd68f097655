package zgw

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseExpand(t *testing.T) {
	allowed := []string{"status", "status.statustype", "rollen.roltype", "zaaktype.statustypen.zaaktype.catalogus"}
	got, err := ParseExpand("status.statustype, rollen ,zaaktype.statustypen.zaaktype.catalogus", allowed)
	if err != nil {
		t.Fatal(err)
	}
	want := Expand{
		"status":   {"statustype": {}},
		"rollen":   {},
		"zaaktype": {"statustypen": {"zaaktype": {}}}, // cut at three levels
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("ParseExpand (-want +got):\n%s", d)
	}
	_, err = ParseExpand("status,eigenschappen", allowed)
	var e *Error
	if !errors.As(err, &e) || e.InvalidParams[0].Name != "expand" {
		t.Fatalf("unknown path = %v, want a 400 on expand", err)
	}
	if got, err := ParseExpand("", allowed); err != nil || len(got) != 0 {
		t.Fatalf("empty = %v %v", got, err)
	}
}
