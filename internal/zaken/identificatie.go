package zaken

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// zrc-002: a generated identificatie is PREFIX-YYYY-NNNNNNNNNN, the sequence counted per
// bronorganisatie and year in zaak_nummer. The upsert takes the row lock (PostgreSQL) or
// runs under the single writer (SQLite), so concurrent creates never get the same number; a
// number a client already used by hand is skipped.
func (r *register) zrc002Genereer(ctx context.Context, tx *db.Tx, bronorganisatie string, jaar int) (string, error) {
	for range 1000 {
		var n int64
		err := tx.QueryRow(ctx, `INSERT INTO zaak_nummer (bronorganisatie, jaar, laatste) VALUES ($1, $2, 1)
			ON CONFLICT (bronorganisatie, jaar) DO UPDATE SET laatste = zaak_nummer.laatste + 1 RETURNING laatste`,
			bronorganisatie, jaar).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("zaaknummer: %w", err)
		}
		id := fmt.Sprintf("%s-%d-%010d", r.prefix, jaar, n)
		taken, err := identificatieBestaat(ctx, tx, bronorganisatie, id, 0)
		if err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", errors.New("zaaknummer: no free identificatie")
}

// zrc-002: a supplied identificatie is unique within the bronorganisatie.
func zrc002Uniek(ctx context.Context, q db.Querier, bronorganisatie, identificatie string, self int64) error {
	taken, err := identificatieBestaat(ctx, q, bronorganisatie, identificatie, self)
	if err != nil {
		return err
	}
	if taken {
		return zgw.FieldError("identificatie", "identificatie-niet-uniek", "Deze identificatie ("+identificatie+") bestaat al voor deze bronorganisatie.")
	}
	return nil
}

func identificatieBestaat(ctx context.Context, q db.Querier, bronorganisatie, identificatie string, self int64) (bool, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM zaak WHERE bronorganisatie = $1 AND identificatie = $2 AND id <> $3`,
		bronorganisatie, identificatie, self).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("identificatie: %w", err)
	}
	return true, nil
}
