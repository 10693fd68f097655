package zgw

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/meent/meent/internal/db"
)

// SecretStore keeps the JWT secret of each client id. HS256 needs the secret itself to verify
// a signature, so it cannot be hashed: it is stored encrypted (AES-256-GCM) with a key from
// the configuration, and never logged.
type SecretStore struct {
	db   *db.DB
	aead cipher.AEAD
	// cache holds client id -> cachedSecret. A Set on this node clears the entry at once;
	// a Set on another node on the same PostgreSQL is seen when the entry expires.
	cache sync.Map
	ttl   time.Duration
}

type cachedSecret struct {
	secret  []byte
	expires time.Time
}

// secretTTL bounds how long a node keeps using a secret that another node replaced.
const secretTTL = 30 * time.Second

// NewSecretStore returns a store that encrypts with a key derived from key.
func NewSecretStore(d *db.DB, key []byte) (*SecretStore, error) {
	if len(key) == 0 {
		return nil, errors.New("secret store: empty key")
	}
	k := sha256.Sum256(key)
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretStore{db: d, aead: aead, ttl: secretTTL}, nil
}

// Secret returns the secret of clientID, or nil when it has none.
func (s *SecretStore) Secret(ctx context.Context, clientID string) ([]byte, error) {
	now := time.Now()
	if v, ok := s.cache.Load(clientID); ok && now.Before(v.(cachedSecret).expires) {
		return v.(cachedSecret).secret, nil
	}
	var enc []byte
	err := s.db.QueryRow(ctx, `SELECT secret FROM jwt_secret WHERE client_id = $1`, clientID).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	n := s.aead.NonceSize()
	if len(enc) < n {
		return nil, errors.New("jwt secret: stored value too short")
	}
	secret, err := s.aead.Open(nil, enc[:n], enc[n:], []byte(clientID))
	if err != nil {
		return nil, fmt.Errorf("jwt secret of %q cannot be decrypted (was the secret key changed?): %w", clientID, err)
	}
	s.cache.Store(clientID, cachedSecret{secret: secret, expires: now.Add(s.ttl)})
	return secret, nil
}

// Set stores (or replaces) the secret of clientID inside tx.
func (s *SecretStore) Set(ctx context.Context, tx *db.Tx, clientID, secret string) error {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	enc := s.aead.Seal(nonce, nonce, []byte(secret), []byte(clientID))
	_, err := tx.Exec(ctx, `INSERT INTO jwt_secret (client_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (client_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`, clientID, enc, tx.Now)
	if err != nil {
		return fmt.Errorf("store jwt secret: %w", err)
	}
	s.cache.Delete(clientID)
	return nil
}

// Same reports whether clientID already has exactly this secret (seeding at start-up is
// idempotent and need not rewrite).
func (s *SecretStore) Same(ctx context.Context, clientID, secret string) (bool, error) {
	cur, err := s.Secret(ctx, clientID)
	return cur != nil && string(cur) == secret, err
}
