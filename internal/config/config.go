// Package config turns flags and MEENT_* environment variables into one Config value.
//
// Every flag has an environment variable of the same name (upper case, MEENT_ prefix,
// dashes as underscores); a flag given on the command line wins over the environment.
// Defaults are the embedded mode: SQLite and document files under ./meent-data.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything a Meent process needs to know before it starts.
type Config struct {
	Listen               string
	DataDir              string
	DatabaseURL          string
	PublicURL            string
	Applicaties          string
	ReferentielijstenURL string
	AllowFetch           []string
	SecretKey            string
	JWTLeeway            time.Duration
	Only                 []string
	LogLevel             string
	Delivery             Delivery
	// BlobURL is where document content lives: file:///path or s3://bucket?region=...;
	// empty means files under DataDir/documenten.
	BlobURL string
	// RemoteClientID and RemoteSecret are Meent's own ZGW credentials towards registers that
	// run elsewhere (--allow-fetch, --referentielijsten-url): every remote call carries a
	// fresh JWT for this client id.
	RemoteClientID string
	RemoteSecret   string
	// MaxDocumentSize bounds the content of one document (bestandsomvang), in bytes.
	MaxDocumentSize int64
	// DocumentPartSize is the size of the bestandsdelen of a chunked upload, in bytes.
	DocumentPartSize int64
}

// Delivery tunes notification delivery; zero values take the defaults of the delivery engine
// (64 workers, 10 s timeout, retries from 5 s doubling up to 1 h, dead letter after 24 h,
// log kept 7 days).
type Delivery struct {
	Workers    int
	Timeout    time.Duration
	Backoff    time.Duration
	MaxBackoff time.Duration
	MaxAge     time.Duration
	Retention  time.Duration
}

