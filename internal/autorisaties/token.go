package autorisaties

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/meent/meent/internal/db"
)

// minTokenLength keeps guessable tokens out: Open Klant and Open Object generate 40 hex
// characters; anything much shorter is a configuration mistake.
const minTokenLength = 32

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// TokenClient returns the client id that token (from "Authorization: Token <token>")
// belongs to, or "" when it belongs to none. Answers are cached as briefly as grants, so a
// token removed from the applicaties file stops working within seconds on every node.
func (r *Register) TokenClient(ctx context.Context, token string) (string, error) {
	if len(token) < minTokenLength {
		return "", nil
	}
	key := tokenHash(token)
	now := time.Now()
	r.mu.Lock()
	c, ok := r.tokens[key]
	gen := r.gen
	r.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.clientID, nil
	}
	var clientID string
	err := r.db.QueryRow(ctx, `SELECT client_id FROM api_token WHERE token_hash = $1`, key).Scan(&clientID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("api token: %w", err)
	}
	r.mu.Lock()
	if r.gen == gen {
		r.tokens[key] = cachedToken{clientID: clientID, expires: now.Add(grantsTTL)}
	}
	r.mu.Unlock()
	return clientID, nil
}

type cachedToken struct {
	clientID string
	expires  time.Time
}

// seedTokens makes the tokens of s exactly those given: each authenticates as the first
// client id of the applicatie.
func seedTokens(ctx context.Context, tx *db.Tx, s Seed) error {
	for _, t := range s.Tokens {
		if len(t) < minTokenLength {
			return fmt.Errorf("applicatie %s: a token needs at least %d characters", s.ClientIDs[0], minTokenLength)
		}
	}
	if err := dropTokens(ctx, tx, s.ClientIDs); err != nil {
		return err
	}
	for _, t := range s.Tokens {
		// A token is unique: seeding it for another applicatie moves it (ON CONFLICT keeps the
		// statement the same on both dialects).
		if _, err := tx.Exec(ctx, `INSERT INTO api_token (token_hash, client_id) VALUES ($1, $2)
			ON CONFLICT (token_hash) DO UPDATE SET client_id = excluded.client_id`, tokenHash(t), s.ClientIDs[0]); err != nil {
			return fmt.Errorf("api token: %w", err)
		}
	}
	return nil
}

// dropTokens deletes the API tokens of clientIDs.
func dropTokens(ctx context.Context, tx *db.Tx, clientIDs []string) error {
	for batch := range slices.Chunk(clientIDs, batchSize) {
		args := make([]any, len(batch))
		for i, c := range batch {
			args[i] = c
		}
		if _, err := tx.Exec(ctx, `DELETE FROM api_token WHERE client_id IN (`+db.Placeholders(1, len(batch))+`)`, args...); err != nil {
			return fmt.Errorf("api token: %w", err)
		}
	}
	return nil
}

// clientIDsOf returns the client ids of applicatie id.
func clientIDsOf(ctx context.Context, q db.Querier, id int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT client_id FROM applicatie_client WHERE applicatie_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("client ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
