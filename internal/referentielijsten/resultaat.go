package referentielijsten

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/zgw"
)

// resultaat is one resultaat (selectielijstklasse) of a procestype. Field order and names are
// the reference serializer's.
type resultaat struct {
	URL                                    string  `json:"url"`
	ProcesType                             string  `json:"procesType"`
	Nummer                                 int     `json:"nummer"`
	VolledigNummer                         string  `json:"volledigNummer"`
	Generiek                               bool    `json:"generiek"`
	Specifiek                              bool    `json:"specifiek"`
	Naam                                   string  `json:"naam"`
	Omschrijving                           string  `json:"omschrijving"`
	Herkomst                               string  `json:"herkomst"`
	Waardering                             string  `json:"waardering"`
	Procestermijn                          string  `json:"procestermijn"`
	ProcestermijnWeergave                  string  `json:"procestermijnWeergave"`
	Bewaartermijn                          *string `json:"bewaartermijn"`
	Toelichting                            string  `json:"toelichting"`
	AlgemeenBestuurEnInrichtingOrganisatie bool    `json:"algemeenBestuurEnInrichtingOrganisatie"`
	BedrijfsvoeringEnPersoneel             bool    `json:"bedrijfsvoeringEnPersoneel"`
	PubliekeInformatieEnRegistratie        bool    `json:"publiekeInformatieEnRegistratie"`
	Burgerzaken                            bool    `json:"burgerzaken"`
	Veiligheid                             bool    `json:"veiligheid"`
	VerkeerEnVervoer                       bool    `json:"verkeerEnVervoer"`
	Economie                               bool    `json:"economie"`
	Onderwijs                              bool    `json:"onderwijs"`
	SportCultuurEnRecreatie                bool    `json:"sportCultuurEnRecreatie"`
	SociaalDomein                          bool    `json:"sociaalDomein"`
	VolksgezonheidEnMilieu                 bool    `json:"volksgezonheidEnMilieu"`
	Vhrosv                                 bool    `json:"vhrosv"`
	HeffenBelastingen                      bool    `json:"heffenBelastingen"`
	AlleTaakgebieden                       bool    `json:"alleTaakgebieden"`
	ProcestermijnOpmerking                 string  `json:"procestermijnOpmerking"`

	uuid       string
	procestype string // UUID
	sortKey    [4]int // procestype nummer, jaar, generiek nummer, specifiek nummer (0 for generiek)
}

// procestermijnWeergave is the label the reference renders for each procestermijn value.
var procestermijnWeergave = map[string]string{
	"":                                      "",
	"nihil":                                 "Nihil",
	"bestaansduur_procesobject":             "De bestaans- of geldigheidsduur van het procesobject.",
	"ingeschatte_bestaansduur_procesobject": "De ingeschatte maximale bestaans- of geldigheidsduur van het procesobject.",
	"vast_te_leggen_datum":                  "De tijdens het proces vast te leggen datum waarop de geldigheid van het procesobject komt te vervallen. ",
	"samengevoegd_met_bewaartermijn":        "De procestermijn is samengevoegd met de bewaartermijn.",
}

// provincial reports whether a source record belongs to the provincial selectielijst rather
// than to the Selectielijst gemeenten en intergemeentelijke organen. OneGround's file hangs 36
// such records, numbered "P1", "P21" ..., under 2020 procestypen of the municipal list. They
// are not part of the municipal list (the VNG fixture has none of them), several break the
// spec's maxLength of 150 for omschrijving, and their numbers cannot be derived from the
// procestype as volledigNummer is; they are left out.
func provincial(r *resultaat) bool { return strings.HasPrefix(r.VolledigNummer, "P") }

// withdrawn reports whether a source record is a withdrawn ("Vervallen") entry without a
// waardering. The 2020 list keeps two such placeholders (7.1.20 and 19.1.13, each pointing to
// its successor in toelichting). The spec requires waardering to be blijvend_bewaren or
// vernietigen, and a resultaattype cannot take its archiefnominatie from an empty waardering
// (ztc-002), so they are left out rather than served out of spec.
func withdrawn(r *resultaat) bool {
	return r.Waardering == "" && strings.HasPrefix(r.Omschrijving, "Vervallen")
}

// loadResultaten reads the resultaten of both editions, links them to the procestypen by UUID
// and orders them as the reference does (tree order: per procestype, each generiek resultaat
// followed by its specifieke resultaten).
func loadResultaten(url urlFunc, pt *table[procesType]) (table[resultaat], map[string][]int, error) {
	var src []resultaat
	if err := decode(resultatenFile, &src); err != nil {
		return table[resultaat]{}, nil, err
	}
	rows := make([]resultaat, 0, len(src))
	for i := range src {
		r := &src[i]
		if provincial(r) || withdrawn(r) {
			continue
		}
		if err := r.link(url, pt); err != nil {
			return table[resultaat]{}, nil, dataErr(resultatenFile, i, err)
		}
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b resultaat) int {
		for k := range a.sortKey {
			if c := cmp.Compare(a.sortKey[k], b.sortKey[k]); c != 0 {
				return c
			}
		}
		return 0
	})
	t, err := newTable(rows, func(r *resultaat) string { return r.uuid })
	if err != nil {
		return t, nil, err
	}
	per := map[string][]int{}
	for i, r := range t.rows {
		per[r.procestype] = append(per[r.procestype], i)
	}
	return t, per, nil
}

