package oas

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	catalogi     = "catalogi-1.3.1.yaml"
	zaken        = "zaken-1.5.1.yaml"
	autorisaties = "autorisaties-1.0.0.yaml"
)

// nc is a violation without its reason, which is free text.
type nc struct{ Name, Code string }

func codes(vs []Violation) []nc {
	out := []nc{}
	for _, v := range vs {
		out = append(out, nc{v.Name, v.Code})
	}
	return out
}

var sortNC = cmpopts.SortSlices(func(a, b nc) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Code < b.Code
})

// check validates body for op and compares the name/code pairs, in any order.
func check(t *testing.T, file, op, body string, partial bool, want ...nc) {
	t.Helper()
	d := loadDoc(t, file)
	vs, err := d.ValidateRequest(op, []byte(body), partial)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Reason == "" {
			t.Errorf("%s: violation %+v without reason", op, v)
		}
	}
	if want == nil {
		want = []nc{}
	}
	if diff := cmp.Diff(want, codes(vs), sortNC); diff != "" {
		t.Errorf("%s %s: violations (-want +got):\n%s", op, body, diff)
	}
}

const validCatalogus = `{
	"domein": "ABCDE", "rsin": "123456782", "contactpersoonBeheerNaam": "Jan",
	"contactpersoonBeheerTelefoonnummer": "0612345678",
	"contactpersoonBeheerEmailadres": "jan@example.nl",
	"naam": "Catalogus", "versie": null, "begindatumVersie": "2024-02-29"}`

func TestCatalogusCreateValid(t *testing.T) {
	check(t, catalogi, "catalogus_create", validCatalogus, false)
}

func TestRequired(t *testing.T) {
	// url, zaaktypen, besluittypen, informatieobjecttypen are required but readOnly.
	check(t, catalogi, "catalogus_create", `{}`, false,
		nc{"contactpersoonBeheerNaam", "required"}, nc{"domein", "required"}, nc{"rsin", "required"})
	// An empty body is {} as in DRF.
	check(t, catalogi, "catalogus_create", ``, false,
		nc{"contactpersoonBeheerNaam", "required"}, nc{"domein", "required"}, nc{"rsin", "required"})
	check(t, zaken, "status_create", `{"zaak": "https://z.example/zaken/1"}`, false,
		nc{"datumStatusGezet", "required"}, nc{"statustype", "required"})
}

// TestBlank: "" is blank where minLength >= 1 and, as in DRF, for required
// strings; optional strings may be blank; dates never.
func TestBlank(t *testing.T) {
	check(t, catalogi, "catalogus_create", `{"domein": "", "rsin": "  ", "contactpersoonBeheerNaam": "J",
		"contactpersoonBeheerTelefoonnummer": "", "contactpersoonBeheerEmailadres": "", "naam": ""}`, false,
		nc{"domein", "blank"}, nc{"rsin", "blank"})
	check(t, zaken, "zaak_create", zaak(map[string]any{"bronorganisatie": "", "toelichting": "", "zaaktype": "",
		"communicatiekanaal": "", "startdatum": "", "relevanteAndereZaken": []any{map[string]any{"url": "", "aardRelatie": "vervolg"}},
		"productenOfDiensten": []any{""}}), false,
		nc{"bronorganisatie", "blank"}, nc{"zaaktype", "blank"}, nc{"startdatum", "invalid"},
		nc{"relevanteAndereZaken.0.url", "blank"}, nc{"productenOfDiensten.0", "blank"})
	// PATCH with the PUT schema keeps the knowledge of what may not be blank.
	check(t, zaken, "zaak_update", `{"bronorganisatie": ""}`, true, nc{"bronorganisatie", "blank"})
}

func TestWrongTypes(t *testing.T) {
	check(t, catalogi, "catalogus_create", `{"domein": 5, "rsin": true, "contactpersoonBeheerNaam": {}, "naam": []}`, false,
		nc{"domein", "invalid"}, nc{"rsin", "invalid"}, nc{"contactpersoonBeheerNaam", "invalid"}, nc{"naam", "invalid"})
	check(t, catalogi, "zaaktype_create", `[]`, false, nc{"nonFieldErrors", "invalid"})
	check(t, catalogi, "zaaktype_create", `"x"`, false, nc{"nonFieldErrors", "invalid"})
	check(t, catalogi, "zaaktype_create", `null`, false, nc{"nonFieldErrors", "null"})
	body := zaaktype(map[string]any{
		"trefwoorden":                     "x",
		"referentieproces":                "x",
		"opschortingEnAanhoudingMogelijk": "true",
		"gerelateerdeZaaktypen":           map[string]any{},
	})
	check(t, catalogi, "zaaktype_create", body, false,
		nc{"trefwoorden", "not_a_list"}, nc{"referentieproces.nonFieldErrors", "invalid"},
		nc{"opschortingEnAanhoudingMogelijk", "invalid"}, nc{"gerelateerdeZaaktypen.nonFieldErrors", "not_a_list"})
}

