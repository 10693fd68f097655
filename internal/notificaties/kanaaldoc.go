package notificaties

import (
	"database/sql"
	"errors"
	"html/template"

	"github.com/meent/meent/internal/zgw"
)

// kanaalPage is the documentatieLink of the platform's kanalen: which API publishes on the
// kanaal, about which resources, with which acties and kenmerken (algemeen §13: a source
// documents its kanalen).
var kanaalPage = template.Must(template.New("kanaal").Parse(`<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Kanaal {{.Naam}}</title></head>
<body>
<h1>Kanaal <code>{{.Naam}}</code></h1>
{{if .Bron}}<p>Op dit kanaal publiceert de {{.Bron}} van deze Meent-installatie een notificatie na elke
wijziging via de API, in dezelfde transactie als de wijziging.</p>
<dl>
<dt>hoofdObject</dt><dd>de URL van de {{.HoofdObject}} waar de wijziging onder valt</dd>
<dt>resource</dt><dd>{{range $i, $r := .Resources}}{{if $i}}, {{end}}<code>{{$r}}</code>{{end}}</dd>
<dt>actie</dt><dd>{{range $i, $a := .Acties}}{{if $i}}, {{end}}<code>{{$a}}</code>{{end}}</dd>
</dl>
{{else}}<p>Dit kanaal is geregistreerd door een externe bron.</p>
{{end}}<h2>Kenmerken</h2>
{{if .Filters}}<p>Elke notificatie draagt deze kenmerken; een abonnement kan erop filteren (waarde of <code>*</code>).</p>
<ul>{{range .Filters}}<li><code>{{.}}</code></li>{{end}}</ul>
{{else}}<p>Notificaties op dit kanaal hebben geen kenmerken; een abonnement ontvangt ze alle.</p>
{{end}}<p>Notificaties bevatten geen gegevens van het object zelf: haal de actuele stand op via de URL's.</p>
</body>
</html>
`))

// kanaalDoc serves the page about one kanaal; public, as documentation is.
func (r *Register) kanaalDoc(c *zgw.Call) error {
	naam := c.R.PathValue("naam")
	k, err := scanKanaal(r.db.QueryRow(c.Ctx(), `SELECT `+kanaalColumns+` FROM kanaal WHERE naam = $1`, naam))
	if errors.Is(err, sql.ErrNoRows) {
		return zgw.ErrNotFound()
	}
	if err != nil {
		return err
	}
	r.docsMu.RLock()
	d, ok := r.docs[k.Naam]
	r.docsMu.RUnlock()
	if !ok {
		d = Kanaal{Naam: k.Naam}
	}
	d.Filters = k.Filters // what the register holds is what subscribers can filter on
	c.W.Header().Set("Content-Type", "text/html; charset=utf-8")
	return kanaalPage.Execute(c.W, d)
}
