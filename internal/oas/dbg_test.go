package oas

import (
	"fmt"
	"testing"
)

func TestDbg(t *testing.T) {
	for _, f := range []string{"catalogi-1.3.1.yaml", "zaken-1.5.1.yaml", "autorisaties-1.0.0.yaml", "documenten-1.5.0.yaml", "besluiten-1.1.0.yaml", "klantinteracties-0.9.0.yaml", "objecten-2.7.0.yaml", "notificaties-1.0.0.yaml", "catalogi-1.3.1-ri.yaml", "zaken-1.5.1-ri.yaml", "documenten-1.5.0-ri.yaml", "brp-personen-2.7.0.yaml", "referentielijsten-0.6.0.yaml", "objecttypen-2.2.2.yaml", "besluiten-1.0.2.yaml", "contactgegevens-1.1.1.yaml"} {
		d := loadDoc(t, f)
		fmt.Println(f, len(d.Operations()), d.SkippedPatterns(), len(d.ExternalRefs()))
		for _, op := range d.Operations() {
			vs, err := d.ValidateRequest(op, []byte(`{}`), false)
			if err != nil {
				t.Fatal(err)
			}
			_ = vs
		}
	}
	d := loadDoc(t, "zaken-1.5.1.yaml")
	vs, _ := d.ValidateRequest("rol_create", []byte(`{"betrokkeneType":"natuurlijk_persoon","betrokkeneIdentificatie":{"inpBsn":"1234567890","geslachtsaanduiding":"x"}}`), false)
	fmt.Println(vs)
	vs, _ = d.ValidateRequest("zaak_create", []byte(`{"zaakgeometrie":{"type":"Point","coordinates":"x"}, "archiefnominatie": 5, "betalingsindicatie": null}`), false)
	fmt.Println(vs)
}
