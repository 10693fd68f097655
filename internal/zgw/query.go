package zgw

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PageSize is the number of results on one page of a paginated list.
const PageSize = 100

// Query is the validated query string of a list or detail request. Every parameter must be
// declared by the handler; unknown ones are a 400 (algemeen §5), malformed values too, and
// all problems are reported at once.
type Query struct {
	values url.Values
	errs   Errs
	Page   int
}

// Query parses the query string, allowing only the named parameters. "page" is parsed when
// allowed.
func (c *Call) Query(allowed ...string) *Query {
	q := &Query{values: c.R.URL.Query(), Page: 1}
	var unknown []string
	for k, vs := range q.values {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
			continue
		}
		// PostgreSQL refuses a text parameter that is not UTF-8 or holds a NUL; such a
		// filter value is malformed input, not a server error.
		if slices.ContainsFunc(vs, func(v string) bool { return !utf8.ValidString(v) || strings.ContainsRune(v, 0) }) {
			q.errs.Add(k, "invalid", "De waarde is geen geldige tekst.")
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		q.errs.Add("nonFieldErrors", "unknown-parameters", "Onbekende query parameters: "+strings.Join(unknown, ", "))
	}
	if slices.Contains(allowed, "page") && q.Has("page") {
		n, err := strconv.Atoi(q.values.Get("page"))
		if err != nil || n < 1 {
			q.errs.Add("page", "invalid", "Een geldig paginanummer is vereist.")
		} else {
			q.Page = n
		}
	}
	return q
}

// Has reports whether the parameter was sent.
func (q *Query) Has(name string) bool { _, ok := q.values[name]; return ok }

// String returns the raw value ("" when absent).
func (q *Query) String(name string) string { return q.values.Get(name) }

// URL returns the value, which must be an absolute http(s) URL.
func (q *Query) URL(name string) string {
	v := q.values.Get(name)
	if v != "" && !IsURL(v) {
		q.errs.Add(name, "invalid", "Voer een geldige URL in.")
		return ""
	}
	return v
}

// URLs returns a comma-separated list of URLs (the __in filters).
func (q *Query) URLs(name string) []string {
	var out []string
	for _, v := range q.List(name) {
		if !IsURL(v) {
			q.errs.Add(name, "invalid", "Voer een geldige URL in.")
			return nil
		}
		out = append(out, v)
	}
	return out
}

// List returns a comma-separated value as its parts.
func (q *Query) List(name string) []string {
	v := q.values.Get(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Enum returns the value, which must be one of allowed.
func (q *Query) Enum(name string, allowed ...string) string {
	v := q.values.Get(name)
	if v != "" && !slices.Contains(allowed, v) {
		q.errs.Add(name, "invalid_choice", "Selecteer een geldige keuze. "+v+" is geen beschikbare keuze.")
		return ""
	}
	return v
}

// Date returns the value, which must be a date YYYY-MM-DD.
func (q *Query) Date(name string) string {
	v := q.values.Get(name)
	if v != "" && !IsDate(v) {
		q.errs.Add(name, "invalid", "Voer een geldige datum in (JJJJ-MM-DD).")
		return ""
	}
	return v
}

// Int returns the value as an integer; ok is false when absent or malformed.
func (q *Query) Int(name string) (int, bool) {
	v := q.values.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		q.errs.Add(name, "invalid", "Voer een geheel getal in.")
		return 0, false
	}
	return n, true
}

// Bool returns the value of a true/false parameter; nil when absent.
func (q *Query) Bool(name string) *bool {
	switch v := q.values.Get(name); strings.ToLower(v) {
	case "":
		return nil
	case "true", "1":
		t := true
		return &t
	case "false", "0":
		f := false
		return &f
	default:
		q.errs.Add(name, "invalid", "Voer true of false in.")
		return nil
	}
}

// Err is the ValidatieFout for everything wrong with the query, or nil.
func (q *Query) Err() error { return q.errs.Err() }

// Invalid records a problem found by the handler itself.
func (q *Query) Invalid(name, code, reason string) { q.errs.Add(name, code, reason) }

// IsURL reports whether s is an absolute http(s) URL with a host.
func IsURL(s string) bool {
	if len(s) > 1000 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// IsDate reports whether s is a real calendar date YYYY-MM-DD.
func IsDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == 10
}

// Paginated is the page envelope of the ZGW lists (algemeen §8).
type Paginated[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// Paginate wraps a page of results with count and links to the neighbouring pages. A page
// past the end is a 404, as in the reference implementations.
func Paginate[T any](c *Call, page, count int, results []T) (Paginated[T], error) {
	if results == nil {
		results = []T{}
	}
	p := Paginated[T]{Count: count, Results: results}
	last := (count + PageSize - 1) / PageSize
	if page > 1 && page > last {
		return p, Errorf(NotFound, "not_found", "Ongeldige pagina.")
	}
	link := func(n int) *string {
		v := c.R.URL.Query()
		v.Set("page", strconv.Itoa(n))
		s := c.API.PublicURL + c.R.URL.Path + "?" + v.Encode()
		return &s
	}
	if page < last {
		p.Next = link(page + 1)
	}
	if page > 1 {
		p.Previous = link(page - 1)
	}
	return p, nil
}