func TestEnum(t *testing.T) {
	check(t, catalogi, "zaaktype_create", zaaktype(map[string]any{"vertrouwelijkheidaanduiding": "foo", "indicatieInternOfExtern": ""}), false,
		nc{"vertrouwelijkheidaanduiding", "invalid_choice"}, nc{"indicatieInternOfExtern", "invalid_choice"})
	// oneOf [ArchiefnominatieEnum, BlankEnum]: "" allowed, anything else invalid_choice.
	rt := func(v string) string {
		return `{"zaaktype": "https://c.example/zaaktypen/1", "omschrijving": "x",
			"resultaattypeomschrijving": "https://r.example/1", "selectielijstklasse": "https://s.example/1", "besluittypen": [],
			"archiefnominatie": ` + v + `}`
	}
	check(t, catalogi, "resultaattype_create", rt(`""`), false)
	check(t, catalogi, "resultaattype_create", rt(`"vernietigen"`), false)
	check(t, catalogi, "resultaattype_create", rt(`"weggooien"`), false, nc{"archiefnominatie", "invalid_choice"})
	check(t, catalogi, "resultaattype_create", rt(`7`), false, nc{"archiefnominatie", "invalid_choice"})
	check(t, catalogi, "resultaattype_create", rt(`null`), false, nc{"archiefnominatie", "null"})
}

func TestMaxLengthCountsRunes(t *testing.T) {
	body := func(domein string) string {
		return `{"domein": "` + domein + `", "rsin": "123456782", "contactpersoonBeheerNaam": "Jan"}`
	}
	check(t, catalogi, "catalogus_create", body("ééééé"), false) // 5 runes, 10 bytes
	check(t, catalogi, "catalogus_create", body("€𝄞éèê"), false)
	check(t, catalogi, "catalogus_create", body("éééééé"), false, nc{"domein", "max_length"})
	check(t, catalogi, "catalogus_create", body(strings.Repeat("𝄞", 5000)), false, nc{"domein", "max_length"})
}

func TestFormats(t *testing.T) {
	check(t, catalogi, "catalogus_create", `{"domein": "A", "rsin": "1", "contactpersoonBeheerNaam": "J",
		"begindatumVersie": "2023-02-29", "contactpersoonBeheerEmailadres": "jan@"}`, false,
		nc{"begindatumVersie", "invalid"}, nc{"contactpersoonBeheerEmailadres", "invalid"})
	// "" is a valid (blank) e-mail/URL when minLength is absent, but never a date.
	check(t, catalogi, "catalogus_create", `{"domein": "A", "rsin": "1", "contactpersoonBeheerNaam": "J",
		"begindatumVersie": "", "contactpersoonBeheerEmailadres": ""}`, false,
		nc{"begindatumVersie", "invalid"})
	check(t, catalogi, "zaaktype_create", zaaktype(map[string]any{
		"doorlooptijd":            "30 dagen",
		"servicenorm":             "P6W",
		"verlengingstermijn":      "P1Y2M10DT2H30M",
		"selectielijstProcestype": "procestype/1",
		"productenOfDiensten":     []any{"https://p.example/1", "ftp://p.example/2", "http://"},
		"beginGeldigheid":         "2024-13-01",
	}), false,
		nc{"doorlooptijd", "invalid"}, nc{"selectielijstProcestype", "invalid"},
		nc{"productenOfDiensten.1", "invalid"}, nc{"productenOfDiensten.2", "invalid"},
		nc{"beginGeldigheid", "invalid"})
	status := func(dt string) string {
		return `{"zaak": "https://z.example/zaken/1", "statustype": "https://c.example/statustypen/1", "datumStatusGezet": "` + dt + `"}`
	}
	check(t, zaken, "status_create", status("2024-01-31T12:00:00Z"), false)
	check(t, zaken, "status_create", status("2024-01-31T12:00:00.123+01:00"), false)
	check(t, zaken, "status_create", status("2024-01-31"), false, nc{"datumStatusGezet", "invalid"})
	check(t, zaken, "status_create", status("31-01-2024T12:00:00Z"), false, nc{"datumStatusGezet", "invalid"})
	// zaak has minLength 1: blank, not invalid.
	check(t, zaken, "status_create", `{"zaak": " ", "statustype": "https://c.example/statustypen/1", "datumStatusGezet": "2024-01-31T12:00:00Z"}`, false,
		nc{"zaak", "blank"})
}

