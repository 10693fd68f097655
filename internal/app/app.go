// Package app wires Meent together: it opens the database, builds the shared services of the
// ZGW kit, mounts every register that is switched on, and runs the HTTP server.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/besluiten"
	"github.com/meent/meent/internal/blob"
	"github.com/meent/meent/internal/catalogi"
	"github.com/meent/meent/internal/config"
	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/documenten"
	"github.com/meent/meent/internal/klantinteracties"
	"github.com/meent/meent/internal/notificaties"
	"github.com/meent/meent/internal/oas"
	"github.com/meent/meent/internal/objecten"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/referentielijsten"
	"github.com/meent/meent/internal/spec"
	"github.com/meent/meent/internal/zaken"
	"github.com/meent/meent/internal/zgw"
)

// App is a running Meent.
type App struct {
	Config  config.Config
	DB      *db.DB
	Log     *slog.Logger
	Secrets *zgw.SecretStore
	Auth    *autorisaties.Register
	Handler http.Handler
	// Notificaties and Deliverer are nil when the Notificaties register is not served.
	Notificaties *notificaties.Register
	Deliverer    *outbox.Deliverer
	// Blob holds document content; nil when the Documenten register is not served.
	Blob *blob.Store

	mux      *http.ServeMux
	stop     context.CancelFunc // ends the delivery workers
	listener net.Listener
	server   *http.Server
	done     chan error
}

// New opens the database and builds the handler; it does not listen yet. The listener is
// taken first so that a ":0" address gets its real port into the public URL.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	if err := cfg.Finish(); err != nil {
		ln.Close()
		return nil, err
	}
	a, err := build(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return nil, err
	}
	a.listener = ln
	return a, nil
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	key, err := secretKey(cfg)
	if err != nil {
		d.Close()
		return nil, err
	}
	secrets, err := zgw.NewSecretStore(d, key)
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Config: cfg, DB: d, Log: log, Secrets: secrets}
	mux := http.NewServeMux()
	if err := a.mount(ctx, mux); err != nil {
		d.Close()
		return nil, err
	}
	if cfg.Applicaties != "" {
		if err := a.seedApplicaties(ctx, cfg.Applicaties); err != nil {
			d.Close()
			return nil, fmt.Errorf("applicaties %s: %w", cfg.Applicaties, err)
		}
	}
	a.mux = mux
	a.Handler = logRequests(log, mux)
	return a, nil
}

