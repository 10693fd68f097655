// Package blob stores document content: files under a directory by default, S3-compatible
// storage for a scaled deployment.
package blob

import (
	"context"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets, the embedded default
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets, for several nodes
)

// Store holds the content of documents.
type Store struct {
	bucket *blob.Bucket
}

// Open opens the store at url (file:///dir or s3://bucket?...).
func Open(ctx context.Context, url string) (*Store, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, err
	}
	return &Store{bucket: b}, nil
}

// Close releases the store.
func (s *Store) Close() error { return s.bucket.Close() }
