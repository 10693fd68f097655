package objecten

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Data filters: data_attr / data_attrs (key__operator__value, nested keys joined with __)
// and data_icontains. They become SQL on the record data: jsonb operators on PostgreSQL,
// json_extract on SQLite. Keys are checked against keySegment and then written into the SQL
// as literals, so that the expression indexes of the migration match the query text.

var operators = []string{"exact", "gt", "gte", "lt", "lte", "icontains", "in"}

// keySegment is one level of a data key: letters, digits, _ and -.
var keySegment = regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)

// dataAttr is one parsed filter expression.
type dataAttr struct {
	path  []string
	op    string
	value string
}

// parseDataAttr parses key__operator__value; param names the query parameter for errors.
func parseDataAttr(param, expr string) (dataAttr, error) {
	parts := strings.Split(expr, "__")
	if len(parts) < 3 {
		return dataAttr{}, zgw.FieldError(param, "invalid", "Filter '"+expr+"' heeft niet de vorm sleutel__operator__waarde.")
	}
	a := dataAttr{path: parts[:len(parts)-2], op: parts[len(parts)-2], value: parts[len(parts)-1]}
	if !zgw.OneOf(a.op, operators...) {
		return a, zgw.FieldError(param, "invalid", "Operator '"+a.op+"' wordt niet ondersteund (exact, gt, gte, lt, lte, icontains, in).")
	}
	for _, s := range a.path {
		if !keySegment.MatchString(s) {
			return a, zgw.FieldError(param, "invalid", "Sleutel '"+strings.Join(a.path, "__")+"' is ongeldig.")
		}
	}
	return a, nil
}

// sqlJSON writes the dialect's fragments for a data path. The record alias is r.
type sqlJSON struct{ d db.Dialect }

// text is the value at path as text (NULL when absent).
func (s sqlJSON) text(path []string) string {
	if s.d == db.Postgres {
		return "(r.data #>> '{" + strings.Join(path, ",") + "}')"
	}
	return "json_extract(r.data, '" + sqlitePath(path) + "')"
}

// typed is the value at path when it has JSON type kind ("number" or "string"), else NULL.
func (s sqlJSON) typed(path []string, kind string) string {
	if s.d == db.Postgres {
		p := "r.data #> '{" + strings.Join(path, ",") + "}'"
		if kind == "number" {
			return "(CASE WHEN jsonb_typeof(" + p + ") = 'number' THEN (" + p + ")::numeric END)"
		}
		return "(CASE WHEN jsonb_typeof(" + p + ") = 'string' THEN " + s.text(path) + " END)"
	}
	t := "json_type(r.data, '" + sqlitePath(path) + "')"
	if kind == "number" {
		return "(CASE WHEN " + t + " IN ('integer', 'real') THEN " + s.text(path) + " END)"
	}
	return "(CASE WHEN " + t + " = 'text' THEN " + s.text(path) + " END)"
}

// sortKey orders by the value at path.
func (s sqlJSON) sortKey(path []string) string {
	if s.d == db.Postgres {
		return "r.data #> '{" + strings.Join(path, ",") + "}'"
	}
	return s.text(path)
}

func sqlitePath(path []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, p := range path {
		b.WriteString(`."` + p + `"`)
	}
	return b.String()
}

// nested builds {"a":{"b":v}} for a containment test.
func nested(path []string, v any) map[string]any {
	var cur any = v
	for i := len(path) - 1; i >= 0; i-- {
		cur = map[string]any{path[i]: cur}
	}
	return cur.(map[string]any)
}

// likeArg is a LIKE pattern matching s anywhere, case-insensitive (with lower()).
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// where adds the filter to w.
func (s sqlJSON) where(w *db.Where, param string, a dataAttr) error {
	num, numErr := strconv.ParseFloat(a.value, 64)
	isNum := numErr == nil
	switch a.op {
	case "exact":
		s.exact(w, a.path, []string{a.value})
	case "in":
		s.exact(w, a.path, strings.Split(a.value, "|"))
	case "icontains":
		w.And("lower("+s.text(a.path)+") LIKE ? ESCAPE '\\'", likeArg(a.value))
	default:
		cmp := map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[a.op]
		switch {
		case isNum:
			w.And(s.typed(a.path, "number")+" "+cmp+" ?", num)
		case zgw.IsDate(a.value):
			w.And(s.typed(a.path, "string")+" "+cmp+" ?", a.value)
		default:
			return zgw.FieldError(param, "invalid", "Operator '"+a.op+"' werkt alleen met getallen en datums (JJJJ-MM-DD).")
		}
	}
	return nil
}

// exact matches values equal to one of vals, as string or (when numeric) as number. On
// PostgreSQL the text comparison serves expression indexes and a containment test the GIN
// index on data; the planner picks.
func (s sqlJSON) exact(w *db.Where, path []string, vals []string) {
	if s.d == db.Postgres {
		var conds []string
		var args []any
		for _, v := range vals {
			conds = append(conds, "r.data @> CAST(? AS jsonb)")
			args = append(args, mustJSON(nested(path, v)))
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				conds = append(conds, "r.data @> CAST(? AS jsonb)")
				args = append(args, mustJSON(nested(path, n)))
			}
		}
		textArgs := make([]any, 0, len(vals))
		for _, v := range vals {
			textArgs = append(textArgs, v)
		}
		w.And(s.text(path)+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+") AND ("+strings.Join(conds, " OR ")+")",
			append(textArgs, args...)...)
		return
	}
	var args []any
	for _, v := range vals {
		args = append(args, v)
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			args = append(args, n)
		}
	}
	w.And(s.text(path)+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")+")", args...)
}

// icontainsAll matches records with any string value (at any depth) containing v.
func (s sqlJSON) icontainsAll(w *db.Where, v string) {
	if s.d == db.Postgres {
		w.And(`EXISTS (SELECT 1 FROM jsonb_path_query(r.data, 'strict $.**') j WHERE jsonb_typeof(j) = 'string'
			AND lower(j #>> '{}') LIKE ? ESCAPE '\')`, likeArg(v))
		return
	}
	w.And(`EXISTS (SELECT 1 FROM json_tree(r.data) j WHERE j.type = 'text' AND lower(j.value) LIKE ? ESCAPE '\')`, likeArg(v))
}
