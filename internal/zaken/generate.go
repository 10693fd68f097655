package zaken

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// The generator writes a realistic municipality of zaken in bulk for the benchmarks and the
// load runs (bench/gen). It builds the rows from the same types and column values as the
// handlers (zaakValues, rolColumns, statusData ...), so a generated zaak reads back exactly
// like one created through the API; only the notifications and audit entries of the
// creation are not written.

// GenZaaktype is a published zaaktype the generator spreads zaken over, with the types of
// the Catalogi API that its statussen, rollen and resultaat refer to.
type GenZaaktype struct {
	URL                         string
	Vertrouwelijkheidaanduiding string
	// Statustypen in volgnummer order; the last one is the eindstatus.
	Statustypen []string
	Initiator   GenRoltype // omschrijvingGeneriek initiator
	Behandelaar GenRoltype // omschrijvingGeneriek behandelaar
	// Resultaattype of the closed zaken, with its archiefnominatie and archiefactietermijn
	// in years (afleidingswijze afgehandeld, zrc-021).
	Resultaattype    string
	Archiefnominatie string
	ArchiefJaren     int
}

// GenRoltype is a roltype as the rol rows copy it.
type GenRoltype struct {
	URL, Omschrijving, OmschrijvingGeneriek string
}

// GenOptions say what to generate.
type GenOptions struct {
	N               int // zaken
	Zaaktypen       []GenZaaktype
	Burgers         int    // distinct BSNs of the initiators; default N/3
	Bronorganisatie string // default 002220647
	Prefix          string // identificatie prefix; default ZAAK
	Seed            uint64
	Now             time.Time // the newest zaken start before it; default time.Now
	Batch           int       // zaken per GenBatch; default 5000
}

// GenTable is the rows of one table in one batch, in column order.
type GenTable struct {
	Name string
	Cols []string
	Rows [][]any
}

// GenBatch is one batch of zaken with everything that belongs to them, in foreign-key order.
type GenBatch struct {
	Tables []*GenTable
	Zaken  int
}

// Generator columns, in the order of the rows.
var (
	genZaakCols = []string{"id", "uuid", "identificatie", "bronorganisatie", "zaaktype", "vertrouwelijkheid", "archiefnominatie",
		"archiefstatus", "archiefactiedatum", "startdatum", "einddatum", "einddatum_gepland", "uiterlijke_einddatum_afdoening",
		"registratiedatum", "publicatiedatum", "hoofdzaak_id", "geo_minx", "geo_miny", "geo_maxx", "geo_maxy", "data"}
	genRolCols = []string{"id", "uuid", "zaak_id", "betrokkene", "betrokkene_type", "roltype", "omschrijving", "omschrijving_generiek",
		"registratiedatum", "inp_bsn", "anp_identificatie", "inp_a_nummer", "inn_nnp_id", "ann_identificatie", "vestigings_nummer",
		"medewerker_id", "org_eenheid_id", "data"}
	genStatusCols     = []string{"id", "uuid", "zaak_id", "statustype", "datum_status_gezet", "gezetdoor_id", "data"}
	genResultaatCols  = []string{"id", "uuid", "zaak_id", "resultaattype", "data"}
	genZaakobjectCols = []string{"id", "uuid", "zaak_id", "object", "object_type", "data"}
)

// GenTables are the tables the generator writes, in foreign-key order.
func GenTables() []string { return []string{"zaak", "rol", "status", "resultaat", "zaakobject"} }

// GenBSN is the i-th burgerservicenummer of the generated municipality: nine digits that
// pass the elfproef, so clients that check BSNs accept them. Each citizen has two blocks of
// ten numbers to find one in, so two citizens practically never share a BSN.
func GenBSN(i int) string {
	for n := 100000000 + i*20; ; n++ {
		d := fmt.Sprintf("%09d", n%1000000000)
		sum := 0
		for k := range 8 {
			sum += int(d[k]-'0') * (9 - k)
		}
		sum -= int(d[8] - '0')
		if sum%11 == 0 {
			return d
		}
	}
}

var genOmschrijvingen = []string{"Melding losliggende tegel", "Aanvraag parkeervergunning", "Bezwaar WOZ-beschikking",
	"Melding zwerfvuil", "Aanvraag omgevingsvergunning", "Verhuizing doorgeven", "Aanvraag bijzondere bijstand",
	"Klacht dienstverlening", "Evenementenvergunning", "Melding kapotte lantaarnpaal"}

var genNamen = []struct{ voornaam, achternaam string }{{"Jan", "Jansen"}, {"Fatima", "El Amrani"}, {"Sanne", "de Vries"},
	{"Pieter", "Bakker"}, {"Aylin", "Yilmaz"}, {"Daan", "Visser"}, {"Emma", "Smit"}, {"Mohammed", "Bouzid"}}