func TestNestedNames(t *testing.T) {
	check(t, catalogi, "zaaktype_create", zaaktype(map[string]any{
		"referentieproces": map[string]any{"link": "geen url"},
		"gerelateerdeZaaktypen": []any{
			map[string]any{"zaaktype": "ZT1", "aardRelatie": "vervolg"},
			map[string]any{"aardRelatie": "foo", "toelichting": strings.Repeat("x", 256)},
		},
		"trefwoorden": []any{"ok", strings.Repeat("x", 31), 3},
	}), false,
		nc{"referentieproces.naam", "required"}, nc{"referentieproces.link", "invalid"},
		nc{"gerelateerdeZaaktypen.1.zaaktype", "required"},
		nc{"gerelateerdeZaaktypen.1.aardRelatie", "invalid_choice"},
		nc{"gerelateerdeZaaktypen.1.toelichting", "max_length"},
		nc{"trefwoorden.1", "max_length"}, nc{"trefwoorden.2", "invalid"})
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"relevanteAndereZaken": []any{
			map[string]any{"url": "https://z.example/zaken/2", "aardRelatie": "bijdrage"},
			map[string]any{"url": "zaak-3", "aardRelatie": "bijdrage"},
			map[string]any{"aardRelatie": "bijdrage"},
		},
	}), false, nc{"relevanteAndereZaken.1.url", "invalid"}, nc{"relevanteAndereZaken.2.url", "required"})
	// Gegevensgroep inside a gegevensgroep: resultaattype brondatumArchiefprocedure.
	check(t, catalogi, "resultaattype_create", `{"zaaktype": "https://c.example/zaaktypen/1", "omschrijving": "x",
		"resultaattypeomschrijving": "https://r.example/1", "selectielijstklasse": "https://s.example/1", "besluittypen": [],
		"brondatumArchiefprocedure": {"afleidingswijze": "nooit", "procestermijn": "1 jaar"}}`, false,
		nc{"brondatumArchiefprocedure.afleidingswijze", "invalid_choice"},
		nc{"brondatumArchiefprocedure.procestermijn", "invalid"})
}

func TestPartial(t *testing.T) {
	check(t, zaken, "zaak_partial_update", `{}`, true)
	check(t, zaken, "zaak_update", `{}`, true)
	check(t, zaken, "zaak_update", `{"startdatum": "gisteren"}`, true, nc{"startdatum", "invalid"})
	// A gegevensgroep that is sent is validated whole, also in a PATCH.
	check(t, zaken, "zaak_partial_update", `{"opschorting": {"indicatie": true}}`, true, nc{"opschorting.reden", "required"})
	check(t, zaken, "zaak_update", `{"relevanteAndereZaken": [{}]}`, true,
		nc{"relevanteAndereZaken.0.url", "required"}, nc{"relevanteAndereZaken.0.aardRelatie", "required"})
	// ValidateValue with partial, for operations whose body the spec leaves unspecified.
	d := loadDoc(t, catalogi)
	if vs := d.ValidateValue("ZaakTypeUpdate", map[string]any{"doel": "x"}, true); len(vs) != 0 {
		t.Errorf("partial ZaakTypeUpdate: %v", vs)
	}
	if vs := d.ValidateValue("ZaakTypeUpdate", map[string]any{"doel": "x"}, false); len(vs) < 10 {
		t.Errorf("full ZaakTypeUpdate: want many required, got %v", vs)
	}
	// ValidateBody: the same from raw bytes.
	if got := codes(d.ValidateBody("ZaakTypeUpdate", []byte(`{"doel": 5, "referentieproces": {}}`), true)); !cmp.Equal(got,
		[]nc{{"doel", "invalid"}, {"referentieproces.naam", "required"}}) {
		t.Errorf("ValidateBody: %v", got)
	}
	if got := codes(d.ValidateBody("ZaakTypeUpdate", []byte(`{`), true)); !cmp.Equal(got, []nc{{"nonFieldErrors", "parse_error"}}) {
		t.Errorf("ValidateBody parse error: %v", got)
	}
	if got := codes(d.ValidateBody("Nope", []byte(`{}`), true)); !cmp.Equal(got, []nc{{"nonFieldErrors", "unknown-schema"}}) {
		t.Errorf("ValidateBody unknown schema: %v", got)
	}
}

