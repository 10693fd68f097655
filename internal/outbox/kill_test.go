package outbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/db/dbtest"
)

var killtest struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the helper program built by buildKilltest.
func TestMain(m *testing.M) {
	code := m.Run()
	if killtest.dir != "" {
		os.RemoveAll(killtest.dir)
	}
	os.Exit(code)
}

// buildKilltest builds the helper program once per test binary.
func buildKilltest(t *testing.T) string {
	t.Helper()
	killtest.once.Do(func() {
		dir, err := os.MkdirTemp("", "killtest")
		if err != nil {
			killtest.err = err
			return
		}
		killtest.dir, killtest.path = dir, filepath.Join(dir, "killtest")
		out, err := exec.Command("go", "build", "-o", killtest.path, "github.com/meent/meent/internal/outbox/internal/killtest").CombinedOutput()
		if err != nil {
			killtest.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if killtest.err != nil {
		t.Fatal(killtest.err)
	}
	return killtest.path
}

// Issue 5, reliability (b): the process is killed with SIGKILL in the middle of a stream of
// 10,000 changes and restarted: every committed change's notification is delivered at least
// once, and none is sent for a change that was rolled back.
func TestSIGKILLMidStreamLosesNothing(t *testing.T) {
	t.Parallel()
	bin := buildKilltest(t)
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		killAndRestart(t, bin, []string{"-data-dir", dir}, func(ctx context.Context) (*db.DB, error) { return db.Open(ctx, "", dir) })
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := dbtest.PostgresURL(t)
		killAndRestart(t, bin, []string{"-database-url", url}, func(ctx context.Context) (*db.DB, error) { return db.Open(ctx, url, "") })
	})
}

func killAndRestart(t *testing.T, bin string, args []string, open func(context.Context) (*db.DB, error)) {
	const total = 10000
	rcv := newReceiver(t)
	args = append(args, "-callback", rcv.URL+"/hook", "-n", strconv.Itoa(total))

	// First run: killed once some 3,000 changes are committed and deliveries are under way.
	first := exec.Command(bin, args...)
	first.Stderr = os.Stderr
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		var n int
		if _, err := fmt.Sscanf(lines.Text(), "progress %d", &n); err == nil && n >= 3000 && len(rcv.received()) > 0 {
			if err := first.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	_ = first.Wait()
	if !killed {
		t.Fatal("the first run ended before it could be killed")
	}
	before := len(rcv.received())

	// Second run: finishes the stream and all deliveries.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, args...)
	second.Stderr = os.Stderr
	stdout, err := second.Output()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, stdout)
	}
	if !strings.Contains(string(stdout), "done") {
		t.Fatalf("second run did not finish: %s", stdout)
	}

	d, err := open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.Query(context.Background(), `SELECT seq FROM killtest_change`)
	if err != nil {
		t.Fatal(err)
	}
	committed := map[string]bool{}
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			t.Fatal(err)
		}
		committed[fmt.Sprintf("http://killtest/changes/%d", seq)] = true
	}
	rows.Close()
	got := map[string]int{}
	for _, r := range rcv.received() {
		got[r.N.ResourceURL]++
	}
	missing, phantom, twice := 0, 0, 0
	for u := range committed {
		if got[u] == 0 {
			missing++
		}
	}
	for u, c := range got {
		if !committed[u] {
			phantom++
		}
		if c > 1 {
			twice++
		}
	}
	t.Logf("%d changes committed (of %d, every tenth rolled back), %d delivered before the kill, %d POSTs in all, %d delivered more than once",
		len(committed), total, before, len(rcv.received()), twice)
	if len(committed) < total*8/10 {
		t.Errorf("only %d changes committed", len(committed))
	}
	if missing > 0 {
		t.Errorf("%d committed changes never had their notification delivered", missing)
	}
	if phantom > 0 {
		t.Errorf("%d notifications delivered for changes that were rolled back or never committed", phantom)
	}
}
