package documenten

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

type ondertekening struct {
	Soort string `json:"soort"`
	Datum string `json:"datum"`
}

type integriteit struct {
	Algoritme string `json:"algoritme"`
	Waarde    string `json:"waarde"`
	Datum     string `json:"datum"`
}

// eioData are the fields of one version as the client writes them; stored as the
// version's data.
type eioData struct {
	Identificatie               string         `json:"identificatie"`
	Bronorganisatie             string         `json:"bronorganisatie"`
	Creatiedatum                string         `json:"creatiedatum"`
	Titel                       string         `json:"titel"`
	Vertrouwelijkheidaanduiding string         `json:"vertrouwelijkheidaanduiding"`
	Auteur                      string         `json:"auteur"`
	Status                      string         `json:"status"`
	InhoudIsVervallen           *bool          `json:"inhoudIsVervallen"`
	Formaat                     string         `json:"formaat"`
	Taal                        string         `json:"taal"`
	Bestandsnaam                string         `json:"bestandsnaam"`
	Bestandsomvang              *int64         `json:"bestandsomvang"`
	Link                        string         `json:"link"`
	Beschrijving                string         `json:"beschrijving"`
	Ontvangstdatum              *string        `json:"ontvangstdatum"`
	Verzenddatum                *string        `json:"verzenddatum"`
	IndicatieGebruiksrecht      *bool          `json:"indicatieGebruiksrecht"`
	Verschijningsvorm           string         `json:"verschijningsvorm"`
	Ondertekening               *ondertekening `json:"ondertekening"`
	Integriteit                 *integriteit   `json:"integriteit"`
	Informatieobjecttype        string         `json:"informatieobjecttype"`
	Trefwoorden                 []string       `json:"trefwoorden"`
}

// deelOut is one bestandsdeel as the document shows it.
type deelOut struct {
	URL        string `json:"url"`
	Volgnummer int    `json:"volgnummer"`
	Omvang     int64  `json:"omvang"`
	Voltooid   bool   `json:"voltooid"`
	Lock       string `json:"lock"`
}

// eioOut is one version of a document as the API renders it.
type eioOut struct {
	URL string `json:"url"`
	eioData
	Versie           int       `json:"versie"`
	BeginRegistratie string    `json:"beginRegistratie"`
	Inhoud           *string   `json:"inhoud"`
	Locked           bool      `json:"locked"`
	Bestandsdelen    []deelOut `json:"bestandsdelen"`
	// Lock is only in the answer to a create (the lock of a chunked upload, else "").
	Lock   *string        `json:"lock,omitempty"`
	Expand map[string]any `json:"_expand,omitempty"`

	id, versieID int64
	latest       bool
	lock         string
	content      string // blob key, "" when there is no content
	size         *int64 // size of the stored content
	sha          string
}