func TestReadOnlyIgnored(t *testing.T) {
	body := `{"url": 5, "zaaktypen": "x", "besluittypen": [1, 1], "domein": "A", "rsin": "1", "contactpersoonBeheerNaam": "J"}`
	check(t, catalogi, "catalogus_create", body, false)
	check(t, zaken, "status_create", `{"zaak": "https://z.example/zaken/1", "statustype": "https://c.example/statustypen/1",
		"datumStatusGezet": "2024-01-31T12:00:00Z", "uuid": "nope", "indicatieLaatstGezetteStatus": "ja"}`, false)
	// _expand only exists in responses (a client may echo a GET body back).
	check(t, zaken, "rol_create", `{"zaak": "https://z.example/zaken/1", "roltype": "https://c.example/roltypen/1",
		"roltoelichting": "x", "betrokkeneType": "medewerker", "_expand": {"zaak": {"x": 1}, "roltype": 5}}`, false)
}

func TestNullable(t *testing.T) {
	check(t, catalogi, "catalogus_create", `{"domein": null, "rsin": "1", "contactpersoonBeheerNaam": "J", "naam": null, "begindatumVersie": null}`, false,
		nc{"domein", "null"})
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"opschorting": nil, "verlenging": nil, "zaakgeometrie": nil, "archiefnominatie": nil,
		"hoofdzaak": nil, "einddatumGepland": nil, "processobject": nil,
	}), false)
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"vertrouwelijkheidaanduiding": nil, "betalingsindicatie": nil, "relevanteAndereZaken": nil,
		"productenOfDiensten": []any{nil}, "kenmerken": []any{nil},
	}), false,
		nc{"vertrouwelijkheidaanduiding", "null"}, nc{"betalingsindicatie", "null"}, nc{"relevanteAndereZaken", "null"},
		nc{"productenOfDiensten.0", "null"}, nc{"kenmerken.0", "null"})
	check(t, catalogi, "zaaktype_create", zaaktype(map[string]any{"referentieproces": nil}), false,
		nc{"referentieproces", "null"})
}

func TestZaakgeometrieOneOf(t *testing.T) {
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"zaakgeometrie": map[string]any{"type": "Point", "coordinates": []any{5.1, 52.1}},
	}), false)
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"zaakgeometrie": map[string]any{"type": "Polygon", "coordinates": []any{5.1, 52.1}},
	}), false, nc{"zaakgeometrie.coordinates.0", "not_a_list"}, nc{"zaakgeometrie.coordinates.1", "not_a_list"})
	check(t, zaken, "zaak_create", zaak(map[string]any{
		"zaakgeometrie": map[string]any{"type": "Circle"},
	}), false, nc{"zaakgeometrie.type", "invalid_choice"}, nc{"zaakgeometrie.coordinates", "required"})
}

