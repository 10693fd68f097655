// Package blob stores document content: files under a directory by default, S3-compatible
// storage for a scaled deployment.
package blob

import "context"

// Store holds the content of documents.
type Store struct{}

// Open opens the store at url (file:///dir or s3://bucket?...).
func Open(ctx context.Context, url string) (*Store, error) { return &Store{}, nil }

// Close releases the store.
func (s *Store) Close() error { return nil }
