package db

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Date is a calendar date as the ZGW APIs write it ("2024-01-31"); "" is NULL. It is a DATE
// column on PostgreSQL and TEXT on SQLite, where ISO dates compare correctly as text.
type Date string

// Value stores the date, or NULL for "".
func (d Date) Value() (driver.Value, error) {
	if d == "" {
		return nil, nil
	}
	return string(d), nil
}

// Scan reads a DATE (time.Time from pgx) or TEXT column.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = ""
	case time.Time:
		*d = Date(x.Format(time.DateOnly))
	case string:
		*d = Date(trimDate(x))
	case []byte:
		*d = Date(trimDate(string(x)))
	default:
		return fmt.Errorf("db.Date: cannot scan %T", v)
	}
	return nil
}

func trimDate(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// Ptr returns nil for "" and a pointer to the string otherwise, for nullable JSON fields.
func (d Date) Ptr() *string {
	if d == "" {
		return nil
	}
	s := string(d)
	return &s
}

// IsUniqueViolation reports whether err is a unique-constraint violation: two requests raced
// for the same unique value and the database stopped the second.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