func TestRolDiscriminator(t *testing.T) {
	rol := func(typ string, ident any) string {
		b, _ := json.Marshal(map[string]any{
			"zaak": "https://z.example/zaken/1", "roltype": "https://c.example/roltypen/1",
			"roltoelichting": "x", "betrokkeneType": typ, "betrokkeneIdentificatie": ident,
		})
		return string(b)
	}
	long := strings.Repeat("1", 25)
	// identificatie exists (maxLength 24) for medewerker only.
	check(t, zaken, "rol_create", rol("medewerker", map[string]any{"identificatie": long}), false,
		nc{"betrokkeneIdentificatie.identificatie", "max_length"})
	check(t, zaken, "rol_create", rol("natuurlijk_persoon", map[string]any{"identificatie": long}), false)
	check(t, zaken, "rol_create", rol("natuurlijk_persoon", map[string]any{
		"inpBsn": "1234567890", "geslachtsaanduiding": "x", "inpA_nummer": "0123456789",
		"verblijfsadres": map[string]any{"aoaIdentificatie": 5},
	}), false,
		nc{"betrokkeneIdentificatie.inpBsn", "max_length"},
		nc{"betrokkeneIdentificatie.geslachtsaanduiding", "invalid_choice"},
		nc{"betrokkeneIdentificatie.inpA_nummer", "invalid"},
		nc{"betrokkeneIdentificatie.verblijfsadres.aoaIdentificatie", "invalid"},
		nc{"betrokkeneIdentificatie.verblijfsadres.wplWoonplaatsNaam", "required"},
		nc{"betrokkeneIdentificatie.verblijfsadres.gorOpenbareRuimteNaam", "required"},
		nc{"betrokkeneIdentificatie.verblijfsadres.aoaHuisnummer", "required"})
	check(t, zaken, "rol_create", rol("natuurlijk_persoon", map[string]any{"geslachtsaanduiding": ""}), false)
	check(t, zaken, "rol_create", rol("vestiging", map[string]any{"handelsnaam": "x"}), false,
		nc{"betrokkeneIdentificatie.handelsnaam", "not_a_list"})
	check(t, zaken, "rol_create", rol("vestiging", "x"), false, nc{"betrokkeneIdentificatie.nonFieldErrors", "invalid"})
	// Unknown type: the base schema's enum decides, betrokkeneIdentificatie is unknown.
	check(t, zaken, "rol_create", rol("robot", map[string]any{"identificatie": long}), false,
		nc{"betrokkeneType", "invalid_choice"})
	check(t, zaken, "rol_create", `{}`, false,
		nc{"zaak", "required"}, nc{"roltype", "required"}, nc{"roltoelichting", "required"}, nc{"betrokkeneType", "required"})
}

func TestZaakObjectDiscriminator(t *testing.T) {
	zo := func(typ string, ident any) string {
		b, _ := json.Marshal(map[string]any{
			"zaak": "https://z.example/zaken/1", "objectType": typ, "objectIdentificatie": ident,
		})
		return string(b)
	}
	check(t, zaken, "zaakobject_create", zo("adres", map[string]any{"identificatie": "x"}), false,
		nc{"objectIdentificatie.wplWoonplaatsNaam", "required"}, nc{"objectIdentificatie.gorOpenbareRuimteNaam", "required"},
		nc{"objectIdentificatie.huisnummer", "required"})
	check(t, zaken, "zaakobject_partial_update", zo("overige", map[string]any{"overigeData": 5}), true,
		nc{"objectIdentificatie.overigeData", "invalid"})
}

func TestApplicatieAutorisaties(t *testing.T) {
	body := `{"clientIds": ["app", ""], "label": "", "heeftAlleAutorisaties": "nee",
		"autorisaties": [
			{"component": "zrc", "scopes": ["zaken.lezen"], "zaaktype": "https://c.example/zaaktypen/1", "maxVertrouwelijkheidaanduiding": "openbaar"},
			{"component": "zrc", "scopes": "zaken.lezen", "maxVertrouwelijkheidaanduiding": "heel_geheim"},
			{"component": "xyz", "scopes": [""]},
			{"component": "ac"},
			"zrc"
		]}`
	check(t, autorisaties, "applicatie_create", body, false,
		nc{"clientIds.1", "blank"}, nc{"label", "blank"}, nc{"heeftAlleAutorisaties", "invalid"},
		nc{"autorisaties.1.scopes", "not_a_list"},
		nc{"autorisaties.1.maxVertrouwelijkheidaanduiding", "invalid_choice"},
		nc{"autorisaties.2.component", "invalid_choice"}, nc{"autorisaties.2.scopes.0", "blank"},
		nc{"autorisaties.3.scopes", "required"},
		nc{"autorisaties.4.nonFieldErrors", "invalid"})
	check(t, autorisaties, "applicatie_create", `{"clientIds": ["app"], "label": "App", "autorisaties": []}`, false)
	check(t, autorisaties, "applicatie_partial_update", `{"label": "App"}`, true)
}

func TestParseErrors(t *testing.T) {
	for _, body := range []string{`{"a":`, `{} x`, `{"a": 1,}`, `{'a': 1}`, "{\"a\": \"\xff\"}", `{"a": 01}`} {
		check(t, catalogi, "catalogus_create", body, false, nc{"nonFieldErrors", "parse_error"})
	}
}

