package config

import (
	"io"
	"testing"
	"time"
)

func TestFlagsWinOverEnvironment(t *testing.T) {
	var c Config
	fs := FlagSet("t", &c, io.Discard)
	env := map[string]string{"MEENT_LISTEN": "0.0.0.0:9000", "MEENT_DATA_DIR": "/from/env", "MEENT_ALLOW_FETCH": "https://a.example/, https://b.example/", "MEENT_JWT_LEEWAY": "5m", "MEENT_DELIVERY_MAX_AGE": "48h"}
	if err := Parse(fs, []string{"--data-dir", "/from/flag"}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" || c.DataDir != "/from/flag" || c.JWTLeeway != 5*time.Minute || len(c.AllowFetch) != 2 {
		t.Fatalf("config = %+v", c)
	}
	if c.Delivery.MaxAge != 48*time.Hour || c.Delivery.Workers != 64 || c.Delivery.Backoff != 5*time.Second {
		t.Errorf("delivery = %+v", c.Delivery)
	}
	if c.PublicURL != "http://0.0.0.0:9000" {
		t.Errorf("default public url = %q", c.PublicURL)
	}
}

func TestFinishRejectsBadValues(t *testing.T) {
	for _, c := range []Config{
		{Listen: "x", PublicURL: "ftp://x"},
		{Listen: "x", PublicURL: "http://ok", AllowFetch: []string{"not a url"}},
		{Listen: "x", PublicURL: "http://ok", JWTLeeway: -time.Second},
		{Listen: "x", PublicURL: "http://ok", Delivery: Delivery{MaxAge: -time.Hour}},
		{Listen: "x", PublicURL: "http://ok", DocumentPartSize: 100},
	} {
		if err := c.Finish(); err == nil {
			t.Errorf("Finish(%+v) = nil, want error", c)
		}
	}
	bad := map[string]string{"MEENT_JWT_LEEWAY": "soon"}
	var c Config
	if err := Parse(FlagSet("t", &c, io.Discard), nil, func(k string) string { return bad[k] }); err == nil {
		t.Error("malformed environment value accepted")
	}
}