// Generate writes o.N zaken through emit, one GenBatch at a time. Ids continue after the
// highest in the database, and the identificaties are reserved in zaak_nummer, so the API
// keeps working normally on the generated data.
func Generate(ctx context.Context, d *db.DB, o GenOptions, emit func(*GenBatch) error) error {
	if len(o.Zaaktypen) == 0 {
		return fmt.Errorf("generate: no zaaktypen")
	}
	if o.Burgers <= 0 {
		o.Burgers = max(o.N/3, 1)
	}
	if o.Bronorganisatie == "" {
		o.Bronorganisatie = "002220647"
	}
	if o.Prefix == "" {
		o.Prefix = "ZAAK"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Batch <= 0 {
		o.Batch = 5000
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.Local
	}
	next := map[string]int64{}
	for _, t := range GenTables() {
		var n int64
		if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+t).Scan(&n); err != nil {
			return fmt.Errorf("generate: %s: %w", t, err)
		}
		next[t] = n + 1
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	newID := func(t string) int64 { id := next[t]; next[t]++; return id }
	for done := 0; done < o.N; {
		n := min(o.Batch, o.N-done)
		b, err := genBatch(ctx, d, &o, loc, rng, n, newID)
		if err != nil {
			return err
		}
		if err := emit(b); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// genZaak is one zaak before its identificatie is known.
type genZaak struct {
	row   []any
	jaar  int
	start time.Time
}

func genBatch(ctx context.Context, d *db.DB, o *GenOptions, loc *time.Location, rng *rand.Rand, n int, newID func(string) int64) (*GenBatch, error) {
	zaak := &GenTable{Name: "zaak", Cols: genZaakCols}
	rol := &GenTable{Name: "rol", Cols: genRolCols}
	status := &GenTable{Name: "status", Cols: genStatusCols}
	resultaat := &GenTable{Name: "resultaat", Cols: genResultaatCols}
	zaakobject := &GenTable{Name: "zaakobject", Cols: genZaakobjectCols}
	ranks := zgw.Vertrouwelijkheden()
	var zaken []genZaak
	perJaar := map[int]int64{}
	for range n {
		zt := o.Zaaktypen[rng.IntN(len(o.Zaaktypen))]
		id := newID("zaak")
		// Started in the last five years, registered the same day, at office hours.
		start := o.Now.Add(-time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour)))).In(loc)
		start = time.Date(start.Year(), start.Month(), start.Day(), 8+rng.IntN(9), rng.IntN(60), rng.IntN(60), 0, loc)
		dag := start.Format(time.DateOnly)
		vertr := zt.Vertrouwelijkheidaanduiding
		if rng.IntN(10) < 3 { // some zaken deviate from the zaaktype's default
			vertr = ranks[rng.IntN(5)] // openbaar .. zaakvertrouwelijk
		}
		closed := start.Before(o.Now.AddDate(0, -2, 0)) && rng.IntN(10) < 7
		in := &zaakIn{Bronorganisatie: o.Bronorganisatie, Zaaktype: zt.URL, Registratiedatum: dag, Startdatum: dag,
			Vertrouwelijkheidaanduiding: vertr, Archiefstatus: "nog_te_archiveren"}
		in.Omschrijving = genOmschrijvingen[rng.IntN(len(genOmschrijvingen))]
		in.VerantwoordelijkeOrganisatie = o.Bronorganisatie
		in.Betalingsindicatie = "nvt"
		gepland := start.AddDate(0, 0, 14+rng.IntN(60)).Format(time.DateOnly)
		in.EinddatumGepland = &gepland
		if rng.IntN(5) == 0 { // a fifth has a location
			x, y := 4.75+rng.Float64()*0.2, 52.30+rng.Float64()*0.1
			in.Zaakgeometrie = json.RawMessage(fmt.Sprintf(`{"type":"Point","coordinates":[%.6f,%.6f]}`, x, y))
		}
		// The statussen: open zaken have 1-4 non-final ones, closed ones 2-4 and the eindstatus.
		eind := len(zt.Statustypen) - 1
		k := 1 + rng.IntN(min(4, eind))
		if closed {
			k = min(2+rng.IntN(3), eind)
		}
		at := start
		var einddatum time.Time
		initiator := newID("rol")
		for s := range k + btoi(closed) {
			st := zt.Statustypen[min(s, eind-1)]
			if closed && s == k {
				st = zt.Statustypen[eind]
			}
			var gezetdoor any
			if s == 0 {
				gezetdoor = initiator
			}
			data, _ := json.Marshal(statusData{Statustoelichting: ""})
			status.Rows = append(status.Rows, []any{newID("status"), zgw.NewUUID(), id, st, at.UTC(), gezetdoor, string(data)})
			einddatum = at
			at = at.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
		}
		if closed {
			nominatie := zt.Archiefnominatie
			in.Archiefnominatie = &nominatie
			actie := einddatum.In(loc).AddDate(zt.ArchiefJaren, 0, 0).Format(time.DateOnly)
			in.Archiefactiedatum = &actie
			data, _ := json.Marshal(map[string]string{"toelichting": ""})
			resultaat.Rows = append(resultaat.Rows, []any{newID("resultaat"), zgw.NewUUID(), id, zt.Resultaattype, string(data)})
		}
		vals, err := genZaakValues(in)
		if err != nil {
			return nil, err
		}
		var einde any
		if closed {
			einde = einddatum.In(loc).Format(time.DateOnly)
		}
		// id, uuid, identificatie (filled below), the values of zaakValues with einddatum.
		row := append([]any{id, zgw.NewUUID(), nil}, vals[1:8]...) // bronorganisatie .. startdatum
		row = append(append(row, einde), vals[8:]...)              // einddatum_gepland .. data
		zaken = append(zaken, genZaak{row: row, jaar: start.Year(), start: start})
		perJaar[start.Year()]++

		// The initiator: a citizen with a BSN; a citizen has a few zaken.
		burger := rng.IntN(o.Burgers)
		naam := genNamen[burger%len(genNamen)]
		ident, _ := json.Marshal(map[string]any{"inpBsn": GenBSN(burger), "anpIdentificatie": "", "inpA_nummer": "",
			"geslachtsnaam": naam.achternaam, "voorvoegselGeslachtsnaam": "", "voorletters": naam.voornaam[:1],
			"voornamen": naam.voornaam, "geslachtsaanduiding": "", "geboortedatum": ""})
		rol.Rows = append(rol.Rows, genRol(initiator, id, "natuurlijk_persoon", zt.Initiator, start, ident))
		if rng.IntN(2) == 0 {
			mw := fmt.Sprintf("mw%04d", rng.IntN(500))
			ident, _ := json.Marshal(map[string]any{"identificatie": mw, "achternaam": "Medewerker " + mw[2:], "voorletters": "M", "voorvoegselAchternaam": ""})
			rol.Rows = append(rol.Rows, genRol(newID("rol"), id, "medewerker", zt.Behandelaar, start.Add(time.Hour), ident))
		}
		if rng.IntN(2) == 0 {
			data, _ := json.Marshal(zaakobjectData{Relatieomschrijving: "Locatie van de melding"})
			zaakobject.Rows = append(zaakobject.Rows, []any{newID("zaakobject"), zgw.NewUUID(), id,
				fmt.Sprintf("https://bag.example.nl/api/adressen/%016d", rng.Int64N(1e15)), "adres", string(data)})
		}
	}
	// zrc-002: reserve the identificaties per year, as the API would hand them out.
	first := map[int]int64{}
	err := d.Update(ctx, func(tx *db.Tx) error {
		for jaar, k := range perJaar {
			var last int64
			if err := tx.QueryRow(ctx, `INSERT INTO zaak_nummer (bronorganisatie, jaar, laatste) VALUES ($1, $2, $3)
				ON CONFLICT (bronorganisatie, jaar) DO UPDATE SET laatste = zaak_nummer.laatste + $3 RETURNING laatste`,
				o.Bronorganisatie, jaar, k).Scan(&last); err != nil {
				return fmt.Errorf("zaaknummer: %w", err)
			}
			first[jaar] = last - k + 1
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, z := range zaken {
		z.row[2] = fmt.Sprintf("%s-%d-%010d", o.Prefix, z.jaar, first[z.jaar])
		first[z.jaar]++
		zaak.Rows = append(zaak.Rows, z.row)
	}
	return &GenBatch{Tables: []*GenTable{zaak, rol, status, resultaat, zaakobject}, Zaken: n}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// genZaakValues are the column values of a new zaak as zaakCreate writes them (without the
// hoofdzaak lookup: generated zaken have none).
func genZaakValues(in *zaakIn) ([]any, error) {
	var r register
	return r.zaakValues(context.Background(), nil, in)
}

// genRol is a rol row as rolCreate writes it.
func genRol(id, zaakID int64, betrokkeneType string, rt GenRoltype, at time.Time, ident json.RawMessage) []any {
	data, _ := json.Marshal(rolData{Roltoelichting: rt.Omschrijving, BetrokkeneIdentificatie: ident})
	row := []any{id, zgw.NewUUID(), zaakID, "", betrokkeneType, rt.URL, rt.Omschrijving, rt.OmschrijvingGeneriek, at.UTC()}
	row = append(row, rolColumns(betrokkeneType, ident)...)
	return append(row, string(data))
}
