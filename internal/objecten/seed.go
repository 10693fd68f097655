package objecten

import (
	"context"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/db"
)

// The objecttypen every municipality's portal needs, seeded by `meent demo`. Their
// schemas follow the community concepts for tasks, product requests and messages to
// citizens, written for Meent. The uuids are fixed so that seeding is idempotent and the
// URLs can be configured elsewhere (the portal asks for open tasks by taak type URL).
type seedType struct {
	uuid, name, plural, description string
	schema                          string
}

// ObjecttypeTaak, ObjecttypeProductaanvraag and ObjecttypeBericht are the uuids of the
// seeded objecttypen.
const (
	ObjecttypeTaak            = "b4a1c6d2-5f0e-4c55-9a4e-0c8a1f3d7e01"
	ObjecttypeProductaanvraag = "b4a1c6d2-5f0e-4c55-9a4e-0c8a1f3d7e02"
	ObjecttypeBericht         = "b4a1c6d2-5f0e-4c55-9a4e-0c8a1f3d7e03"
)

// identificatieSchema: who the object is for: a citizen (bsn) or a company (kvk).
const identificatieSchema = `{"type": "object", "required": ["type", "value"], "additionalProperties": false,
	"properties": {"type": {"type": "string", "enum": ["bsn", "kvk"]}, "value": {"type": "string", "pattern": "^[0-9]{8,9}$"}}}`

var seedTypes = []seedType{
	{ObjecttypeTaak, "taak", "taken", "Een taak die een inwoner of bedrijf voor de gemeente moet uitvoeren, zoals een formulier invullen of betalen.", `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Taak",
  "type": "object",
  "required": ["identificatie", "titel", "status"],
  "properties": {
    "identificatie": ` + identificatieSchema + `,
    "titel": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Wat de inwoner te doen staat, zoals het portaal het toont."},
    "status": {"type": "string", "enum": ["open", "ingediend", "afgerond", "verwerkt", "gesloten"]},
    "soort": {"type": "string", "enum": ["url", "formtaak", "betaling"], "description": "Hoe de taak uitgevoerd wordt."},
    "url": {"type": "string", "format": "uri", "description": "Waar de inwoner de taak uitvoert (soort url)."},
    "formulier": {"type": "object", "description": "Het formulier van een formtaak en de vooraf ingevulde en ingediende gegevens.",
      "properties": {"formulier": {"type": "string"}, "data": {"type": "object"}}},
    "betaling": {"type": "object", "properties": {"bedrag": {"type": "number", "minimum": 0}, "omschrijving": {"type": "string"}, "kenmerk": {"type": "string"}}},
    "einddatum": {"type": "string", "format": "date", "description": "De uiterste datum (deadline) van de taak."},
    "zaak": {"type": "string", "format": "uri", "description": "De zaak waarvoor de taak is."},
    "verwerker": {"type": "string", "description": "De applicatie of afdeling die de taak na afronding verwerkt."},
    "eigenaar": {"type": "string", "description": "De organisatie die de taak uitzet."}
  }
}`},
	{ObjecttypeProductaanvraag, "productaanvraag", "productaanvragen", "Een aanvraag die een inwoner of bedrijf met een e-formulier indient, om te verwerken tot een zaak.", `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Productaanvraag",
  "type": "object",
  "required": ["type", "data"],
  "properties": {
    "type": {"type": "string", "minLength": 1, "description": "Het soort aanvraag (het product), bijvoorbeeld de code van het zaaktype."},
    "identificatie": ` + identificatieSchema + `,
    "data": {"type": "object", "description": "De ingevulde gegevens van het formulier."},
    "formulier": {"type": "string", "description": "Het formulier waarmee de aanvraag gedaan is."},
    "inzending": {"type": "string", "description": "Het kenmerk van de inzending in het formulierensysteem."},
    "pdf": {"type": "string", "format": "uri", "description": "Het document met de samenvatting van de aanvraag."},
    "bijlagen": {"type": "array", "items": {"type": "string", "format": "uri"}},
    "betaling": {"type": "object", "properties": {"status": {"type": "string", "enum": ["niet_nodig", "open", "betaald", "mislukt"]}, "bedrag": {"type": "number", "minimum": 0}}},
    "zaak": {"type": "string", "format": "uri", "description": "De zaak die van de aanvraag gemaakt is."},
    "status": {"type": "string", "enum": ["ontvangen", "in_behandeling", "verwerkt", "mislukt"]}
  }
}`},
	{ObjecttypeBericht, "bericht", "berichten", "Een bericht van de gemeente aan een inwoner of bedrijf in de berichtenbox van het portaal.", `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Bericht",
  "type": "object",
  "required": ["identificatie", "onderwerp", "tekst", "publicatiedatum"],
  "properties": {
    "identificatie": ` + identificatieSchema + `,
    "onderwerp": {"type": "string", "minLength": 1, "maxLength": 200},
    "tekst": {"type": "string", "minLength": 1},
    "publicatiedatum": {"type": "string", "format": "date"},
    "soort": {"type": "string", "enum": ["informatie", "actie_nodig", "besluit"]},
    "handelingsperspectief": {"type": "string", "description": "Wat de ontvanger kan of moet doen."},
    "einddatumHandelingstermijn": {"type": "string", "format": "date"},
    "referentie": {"type": "string", "description": "Bijvoorbeeld het zaaknummer waar het bericht over gaat."},
    "bijlagen": {"type": "array", "items": {"type": "string", "format": "uri"}},
    "geopend": {"type": "boolean"}
  }
}`},
}

// SeedObjecttypen creates the objecttypen taak, productaanvraag and bericht, each with a
// published version 1, when they do not exist yet (idempotent: existing ones are left as
// they are, also when a beheerder changed them).
func SeedObjecttypen(ctx context.Context, d *db.DB) error {
	cache := newSchemaCache()
	return d.Update(ctx, func(tx *db.Tx) error {
		today := db.Date(tx.Now.Format("2006-01-02"))
		for _, s := range seedTypes {
			if _, err := cache.compile([]byte(s.schema)); err != nil {
				return fmt.Errorf("objecttype %s: %w", s.name, err)
			}
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM objecttype WHERE uuid = $1)`, s.uuid).Scan(&exists); err != nil {
				return err
			}
			if exists {
				continue
			}
			meta := objecttypeMeta{NamePlural: s.plural, Description: s.description, UpdateFrequency: "real_time",
				Labels: map[string]string{"bron": "meent"}, AllowGeometry: false, MaintainerOrganization: "Gemeente"}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO objecttype (uuid, name, data_classification, created_at, modified_at, data)
				VALUES ($1, $2, 'intern', $3, $3, $4) RETURNING id`, s.uuid, s.name, today, mustJSON(meta)).Scan(&id); err != nil {
				return fmt.Errorf("objecttype %s: %w", s.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO objecttype_versie (objecttype_id, versie, status, json_schema, created_at, modified_at, published_at)
				VALUES ($1, 1, 'published', $2, $3, $3, $3)`, id, string(compactJSON([]byte(s.schema))), today); err != nil {
				return fmt.Errorf("objecttype %s: %w", s.name, err)
			}
		}
		return nil
	})
}

// SeededObjecttypen returns the URLs of the seeded objecttypen by name, for a server whose
// public base URL is baseURL.
func SeededObjecttypen(baseURL string) map[string]string {
	out := map[string]string{}
	for _, s := range seedTypes {
		out[s.name] = strings.TrimRight(baseURL, "/") + "/objecttypen/api/v2/objecttypes/" + s.uuid
	}
	return out
}
