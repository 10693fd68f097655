package zaken

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// resultaattype is what the register reads of a Catalogi resultaattype.
type resultaattype struct {
	Zaaktype                  string  `json:"zaaktype"`
	Archiefnominatie          string  `json:"archiefnominatie"`
	Archiefactietermijn       *string `json:"archiefactietermijn"`
	BrondatumArchiefprocedure struct {
		Afleidingswijze string  `json:"afleidingswijze"`
		Datumkenmerk    string  `json:"datumkenmerk"`
		EinddatumBekend bool    `json:"einddatumBekend"`
		Objecttype      string  `json:"objecttype"`
		Procestermijn   *string `json:"procestermijn"`
	} `json:"brondatumArchiefprocedure"`
}

// zrc-007: the end status closes the zaak. A resultaat must exist; einddatum becomes the
// date of the status; the archiving parameters are derived (zrc-021). Documents must have
// indicatieGebruiksrecht set (zrc007Gebruiksrecht).
func (r *register) zrc007Afsluiten(ctx context.Context, tx *db.Tx, t *types, z *zaakRef, einddatum string) error {
	var rtURL string
	err := tx.QueryRow(ctx, `SELECT resultaattype FROM resultaat WHERE zaak_id = $1`, z.id).Scan(&rtURL)
	if errors.Is(err, sql.ErrNoRows) {
		return zgw.FieldError("nonFieldErrors", "resultaat-does-not-exist", "De zaak heeft geen resultaat; zonder resultaat kan de zaak niet afgesloten worden.")
	}
	if err != nil {
		return fmt.Errorf("resultaat: %w", err)
	}
	var rt resultaattype
	if err := t.Get(ctx, "resultaattype", rtURL, &rt, "zaaktype", "archiefnominatie", "brondatumArchiefprocedure"); err != nil {
		return zgw.FieldError("nonFieldErrors", "resultaattype-unreachable", "Het resultaattype van de zaak kan niet opgehaald worden.")
	}
	if err := r.zrc007Gebruiksrecht(ctx, tx, z); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE zaak SET einddatum = $1 WHERE id = $2`, einddatum, z.id); err != nil {
		return fmt.Errorf("afsluiten: %w", err)
	}
	return r.zrc021Archiveren(ctx, tx, z.id, &rt, einddatum)
}

// zrc-021: derive archiefnominatie and archiefactiedatum from the resultaattype when the
// zaak closes (zaken.md §4). A brondatum that cannot be determined leaves archiefactiedatum
// empty; a configuration that cannot work (no hoofdzaak, no datumkenmerk, an unreadable date)
// refuses the closing.
func (r *register) zrc021Archiveren(ctx context.Context, tx *db.Tx, zaakID int64, rt *resultaattype, einddatum string) error {
	var nominatie string
	var actiedatum db.Date
	var hoofdzaak sql.NullInt64
	var data []byte
	if err := tx.QueryRow(ctx, `SELECT archiefnominatie, archiefactiedatum, hoofdzaak_id, data FROM zaak WHERE id = $1`, zaakID).
		Scan(&nominatie, &actiedatum, &hoofdzaak, &data); err != nil {
		return fmt.Errorf("archiveren: %w", err)
	}
	if nominatie == "" {
		nominatie = rt.Archiefnominatie
	}
	var zd zaakData
	if err := json.Unmarshal(data, &zd); err != nil {
		return fmt.Errorf("archiveren: %w", err)
	}
	if actiedatum == "" && rt.Archiefactietermijn != nil && *rt.Archiefactietermijn != "" {
		brondatum, err := r.brondatum(ctx, tx, zaakID, rt, einddatum, hoofdzaak, &zd)
		if err != nil {
			return err
		}
		if zd.StartdatumBewaartermijn != nil && *zd.StartdatumBewaartermijn != "" {
			brondatum = *zd.StartdatumBewaartermijn
		}
		if brondatum == "" && rt.BrondatumArchiefprocedure.EinddatumBekend {
			return zgw.FieldError("nonFieldErrors", "brondatum-onbekend", "De brondatum voor de archiefprocedure is nog niet bekend; de zaak kan niet afgesloten worden.")
		}
		if brondatum != "" {
			d, err := addDuration(brondatum, *rt.Archiefactietermijn)
			if err != nil {
				return zgw.FieldError("nonFieldErrors", "archiefactietermijn-invalid", "De archiefactietermijn van het resultaattype is ongeldig.")
			}
			actiedatum = db.Date(d)
		}
	}
	_, err := tx.Exec(ctx, `UPDATE zaak SET archiefnominatie = $1, archiefactiedatum = $2 WHERE id = $3`, nominatie, actiedatum, zaakID)
	return err
}

// brondatum is the date the archiefactietermijn counts from, by afleidingswijze; "" when it
// cannot be determined.
func (r *register) brondatum(ctx context.Context, tx *db.Tx, zaakID int64, rt *resultaattype, einddatum string, hoofdzaak sql.NullInt64, zd *zaakData) (string, error) {
	b := rt.BrondatumArchiefprocedure
	bad := func(why string) (string, error) {
		return "", zgw.FieldError("nonFieldErrors", "archiefactiedatum-error", why)
	}
	switch b.Afleidingswijze {
	case "afgehandeld":
		return einddatum, nil
	case "termijn":
		if b.Procestermijn == nil || *b.Procestermijn == "" {
			return bad("Het resultaattype heeft geen procestermijn.")
		}
		d, err := addDuration(einddatum, *b.Procestermijn)
		if err != nil {
			return bad("De procestermijn van het resultaattype is ongeldig.")
		}
		return d, nil
	case "hoofdzaak":
		if !hoofdzaak.Valid {
			return bad("De zaak heeft geen hoofdzaak.")
		}
		var d db.Date
		if err := tx.QueryRow(ctx, `SELECT einddatum FROM zaak WHERE id = $1`, hoofdzaak.Int64).Scan(&d); err != nil {
			return "", fmt.Errorf("hoofdzaak: %w", err)
		}
		return string(d), nil
	case "eigenschap":
		if b.Datumkenmerk == "" {
			return bad("Het resultaattype noemt geen datumkenmerk.")
		}
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT data FROM zaakeigenschap WHERE zaak_id = $1 AND naam = $2 ORDER BY id DESC LIMIT 1`, zaakID, b.Datumkenmerk).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("eigenschap: %w", err)
		}
		var e struct {
			Waarde string `json:"waarde"`
		}
		_ = json.Unmarshal(raw, &e)
		d, ok := parseDatum(e.Waarde)
		if !ok {
			return bad("De eigenschap " + b.Datumkenmerk + " bevat geen datum.")
		}
		return d, nil
	case "zaakobject":
		if b.Datumkenmerk == "" {
			return bad("Het resultaattype noemt geen datumkenmerk.")
		}
		rows, err := tx.Query(ctx, `SELECT data FROM zaakobject WHERE zaak_id = $1 AND object_type = $2`, zaakID, b.Objecttype)
		if err != nil {
			return "", fmt.Errorf("zaakobject: %w", err)
		}
		defer rows.Close()
		var max string
		for rows.Next() {
			var raw []byte
			if err := rows.Scan(&raw); err != nil {
				return "", err
			}
			var o struct {
				ObjectIdentificatie map[string]any `json:"objectIdentificatie"`
			}
			_ = json.Unmarshal(raw, &o)
			v, found := jsonPath(o.ObjectIdentificatie, b.Datumkenmerk)
			if !found {
				continue
			}
			d, ok := parseDatum(fmt.Sprint(v))
			if !ok {
				return bad("Het datumkenmerk " + b.Datumkenmerk + " van het zaakobject is geen datum.")
			}
			if d > max {
				max = d
			}
		}
		return max, rows.Err()
	case "gerelateerde_zaak":
		var max string
		for _, rel := range zd.RelevanteAndereZaken {
			id, ok := r.api.ParseURL(rel.URL, "zaken")
			if !ok {
				continue
			}
			var d db.Date
			err := tx.QueryRow(ctx, `SELECT einddatum FROM zaak WHERE uuid = $1`, id).Scan(&d)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", fmt.Errorf("gerelateerde zaak: %w", err)
			}
			if string(d) > max {
				max = string(d)
			}
		}
		return max, nil
	}
	// ander_datumkenmerk: set by hand; ingangsdatum_besluit / vervaldatum_besluit: the
	// besluiten live in the Besluiten register, which does not exist yet.
	return "", nil
}

