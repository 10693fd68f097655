// Package referentielijsten serves the Referentielijsten API 0.6.0 (Selectielijst procestypen
// and resultaten, resultaattypeomschrijvingen, communicatiekanalen) from data embedded in the
// binary.
//
// The API is read-only and public: the 0.6.0 OAS declares a JWT scheme but no operation
// requires it. The lists are parsed from the embedded files on first use, rendered once with
// this server's public URL and kept in memory; nothing is stored in the database. Which
// source and which UUIDs are served, and why, is written down in docs/referentielijsten.md.
package referentielijsten

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/meent/meent/internal/zgw"
)

// Mount adds the routes of the Referentielijsten API to api.
func Mount(api *zgw.API) {
	r := &register{api: api}
	r.mountProcestype()
	r.mountResultaat()
	r.mountResultaattypeomschrijving()
	r.mountCommunicatiekanaal()
}

// register is the Referentielijsten API mounted on one zgw.API. Its lists are loaded lazily,
// once, so that a process that never serves them (or a test that does not touch them) does
// not pay for parsing 700 KB of JSON at start-up.
type register struct {
	api  *zgw.API
	once sync.Once
	data *lists
	err  error
}

// lists returns the parsed lists, loading them on the first call.
func (r *register) lists() (*lists, error) {
	r.once.Do(func() { r.data, r.err = load(r.api.URL) })
	return r.data, r.err
}

// lists holds every resource of the API, in API order, rendered with the server's URLs.
type lists struct {
	procestypen    table[procesType]
	resultaten     table[resultaat]
	omschrijvingen table[resultaattypeomschrijving]
	kanalen        table[communicatiekanaal]
	// resultatenPerProcestype holds, per procestype UUID, the positions in resultaten of its
	// resultaten, in API order.
	resultatenPerProcestype map[string][]int

	// The responses, rendered once: every list request writes bytes that are ready, and the
	// filters are map lookups, not scans.
	procestypenArray    []byte
	procestypenPerJaar  map[int][]byte
	resultatenPages     pages
	resultatenPerProces map[string]pages
	omschrijvingenArray []byte
	kanalenPages        pages
}

// render renders the lists' responses.
func (l *lists) render() {
	l.procestypenArray = array(l.procestypen.json)
	perJaar := map[int][]json.RawMessage{}
	for i, p := range l.procestypen.rows {
		perJaar[p.Jaar] = append(perJaar[p.Jaar], l.procestypen.json[i])
	}
	l.procestypenPerJaar = map[int][]byte{}
	for jaar, rows := range perJaar {
		l.procestypenPerJaar[jaar] = array(rows)
	}
	l.resultatenPages = pagesOf(l.resultaten.json)
	l.resultatenPerProces = map[string]pages{}
	for id, idx := range l.resultatenPerProcestype {
		rows := make([]json.RawMessage, len(idx))
		for i, j := range idx {
			rows[i] = l.resultaten.json[j]
		}
		l.resultatenPerProces[id] = pagesOf(rows)
	}
	l.omschrijvingenArray = array(l.omschrijvingen.json)
	l.kanalenPages = pagesOf(l.kanalen.json)
}

// pages is a paginated list rendered once: the count and each page's results as a JSON array.
type pages struct {
	count int
	pages [][]byte
}

// pagesOf cuts rows into pages of zgw.PageSize and renders each.
func pagesOf(rows []json.RawMessage) pages {
	p := pages{count: len(rows), pages: [][]byte{array(nil)}}
	if len(rows) > 0 {
		p.pages = p.pages[:0]
	}
	for from := 0; from < len(rows); from += zgw.PageSize {
		p.pages = append(p.pages, array(rows[from:min(from+zgw.PageSize, len(rows))]))
	}
	return p
}

// table is one resource's records in API order, each also rendered once as JSON, with an
// index by UUID.
type table[T any] struct {
	rows   []T
	json   []json.RawMessage
	byUUID map[string]int
}

// newTable renders rows (already in API order) and indexes them by the UUID uuidOf returns.
func newTable[T any](rows []T, uuidOf func(*T) string) (table[T], error) {
	t := table[T]{rows: rows, json: make([]json.RawMessage, len(rows)), byUUID: make(map[string]int, len(rows))}
	for i := range rows {
		// The texts contain "&" and quotes; render them as the reference does, unescaped.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&rows[i]); err != nil {
			return t, err
		}
		t.json[i] = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		id := uuidOf(&rows[i])
		if _, dup := t.byUUID[id]; dup {
			return t, fmt.Errorf("duplicate uuid %s", id)
		}
		t.byUUID[id] = i
	}
	return t, nil
}

// get returns the rendered record with the given UUID.
func (t *table[T]) get(id string) (json.RawMessage, bool) {
	i, ok := t.byUUID[strings.ToLower(id)]
	if !ok {
		return nil, false
	}
	return t.json[i], true
}

// serveList answers a list without parameters that the spec returns as a plain array.
func (r *register) serveList(c *zgw.Call, pick func(*lists) []byte) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	l, err := r.lists()
	if err != nil {
		return err
	}
	return writeJSON(c, pick(l))
}

// serveDetail answers GET /{collection}/{uuid}: the record, or 404 for an unknown UUID.
func (r *register) serveDetail(c *zgw.Call, pick func(*lists) (json.RawMessage, bool)) error {
	if err := c.Query().Err(); err != nil {
		return err
	}
	l, err := r.lists()
	if err != nil {
		return err
	}
	b, ok := pick(l)
	if !ok {
		return zgw.ErrNotFound()
	}
	return c.Detail(b)
}

// servePage answers page n of a paginated list, with the envelope and links of
// zgw.Paginate (which also answers 404 for a page past the end).
func servePage(c *zgw.Call, n int, p pages) error {
	env, err := zgw.Paginate(c, n, p.count, []json.RawMessage{})
	if err != nil {
		return err
	}
	head, err := json.Marshal(struct {
		Count    int     `json:"count"`
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
	}{env.Count, env.Next, env.Previous})
	if err != nil {
		return fmt.Errorf("encode page: %w", err)
	}
	results := p.pages[0]
	if n <= len(p.pages) {
		results = p.pages[n-1]
	}
	return writeJSON(c, append(head[:len(head)-1], `,"results":`...), results, []byte("}"))
}

// array joins rendered records into a JSON array.
func array(rows []json.RawMessage) []byte {
	n := 2
	for _, r := range rows {
		n += len(r) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r...)
	}
	return append(b, ']')
}

// writeJSON writes a 200 whose body, the concatenation of parts, is already JSON. The
// responses are rendered once, at load; going through c.JSON would have encoding/json
// re-validate every byte of them on every request, which costs more than all the rest of a
// list request together.
func writeJSON(c *zgw.Call, parts ...[]byte) error {
	c.W.Header().Set("Content-Type", "application/json")
	c.W.WriteHeader(http.StatusOK)
	for _, b := range parts {
		if _, err := c.W.Write(b); err != nil {
			return err
		}
	}
	return nil
}
