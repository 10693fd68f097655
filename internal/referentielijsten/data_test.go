package referentielijsten

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

const testBase = "http://meent.test/referentielijsten/api/v1/"

func testLists(tb testing.TB) *lists {
	tb.Helper()
	l, err := load(func(collection, uuid string) string { return testBase + collection + "/" + uuid })
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	return l
}

func TestDataCounts(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	perJaar := map[int]map[int]bool{}
	for _, p := range l.procestypen.rows {
		if perJaar[p.Jaar] == nil {
			perJaar[p.Jaar] = map[int]bool{}
		}
		perJaar[p.Jaar][p.Nummer] = true
	}
	if len(l.procestypen.rows) != 58 {
		t.Errorf("%d procestypen, want 58", len(l.procestypen.rows))
	}
	for _, jaar := range []int{2017, 2020} {
		for n := 1; n <= 29; n++ {
			if !perJaar[jaar][n] {
				t.Errorf("no procestype %d of %d", n, jaar)
			}
		}
		if len(perJaar[jaar]) != 29 {
			t.Errorf("%d procestypen in %d, want 29", len(perJaar[jaar]), jaar)
		}
	}
	resultaten := map[int]int{}
	for _, r := range l.resultaten.rows {
		resultaten[r.sortKey[1]]++
	}
	// 2017: all 305 of the source. 2020: the 346 of VNG's list less the two withdrawn entries;
	// the source's 36 provincial "P" entries are not served.
	if want := map[int]int{2017: 305, 2020: 344}; fmt.Sprint(resultaten) != fmt.Sprint(want) {
		t.Errorf("resultaten per jaar %v, want %v", resultaten, want)
	}
	if n := len(l.omschrijvingen.rows); n != 38 {
		t.Errorf("%d resultaattypeomschrijvingen, want 38", n)
	}
	if n := len(l.kanalen.rows); n != 1 {
		t.Errorf("%d communicatiekanalen, want 1", n)
	}
}

// The index by procestype holds every resultaat exactly once, under its own procestype.
func TestDataResultatenPerProcestype(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	seen := 0
	for _, p := range l.procestypen.rows {
		idx := l.resultatenPerProcestype[p.uuid]
		if len(idx) == 0 {
			t.Errorf("procestype %d/%d has no resultaten", p.Nummer, p.Jaar)
		}
		for _, i := range idx {
			if r := l.resultaten.rows[i]; r.ProcesType != p.URL {
				t.Errorf("resultaat %s listed under %s but links to %s", r.VolledigNummer, p.URL, r.ProcesType)
			}
		}
		seen += len(idx)
	}
	if seen != len(l.resultaten.rows) {
		t.Errorf("index holds %d resultaten, want %d", seen, len(l.resultaten.rows))
	}
}

// UUIDs that existing catalogues point to at selectielijst.openzaak.nl (taken from Open Zaak's
// tests and example data) must resolve to the same entry here.
func TestDataKnownUUIDs(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	procestypen := map[string]string{
		"e1b73b12-b2f6-4c4e-8929-94f84dd2a57d": "1/2017",
		"96eae691-077f-4fd6-ad66-950b9b714880": "2/2017",
		"aa8aa2fd-b9c6-4e34-9a6c-58a677f60ea0": "1/2020",
		"8c160b66-2247-43f3-9afc-e5e48aefa41c": "2/2020",
		"7ff2b005-4d84-47fe-983a-732bfa958ff5": "11/2020",
		"f4603775-5a08-4829-85c8-28017dfeee1f": "8/2020",
		"1d49c68f-33da-4774-bc33-46d460bdd8b5": "29/2020",
	}
	for id, want := range procestypen {
		i, ok := l.procestypen.byUUID[id]
		if !ok {
			t.Errorf("procestype %s (%s) missing", id, want)
			continue
		}
		if p := l.procestypen.rows[i]; fmt.Sprintf("%d/%d", p.Nummer, p.Jaar) != want {
			t.Errorf("procestype %s is %d/%d, want %s", id, p.Nummer, p.Jaar, want)
		}
	}
	resultaten := map[string]string{
		"cc5ae4e3-a9e6-4386-bcee-46be4986a829": "2017 1.1",
		"8320ab7d-3a8d-4c8b-b94a-14b4fa374d0a": "2017 1.1.1",
		"afa30940-855b-4a7e-aa21-9e15a8078814": "2020 1.1",
		"8af64c99-a168-40dd-8afd-9fbe0597b6dc": "2020 1.1.1",
		"5038528b-0eb7-4502-a415-a3093987d69b": "2020 11.1.1",
		"f572cb0e-244a-4682-b57e-0c044c468387": "2020 11.2",
		"0d978967-6bf2-452f-951a-c16bff338f42": "2020 11.4",
	}
	for id, want := range resultaten {
		i, ok := l.resultaten.byUUID[id]
		if !ok {
			t.Errorf("resultaat %s (%s) missing", id, want)
			continue
		}
		if r := l.resultaten.rows[i]; fmt.Sprintf("%d %s", r.sortKey[1], r.VolledigNummer) != want {
			t.Errorf("resultaat %s is %d %s, want %s", id, r.sortKey[1], r.VolledigNummer, want)
		}
	}
}

