package objecten_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
	"github.com/meent/meent/internal/objecten"
)

// The list filters the portal depends on are served by indexes on PostgreSQL: the
// citizen's tasks by the identificatie expression index, exact data_attrs on any key by the
// GIN index.
func TestObjectListQueryPlans(t *testing.T) {
	t.Parallel()
	d := dbtest.MustOpenPostgres(t)
	ctx := context.Background()
	err := d.Update(ctx, func(tx *db.Tx) error {
		for _, s := range []string{
			`INSERT INTO object (uuid, type, type_uuid) SELECT md5(i::text)::uuid, 'http://x/objecttypes/t' || (i % 10), 't' || (i % 10) FROM generate_series(1, 20000) i`,
			`INSERT INTO object_record (object_id, type_uuid, idx, type_version, data, refs, start_at, registration_at)
				SELECT o.id, o.type_uuid, 1, 1, jsonb_build_object('identificatie', jsonb_build_object('type', 'bsn', 'value', lpad((o.id % 4000)::text, 9, '0')),
				'status', CASE WHEN o.id % 3 = 0 THEN 'open' ELSE 'afgerond' END, 'categorie', 'c' || (o.id % 1000)), '[]', DATE '2024-01-01', DATE '2024-01-01' FROM object o`,
			`ANALYZE object_record`,
		} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for query, index := range map[string]string{
		"data_attr=identificatie__value__exact__000001234&data_attr=status__exact__open&type=http://x/objecttypes/t4": "object_record_identificatie",
		"data_attrs=categorie__exact__c42": "object_record_data",
	} {
		v, _ := url.ParseQuery(query)
		q, args, err := objecten.ListQuery(d, v, "2026-01-01")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := d.Query(ctx, "EXPLAIN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		if p := strings.Join(plan, "\n"); !strings.Contains(p, index) {
			t.Errorf("%s: plan does not use %s:\n%s", query, index, p)
		}
	}
}

// On SQLite the citizen's tasks are served by the identificatie expression index.
func TestObjectListQueryPlanSQLite(t *testing.T) {
	t.Parallel()
	d := dbtest.MustOpenSQLite(t)
	ctx := context.Background()
	err := d.Update(ctx, func(tx *db.Tx) error {
		for _, s := range []string{
			`INSERT INTO object (uuid, type, type_uuid) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 5000)
				SELECT printf('%08x-0000-4000-8000-000000000000', i), 'http://x/objecttypes/t' || (i % 10), 't' || (i % 10) FROM s`,
			`INSERT INTO object_record (object_id, type_uuid, idx, type_version, data, refs, start_at, registration_at)
				SELECT o.id, o.type_uuid, 1, 1, jsonb_object('identificatie', json_object('type', 'bsn', 'value', printf('%09d', o.id % 1000)),
				'status', CASE WHEN o.id % 3 = 0 THEN 'open' ELSE 'afgerond' END), '[]', '2024-01-01', '2024-01-01' FROM object o`,
			`ANALYZE`,
		} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery("data_attr=identificatie__value__exact__000000123&data_attr=status__exact__open")
	q, args, err := objecten.ListQuery(d, v, "2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Query(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "object_record_identificatie") {
		t.Errorf("plan does not use object_record_identificatie:\n%s", p)
	}
}
