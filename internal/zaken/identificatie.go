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
// bronorganisatie and year in zaak_nummer, so concurrent creates never get the same number; a
// number a client already used by hand is skipped.
func (r *register) zrc002Genereer(ctx context.Context, tx *db.Tx, bronorganisatie string, jaar int) (string, error) {
	for range 1000 {
		n, err := r.zaakNummer(ctx, tx, bronorganisatie, jaar)
		if err != nil {
			return "", err
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

// zaakNummer takes the next number of the bronorganisatie and year. On PostgreSQL it is taken
// in a transaction of its own that commits at once: inside the create's transaction the
// counter row would stay locked until that commit, and every concurrent create would queue
// behind it. The number of a create that then fails is not used again; zrc-002 asks for
// unique numbers, not for numbers without gaps. SQLite has one writer, so there the counter
// is simply part of the create's transaction.
func (r *register) zaakNummer(ctx context.Context, tx *db.Tx, bronorganisatie string, jaar int) (int64, error) {
	const next = `INSERT INTO zaak_nummer (bronorganisatie, jaar, laatste) VALUES ($1, $2, 1)
		ON CONFLICT (bronorganisatie, jaar) DO UPDATE SET laatste = zaak_nummer.laatste + 1 RETURNING laatste`
	var n int64
	var err error
	if r.db.Dialect == db.Postgres {
		err = r.db.Update(ctx, func(own *db.Tx) error { return own.QueryRow(ctx, next, bronorganisatie, jaar).Scan(&n) })
	} else {
		err = tx.QueryRow(ctx, next, bronorganisatie, jaar).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("zaaknummer: %w", err)
	}
	return n, nil
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
