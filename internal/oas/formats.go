package oas

import (
	"strings"
	"time"
	"unicode/utf8"
)

// checkFormat reports whether s is valid for f. Checks are hand-written
// rather than regexps: they run for every URL field of every request.
func checkFormat(f format, s string) bool {
	switch f {
	case fURI:
		return validURI(s)
	case fEmail:
		return validEmail(s)
	case fDate:
		_, ok := ParseDate(s)
		return ok
	case fDateTime:
		_, ok := ParseDateTime(s, time.UTC)
		return ok
	case fDuration:
		return validDuration(s)
	case fUUID:
		return validUUID(s)
	}
	return true
}

func formatReason(f format) string {
	switch f {
	case fURI:
		return "Voer een geldige URL in."
	case fEmail:
		return "Voer een geldig e-mailadres in."
	case fDate:
		return "Date heeft het verkeerde formaat, gebruik 1 van de onderstaande formaten: YYYY-MM-DD."
	case fDateTime:
		return "Datetime heeft een ongeldig formaat, gebruik 1 van de volgende formaten: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	case fDuration:
		return "Tijdsduur heeft een verkeerd formaat, gebruik 1 van onderstaande formaten: P(n)Y(n)M(n)W(n)DT(n)H(n)M(n)S."
	case fUUID:
		return "Moet een geldige UUID zijn."
	}
	return "Ongeldige waarde."
}

// validURI accepts absolute http(s) URLs with a host, like Django's
// URLValidator (which rejects blanks, so do we), but without Django's
// demand for a top-level domain: deployments use hosts like "zaken:8000".
// It is hand-written and allocation-free: it runs for every URL field of
// every request.
func validURI(s string) bool {
	if len(s) > 2048 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	var rest string
	switch {
	case hasPrefixFold(s, "http://"):
		rest = s[len("http://"):]
	case hasPrefixFold(s, "https://"):
		rest = s[len("https://"):]
	default:
		return false
	}
	auth := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		auth = rest[:i]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:] // user:password@ is allowed, as in Django
	}
	host, port, ipv6 := auth, "", false
	if strings.HasPrefix(auth, "[") {
		end := strings.IndexByte(auth, ']')
		if end < 0 || !validIPv6(auth[1:end]) {
			return false
		}
		port, ipv6 = auth[end+1:], true
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.LastIndexByte(auth, ':'); i >= 0 {
		host, port = auth[:i], auth[i:]
	}
	if !ipv6 && !validHostname(host) {
		return false
	}
	if port != "" {
		port = port[1:]
		if len(port) == 0 || len(port) > 5 {
			return false
		}
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return false
			}
		}
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func validIPv6(h string) bool {
	if i := strings.IndexByte(h, '%'); i >= 0 {
		h = h[:i] // zone
	}
	if len(h) < 2 || strings.Count(h, ":") < 2 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !isHex(c) && c != ':' && c != '.' {
			return false
		}
	}
	return true
}

// validHostname checks dot-separated labels of letters, digits, '-' and
// '_' (and non-ASCII letters for IDNs), not starting or ending with '-'.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for h != "" {
		label := h
		if i := strings.IndexByte(h, '.'); i >= 0 {
			label, h = h[:i], h[i+1:]
			if h == "" {
				return false
			}
		} else {
			h = ""
		}
		if !validLabel(label, true) {
			return false
		}
	}
	return true
}

func validLabel(l string, underscore bool) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || underscore && r == '_' || r >= 0xa1 && r != utf8.RuneError
		if !ok {
			return false
		}
	}
	return true
}

// validEmail follows Django's EmailValidator: a dot-atom local part and a
// domain with a top-level label (or localhost).
func validEmail(s string) bool {
	if len(s) > 320 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0
		if !ok {
			return false
		}
	}
	if domain == "localhost" {
		return true
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return len(domain) > 2
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot < 0 {
		return false
	}
	tld := domain[dot+1:]
	for h := domain; h != ""; {
		label := h
		if i := strings.IndexByte(h, '.'); i >= 0 {
			label, h = h[:i], h[i+1:]
			if h == "" {
				return false
			}
		} else {
			h = ""
		}
		if !validLabel(label, false) {
			return false
		}
	}
	return len(tld) >= 2
}

