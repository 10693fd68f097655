package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
)

func TestListDeferredJoinPagesAndCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := dbtest.FixedClock(d, "2026-01-02T03:04:05Z")
		err := d.Update(ctx, func(tx *db.Tx) error {
			if !tx.Now.Equal(now) {
				t.Errorf("tx.Now = %v, want %v", tx.Now, now)
			}
			for i := 0; i < 25; i++ {
				kanaal := "zaken"
				if i%2 == 1 {
					kanaal = "documenten"
				}
				if _, err := tx.Exec(ctx, `INSERT INTO outbox (kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum, kenmerken)
					VALUES ($1, 'h', 'r', 'u', 'create', $2, '{}')`, kanaal, tx.Now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var w db.Where
		w.And("kanaal = ?", "zaken")
		w.And("actie IN (?, ?)", "create", "update")
		p1, err := db.List(ctx, d, "outbox", &w, "id DESC", 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if p1.Count != 13 || len(p1.IDs) != 10 || p1.IDs[0] != 25 || p1.IDs[9] != 7 {
			t.Fatalf("page 1 = %+v", p1)
		}
		p2, err := db.List(ctx, d, "outbox", &w, "id DESC", 2, 10)
		if err != nil {
			t.Fatal(err)
		}
		if p2.Count != 13 || len(p2.IDs) != 3 || p2.IDs[2] != 1 {
			t.Fatalf("page 2 = %+v", p2)
		}
		var none db.Where
		none.And(d.AnyText("kanaal", "?"), d.TextList(nil))
		p, err := db.List(ctx, d, "outbox", &none, "id", 1, 10)
		if err != nil || p.Count != 0 || len(p.IDs) != 0 {
			t.Fatalf("empty list = %+v, %v", p, err)
		}
	})
}

func TestUpdateRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.Update(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO jwt_secret (client_id, secret, created_at) VALUES ('a', $1, $2)`, []byte("x"), tx.Now); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO jwt_secret (client_id, secret, created_at) VALUES ('a', $1, $2)`, []byte("y"), tx.Now)
			return err
		})
		if err == nil {
			t.Fatal("duplicate key: want error")
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM jwt_secret`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows after rollback = %d, %v", n, err)
		}
	})
}

func TestAnyID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ids []int64
		err := d.Update(ctx, func(tx *db.Tx) error {
			for range 5 {
				var id int64
				if err := tx.QueryRow(ctx, `INSERT INTO outbox (kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum, kenmerken)
					VALUES ('zaken', 'h', 'r', 'u', 'create', $1, '{}') RETURNING id`, tx.Now).Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range [][]int64{nil, {ids[1]}, {ids[0], ids[3], ids[4], -1}} {
			rows, err := d.Query(ctx, `SELECT id FROM outbox WHERE `+d.AnyID("id", "$1")+` ORDER BY id`, d.IDList(want))
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				got = append(got, id)
			}
			rows.Close()
			n := len(want)
			if n > 0 && want[n-1] == -1 {
				n--
			}
			if len(got) != n {
				t.Fatalf("AnyID(%v) = %v", want, got)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("AnyID(%v) = %v", want, got)
				}
			}
		}
	})
}

// AnyText and AnyUUID take a list of any length as one parameter: 70,000 values are more
// than either database takes as separate parameters.
func TestAnyTextAndUUID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ids := []string{"0f8e2b4c-6b0a-4f7e-9d3c-2a1b0c9d8e7f", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}
		err := d.Update(ctx, func(tx *db.Tx) error {
			for _, id := range ids {
				if _, err := tx.Exec(ctx, `INSERT INTO applicatie (uuid, label, heeft_alle_autorisaties) VALUES ($1, $2, $3)`, id, "label "+id, false); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		many := make([]string, 70000)
		for i := range many {
			many[i] = fmt.Sprintf("%08x-0000-4000-8000-000000000000", i)
		}
		many[len(many)-1] = ids[1]
		labels := append(slices.Clone(many), "label "+ids[0])
		for _, c := range []struct {
			cond string
			arg  any
			want int
		}{
			{d.AnyUUID("uuid", "$1"), d.TextList(many), 1},
			{d.AnyUUID("uuid", "$1"), d.TextList(ids), 2},
			{d.AnyText("label", "$1"), d.TextList(labels), 1},
			{d.AnyText("label", "$1"), d.TextList(nil), 0},
		} {
			var n int
			if err := d.QueryRow(ctx, `SELECT count(*) FROM applicatie WHERE `+c.cond, c.arg).Scan(&n); err != nil || n != c.want {
				t.Errorf("%s: %d, %v; want %d", c.cond, n, err, c.want)
			}
		}
	})
}