// link checks one source record, resolves its procestype and renders its URLs.
func (r *resultaat) link(url urlFunc, pt *table[procesType]) error {
	id, err := uuidOfURL(r.URL)
	if err != nil {
		return err
	}
	ptID, err := uuidOfURL(r.ProcesType)
	if err != nil {
		return err
	}
	i, ok := pt.byUUID[ptID]
	if !ok {
		return fmt.Errorf("unknown procestype %s", ptID)
	}
	p := pt.rows[i]
	if !zgw.OneOf(r.Waardering, "blijvend_bewaren", "vernietigen") {
		return fmt.Errorf("waardering %q", r.Waardering)
	}
	if w, ok := procestermijnWeergave[r.Procestermijn]; !ok || w != r.ProcestermijnWeergave {
		return fmt.Errorf("procestermijn %q with weergave %q", r.Procestermijn, r.ProcestermijnWeergave)
	}
	key, err := treeKey(r.VolledigNummer, p.Nummer)
	if err != nil {
		return err
	}
	if r.Generiek == r.Specifiek || r.Specifiek != (key[1] != 0) {
		return fmt.Errorf("%s: generiek %t, specifiek %t", r.VolledigNummer, r.Generiek, r.Specifiek)
	}
	want := key[0]
	if r.Specifiek {
		want = key[1]
	}
	if r.Nummer != want {
		return fmt.Errorf("%s: nummer %d", r.VolledigNummer, r.Nummer)
	}
	r.uuid, r.procestype = id, ptID
	r.URL, r.ProcesType = url("resultaten", id), p.URL
	r.sortKey = [4]int{p.Nummer, p.Jaar, key[0], key[1]}
	return nil
}

// treeKey splits a volledigNummer "procestype.generiek[.specifiek]" into the generiek and
// specifiek numbers (specifiek 0 for a generiek resultaat), checking the procestype part.
func treeKey(volledig string, procestype int) ([2]int, error) {
	parts := strings.Split(volledig, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return [2]int{}, fmt.Errorf("volledigNummer %q", volledig)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 {
			return [2]int{}, fmt.Errorf("volledigNummer %q", volledig)
		}
		n[i] = v
	}
	if n[0] != procestype {
		return [2]int{}, fmt.Errorf("volledigNummer %q under procestype %d", volledig, procestype)
	}
	return [2]int{n[1], n[2]}, nil
}

func (r *register) mountResultaat() {
	r.api.Handle("GET /resultaten", zgw.Public, r.resultaatList)
	r.api.Handle("GET /resultaten/{uuid}", zgw.Public, func(c *zgw.Call) error {
		return r.serveDetail(c, func(l *lists) (json.RawMessage, bool) { return l.resultaten.get(c.R.PathValue("uuid")) })
	})
}

// procesTypeParams are the names of the procestype filter. The spec declares proces_type;
// the reference implementation turns camelCase query parameters into snake_case before
// filtering, so procesType (what Open Zaak and OneGround send) is the same filter.
var procesTypeParams = []string{"proces_type", "procesType"}

// resultaatList answers GET /resultaten: paginated, optionally filtered on procestype URL.
func (r *register) resultaatList(c *zgw.Call) error {
	q := c.Query(append([]string{"page"}, procesTypeParams...)...)
	var ids []string
	for _, name := range procesTypeParams {
		if v := q.URL(name); v != "" {
			ids = append(ids, r.procestypeOf(v))
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	l, err := r.lists()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return servePage(c, q.Page, l.resultatenPages)
	}
	// Both spellings of the filter may be sent; naming two procestypen matches nothing.
	if slices.ContainsFunc(ids, func(id string) bool { return id != ids[0] }) {
		return servePage(c, q.Page, pagesOf(nil))
	}
	p, ok := l.resultatenPerProces[ids[0]]
	if !ok {
		p = pagesOf(nil)
	}
	return servePage(c, q.Page, p)
}

// procestypeOf returns the procestype UUID a filter URL names, or "" when it names none. As
// in the reference, only the path counts: a URL of this API's procestypen collection matches
// whatever host it was written with; any other URL matches nothing (an empty page, not an
// error, like every URL filter of the ZGW APIs).
func (r *register) procestypeOf(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	id, ok := strings.CutPrefix(u.Path, r.api.Root+"/procestypen/")
	if !ok || !zgw.ValidUUID(id) {
		return ""
	}
	return strings.ToLower(id)
}