// FlagSet declares the flags of cfg on a new flag set named name.
// Parse it with Parse so that the environment fills what the command line leaves out.
func FlagSet(name string, cfg *Config, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8000", "address to listen on (MEENT_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data-dir", "./meent-data", "directory for the SQLite database and document files (MEENT_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", "", "database; a postgres:// URL switches to PostgreSQL, empty means SQLite in --data-dir (MEENT_DATABASE_URL)")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "externally visible base URL used in every resource URL; default http://<listen> (MEENT_PUBLIC_URL)")
	fs.StringVar(&cfg.Applicaties, "applicaties", "", "JSON or YAML file with applicaties and their secrets, applied at every start (MEENT_APPLICATIES)")
	fs.StringVar(&cfg.ReferentielijstenURL, "referentielijsten-url", "", "root of an external Referentielijsten API instead of the built-in one (MEENT_REFERENTIELIJSTEN_URL)")
	fs.Func("allow-fetch", "comma-separated URL prefixes the server may fetch to validate a URL reference; default only its own public URL (MEENT_ALLOW_FETCH)", func(s string) error {
		cfg.AllowFetch = splitList(s)
		return nil
	})
	fs.StringVar(&cfg.SecretKey, "secret-key", "", "key that encrypts stored JWT secrets; default a key file in --data-dir (MEENT_SECRET_KEY)")
	fs.DurationVar(&cfg.JWTLeeway, "jwt-leeway", time.Hour, "how old a JWT (its iat) may be, and the clock skew allowed (MEENT_JWT_LEEWAY)")
	fs.Func("only", "comma-separated registers to serve (e.g. zaken,catalogi); default all (MEENT_ONLY)", func(s string) error {
		cfg.Only = splitList(s)
		return nil
	})
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error (MEENT_LOG_LEVEL)")
	fs.IntVar(&cfg.Delivery.Workers, "delivery-workers", 64, "notification deliveries in flight per node (MEENT_DELIVERY_WORKERS)")
	fs.DurationVar(&cfg.Delivery.Timeout, "delivery-timeout", 10*time.Second, "timeout of one POST to a subscriber (MEENT_DELIVERY_TIMEOUT)")
	fs.DurationVar(&cfg.Delivery.Backoff, "delivery-backoff", 5*time.Second, "first retry delay of a failed delivery; it doubles per attempt (MEENT_DELIVERY_BACKOFF)")
	fs.DurationVar(&cfg.Delivery.MaxBackoff, "delivery-max-backoff", time.Hour, "longest delay between two attempts (MEENT_DELIVERY_MAX_BACKOFF)")
	fs.DurationVar(&cfg.Delivery.MaxAge, "delivery-max-age", 24*time.Hour, "a delivery without success for this long becomes a dead letter (MEENT_DELIVERY_MAX_AGE)")
	fs.StringVar(&cfg.RemoteClientID, "remote-client-id", "", "client id of Meent's own JWTs towards remote registers (MEENT_REMOTE_CLIENT_ID)")
	fs.StringVar(&cfg.RemoteSecret, "remote-secret", "", "secret of --remote-client-id (MEENT_REMOTE_SECRET)")
	fs.StringVar(&cfg.BlobURL, "blob-url", "", "document content storage: file:///dir or s3://bucket?region=...; default files under --data-dir (MEENT_BLOB_URL)")
	fs.Int64Var(&cfg.MaxDocumentSize, "max-document-size", 4<<30, "largest document content in bytes (MEENT_MAX_DOCUMENT_SIZE)")
	fs.Int64Var(&cfg.DocumentPartSize, "document-part-size", 16<<20, "size of the bestandsdelen of a chunked document upload, in bytes (MEENT_DOCUMENT_PART_SIZE)")
	fs.DurationVar(&cfg.Delivery.Retention, "delivery-retention", 7*24*time.Hour, "how long the delivery log and routed outbox rows are kept (MEENT_DELIVERY_RETENTION)")
	return fs
}

// Parse parses args; flags not on the command line are taken from getenv.
func Parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		env := "MEENT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

// Finish checks the values and fills the defaults that depend on other values.
func (c *Config) Finish() error {
	if c.PublicURL == "" {
		host := c.Listen
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("public-url %q: want an absolute http(s) URL", c.PublicURL)
	}
	if c.ReferentielijstenURL != "" {
		c.ReferentielijstenURL = strings.TrimRight(c.ReferentielijstenURL, "/")
	}
	for _, p := range c.AllowFetch {
		if u, err := url.Parse(p); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("allow-fetch %q: want absolute http(s) URL prefixes", p)
		}
	}
	if c.DataDir != "" {
		abs, err := filepath.Abs(c.DataDir)
		if err != nil {
			return err
		}
		c.DataDir = abs
	}
	if c.JWTLeeway < 0 {
		return errors.New("jwt-leeway must not be negative")
	}
	if (c.RemoteClientID == "") != (c.RemoteSecret == "") {
		return errors.New("remote-client-id and remote-secret go together")
	}
	if c.BlobURL == "" {
		c.BlobURL = "file://" + filepath.ToSlash(filepath.Join(c.DataDir, "documenten"))
	}
	switch {
	case c.MaxDocumentSize == 0:
		c.MaxDocumentSize = 4 << 30
	case c.MaxDocumentSize < 0:
		return errors.New("max-document-size must be positive")
	}
	switch {
	case c.DocumentPartSize == 0:
		c.DocumentPartSize = 16 << 20
	case c.DocumentPartSize < 1<<10:
		// A part is one request: below a kilobyte a document becomes thousands of requests.
		return errors.New("document-part-size must be at least 1024 bytes")
	}
	d := c.Delivery
	if d.Workers < 0 || d.Timeout < 0 || d.Backoff < 0 || d.MaxBackoff < 0 || d.MaxAge < 0 {
		return errors.New("delivery settings must not be negative")
	}
	return nil
}

// Postgres reports whether the configured database is PostgreSQL.
func (c *Config) Postgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Serves reports whether the register name is switched on (--only).
func (c *Config) Serves(register string) bool {
	if len(c.Only) == 0 {
		return true
	}
	for _, o := range c.Only {
		if o == register {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
