package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Version is the version of Meent, set at build time with -ldflags "-X ...app.Version=...".
var Version = "dev"

const usage = `Meent: the Common Ground service-delivery platform in one program.

Usage: meent <command> [flags]

Commands:
  serve     run the platform
  demo      run the platform with a seeded demo municipality (embedded database)
  migrate   bring the database schema up to date and exit
  token     print a ZGW JWT for a client, for use with curl
  version   print the version

Run "meent <command> --help" for the flags of a command.
`

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, stdout, stderr, getenv, false)
	case "demo":
		err = serve(ctx, rest, stdout, stderr, getenv, true)
	case "migrate":
		err = migrate(ctx, rest, stdout, stderr, getenv)
	case "token":
		err = token(ctx, rest, stdout, stderr, getenv)
	case "version", "--version":
		fmt.Fprintln(stdout, "meent", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "meent: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "meent:", err)
		return 1
	}
	return 0
}

func parse(name string, args []string, stderr io.Writer, getenv func(string) string, extra func(*flag.FlagSet)) (config.Config, error) {
	var cfg config.Config
	fs := config.FlagSet(name, &cfg, stderr)
	if extra != nil {
		extra(fs)
	}
	if err := config.Parse(fs, args, getenv); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, demo bool) error {
	name := "serve"
	if demo {
		name = "demo"
	}
	cfg, err := parse("meent "+name, args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	if demo {
		if err := a.SeedDemo(ctx); err != nil {
			a.Close()
			return fmt.Errorf("demo: %w", err)
		}
		a.printDemo(stdout)
	}
	return a.Run(ctx)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := parse("meent migrate", args, stderr, getenv, nil)
	if err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir) // Open migrates
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(stdout, "database (%s) is up to date\n", d.Dialect)
	return nil
}

func token(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var clientID, secret, userID, userRep string
	cfg, err := parse("meent token", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&clientID, "client-id", DemoClientID, "client id to make the token for")
		fs.StringVar(&secret, "secret", "", "the client's secret; default: looked up in the database")
		fs.StringVar(&userID, "user-id", "beheerder", "user_id claim (shown in audit trails)")
		fs.StringVar(&userRep, "user-representation", "Beheerder", "user_representation claim")
	})
	if err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	if secret == "" {
		d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
		if err != nil {
			return err
		}
		defer d.Close()
		key, err := secretKey(cfg)
		if err != nil {
			return err
		}
		store, err := zgw.NewSecretStore(d, key)
		if err != nil {
			return err
		}
		s, err := store.Secret(ctx, clientID)
		if err != nil {
			return err
		}
		if s == nil {
			return fmt.Errorf("client id %q has no secret in this database (give --secret, or seed it with --applicaties)", clientID)
		}
		secret = string(s)
	}
	t, err := zgw.Token(clientID, secret, userID, userRep, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, strings.TrimSpace(t))
	return nil
}
