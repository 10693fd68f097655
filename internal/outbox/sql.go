package outbox

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// timeScanner reads a timestamp that PostgreSQL returns as time.Time and SQLite as text when
// it cannot see the column's declared type (subqueries, RETURNING); NULL reads as zero.
type timeScanner struct{ t *time.Time }

// sqliteTimes are the layouts modernc's SQLite driver writes (time.Time.String) and accepts.
var sqliteTimes = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

func (s timeScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = x.UTC()
	case []byte:
		return s.Scan(string(x))
	case string:
		// time.Time.String may append the monotonic clock reading (" m=+1.23").
		if i := strings.Index(x, " m="); i > 0 {
			x = x[:i]
		}
		for _, layout := range sqliteTimes {
			if t, err := time.Parse(layout, x); err == nil {
				*s.t = t.UTC()
				return nil
			}
		}
		return fmt.Errorf("unreadable timestamp %q", x)
	default:
		return fmt.Errorf("cannot scan %T into a timestamp", v)
	}
	return nil
}

// idGen makes UUIDv7 ids from the delivery clock, increasing within this process, so ids
// order deliveries by creation (also under a simulated clock).
type idGen struct {
	mu     sync.Mutex
	lastMS int64
	seq    uint16
}

func (g *idGen) next(t time.Time) string {
	ms := t.UnixMilli()
	g.mu.Lock()
	if ms <= g.lastMS {
		ms = g.lastMS
		g.seq++
		if g.seq > 0xfff {
			ms++
			g.seq = 0
		}
	} else {
		g.seq = 0
	}
	g.lastMS = ms
	seq := g.seq
	g.mu.Unlock()
	return v7(ms, seq, true)
}

// v7 builds a UUIDv7 from a millisecond time and a 12-bit sequence; without random bits it
// is the smallest id of that millisecond (a bound for range queries).
func v7(ms int64, seq uint16, random bool) string {
	var b [16]byte
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(ms))
	copy(b[:6], ts[2:])
	b[6] = 0x70 | byte(seq>>8)&0x0f
	b[7] = byte(seq)
	if random {
		_, _ = rand.Read(b[8:])
	}
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

// normID returns the canonical form of a uuid, so both databases compare the same text.
func normID(s string) (string, bool) {
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// poke sends a wake-up unless one is already waiting.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
