package benchdata

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meent/meent/internal/app"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zaken"
)

// Options say how big the municipality is.
type Options struct {
	N         int    // zaken; default 1,000,000
	Zaaktypen int    // default 100
	Seed      uint64 // the same seed gives the same spread (not the same uuids)
	Batch     int    // zaken per transaction; default 5000
	Progress  io.Writer
}

// Result is what the benchmarks need to know of the generated data.
type Result struct {
	PublicURL string   `json:"publicUrl"` // the URLs in the data start with it
	Zaaktypen []string `json:"zaaktypen"`
	BSNs      []string `json:"bsns"`
	Zaken     int      `json:"zaken"`
	Seconds   float64  `json:"seconds"`
}

// Fill makes the catalogue and writes o.N zaken into the database of a: with COPY on
// PostgreSQL, with multi-row INSERTs (one transaction per batch) on SQLite.
func Fill(ctx context.Context, a *app.App, o Options) (*Result, error) {
	if o.N <= 0 {
		o.N = 1_000_000
	}
	if o.Zaaktypen <= 0 {
		o.Zaaktypen = 100
	}
	types, err := Catalogus(ctx, a, o.Zaaktypen)
	if err != nil {
		return nil, fmt.Errorf("catalogus: %w", err)
	}
	res := &Result{Zaken: o.N, PublicURL: a.Config.PublicURL}
	for _, t := range types {
		res.Zaaktypen = append(res.Zaaktypen, t.URL)
	}
	burgers := max(o.N/3, 1)
	for i := range min(20, burgers) {
		res.BSNs = append(res.BSNs, zaken.GenBSN(i*(burgers/min(20, burgers))))
	}
	var w writer
	if a.DB.Dialect == db.Postgres {
		conn, err := pgx.Connect(ctx, a.Config.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("copy connection: %w", err)
		}
		defer conn.Close(context.Background())
		pw := &pgWriter{conn: conn, progress: o.Progress}
		// A bulk load is several times faster without the secondary indexes: they are
		// dropped here and built again at the end, also when the load fails or is stopped.
		if err := pw.dropIndexes(ctx); err != nil {
			return nil, err
		}
		defer func() {
			if err := pw.restoreIndexes(context.Background(), o.Progress); err != nil && o.Progress != nil {
				fmt.Fprintln(o.Progress, "restoring indexes:", err)
			}
		}()
		w = pw
	} else {
		w = &sqliteWriter{d: a.DB}
	}
	start := time.Now()
	batches := make(chan *zaken.GenBatch, 2)
	genErr := make(chan error, 1)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		genErr <- zaken.Generate(gctx, a.DB, zaken.GenOptions{N: o.N, Zaaktypen: types, Burgers: burgers, Seed: o.Seed, Batch: o.Batch},
			func(b *zaken.GenBatch) error {
				select {
				case batches <- b:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
	}()
	done := 0
	for b := range batches {
		if err := w.write(ctx, b); err != nil {
			cancel()
			for range batches {
			}
			return nil, err
		}
		done += b.Zaken
		if o.Progress != nil {
			progress(o.Progress, done, o.N, time.Since(start))
		}
	}
	if err := <-genErr; err != nil {
		return nil, err
	}
	if o.Progress != nil {
		fmt.Fprintln(o.Progress)
	}
	if err := w.finish(ctx); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func progress(out io.Writer, done, n int, took time.Duration) {
	rate := float64(done) / took.Seconds()
	eta := time.Duration(float64(n-done)/rate) * time.Second
	fmt.Fprintf(out, "\r%d/%d zaken  %.0f/s  ETA %s   ", done, n, rate, eta.Round(time.Second))
}

type writer interface {
	write(ctx context.Context, b *zaken.GenBatch) error
	finish(ctx context.Context) error
}

// pgWriter copies each batch in one transaction.
type pgWriter struct {
	conn    *pgx.Conn
	indexes []string // definitions of the dropped indexes
	names   []string
	// progress shows the index builds.
	progress io.Writer
	recount  bool // zaak_telling is to be made again (its triggers are off)
}

// dropIndexes drops the indexes of the generated tables that no constraint needs (primary
// keys and unique constraints stay, so the data stays checked).
func (w *pgWriter) dropIndexes(ctx context.Context) error {
	rows, err := w.conn.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
		AND i.indexdef NOT LIKE 'CREATE UNIQUE%'`, zaken.GenTables())
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		w.names, w.indexes = append(w.names, name), append(w.indexes, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range w.names {
		if _, err := w.conn.Exec(ctx, "DROP INDEX "+pgx.Identifier{n}.Sanitize()); err != nil {
			return fmt.Errorf("drop index %s: %w", n, err)
		}
	}
	// The zaak_telling triggers (00013) would cost a row update per zaak; the counts are
	// made again from the table at the end.
	if _, err := w.conn.Exec(ctx, "ALTER TABLE zaak DISABLE TRIGGER USER"); err != nil {
		return err
	}
	w.recount = true
	return nil
}

// restoreIndexes builds the dropped indexes again.
func (w *pgWriter) restoreIndexes(ctx context.Context, progress io.Writer) error {
	if _, err := w.conn.Exec(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
		return err
	}
	for i, def := range w.indexes {
		if progress != nil {
			fmt.Fprintf(progress, "\rindex %d/%d %-40s", i+1, len(w.indexes), w.names[i])
		}
		if _, err := w.conn.Exec(ctx, def); err != nil {
			return fmt.Errorf("%s: %w", def, err)
		}
	}
	if progress != nil && len(w.indexes) > 0 {
		fmt.Fprintln(progress)
	}
	w.indexes = nil
	if w.recount {
		if _, err := w.conn.Exec(ctx, `DELETE FROM zaak_telling`); err != nil {
			return err
		}
		if _, err := w.conn.Exec(ctx, `INSERT INTO zaak_telling (zaaktype, vertrouwelijkheid, aantal)
			SELECT zaaktype, vertrouwelijkheid, count(*) FROM zaak GROUP BY zaaktype, vertrouwelijkheid`); err != nil {
			return err
		}
		if _, err := w.conn.Exec(ctx, "ALTER TABLE zaak ENABLE TRIGGER USER"); err != nil {
			return err
		}
		w.recount = false
	}
	return nil
}

func (w *pgWriter) write(ctx context.Context, b *zaken.GenBatch) error {
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit a no-op
	for _, t := range b.Tables {
		if len(t.Rows) == 0 {
			continue
		}
		pgValues(t)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Cols, pgx.CopyFromRows(t.Rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.Name, err)
		}
	}
	return tx.Commit(ctx)
}

// pgValues converts the values the handlers pass to database/sql into what COPY's binary
// format takes: uuids as bytes, dates as time.Time.
func pgValues(t *zaken.GenTable) {
	for c, col := range t.Cols {
		isDate := col == "archiefactiedatum" || col == "startdatum" || col == "einddatum" || col == "einddatum_gepland" ||
			col == "uiterlijke_einddatum_afdoening" || col == "registratiedatum" || col == "publicatiedatum"
		for _, row := range t.Rows {
			switch v := row[c].(type) {
			case string:
				if col == "uuid" {
					row[c] = uuid.MustParse(v)
				} else if isDate {
					d, _ := time.Parse(time.DateOnly, v)
					row[c] = d
				}
			case int64:
				if col == "vertrouwelijkheid" {
					row[c] = int16(v)
				}
			case int:
				if col == "vertrouwelijkheid" {
					row[c] = int16(v)
				}
			}
		}
	}
}

// finish moves the identity sequences past the copied ids and refreshes the statistics.
func (w *pgWriter) finish(ctx context.Context) error {
	if err := w.restoreIndexes(ctx, w.progress); err != nil {
		return err
	}
	for _, t := range zaken.GenTables() {
		if _, err := w.conn.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT max(id) FROM %[1]s))`, t)); err != nil {
			return fmt.Errorf("sequence %s: %w", t, err)
		}
		if _, err := w.conn.Exec(ctx, "ANALYZE "+t); err != nil {
			return err
		}
	}
	return nil
}

