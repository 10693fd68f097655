// Package dbtest opens fresh databases for tests: SQLite always, PostgreSQL too when
// MEENT_TEST_DATABASE_URL is set (CI sets it). Every database is new and migrated, so tests
// never see each other's rows.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/meent/meent/internal/db"
)

// EnvURL names the variable with the PostgreSQL server URL for tests.
const EnvURL = "MEENT_TEST_DATABASE_URL"

// MustOpenSQLite returns a fresh migrated SQLite database in a temporary directory.
func MustOpenSQLite(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), "", tb.TempDir())
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// MustOpenPostgres returns a fresh migrated PostgreSQL database (see PostgresURL). It skips
// when MEENT_TEST_DATABASE_URL is unset.
func MustOpenPostgres(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), PostgresURL(tb), "")
	if err != nil {
		tb.Fatalf("open postgres schema: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// PostgresURL creates a new, empty schema on the server of MEENT_TEST_DATABASE_URL and
// returns a URL whose connections use it; the schema is dropped when the test ends. It skips
// when the variable is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		tb.Skip(EnvURL + " not set")
	}
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	// Registered before the users' cleanups run (LIFO), so the schema is dropped last.
	tb.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	return u.String()
}

// Each runs f once per available dialect, as a subtest named after it.
func Each(t *testing.T, f func(t *testing.T, d *db.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, MustOpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, MustOpenPostgres(t)) })
}

// FixedClock sets d's clock to a fixed time and returns it.
func FixedClock(d *db.DB, ts string) time.Time {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		panic(fmt.Sprintf("dbtest.FixedClock(%q): %v", ts, err))
	}
	d.Clock = func() time.Time { return t }
	return t
}
