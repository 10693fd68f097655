package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Where collects the conditions of a list query. Conditions are written with ? for their
// arguments; Where numbers them $1, $2, ... in the order they were added, so a resource
// can add filters in any order without counting placeholders.
type Where struct {
	conds []string
	Args  []any
}

// And adds one condition with its arguments.
func (w *Where) And(cond string, args ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(args) {
			w.Args = append(w.Args, args[i])
			b.WriteString("$" + strconv.Itoa(len(w.Args)))
			i++
			continue
		}
		b.WriteRune(r)
	}
	if i != len(args) {
		panic(fmt.Sprintf("db.Where.And(%q): %d placeholders, %d args", cond, i, len(args)))
	}
	w.conds = append(w.conds, "("+b.String()+")")
}

// SQL is the WHERE clause, or "" when there are no conditions.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Page is one page of ids of a list query and the exact total.
type Page struct {
	IDs   []int64
	Count int
}

// List pages through table with a deferred join: the page's ids are selected first using
// only the filter and order columns (index-only where an index serves them), and the caller
// then loads just those rows. count is computed with the same filter. orderBy must end with
// a unique column (usually id) so that pages are stable.
func List(ctx context.Context, q Querier, table string, w *Where, orderBy string, page, size int) (Page, error) {
	var p Page
	where := w.SQL()
	if err := q.QueryRow(ctx, "SELECT count(*) FROM "+table+where, w.Args...).Scan(&p.Count); err != nil {
		return p, fmt.Errorf("count %s: %w", table, err)
	}
	offset := (page - 1) * size
	if p.Count == 0 || offset >= p.Count {
		return p, nil
	}
	n := len(w.Args)
	query := fmt.Sprintf("SELECT id FROM %s%s ORDER BY %s LIMIT $%d OFFSET $%d", table, where, orderBy, n+1, n+2)
	rows, err := q.Query(ctx, query, append(w.Args[:n:n], size, offset)...)
	if err != nil {
		return p, fmt.Errorf("list %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return p, err
		}
		p.IDs = append(p.IDs, id)
	}
	return p, rows.Err()
}

// Placeholders returns "$from,$from+1,..." for n arguments.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// Int64s converts ids to query arguments.
func Int64s(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// AnyID is the condition that col is one of the ids bound at placeholder p, with IDList as
// the argument; the statement text stays the same whatever the number of ids. On PostgreSQL
// it is = ANY of a BIGINT[]: the planner knows the array's length and probes the index,
// where a subquery over a JSON array made it guess the row count and scan the table. SQLite
// reads a JSON array through json_each.
func (d *DB) AnyID(col, p string) string {
	if d.Dialect == Postgres {
		return col + " = ANY(CAST(" + p + " AS BIGINT[]))"
	}
	return col + " IN (SELECT value FROM json_each(" + p + "))"
}

// AnyText is the condition that col is one of the strings bound at p with TextList. One
// parameter holds the whole list: a filter of tens of thousands of values would pass the
// databases' limits on parameters per statement (65,535 and 32,766). Unlike AnyID this is a
// subquery over a JSON array on PostgreSQL too: its row estimate does not depend on the
// value, so a prepared statement keeps one plan, where = ANY of an array parameter is planned
// again at every execution (0.1-0.2 ms for the one-uuid lookups of expand).
func (d *DB) AnyText(col, p string) string {
	if d.Dialect == Postgres {
		return col + " IN (SELECT jsonb_array_elements_text(CAST(" + p + " AS JSONB)))"
	}
	return col + " IN (SELECT value FROM json_each(" + p + "))"
}

// AnyUUID is AnyText for a uuid column; on PostgreSQL every value must be a valid uuid.
func (d *DB) AnyUUID(col, p string) string {
	if d.Dialect == Postgres {
		return col + " IN (SELECT CAST(jsonb_array_elements_text(CAST(" + p + " AS JSONB)) AS UUID))"
	}
	return d.AnyText(col, p)
}

// TextList is the argument of AnyText and AnyUUID for vals.
func (d *DB) TextList(vals []string) any {
	if vals == nil {
		return "[]"
	}
	b, _ := json.Marshal(vals)
	return string(b)
}

// IDList is the argument of AnyID for ids.
func (d *DB) IDList(ids []int64) any {
	if d.Dialect == Postgres {
		if ids == nil {
			ids = []int64{}
		}
		return ids
	}
	b, _ := json.Marshal(ids)
	if ids == nil {
		b = []byte("[]")
	}
	return string(b)
}