// sqliteWriter inserts each batch with multi-row INSERTs in one transaction.
type sqliteWriter struct{ d *db.DB }

func (w *sqliteWriter) write(ctx context.Context, b *zaken.GenBatch) error {
	return w.d.Update(ctx, func(tx *db.Tx) error {
		for _, t := range b.Tables {
			// modernc.org/sqlite binds in time quadratic in the parameters of a statement: keep
			// each INSERT under a thousand.
			per := max(1, 999/len(t.Cols))
			for from := 0; from < len(t.Rows); from += per {
				rows := t.Rows[from:min(from+per, len(t.Rows))]
				var sb strings.Builder
				sb.WriteString("INSERT INTO " + t.Name + " (" + strings.Join(t.Cols, ", ") + ") VALUES ")
				args := make([]any, 0, len(rows)*len(t.Cols))
				for i, row := range rows {
					if i > 0 {
						sb.WriteByte(',')
					}
					sb.WriteString("(" + db.Placeholders(len(args)+1, len(row)) + ")")
					args = append(args, row...)
				}
				if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
					return fmt.Errorf("insert %s: %w", t.Name, err)
				}
			}
		}
		return nil
	})
}

func (w *sqliteWriter) finish(ctx context.Context) error {
	return w.d.Update(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "ANALYZE")
		return err
	})
}