func (r *register) mountEIO() {
	a := r.api
	a.Handle("GET /enkelvoudiginformatieobjecten", zgw.Scopes(scopeLezen), r.eioList)
	a.Handle("POST /enkelvoudiginformatieobjecten", zgw.Scopes(scopeAanmaken), r.eioCreate)
	a.Handle("POST /enkelvoudiginformatieobjecten/_zoek", zgw.Scopes(scopeLezen), r.eioZoek)
	a.Handle("GET /enkelvoudiginformatieobjecten/{uuid}", zgw.Scopes(scopeLezen), r.eioRetrieve)
	a.Handle("PUT /enkelvoudiginformatieobjecten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.eioUpdate)
	a.Handle("PATCH /enkelvoudiginformatieobjecten/{uuid}", zgw.Scopes(scopeBijwerken, scopeGeforceerd), r.eioUpdate)
	a.Handle("DELETE /enkelvoudiginformatieobjecten/{uuid}", zgw.Scopes(scopeVerwijderen), r.eioDestroy)
	a.Handle("GET /enkelvoudiginformatieobjecten/{uuid}/download", zgw.Scopes(scopeLezen), r.eioDownload)
}

// eioSelect reads documents with one version each; the caller adds the join condition of
// the version (v) to the document (d) and the filter.
const eioSelect = `SELECT d.id, v.id, CAST(d.uuid AS TEXT), d.lock, d.versie, v.versie, v.begin_registratie, v.data, v.inhoud, v.omvang, v.sha256
	FROM document d JOIN document_versie v ON v.document_id = d.id `

// latestJoin joins the latest version.
const latestJoin = `AND v.versie = d.versie`

// eioLoad loads document versions; query is the part after eioSelect.
func (r *register) eioLoad(ctx context.Context, q db.Querier, query string, args ...any) ([]*eioOut, error) {
	rows, err := q.Query(ctx, eioSelect+query, args...)
	if err != nil {
		return nil, fmt.Errorf("enkelvoudiginformatieobject: %w", err)
	}
	defer rows.Close()
	var out []*eioOut
	for rows.Next() {
		o := &eioOut{}
		var uuid, data string
		var latest int
		var ts time.Time
		if err := rows.Scan(&o.id, &o.versieID, &uuid, &o.lock, &latest, &o.Versie, &ts, &data, &o.content, &o.size, &o.sha); err != nil {
			return nil, fmt.Errorf("enkelvoudiginformatieobject: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &o.eioData); err != nil {
			return nil, fmt.Errorf("enkelvoudiginformatieobject data: %w", err)
		}
		uuid = strings.ToLower(uuid)
		o.URL = r.api.URL(collectionEIO, uuid)
		o.BeginRegistratie = ts.UTC().Format(time.RFC3339Nano)
		o.latest = latest == o.Versie
		o.Locked = o.lock != ""
		if o.Trefwoorden == nil {
			o.Trefwoorden = []string{}
		}
		if o.content != "" {
			u := o.URL + "/download?versie=" + strconv.Itoa(o.Versie)
			o.Inhoud = &u
		}
		o.Bestandsdelen = []deelOut{}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, r.loadDelen(ctx, q, out)
}

// loadDelen fills the bestandsdelen of the latest versions of locked documents (only they
// can have parts), for all of them in one query.
func (r *register) loadDelen(ctx context.Context, q db.Querier, docs []*eioOut) error {
	byID := map[int64]*eioOut{}
	var ids []int64
	for _, d := range docs {
		if d.latest && d.Locked {
			byID[d.id] = d
			ids = append(ids, d.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT document_id, CAST(uuid AS TEXT), volgnummer, omvang, inhoud FROM bestandsdeel
		WHERE `+r.db.AnyID("document_id", "$1")+` ORDER BY document_id, volgnummer`, r.db.IDList(ids))
	if err != nil {
		return fmt.Errorf("bestandsdelen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p deelOut
		var key string
		if err := rows.Scan(&id, &p.URL, &p.Volgnummer, &p.Omvang, &key); err != nil {
			return err
		}
		d := byID[id]
		p.URL = r.api.URL(collectionDeel, strings.ToLower(p.URL))
		p.Voltooid = key != ""
		p.Lock = d.lock
		d.Bestandsdelen = append(d.Bestandsdelen, p)
	}
	return rows.Err()
}

// eioVersion loads the version of document uuid that the query parameters versie and
// registratieOp ask for (the latest when neither is given); nil when there is none.
func (r *register) eioVersion(c *zgw.Call, q *zgw.Query, id string) (*eioOut, error) {
	versie, hasVersie := q.Int("versie")
	var op time.Time
	if v := q.String("registratieOp"); v != "" {
		t, err := parseDateTime(v)
		if err != nil {
			q.Invalid("registratieOp", "invalid", "Voer een geldige datum/tijd in.")
		}
		op = t
	}
	if err := q.Err(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, nil
	}
	var out []*eioOut
	var err error
	switch {
	case hasVersie:
		out, err = r.eioLoad(c.Ctx(), r.db, `AND v.versie = $2 WHERE d.uuid = $1`, id, versie)
	case !op.IsZero():
		out, err = r.eioLoad(c.Ctx(), r.db, `AND v.versie = (SELECT max(x.versie) FROM document_versie x
			WHERE x.document_id = d.id AND x.begin_registratie <= $2) WHERE d.uuid = $1`, id, op.UTC())
	default:
		out, err = r.eioLoad(c.Ctx(), r.db, latestJoin+` WHERE d.uuid = $1`, id)
	}
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// parseDateTime accepts the ISO 8601 forms clients send: with or without fraction and zone.
func parseDateTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid datetime %q", v)
}

// readVersion loads the version of the path's document that q asks for (eioVersion), for
// a client that may read the document.
func (r *register) readVersion(c *zgw.Call, q *zgw.Query) (*eioOut, error) {
	id := pathUUID(c, "uuid")
	o, err := r.eioVersion(c, q, id)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, zgw.ErrNotFound()
	}
	if _, err := r.docOf(c, r.db, id, false, scopeLezen); err != nil {
		return nil, err
	}
	return o, nil
}

func (r *register) eioRetrieve(c *zgw.Call) error {
	q := c.Query("versie", "registratieOp", "expand")
	expand, err := zgw.ParseExpand(q.String("expand"), []string{"informatieobjecttype"})
	if err != nil {
		return err
	}
	o, err := r.readVersion(c, q)
	if err != nil {
		return err
	}
	if err := r.expandTypes(c.Ctx(), []*eioOut{o}, expand); err != nil {
		return err
	}
	return c.Detail(o)
}

func (r *register) eioList(c *zgw.Call) error {
	q := c.Query("identificatie", "bronorganisatie", "trefwoorden", "expand", "page")
	var w db.Where
	if v := q.String("identificatie"); v != "" {
		w.And("identificatie = ?", v)
	}
	if v := q.String("bronorganisatie"); v != "" {
		w.And("bronorganisatie = ?", v)
	}
	// trefwoorden: every keyword asked for must be on the document (form style: repeated or
	// comma separated). The distinct keywords are one parameter, however many are sent; a
	// document has each at most once, so it has them all when it has as many as were asked.
	var trefwoorden []string
	seen := map[string]bool{}
	for _, raw := range c.R.URL.Query()["trefwoorden"] {
		for _, t := range strings.Split(raw, ",") {
			if t = strings.TrimSpace(t); t != "" && !seen[t] {
				seen[t] = true
				trefwoorden = append(trefwoorden, t)
			}
		}
	}
	if len(trefwoorden) > 0 {
		w.And("id IN (SELECT document_id FROM document_trefwoord WHERE "+r.db.AnyText("trefwoord", "?")+
			" GROUP BY document_id HAVING count(*) = ?)", r.db.TextList(trefwoorden), len(trefwoorden))
	}
	expand, err := zgw.ParseExpand(q.String("expand"), []string{"informatieobjecttype"})
	if err != nil {
		return err
	}
	if err := q.Err(); err != nil {
		return err
	}
	authWhere(&w, c.Principal.Grants, "", scopeLezen)
	return r.eioPage(c, &w, q.Page, expand)
}

// eioPage answers one page of documents (latest versions) matching w.
func (r *register) eioPage(c *zgw.Call, w *db.Where, page int, expand zgw.Expand) error {
	ctx := c.Ctx()
	p, err := db.List(ctx, r.db, "document", w, "id", page, zgw.PageSize)
	if err != nil {
		return err
	}
	var items []*eioOut
	if len(p.IDs) > 0 {
		rows, err := r.eioLoad(ctx, r.db, latestJoin+` WHERE `+r.db.AnyID("d.id", "$1"), r.db.IDList(p.IDs))
		if err != nil {
			return err
		}
		byID := map[int64]*eioOut{}
		for _, o := range rows {
			byID[o.id] = o
		}
		for _, id := range p.IDs {
			if o := byID[id]; o != nil {
				items = append(items, o)
			}
		}
		if err := r.expandTypes(ctx, items, expand); err != nil {
			return err
		}
	}
	env, err := zgw.Paginate(c, page, p.Count, items)
	if err != nil {
		return err
	}
	return writeJSON(c, env)
}

// eioZoek is the search of POST /enkelvoudiginformatieobjecten/_zoek: uuid__in is required
// (Open Zaak answers 400 on an empty body), identificatie and bronorganisatie narrow down.
func (r *register) eioZoek(c *zgw.Call) error {
	q := c.Query("page")
	if err := q.Err(); err != nil {
		return err
	}
	var in struct {
		UUIDIn          []string `json:"uuid__in"`
		Identificatie   string   `json:"identificatie"`
		Bronorganisatie string   `json:"bronorganisatie"`
		Expand          string   `json:"expand"`
	}
	if _, err := c.Body("enkelvoudiginformatieobject__zoek", &in); err != nil {
		return err
	}
	var errs zgw.Errs
	ids := make([]string, len(in.UUIDIn))
	for i, u := range in.UUIDIn {
		ids[i] = strings.ToLower(u)
		if !zgw.ValidUUID(ids[i]) {
			errs.Add("uuid__in."+strconv.Itoa(i), "invalid", "Voer een geldige UUID in.")
		}
	}
	if len(in.UUIDIn) == 0 {
		errs.Add("uuid__in", "required", "Dit veld is vereist.")
	}
	expand, err := zgw.ParseExpand(in.Expand, []string{"informatieobjecttype"})
	if err != nil {
		return err
	}
	if err := errs.Err(); err != nil {
		return err
	}
	var w db.Where
	// One parameter for the whole list: a statement takes at most 65,535 parameters on
	// PostgreSQL and 32,766 on SQLite, and the spec sets no maximum on uuid__in.
	w.And(r.db.AnyUUID("uuid", "?"), r.db.TextList(ids))
	if in.Identificatie != "" {
		w.And("identificatie = ?", in.Identificatie)
	}
	if in.Bronorganisatie != "" {
		w.And("bronorganisatie = ?", in.Bronorganisatie)
	}
	authWhere(&w, c.Principal.Grants, "", scopeLezen)
	return r.eioPage(c, &w, q.Page, expand)
}

// expandTypes adds _expand.informatieobjecttype (drc-011..014): only Catalogi types of the
// document, fetched once per distinct URL of the page; a failed expansion is an error, not a
// partial answer (drc-014).
func (r *register) expandTypes(ctx context.Context, docs []*eioOut, e zgw.Expand) error {
	if _, ok := e["informatieobjecttype"]; !ok {
		return nil
	}
	fetched := map[string]json.RawMessage{}
	for _, d := range docs {
		u := d.Informatieobjecttype
		if _, ok := fetched[u]; !ok {
			var raw json.RawMessage
			if err := r.api.Refs.Resource(ctx, "expand", u, &raw, "omschrijving", "catalogus"); err != nil {
				return err
			}
			fetched[u] = raw
		}
		d.Expand = map[string]any{"informatieobjecttype": fetched[u]}
	}
	return nil
}

// eioDownload streams the content of a version (drc: download of any version with versie or
// registratieOp). The content's SHA-256 is checked while it is sent; on a mismatch the
// connection is broken off, so a client never takes damaged content for complete.
func (r *register) eioDownload(c *zgw.Call) error {
	q := c.Query("versie", "registratieOp")
	o, err := r.readVersion(c, q)
	if err != nil {
		return err
	}
	h := c.W.Header()
	h.Set("Content-Type", "application/octet-stream")
	if o.Bestandsnaam != "" {
		h.Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\\", "", "\r", "", "\n", "").Replace(o.Bestandsnaam)+`"`)
	}
	if o.content == "" {
		h.Set("Content-Length", "0")
		c.W.WriteHeader(http.StatusOK)
		return nil
	}
	rd, err := r.blob.Open(c.Ctx(), o.content, o.sha)
	if err != nil {
		return fmt.Errorf("download %s versie %d: %w", o.URL, o.Versie, err)
	}
	defer rd.Close()
	if o.size != nil {
		h.Set("Content-Length", strconv.FormatInt(*o.size, 10))
	}
	c.W.WriteHeader(http.StatusOK)
	buf := make([]byte, 256<<10)
	if _, err := copyOut(c.W, rd, buf); err != nil {
		if c.Ctx().Err() == nil {
			r.api.Log.Error("download broken off", "url", o.URL, "versie", o.Versie, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	return nil
}

// copyOut copies with buf, never through the writer's ReadFrom (which would bypass the
// checksum reader's error at the end on some paths).
func copyOut(w io.Writer, rd io.Reader, buf []byte) (int64, error) {
	return io.CopyBuffer(struct{ io.Writer }{w}, rd, buf)
}
