package oas

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValidURI(t *testing.T) {
	good := []string{
		"https://example.com", "http://example.com/", "HTTPS://Example.COM/a?b=c#d",
		"http://zaken:8000/api/v1/zaken/1", "http://localhost", "http://127.0.0.1:8000/x",
		"http://[::1]:8000/x", "https://user:pw@example.com/x", "https://münchen.de/straße",
		"https://selectielijst.openzaak.nl/api/v1/procestypen/aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44",
		"http://example.com.", "http://open_zaak/x",
	}
	bad := []string{
		"", " ", "example.com", "/zaken/1", "ftp://example.com", "mailto:a@b.nl", "http://",
		"http:///x", "http://:80/x", "http://exa mple.com", "https://example.com/a b",
		"http://-example.com", "http://example..com", "http://example.com:abc", "http://example.com:",
		"http://example.com:123456", "http://[::1", "http://[zz]/", "https://example.com/\x00",
		"http://exa%mple.com", "urn:uuid:aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44",
	}
	for _, s := range good {
		if !validURI(s) {
			t.Errorf("validURI(%q) = false, want true", s)
		}
	}
	for _, s := range bad {
		if validURI(s) {
			t.Errorf("validURI(%q) = true, want false", s)
		}
	}
}

func TestValidEmail(t *testing.T) {
	for _, s := range []string{"jan@example.nl", "j.a.n+tag@sub.example.com", "x@localhost", "o'brien@example.ie"} {
		if !validEmail(s) {
			t.Errorf("validEmail(%q) = false", s)
		}
	}
	for _, s := range []string{"", "jan", "jan@", "@example.nl", "jan@example", "jan@example.c", "j an@example.nl",
		".jan@example.nl", "jan.@example.nl", "j..an@example.nl", "jan@exa_mple.nl", "jan@-example.nl", "jan@example..nl"} {
		if validEmail(s) {
			t.Errorf("validEmail(%q) = true", s)
		}
	}
}

func TestDates(t *testing.T) {
	for _, s := range []string{"2024-02-29", "0001-01-01", "9999-12-31"} {
		if _, ok := ParseDate(s); !ok {
			t.Errorf("ParseDate(%q) failed", s)
		}
	}
	for _, s := range []string{"", "2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024/01/01", "0000-01-01", "2024-01-01T00:00:00Z", "2024-01-01 "} {
		if _, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) succeeded", s)
		}
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if ams == nil {
		ams = time.FixedZone("CET", 3600)
	}
	cases := map[string]time.Time{
		"2024-01-31T12:00:00Z":             time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC),
		"2024-01-31t12:00:00.5z":           time.Date(2024, 1, 31, 12, 0, 0, 5e8, time.UTC),
		"2024-01-31T13:00:00+01:00":        time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC),
		"2024-01-31T13:00:00.123456789+01": time.Date(2024, 1, 31, 12, 0, 0, 123456789, time.UTC),
		"2024-01-31 10:00:00-0200":         time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC),
		"2024-01-31T13:00":                 time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC), // naive: read in loc
	}
	for s, want := range cases {
		got, ok := ParseDateTime(s, ams)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "2024-01-31", "2024-01-31T", "2024-01-31T24:00:00Z", "2024-01-31T12:60Z",
		"2024-01-31T12:00:61Z", "2024-02-30T12:00:00Z", "2024-01-31T12:00:00.Z", "2024-01-31T12:00:00+1",
		"2024-01-31T12:00:00+01:00:00", "2024-01-31T12:00:00 Z", "31-01-2024T12:00:00Z", "2024-01-31T12:00:00CET"} {
		if _, ok := ParseDateTime(s, time.UTC); ok {
			t.Errorf("ParseDateTime(%q) succeeded", s)
		}
	}
}

func TestDurations(t *testing.T) {
	for _, s := range []string{"P1Y2M10DT2H30M", "P6W", "P30D", "PT1H", "PT0.5S", "P1Y", "P0D", "PT36H", "P1M", "PT1M", "P1DT12H", "P1.5D", "P1Y2M3W4D"} {
		if !validDuration(s) {
			t.Errorf("validDuration(%q) = false", s)
		}
	}
	for _, s := range []string{"", "P", "PT", "P1DT", "1D", "P1", "P1H", "PT1D", "P1M1Y", "P1D1D", "P1.5DT1H", "P.5D", "P1.D", "-P1D", "p1d", "30 dagen", "P1YT", "PT1S1M"} {
		if validDuration(s) {
			t.Errorf("validDuration(%q) = true", s)
		}
	}
}