func TestDeepNesting(t *testing.T) {
	deep := func(n int) string {
		return `{"trefwoorden": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	}
	// Depth 64 in total (object plus 63 arrays) is allowed and then judged by the schema.
	check(t, catalogi, "zaaktype_partial_update", deep(63), true)
	check(t, catalogi, "zaaktype_partial_update", deep(64), true, nc{"nonFieldErrors", "max-depth"})
	check(t, catalogi, "zaaktype_create", deep(100000), false, nc{"nonFieldErrors", "max-depth"})
	// Brackets inside strings do not count.
	check(t, catalogi, "zaaktype_partial_update", `{"x": "`+strings.Repeat("[{", 100)+`"}`, true)

	// An already decoded value is bounded too, whatever the schema.
	var v any = []any{}
	for i := 0; i < 200; i++ {
		v = []any{v}
	}
	d := loadDoc(t, zaken)
	got := codes(d.ValidateValue("Zaak", map[string]any{"kenmerken": v}, true))
	if diff := cmp.Diff([]nc{{"nonFieldErrors", "max-depth"}}, got); diff != "" {
		t.Errorf("deep decoded value (-want +got):\n%s", diff)
	}
	// A recursive schema (ZaakExpanded -> _expand -> ... -> ZaakExpanded) with a deep value.
	var z any = map[string]any{}
	for i := 0; i < 200; i++ {
		z = map[string]any{"_expand": map[string]any{"hoofdzaak": z}}
	}
	got = codes(d.ValidateValue("ZaakExpanded", z, true))
	if diff := cmp.Diff([]nc{{"nonFieldErrors", "max-depth"}}, got); diff != "" {
		t.Errorf("deep recursive value (-want +got):\n%s", diff)
	}
}

func TestUniqueItems(t *testing.T) {
	rt := func(iots string) string {
		return `{"zaaktype": "https://c.example/zaaktypen/1", "omschrijving": "x",
			"resultaattypeomschrijving": "https://r.example/1", "selectielijstklasse": "https://s.example/1", "besluittypen": [],
			"informatieobjecttypen": ` + iots + `}`
	}
	check(t, catalogi, "resultaattype_create", rt(`["https://c.example/i/1", "https://c.example/i/2"]`), false)
	check(t, catalogi, "resultaattype_create", rt(`["https://c.example/i/1", "https://c.example/i/1"]`), false,
		nc{"informatieobjecttypen", "unique"})
}

func TestUnknownOperation(t *testing.T) {
	d := loadDoc(t, catalogi)
	if _, err := d.ValidateRequest("zaak_create", []byte(`{}`), false); err == nil {
		t.Error("want error for unknown operationId")
	}
	if vs := d.ValidateValue("NoSuchSchema", map[string]any{}, false); len(vs) != 1 || vs[0].Code != "unknown-schema" {
		t.Errorf("unknown schema: %v", vs)
	}
}

// TestAllOperations compiles the three specs and throws odd bodies at every
// operation with a JSON request body: nothing may panic, and every
// violation must have a name and a code.
func TestAllOperations(t *testing.T) {
	for _, file := range []string{catalogi, zaken, autorisaties} {
		d := loadDoc(t, file)
		if p := d.SkippedPatterns(); len(p) > 0 {
			t.Errorf("%s: patterns RE2 cannot compile: %q", file, p)
		}
		if len(d.Operations()) == 0 {
			t.Fatalf("%s: no operations with a JSON body", file)
		}
		exerciseOperations(t, file, d)
	}
}

// TestOtherSpecs compiles every other spec in the directory and exercises
// its operations the same way.
func TestOtherSpecs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	files, _ := filepath.Glob(filepath.Join(specDir, "*.yaml"))
	if len(files) == 0 {
		t.Skip("no specs")
	}
	for _, f := range files {
		name := filepath.Base(f)
		if name == "SOURCES.yaml" || name == catalogi || name == zaken || name == autorisaties {
			continue
		}
		d := loadDoc(t, name)
		if p := d.SkippedPatterns(); len(p) > 0 {
			t.Logf("%s: patterns RE2 cannot compile (not enforced): %q", name, p)
		}
		exerciseOperations(t, name, d)
	}
}

func exerciseOperations(t *testing.T, file string, d *Doc) {
	t.Helper()
	odd := []any{nil, "", "x", json.Number("5"), json.Number("1.5"), true, []any{}, []any{nil, "x"}, map[string]any{}, map[string]any{"x": nil}}
	for _, id := range d.Operations() {
		for _, body := range []string{`{}`, `[]`, `null`, `1`, `""`, `{"x": null}`} {
			for _, partial := range []bool{false, true} {
				vs, err := d.ValidateRequest(id, []byte(body), partial)
				if err != nil {
					t.Fatalf("%s %s: %v", file, id, err)
				}
				sane(t, id, vs)
			}
		}
		// Every top-level property (also of oneOf branches and
		// discriminator targets, with their discriminator value) with
		// every odd value.
		root := d.ops[id].schema
		type target struct {
			n    *node
			disc string
		}
		targets := []target{{n: root}}
		for _, b := range root.oneOf {
			targets = append(targets, target{n: b})
		}
		if root.disc != nil {
			for k, n := range root.disc.mapping {
				targets = append(targets, target{n, k})
			}
		}
		for _, tg := range targets {
			for _, p := range tg.n.props {
				for _, val := range odd {
					body := map[string]any{p.name: val}
					if tg.disc != "" && p.name != root.disc.prop {
						body[root.disc.prop] = tg.disc
					}
					vs, _ := d.ValidateRequestValue(id, body, false)
					sane(t, id, vs)
				}
			}
		}
	}
}

func sane(t *testing.T, id string, vs []Violation) {
	t.Helper()
	for _, v := range vs {
		if v.Name == "" || v.Code == "" || v.Reason == "" {
			t.Errorf("%s: incomplete violation %+v", id, v)
		}
	}
}

// zaaktype returns a valid zaaktype_create body with some fields replaced.
func zaaktype(over map[string]any) string {
	m := map[string]any{
		"identificatie": "ZT-001", "omschrijving": "Vergunning", "omschrijvingGeneriek": "Vergunning",
		"vertrouwelijkheidaanduiding": "openbaar", "doel": "Doel", "aanleiding": "Aanleiding",
		"toelichting": "", "indicatieInternOfExtern": "extern", "handelingInitiator": "aanvragen",
		"onderwerp": "Vergunning", "handelingBehandelaar": "behandelen", "doorlooptijd": "P30D",
		"servicenorm": nil, "opschortingEnAanhoudingMogelijk": false, "verlengingMogelijk": true,
		"verlengingstermijn": "P14D", "trefwoorden": []any{"bouw", "vergunning"},
		"publicatieIndicatie": false, "publicatietekst": "", "verantwoordingsrelatie": []any{},
		"productenOfDiensten":     []any{"https://producten.example.nl/1"},
		"selectielijstProcestype": "https://selectielijst.openzaak.nl/api/v1/procestypen/aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44",
		"referentieproces":        map[string]any{"naam": "Vergunning verlenen", "link": "https://processen.example.nl/1"},
		"verantwoordelijke":       "100000001",
		"broncatalogus":           map[string]any{"url": "https://bron.example.nl/catalogussen/1", "domein": "BRON", "rsin": "123456782"},
		"bronzaaktype":            map[string]any{"url": "https://bron.example.nl/zaaktypen/1", "identificatie": "B-1", "omschrijving": "Bron"},
		"catalogus":               "https://catalogi.example.nl/api/v1/catalogussen/6d5b8ea6-0a4c-4ad0-a1d6-c5e8a1f0e0a1",
		"besluittypen":            []any{"Besluit A"},
		"deelzaaktypen":           []any{},
		"gerelateerdeZaaktypen": []any{
			map[string]any{"zaaktype": "ZT-002", "aardRelatie": "vervolg", "toelichting": "Vervolg"},
		},
		"beginGeldigheid": "2024-01-01", "eindeGeldigheid": nil, "beginObject": "2024-01-01",
		"eindeObject": nil, "versiedatum": "2024-01-01",
	}
	for k, v := range over {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// zaak returns a valid zaak_create body with some fields replaced.
func zaak(over map[string]any) string {
	m := map[string]any{
		"bronorganisatie": "123456782", "verantwoordelijkeOrganisatie": "123456782",
		"zaaktype": "https://catalogi.example.nl/api/v1/zaaktypen/1", "startdatum": "2024-01-31",
		"omschrijving": "Aanvraag", "vertrouwelijkheidaanduiding": "openbaar",
	}
	for k, v := range over {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}
