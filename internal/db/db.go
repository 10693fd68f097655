// Package db is Meent's storage: database/sql over SQLite (embedded default) or PostgreSQL.
//
// One set of SQL serves both dialects: queries use $N placeholders, which pgx and
// modernc's SQLite both bind positionally. Only the DDL (migrations/<dialect>) and the few
// fragments in Dialect differ. Writes go through Update, which hands the callback a Tx that
// carries the transaction's clock reading (Now), so every row written in one request shares
// one timestamp and tests can fix time.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

// Dialect names the SQL flavour of a database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. For SQLite, writes go through a single connection (SQLite has one
// writer; serialising in Go avoids SQLITE_BUSY storms) and reads through a pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// Clock returns the current time; tests replace it to fix Tx.Now.
	Clock func() time.Time
	url   string // PostgreSQL: for the dedicated LISTEN connections (signal.go)
	hub   hub    // in-process wake-ups after commit (signal.go)
}

// Open opens the database named by url: a postgres:// URL, or else SQLite in the file
// dataDir/meent.db. It runs the migrations.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	var d *DB
	var err error
	if databaseURL != "" && (hasPrefix(databaseURL, "postgres://") || hasPrefix(databaseURL, "postgresql://")) {
		d, err = openPostgres(databaseURL)
	} else {
		path := databaseURL
		if path == "" {
			if err := os.MkdirAll(dataDir, 0o750); err != nil {
				return nil, fmt.Errorf("data dir: %w", err)
			}
			path = filepath.Join(dataDir, "meent.db")
		}
		d, err = openSQLite(path)
	}
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func openSQLite(path string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	// The writer's first connection creates the file and switches it to WAL before readers open.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rq := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "query_only(1)"} {
		rq.Add("_pragma", p)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(0)
	return &DB{Dialect: SQLite, write: w, read: r, Clock: time.Now}, nil
}

func openPostgres(u string) (*DB, error) {
	c, err := sql.Open("pgx", u)
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(32)
	c.SetMaxIdleConns(32)
	c.SetConnMaxIdleTime(5 * time.Minute)
	if err := c.Ping(); err != nil {
		c.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{Dialect: Postgres, write: c, read: c, Clock: time.Now, url: u}, nil
}

// Migrate brings the schema to the newest version embedded in the binary.
func (d *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.Dialect))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, d.write, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes all connections.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Query runs a read-only query on the read pool.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.read.QueryContext(ctx, query, args...)
}

// QueryRow runs a read-only single-row query on the read pool.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, query, args...)
}

// Querier is what both DB (reads) and Tx (reads within a write) offer, so store functions
// can serve either.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a write transaction; Now is the one timestamp of everything it writes.
type Tx struct {
	tx      *sql.Tx
	Now     time.Time
	Dialect Dialect
	signals []signal // channels to wake when the transaction commits (signal.go)
}

// Update runs fn in a write transaction and commits when fn returns nil.
func (d *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, Now: d.Clock().UTC(), Dialect: d.Dialect}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := tx.publishSignals(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.hub.wakeAll(tx.signals)
	return nil
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, args...)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRow runs a single-row query inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Lock serialises the transactions that take the same named lock until they end, for work
// that reads before it writes (the next free number of a table). SQLite has one writer, so
// its transactions are serial already; PostgreSQL takes a transaction-level advisory lock.
func (t *Tx) Lock(ctx context.Context, name string) error {
	if t.Dialect != Postgres {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, name); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	return nil
}

// LockRow locks the rows of table that match where (with args) until the transaction ends,
// so that what the transaction reads of them next is what it writes over: concurrent
// updates of one row queue instead of overwriting each other. SQLite has one writer, so
// its transactions are serial already; PostgreSQL takes SELECT ... FOR UPDATE.
func (t *Tx) LockRow(ctx context.Context, table, where string, args ...any) error {
	if t.Dialect != Postgres {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, `SELECT 1 FROM `+table+` WHERE `+where+` FOR UPDATE`, args...); err != nil {
		return fmt.Errorf("lock %s: %w", table, err)
	}
	return nil
}

// Affected returns the rows a statement changed, wrapping both errors.
func Affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
