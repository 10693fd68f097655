// Command gen fills a Meent database with a generated municipality for the benchmarks and
// load runs: 100 published zaaktypen made through the Catalogi API and a million zaken with
// their statussen, rollen (BSNs), resultaten and zaakobjecten, written in bulk.
//
//	go run ./bench/gen -database-url postgres://... -n 1000000 -out bench.json
//	go run ./bench/gen -data-dir ./bench-data -n 100000
//
// The database is migrated first. It prints (and writes to -out) the zaaktype URLs and some
// BSNs that the benchmarks and bench/load use.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/meent/meent/bench/benchdata"
	"github.com/meent/meent/internal/app"
	"github.com/meent/meent/internal/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	var o benchdata.Options
	var dbURL, dataDir, out, publicURL string
	flag.StringVar(&dbURL, "database-url", "", "PostgreSQL URL; empty means SQLite in -data-dir")
	flag.StringVar(&dataDir, "data-dir", "./bench-data", "SQLite data directory")
	flag.StringVar(&publicURL, "public-url", "http://127.0.0.1:8000", "the public URL the server will run under (zaaktype URLs contain it)")
	flag.IntVar(&o.N, "n", 1_000_000, "number of zaken")
	flag.IntVar(&o.Zaaktypen, "zaaktypen", 100, "number of zaaktypen")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed")
	flag.IntVar(&o.Batch, "batch", 5000, "zaken per transaction")
	flag.StringVar(&out, "out", "", "write the zaaktype URLs and BSNs as JSON to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := config.Config{Listen: "127.0.0.1:0", DataDir: dataDir, DatabaseURL: dbURL, PublicURL: publicURL, SecretKey: "bench-generator"}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	o.Progress = os.Stderr
	res, err := benchdata.Fill(ctx, a, o)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	if out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	fmt.Println(string(b))
	fmt.Fprintf(os.Stderr, "%d zaken in %.0f s\n", res.Zaken, res.Seconds)
	return nil
}