// djangoFixture is a Django fixture record of VNG-referentielijsten.
type djangoFixture struct {
	PK     int             `json:"pk"`
	Fields json.RawMessage `json:"fields"`
}

func readFixture(t *testing.T, name string) []djangoFixture {
	t.Helper()
	b, err := os.ReadFile("testdata/vng-referentielijsten/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []djangoFixture
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The 2017 procestypen carry the UUIDs of VNG's fixture (and of selectielijst.openzaak.nl).
func TestDataVNG2017ProcestypeUUIDs(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	ours := map[int]string{}
	for _, p := range l.procestypen.rows {
		if p.Jaar == 2017 {
			ours[p.Nummer] = p.uuid
		}
	}
	n := 0
	for _, f := range readFixture(t, "selectielijst_2020_procestypen.json") {
		var p struct {
			UUID   string `json:"uuid"`
			Nummer int    `json:"nummer"`
			Jaar   int    `json:"jaar"`
		}
		if err := json.Unmarshal(f.Fields, &p); err != nil {
			t.Fatal(err)
		}
		if p.Jaar != 2017 {
			continue
		}
		n++
		if ours[p.Nummer] != p.UUID {
			t.Errorf("procestype %d/2017: uuid %s, VNG fixture %s", p.Nummer, ours[p.Nummer], p.UUID)
		}
	}
	if n != 29 {
		t.Errorf("fixture has %d procestypen of 2017, want 29", n)
	}
}

// The 2020 resultaten have the content of VNG's fixture. The fixture links its 346 resultaten
// (the 2020 list) to the procestypen with pk 1-29, which are the 2017 ones; they are re-linked
// here by procestype nummer within 2020. Only the UUIDs differ, and the two withdrawn entries
// Meent leaves out.
func TestDataVNG2020ResultatenContent(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	ours := map[string]*resultaat{}
	for i, r := range l.resultaten.rows {
		if r.sortKey[1] == 2020 {
			ours[r.VolledigNummer] = &l.resultaten.rows[i]
		}
	}
	nummer := map[int]int{}
	for _, f := range readFixture(t, "selectielijst_2020_procestypen.json") {
		var p struct {
			Nummer int `json:"nummer"`
		}
		if err := json.Unmarshal(f.Fields, &p); err != nil {
			t.Fatal(err)
		}
		nummer[f.PK] = p.Nummer
	}
	type vngResultaat struct {
		ProcesType        int     `json:"proces_type"`
		GeneriekResultaat *int    `json:"generiek_resultaat"`
		Nummer            int     `json:"nummer"`
		Naam              string  `json:"naam"`
		Omschrijving      string  `json:"omschrijving"`
		Herkomst          string  `json:"herkomst"`
		Waardering        string  `json:"waardering"`
		Procestermijn     string  `json:"procestermijn"`
		Bewaartermijn     *string `json:"bewaartermijn"`
		Toelichting       string  `json:"toelichting"`
		Opmerking         string  `json:"procestermijn_opmerking"`
		Flags             [14]bool
	}
	fixture := readFixture(t, "selectielijst_2020_resultaten.json")
	vng := map[int]*vngResultaat{}
	for _, f := range fixture {
		var v vngResultaat
		if err := json.Unmarshal(f.Fields, &v); err != nil {
			t.Fatal(err)
		}
		var flags map[string]any
		if err := json.Unmarshal(f.Fields, &flags); err != nil {
			t.Fatal(err)
		}
		for i, k := range []string{"algemeen_bestuur_en_inrichting_organisatie", "bedrijfsvoering_en_personeel",
			"publieke_informatie_en_registratie", "burgerzaken", "veiligheid", "verkeer_en_vervoer", "economie",
			"onderwijs", "sport_cultuur_en_recreatie", "sociaal_domein", "volksgezonheid_en_milieu", "vhrosv",
			"heffen_belastingen", "alle_taakgebieden"} {
			v.Flags[i], _ = flags[k].(bool)
		}
		vng[f.PK] = &v
	}
	found, withdrawnSeen := 0, 0
	for _, v := range vng {
		volledig := fmt.Sprintf("%d.%d", nummer[v.ProcesType], v.Nummer)
		if v.GeneriekResultaat != nil {
			volledig = fmt.Sprintf("%d.%d.%d", nummer[v.ProcesType], vng[*v.GeneriekResultaat].Nummer, v.Nummer)
		}
		o := ours[volledig]
		if o == nil {
			if v.Waardering == "" {
				withdrawnSeen++
				continue
			}
			t.Errorf("2020 resultaat %s of the VNG fixture is not served", volledig)
			continue
		}
		found++
		bewaar := func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		}
		flags := [14]bool{o.AlgemeenBestuurEnInrichtingOrganisatie, o.BedrijfsvoeringEnPersoneel, o.PubliekeInformatieEnRegistratie,
			o.Burgerzaken, o.Veiligheid, o.VerkeerEnVervoer, o.Economie, o.Onderwijs, o.SportCultuurEnRecreatie,
			o.SociaalDomein, o.VolksgezonheidEnMilieu, o.Vhrosv, o.HeffenBelastingen, o.AlleTaakgebieden}
		got := fmt.Sprint(o.Naam, "|", o.Omschrijving, "|", o.Herkomst, "|", o.Waardering, "|", o.Procestermijn, "|",
			bewaar(o.Bewaartermijn), "|", strings.Fields(o.Toelichting), "|", o.ProcestermijnOpmerking, "|", flags, "|", o.Generiek)
		want := fmt.Sprint(v.Naam, "|", v.Omschrijving, "|", v.Herkomst, "|", v.Waardering, "|", v.Procestermijn, "|",
			bewaar(v.Bewaartermijn), "|", strings.Fields(v.Toelichting), "|", v.Opmerking, "|", v.Flags, "|", v.GeneriekResultaat == nil)
		if got != want {
			t.Errorf("2020 resultaat %s:\n got %s\nwant %s", volledig, got, want)
		}
	}
	if found != 344 || withdrawnSeen != 2 {
		t.Errorf("matched %d fixture resultaten and %d withdrawn ones, want 344 and 2", found, withdrawnSeen)
	}
}

// A change in the data that breaks the spec's enums or the numbering fails the load.
func TestDataLinkRejects(t *testing.T) {
	t.Parallel()
	l := testLists(t)
	url := func(c, id string) string { return testBase + c + "/" + id }
	good := l.resultaten.rows[0]
	good.URL = "https://x.test/api/v1/resultaten/" + good.uuid
	good.ProcesType = "https://x.test/api/v1/procestypen/" + good.procestype
	if err := good.link(url, &l.procestypen); err != nil {
		t.Fatalf("unchanged record: %v", err)
	}
	for name, change := range map[string]func(r *resultaat){
		"waardering":    func(r *resultaat) { r.Waardering = "bewaren" },
		"procestermijn": func(r *resultaat) { r.Procestermijn = "altijd" },
		"weergave":      func(r *resultaat) { r.ProcestermijnWeergave = "Iets anders" },
		"volledig":      func(r *resultaat) { r.VolledigNummer = "99.1" },
		"generiek":      func(r *resultaat) { r.Specifiek = !r.Specifiek },
		"nummer":        func(r *resultaat) { r.Nummer += 7 },
		"procestype": func(r *resultaat) {
			r.ProcesType = "https://x.test/api/v1/procestypen/" + "00000000-0000-4000-8000-000000000000"
		},
		"uuid":           func(r *resultaat) { r.URL = "https://x.test/api/v1/resultaten/abc" },
		"procestypeUUID": func(r *resultaat) { r.ProcesType = "https://x.test/api/v1/procestypen/abc" },
	} {
		r := l.resultaten.rows[0]
		r.URL = "https://x.test/api/v1/resultaten/" + r.uuid
		r.ProcesType = "https://x.test/api/v1/procestypen/" + r.procestype
		change(&r)
		if err := r.link(url, &l.procestypen); err == nil {
			t.Errorf("%s: changed record accepted", name)
		}
	}
}
