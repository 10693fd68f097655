package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), "file://"+filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestPutOpenChecksum(t *testing.T) {
	s, dir := open(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("meent"), 100000)
	info, err := s.Put(ctx, "a/b", bytes.NewReader(data), -1)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if info.Size != int64(len(data)) || info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("info %+v", info)
	}
	r, err := s.Open(ctx, "a/b", info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v, %d bytes", err, len(got))
	}
	// Corrupt the stored file: the reader must fail at the end instead of ending cleanly.
	if err := os.WriteFile(filepath.Join(dir, "a", "b"), append(data[:len(data)-1:len(data)-1], 'X'), 0o600); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Open(ctx, "a/b", info.SHA256)
	if _, err := io.ReadAll(r); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt content read with err %v", err)
	}
	r.Close()
	if _, err := s.Open(ctx, "nope", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
}

func TestPutLimitAndFailureLeaveNothing(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "big", strings.NewReader("0123456789"), 9); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over limit: %v", err)
	}
	boom := errors.New("boom")
	if _, err := s.Put(ctx, "broken", io.MultiReader(strings.NewReader("abc"), errReader{boom}), -1); !errors.Is(err, boom) {
		t.Fatalf("broken reader: %v", err)
	}
	keys, err := s.Keys(ctx, "")
	if err != nil || len(keys) != 0 {
		t.Fatalf("left behind: %v %v", keys, err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestConcatDelete(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	var keys, sums []string
	var all []byte
	for i, p := range []string{"een", "twee", "drie"} {
		k := "parts/" + string(rune('a'+i))
		info, err := s.Put(ctx, k, strings.NewReader(p), -1)
		if err != nil {
			t.Fatal(err)
		}
		keys, sums, all = append(keys, k), append(sums, info.SHA256), append(all, p...)
	}
	info, err := s.Concat(ctx, "whole", keys, sums)
	if err != nil || info.Size != int64(len(all)) {
		t.Fatalf("concat %+v %v", info, err)
	}
	r, _ := s.Open(ctx, "whole", info.SHA256)
	got, _ := io.ReadAll(r)
	r.Close()
	if string(got) != string(all) {
		t.Fatalf("concat = %q", got)
	}
	if err := s.Delete(ctx, append(keys, "whole", "never-there")...); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Keys(ctx, ""); len(left) != 0 {
		t.Fatalf("left %v", left)
	}
}
