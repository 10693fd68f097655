package documenten

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/meent/meent/internal/zgw"
)

// parse runs streamBody over body and returns the metadata and the decoded inhoud.
func parse(t *testing.T, body string) (map[string]any, string, error) {
	t.Helper()
	var content []byte
	st, err := streamBody(strings.NewReader(body), func(r io.Reader) error {
		b, err := io.ReadAll(r)
		content = b
		return err
	})
	if err != nil {
		return nil, "", err
	}
	var m map[string]any
	if err := json.Unmarshal(st.meta, &m); err != nil {
		t.Fatalf("meta is not JSON: %v: %s", err, st.meta)
	}
	return m, string(content), nil
}

func TestStreamBody(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("hallo wereld, dit is de inhoud"))
	escaped := strings.ReplaceAll(b64[:20], "/", `\/`) + `\n` + b64[20:]
	for name, tc := range map[string]struct {
		body, content string
		meta          map[string]any
	}{
		"inhoud first": {`{"inhoud":"` + b64 + `","titel":"A","n":12,"x":{"inhoud":"niet dit"},"l":[1,"]",{"a":"}"}]}`,
			"hallo wereld, dit is de inhoud", map[string]any{"inhoud": nil, "titel": "A", "n": 12.0, "x": map[string]any{"inhoud": "niet dit"},
				"l": []any{1.0, "]", map[string]any{"a": "}"}}}},
		"escapes and spaces": {` { "titel" : "a\"b" , "inhoud" : "` + escaped + `" } `, "hallo wereld, dit is de inhoud",
			map[string]any{"titel": `a"b`, "inhoud": nil}},
		"empty inhoud":  {`{"inhoud":"","b":true}`, "", map[string]any{"inhoud": nil, "b": true}},
		"null inhoud":   {`{"inhoud":null}`, "", map[string]any{"inhoud": nil}},
		"empty object":  {`{}`, "", map[string]any{}},
		"no inhoud key": {`{"a":null,"b":false,"c":-1.5e3}`, "", map[string]any{"a": nil, "b": false, "c": -1500.0}},
	} {
		t.Run(name, func(t *testing.T) {
			m, content, err := parse(t, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if content != tc.content {
				t.Errorf("content %q", content)
			}
			got, _ := json.Marshal(m)
			want, _ := json.Marshal(tc.meta)
			if string(got) != string(want) {
				t.Errorf("meta %s, want %s", got, want)
			}
		})
	}
	for name, body := range map[string]string{
		"broken base64":   `{"inhoud":"@@@@"}`,
		"short base64":    `{"inhoud":"aGFsbG8"}`,
		"unicode escape":  `{"inhoud":"aGFs\u0062G8="}`,
		"twice":           `{"inhoud":"aGFsbG8=","inhoud":"aGFsbG8="}`,
		"unterminated":    `{"inhoud":"aGFsbG8=`,
		"trailing":        `{"a":1} x`,
		"not an object":   `[1]`,
		"missing colon":   `{"a" 1}`,
		"missing comma":   `{"a":1 "b":2}`,
		"endless literal": `{"a":` + strings.Repeat("1", 100) + `}`,
		"empty":           ``,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := parse(t, body)
			if zgw.KindOf(err) != zgw.Invalid {
				t.Errorf("err %v, want a 400", err)
			}
		})
	}
}
