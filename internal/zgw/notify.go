package zgw

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/meent/meent/internal/db"
)

// Notificatie is one message for the Notificaties API (algemeen §13). It carries no business
// data beyond the kenmerken; receivers fetch what they need.
type Notificatie struct {
	Kanaal       string            `json:"kanaal"`
	HoofdObject  string            `json:"hoofdObject"`
	Resource     string            `json:"resource"`
	ResourceURL  string            `json:"resourceUrl"`
	Actie        string            `json:"actie"`
	Aanmaakdatum time.Time         `json:"aanmaakdatum"`
	Kenmerken    map[string]string `json:"kenmerken"`
}

// OutboxSignal is the channel (db.Tx.Wake) that wakes this process's delivery workers when a
// transaction that wrote outbox rows commits. It is a local wake-up, not a NOTIFY to every
// node: on PostgreSQL that would make all business transactions commit one at a time (see
// db.Tx.Signal); the node that commits routes its own rows and tells the others then.
const OutboxSignal = "outbox"

// Notify writes n to the outbox inside tx, so that the change and its notification commit
// together or not at all; delivery reads the outbox after the commit. Aanmaakdatum is the
// transaction's time.
func Notify(ctx context.Context, tx *db.Tx, n Notificatie) error {
	n.Aanmaakdatum = tx.Now
	return Publish(ctx, tx, n)
}

// Publish writes n to the outbox inside tx as it is, keeping its Aanmaakdatum (the
// transaction's time when it is zero): the path for messages that other systems publish
// through the Notificaties API. The delivery workers are woken when tx commits.
func Publish(ctx context.Context, tx *db.Tx, n Notificatie) error {
	if n.Kenmerken == nil {
		n.Kenmerken = map[string]string{}
	}
	if n.Aanmaakdatum.IsZero() {
		n.Aanmaakdatum = tx.Now
	}
	kenmerken, err := json.Marshal(n.Kenmerken)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum, kenmerken, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n.Kanaal, n.HoofdObject, n.Resource, n.ResourceURL, n.Actie, n.Aanmaakdatum.UTC(), string(kenmerken), tx.Now)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	tx.Wake(OutboxSignal)
	return nil
}

// Outbox returns the notifications written since (and excluding) id, oldest first; tests and
// the delivery workers read it.
func Outbox(ctx context.Context, q db.Querier, afterID int64, limit int) ([]OutboxRow, error) {
	rows, err := q.Query(ctx, `SELECT id, kanaal, hoofd_object, resource, resource_url, actie, aanmaakdatum, kenmerken
		FROM outbox WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		var kenmerken string
		if err := rows.Scan(&r.ID, &r.Kanaal, &r.HoofdObject, &r.Resource, &r.ResourceURL, &r.Actie, &r.Aanmaakdatum, &kenmerken); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(kenmerken), &r.Kenmerken); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OutboxRow is a stored notification.
type OutboxRow struct {
	ID int64
	Notificatie
}