// ParseDate parses a date in the form YYYY-MM-DD, rejecting impossible
// dates (2023-02-30) and year 0.
func ParseDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 1 {
		return time.Time{}, false
	}
	return t, true
}

// ParseDateTime parses an RFC 3339 date-time. Like DRF it also accepts a
// space instead of "T", omitted seconds and a missing offset; a value
// without offset is read in loc (UTC if nil), a value with an offset is
// returned in UTC. Handlers should parse with this function so they accept
// exactly what validation accepted.
func ParseDateTime(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < 16 || s[10] != 'T' && s[10] != 't' && s[10] != ' ' {
		return time.Time{}, false
	}
	d, ok := ParseDate(s[:10])
	if !ok {
		return time.Time{}, false
	}
	r := s[11:]
	hh, ok1 := digits(r, 0, 2)
	mm, ok2 := digits(r, 3, 2)
	if !ok1 || !ok2 || r[2] != ':' || hh > 23 || mm > 59 {
		return time.Time{}, false
	}
	r = r[5:]
	ss, nanos := 0, 0
	if len(r) > 0 && r[0] == ':' {
		v, ok := digits(r, 1, 2)
		if !ok || v > 59 {
			return time.Time{}, false
		}
		ss, r = v, r[3:]
		if len(r) > 0 && (r[0] == '.' || r[0] == ',') {
			i := 1
			scale := 100000000
			for i < len(r) && r[i] >= '0' && r[i] <= '9' {
				if scale > 0 {
					nanos += int(r[i]-'0') * scale
					scale /= 10
				}
				i++
			}
			if i == 1 {
				return time.Time{}, false
			}
			r = r[i:]
		}
	}
	switch {
	case r == "":
		if loc == nil {
			loc = time.UTC
		}
	case r == "Z" || r == "z":
		loc = time.UTC
	case r[0] == '+' || r[0] == '-':
		oh, ok := digits(r, 1, 2)
		om := 0
		switch {
		case !ok:
			return time.Time{}, false
		case len(r) == 3:
		case len(r) == 6 && r[3] == ':':
			om, ok = digits(r, 4, 2)
		case len(r) == 5:
			om, ok = digits(r, 3, 2)
		default:
			ok = false
		}
		if !ok || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
		if r[0] == '-' {
			off = -off
		}
		// The instant in UTC; a FixedZone would cost an allocation per value.
		return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, ss, nanos, time.UTC).Add(-off), true
	default:
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, ss, nanos, loc), true
}

// digits reads n decimal digits at s[i:].
func digits(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// validDuration accepts ISO 8601 durations: PnYnMnWnDTnHnMnS with at least
// one component, "T" only before a time component and a decimal fraction
// only on the last component (P1Y2M10DT2H30M, P6W, PT0.5S).
func validDuration(s string) bool {
	if len(s) < 3 || s[0] != 'P' {
		return false
	}
	const dateUnits, timeUnits = "YMWD", "HMS"
	units := dateUnits
	pos := 0 // index of the next allowed unit in units
	inTime, seen, fraction := false, false, false
	i := 1
	for i < len(s) {
		if s[i] == 'T' {
			if inTime || fraction {
				return false
			}
			inTime, units, pos = true, timeUnits, 0
			i++
			if i == len(s) {
				return false // "T" without a time component
			}
			continue
		}
		if fraction {
			return false // a fraction must be the last component
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start || i == len(s) {
			return false
		}
		if s[i] == '.' || s[i] == ',' {
			i++
			fs := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == fs || i == len(s) {
				return false
			}
			fraction = true
		}
		u := strings.IndexByte(units[pos:], s[i])
		if u < 0 {
			return false
		}
		pos += u + 1
		seen = true
		i++
	}
	return seen
}

// validUUID accepts the canonical 8-4-4-4-12 form and 32 bare hex digits,
// in either case.
func validUUID(s string) bool {
	switch len(s) {
	case 36:
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !isHex(c) {
				return false
			}
		}
		return true
	case 32:
		for i := 0; i < 32; i++ {
			if !isHex(s[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
