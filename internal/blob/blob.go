// Package blob stores document content: files under a directory by default, S3-compatible
// storage for a scaled deployment.
//
// Content is always streamed: a write copies from a reader into the bucket in small buffers
// and a read hands out a reader, so a document of gigabytes never sits in memory. Every
// write reports the SHA-256 and size of what was stored; a read checks the SHA-256 at the
// end and fails instead of ending cleanly when the stored bytes changed.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets, the embedded default
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets, for several nodes
	"gocloud.dev/gcerrors"
)

// ErrTooLarge is returned by Put when the content exceeds the limit; nothing is stored.
var ErrTooLarge = errors.New("blob: content exceeds the limit")

// ErrCorrupt is returned by a reader at the end of content whose SHA-256 differs from the
// one recorded when it was written.
var ErrCorrupt = errors.New("blob: content does not match its checksum")

// ErrNotFound is returned by Open for a key that holds nothing.
var ErrNotFound = errors.New("blob: not found")

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

// Info describes stored content.
type Info struct {
	Size   int64
	SHA256 string // hex
}

// bufSize is the copy buffer and the S3 part size: small enough that a node uploading a few
// documents at once stays far below 100 MB, large enough for throughput.
const bufSize = 5 << 20

// Put streams r into key. At most limit bytes are accepted (limit < 0: no limit); more is
// ErrTooLarge. When r fails or the limit is passed, the write is aborted and nothing is left
// under key. The error of r is returned as is (wrapped), so a caller can tell a client's
// broken input from a storage failure.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, limit int64) (Info, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, key, &blob.WriterOptions{
		ContentType: "application/octet-stream", DisableContentTypeDetection: true,
		BufferSize: bufSize, MaxConcurrency: 1,
	})
	if err != nil {
		return Info{}, fmt.Errorf("blob %s: %w", key, err)
	}
	h := sha256.New()
	src := r
	if limit >= 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := copyBuf(io.MultiWriter(w, h), src)
	if err == nil && limit >= 0 && n > limit {
		err = ErrTooLarge
	}
	if err != nil {
		cancel() // a cancelled context makes Close discard the write
		_ = w.Close()
		_ = s.bucket.Delete(context.WithoutCancel(ctx), key)
		return Info{}, err
	}
	if err := w.Close(); err != nil {
		return Info{}, fmt.Errorf("blob %s: %w", key, err)
	}
	return Info{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func copyBuf(dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	return io.CopyBuffer(dst, src, buf)
}

// Open returns a reader of the content under key that checks it against want (its SHA-256,
// hex; "" skips the check): at the end of a mismatching content Read returns ErrCorrupt
// instead of io.EOF.
func (s *Store) Open(ctx context.Context, key, want string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	return &checked{r: r, h: sha256.New(), want: want}, nil
}

type checked struct {
	r    *blob.Reader
	h    hash.Hash
	want string
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && c.want != "" && hex.EncodeToString(c.h.Sum(nil)) != c.want {
		return n, ErrCorrupt
	}
	return n, err
}

func (c *checked) Close() error { return c.r.Close() }

// Concat streams the contents under srcs, in order, into dst and returns what was stored.
// Each source is checked against its SHA-256 (sums[i], "" skips) while it is copied.
func (s *Store) Concat(ctx context.Context, dst string, srcs, sums []string) (Info, error) {
	pr, pw := io.Pipe()
	go func() {
		for i, k := range srcs {
			r, err := s.Open(ctx, k, sums[i])
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			_, err = copyBuf(pw, r)
			r.Close()
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	info, err := s.Put(ctx, dst, pr, -1)
	pr.CloseWithError(io.ErrClosedPipe) // stop the copier when Put gave up early
	return info, err
}

// Delete removes the content under keys; keys that hold nothing are skipped. All keys are
// tried; the errors are joined.
func (s *Store) Delete(ctx context.Context, keys ...string) error {
	var errs []error
	for _, k := range keys {
		if k == "" {
			continue
		}
		if err := s.bucket.Delete(ctx, k); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			errs = append(errs, fmt.Errorf("blob %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// Exists reports whether key holds content (tests use it to prove no orphan is left).
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	return s.bucket.Exists(ctx, key)
}

// Keys lists every key under prefix (tests and beheer checks for orphans).
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	var out []string
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if !o.IsDir {
			out = append(out, o.Key)
		}
	}
}