// mount builds one zgw.API per register and lets the register add its routes.
func (a *App) mount(ctx context.Context, mux *http.ServeMux) (err error) {
	cfg := a.Config
	allow := append([]string(nil), cfg.AllowFetch...)
	if cfg.ReferentielijstenURL != "" {
		allow = append(allow, cfg.ReferentielijstenURL+"/")
	}
	refs := zgw.NewResolver(cfg.PublicURL, mux, allow)
	if cfg.RemoteClientID != "" {
		refs.Authorization = func() (string, error) {
			t, err := zgw.Token(cfg.RemoteClientID, cfg.RemoteSecret, cfg.RemoteClientID, "Meent", time.Now())
			return "Bearer " + t, err
		}
	}
	a.Auth = autorisaties.NewRegister(a.DB)
	auth := zgw.NewAuthenticator(a.Secrets, a.Auth, cfg.JWTLeeway)
	auth.Tokens = a.Auth
	newAPI := func(name, component string) (*zgw.API, error) {
		raw, _ := spec.JSON(name)
		doc, err := oas.Compile(raw)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %w", name, err)
		}
		y, _ := spec.YAML(name)
		api := &zgw.API{
			Name: name, Component: component, Root: spec.Mount(name), Version: spec.Version(name),
			PublicURL: cfg.PublicURL, Auth: auth, Secrets: a.Secrets, Refs: refs, DB: a.DB,
			Log: a.Log, Spec: doc, SpecYAML: y, SpecJSON: raw,
		}
		api.Mount(mux)
		return api, nil
	}
	selectielijst := cfg.PublicURL + spec.Mount("referentielijsten")
	if cfg.ReferentielijstenURL != "" {
		selectielijst = cfg.ReferentielijstenURL
	}
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Serves("notificaties") {
		a.Notificaties = notificaties.NewRegister(a.DB)
		d := cfg.Delivery
		a.Deliverer = outbox.New(a.DB, a.Notificaties, outbox.Config{Workers: d.Workers, Timeout: d.Timeout,
			BaseBackoff: d.Backoff, MaxBackoff: d.MaxBackoff, MaxAge: d.MaxAge, Retention: d.Retention}, a.Log)
		metrics.MustRegister(a.Deliverer.Collectors()...)
	}
	if cfg.Serves("documenten") {
		if dir, ok := strings.CutPrefix(cfg.BlobURL, "file://"); ok {
			dir, _, _ = strings.Cut(dir, "?")
			// The embedded default: the directory is made on first start, like the database.
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return fmt.Errorf("blob %s: %w", cfg.BlobURL, err)
			}
		}
		if a.Blob, err = blob.Open(ctx, cfg.BlobURL); err != nil {
			return fmt.Errorf("blob %s: %w", cfg.BlobURL, err)
		}
	}
	registers := []struct {
		name, component string
		mount           func(*zgw.API)
	}{
		{"autorisaties", "ac", a.Auth.Mount},
		{"notificaties", "nrc", func(api *zgw.API) { a.Notificaties.Mount(api, a.Deliverer) }},
		{"referentielijsten", "", referentielijsten.Mount},
		{"catalogi", "ztc", func(api *zgw.API) { catalogi.Mount(api, selectielijst) }},
		{"zaken", "zrc", zaken.Mount},
		{"documenten", "drc", func(api *zgw.API) {
			documenten.Mount(api, documenten.Options{Blob: a.Blob, MaxSize: cfg.MaxDocumentSize, PartSize: cfg.DocumentPartSize})
		}},
		{"besluiten", "brc", besluiten.Mount},
		{"klantinteracties", "", klantinteracties.Mount},
		{"objecttypen", "", objecten.MountObjecttypen},
		{"objecten", "", objecten.MountObjecten},
	}
	for _, r := range registers {
		if !cfg.Serves(r.name) {
			continue
		}
		api, err := newAPI(r.name, r.component)
		if err != nil {
			return err
		}
		r.mount(api)
	}
	if a.Notificaties != nil {
		// The platform's own kanalen exist before any register can publish on them.
		if err := a.Notificaties.EnsureKanalen(ctx, notificaties.PlatformKanalen()); err != nil {
			return fmt.Errorf("kanalen: %w", err)
		}
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(metrics, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	return nil
}

// seedApplicaties applies the applicaties file: the applicaties with their secrets and tokens,
// and their permissions in the Objecten API. The file is the source of truth for the client
// ids it names.
func (a *App) seedApplicaties(ctx context.Context, path string) error {
	seeds, err := a.Auth.SeedFile(ctx, path, a.Secrets)
	if err != nil || !a.Config.Serves("objecten") {
		return err
	}
	var clients []string
	var perms []objecten.Permissie
	for _, s := range seeds {
		clients = append(clients, s.ClientIDs...)
		for _, p := range s.Objecten {
			for _, c := range s.ClientIDs {
				perms = append(perms, objecten.Permissie{ClientID: c, Objecttype: p.Objecttype, Mode: p.Mode, UseFields: p.Velden != nil, Fields: p.Velden})
			}
		}
	}
	return objecten.ReplacePermissies(ctx, a.DB, clients, perms)
}

// secretKey is the configured key, or else one kept in the data dir (created on first start).
// Several nodes on one PostgreSQL must share --secret-key.
func secretKey(cfg config.Config) ([]byte, error) {
	if cfg.SecretKey != "" {
		return []byte(cfg.SecretKey), nil
	}
	if cfg.Postgres() {
		return nil, errors.New("with PostgreSQL, set --secret-key (MEENT_SECRET_KEY): every node needs the same key to read the stored JWT secrets")
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write secret key: %w", err)
	}
	return []byte(hex.EncodeToString(k)), nil
}

// URL is the public base URL.
func (a *App) URL() string { return a.Config.PublicURL }

// Start serves, and delivers notifications, in the background until Close.
func (a *App) Start() {
	a.StartServer()
	a.StartDelivery()
}

// StartDelivery runs the notification delivery workers until Close (nothing when the
// Notificaties register is not served). Tests that drive delivery themselves leave it off.
func (a *App) StartDelivery() {
	if a.Deliverer == nil || a.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.stop = cancel
	a.Deliverer.Start(ctx)
}

// StartServer serves HTTP in the background until Close.
func (a *App) StartServer() {
	a.server = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	a.done = make(chan error, 1)
	go func() { a.done <- a.server.Serve(a.listener) }()
}

// Run serves until ctx is cancelled, then shuts down gracefully: in-flight requests get up to
// 20 seconds to finish.
func (a *App) Run(ctx context.Context) error {
	a.Start()
	a.Log.Info("meent listening", "addr", a.listener.Addr().String(), "public_url", a.Config.PublicURL, "database", string(a.DB.Dialect))
	select {
	case err := <-a.done:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	return a.Close()
}

// Close stops the server (gracefully) and closes the database.
func (a *App) Close() error {
	var err error
	if a.server != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err = a.server.Shutdown(sctx)
	} else if a.listener != nil {
		a.listener.Close()
	}
	if a.stop != nil {
		a.stop()
		a.Deliverer.Wait()
	}
	if a.Blob != nil {
		err = errors.Join(err, a.Blob.Close())
	}
	return errors.Join(err, a.DB.Close())
}

// logRequests logs one line per request; no headers, so tokens never reach the log.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	w.status = s
	w.ResponseWriter.WriteHeader(s)
}
