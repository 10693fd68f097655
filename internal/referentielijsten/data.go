package referentielijsten

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meent/meent/internal/zgw"
)

// source holds the data files, byte-for-byte copies of OneGround's (see data/SOURCES.yaml and
// data/NOTICE). Their URLs name OneGround's host; only the UUID at the end of each URL is
// kept, and every URL is rendered again with this server's public URL.
//
//go:embed data/oneground/*.json
var source embed.FS

// The source files, as named in the OneGround repository.
const (
	procestypenFile    = "data/oneground/Proces_typen_data.json"
	resultatenFile     = "data/oneground/Resultaten_data.json"
	omschrijvingenFile = "data/oneground/Resultaat_type_omschrijvingen_data.json"
	kanalenFile        = "data/oneground/Communicatie_kanalen_data.json"
)

// urlFunc renders the URL of a resource: zgw.API.URL.
type urlFunc func(collection, uuid string) string

// load parses every list and renders it with url. It fails on any inconsistency in the data
// (a malformed or duplicate UUID, a resultaat of an unknown procestype, a value outside the
// spec's enums), so that a bad data update is caught by the tests, not by a client.
func load(url urlFunc) (*lists, error) {
	var l lists
	var err error
	if l.procestypen, err = loadProcestypen(url); err != nil {
		return nil, err
	}
	if l.resultaten, l.resultatenPerProcestype, err = loadResultaten(url, &l.procestypen); err != nil {
		return nil, err
	}
	if l.omschrijvingen, err = loadResultaattypeomschrijvingen(url); err != nil {
		return nil, err
	}
	if l.kanalen, err = loadCommunicatiekanalen(url); err != nil {
		return nil, err
	}
	l.render()
	return &l, nil
}

// decode reads one embedded JSON array into dst.
func decode(name string, dst any) error {
	b, err := source.ReadFile(name)
	if err != nil {
		return fmt.Errorf("referentielijsten: read %s: %w", name, err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("referentielijsten: parse %s: %w", name, err)
	}
	return nil
}

// uuidOfURL returns the UUID that ends a source URL, in lower case.
func uuidOfURL(u string) (string, error) {
	i := strings.LastIndexByte(u, '/')
	id := strings.ToLower(u[i+1:])
	if !zgw.ValidUUID(id) {
		return "", fmt.Errorf("no uuid at the end of %q", u)
	}
	return id, nil
}

// dataErr wraps a problem found in one record of a source file.
func dataErr(file string, i int, err error) error {
	return fmt.Errorf("referentielijsten: %s record %d: %w", file, i, err)
}