func TestUUID(t *testing.T) {
	for _, s := range []string{"aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44", "AA8AA2FD-B9C6-4E34-9A6B-933D3F0D3D44", "aa8aa2fdb9c64e349a6b933d3f0d3d44"} {
		if !validUUID(s) {
			t.Errorf("validUUID(%q) = false", s)
		}
	}
	for _, s := range []string{"", "aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d4", "aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d4g", "aa8aa2fdb9c6-4e34-9a6b-933d3f0d3d44-", "{aa8aa2fd-b9c6-4e34-9a6b-933d3f0d3d44}"} {
		if validUUID(s) {
			t.Errorf("validUUID(%q) = true", s)
		}
	}
}

// TestParserMatchesEncodingJSON checks that the body parser accepts exactly
// what encoding/json accepts (apart from the documented differences: an
// empty body is {}, invalid UTF-8 is rejected) and decodes strings alike.
func TestParserMatchesEncodingJSON(t *testing.T) {
	for _, s := range parserSeeds {
		checkParser(t, []byte(s))
	}
}

var parserSeeds = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+2`, `"x"`, `{"a":[1,{"b":null}]}`,
	` { "a" : 1 , "b" : [ ] } `, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`,
	`"\u00e9\ud834\udd1e\n\t\"\\\/"`, `"\ud834"`, `"\udd1e\ud834x"`, `"\ud834\u0041"`, `"\x"`, `"\u12"`, `"a` + "\n" + `"`,
	`"unterminated`, `{"a":1}}`, `[[[]]]`, `nul`, `truex`, `{"a":tru}`, `[1,2,3]x`, `{"":""}`, "\"\x7f\"", `"é"`,
	`{"a":"b","a":"c"}`, `[-0.0e0]`, `1e999`, "\ufeff{}", " ", "", "\t\n",
}

func checkParser(t *testing.T, raw []byte) {
	t.Helper()
	toks, err := parse(raw, nil)
	ok := err == nil
	want := json.Valid(raw)
	blank := len(bytes.Trim(raw, " \t\r\n")) == 0
	if blank {
		want = true // an empty body is {}
	}
	if ok != want {
		t.Errorf("parse(%q): ok=%v, encoding/json ok=%v (%v)", raw, ok, want, err)
		return
	}
	if !ok || blank {
		return
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	ref, _ := fromValue(v, nil, 0)
	if !sameTokens(toks, ref) {
		t.Errorf("parse(%q) tokens differ from encoding/json's value", raw)
	}
}

// sameTokens compares token trees, ignoring object member order (fromValue
// sorts keys) by comparing the encoded values instead when they differ.
func sameTokens(a, b []tok) bool {
	return encodeToks(a, 0) == encodeToks(b, 0)
}

func encodeToks(ts []tok, i int) string {
	t := ts[i]
	switch t.kind {
	case kObject:
		m := map[string]string{}
		j := i + 1
		for k := 0; k < int(t.n); k++ {
			m[ts[j].s] = encodeToks(ts, j+1) // last duplicate wins, as in encoding/json
			j = int(ts[j+1].end)
		}
		b, _ := json.Marshal(m)
		return "o" + string(b)
	case kArray:
		var parts []string
		j := i + 1
		for k := 0; k < int(t.n); k++ {
			parts = append(parts, encodeToks(ts, j))
			j = int(ts[j].end)
		}
		b, _ := json.Marshal(parts)
		return "a" + string(b)
	}
	b, _ := json.Marshal([]any{t.kind, t.s})
	return string(b)
}

func FuzzParser(f *testing.F) {
	for _, s := range parserSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) == 0 || !utf8.Valid(raw) {
			return
		}
		checkParser(t, raw)
	})
}

// TestParserRandom mutates the seeds with JSON-significant characters and
// compares acceptance with encoding/json.
func TestParserRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(`{}[],:"\ 0123456789.eE+-tfnrulasx` + "\t\n")
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		b := []byte(parserSeeds[r.IntN(len(parserSeeds))])
		for k := r.IntN(4); k >= 0; k-- {
			switch pos := r.IntN(len(b) + 1); r.IntN(3) {
			case 0:
				b = append(b[:pos], append([]byte{alphabet[r.IntN(len(alphabet))]}, b[pos:]...)...)
			case 1:
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			case 2:
				if pos < len(b) {
					b[pos] = alphabet[r.IntN(len(alphabet))]
				}
			}
		}
		if utf8.Valid(b) {
			checkParser(t, b)
		}
	}
}