// jsonPath follows a "/"-separated path into decoded JSON.
func jsonPath(v map[string]any, path string) (any, bool) {
	var cur any = v
	for _, step := range strings.Split(path, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[step]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// parseDatum reads an ISO date or date-time as a date.
func parseDatum(s string) (string, bool) {
	if zgw.IsDate(s) {
		return s, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.DateOnly), true
	}
	if len(s) >= 10 && zgw.IsDate(s[:10]) {
		return s[:10], true
	}
	return "", false
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$`)

// addDuration adds the years, months, weeks and days of an ISO 8601 duration to a date.
func addDuration(date, dur string) (string, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", err
	}
	m := isoDuration.FindStringSubmatch(dur)
	if m == nil || dur == "P" {
		return "", fmt.Errorf("duration %q", dur)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	return d.AddDate(n(1), n(2), n(3)*7+n(4)).Format(time.DateOnly), nil
}

// zrc-022: an archiefstatus other than nog_te_archiveren also needs every informatieobject
// linked to the zaak (zaakid) to have status gearchiveerd. One that cannot be read counts as
// not archived.
func (r *register) zrc022Documenten(ctx context.Context, zaakID int64, errs *zgw.Errs) error {
	rows, err := r.db.Query(ctx, `SELECT informatieobject FROM zaakinformatieobject WHERE zaak_id = $1 ORDER BY id`, zaakID)
	if err != nil {
		return fmt.Errorf("zaakinformatieobjecten: %w", err)
	}
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return fmt.Errorf("zaakinformatieobjecten: %w", err)
		}
		urls = append(urls, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("zaakinformatieobjecten: %w", err)
	}
	for _, u := range urls {
		io, err := r.docs.Informatieobject(ctx, "informatieobject", u)
		if err != nil && zgw.KindOf(err) != zgw.Invalid {
			return err
		}
		if err != nil || io.Status != "gearchiveerd" {
			errs.Add("archiefstatus", "documents-not-archived", "Er zijn gerelateerde informatieobjecten waarvan de `status` nog niet gelijk is aan "+
				"`gearchiveerd`. Dit is een voorwaarde voor het zetten van de `archiefstatus` op een andere waarde dan `nog_te_archiveren`.")
			return nil
		}
	}
	return nil
}

// zrc-023: the zaakinformatieobjecten of a deleted zaak (and its deelzaken) are unmirrored
// from the Documenten register after the delete commits, as a deleted relation is (zrc-005).
// The zaak stays deleted when that fails; the failure is logged for beheer.
func (r *register) zrc023Unmirror(c *zgw.Call, zios []*zioOut) {
	for _, x := range zios {
		if err := r.docs.Unmirror(c.Ctx(), x.mirror()); err != nil {
			r.api.Log.Error("unmirror zaakinformatieobject", "url", x.URL, "err", err)
		}
	}
}
