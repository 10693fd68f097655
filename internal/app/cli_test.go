package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestMainCommands(t *testing.T) {
	ctx := context.Background()
	env := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if code := Main(ctx, []string{"version"}, &out, &errOut, env); code != 0 || !strings.HasPrefix(out.String(), "meent ") {
		t.Fatalf("version = %d %q", code, out.String())
	}
	if code := Main(ctx, []string{"nonsense"}, &out, &errOut, env); code != 2 {
		t.Fatalf("unknown command = %d, want 2", code)
	}
	dir := t.TempDir()
	out.Reset()
	if code := Main(ctx, []string{"migrate", "--data-dir", dir}, &out, &errOut, env); code != 0 || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate = %d %q %q", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := Main(ctx, []string{"token", "--data-dir", dir, "--client-id", "x", "--secret", "geheimgeheim"}, &out, &errOut, env); code != 0 {
		t.Fatalf("token = %d %q", code, errOut.String())
	}
	tok, err := jwt.Parse(strings.TrimSpace(out.String()), func(*jwt.Token) (any, error) { return []byte("geheimgeheim"), nil }, jwt.WithValidMethods([]string{"HS256"}))
	if err != nil || tok.Claims.(jwt.MapClaims)["client_id"] != "x" {
		t.Fatalf("token does not verify: %v", err)
	}
	errOut.Reset()
	if code := Main(ctx, []string{"token", "--data-dir", dir, "--client-id", "unknown"}, &out, &errOut, env); code != 1 || !strings.Contains(errOut.String(), "no secret") {
		t.Fatalf("token for unknown client = %d %q", code, errOut.String())
	}
	if code := Main(ctx, []string{"serve", "--help"}, &out, &errOut, env); code != 0 {
		t.Fatalf("serve --help = %d", code)
	}
}
