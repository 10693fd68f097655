package app

import (
	"context"
	"fmt"
	"io"

	"github.com/meent/meent/internal/autorisaties"
	"github.com/meent/meent/internal/spec"
)

// The demo client: all rights, a fixed secret. Only `meent demo` creates it.
const (
	DemoClientID = "meent-demo"
	demoSecret   = "meent-demo-secret"
)

// SeedDemo fills the database with the demo municipality. Every step looks before it writes,
// so a second run on the same data dir adds nothing.
func (a *App) SeedDemo(ctx context.Context) error {
	return a.Auth.Seed(ctx, []autorisaties.Seed{{
		ClientIDs:             []string{DemoClientID},
		Secret:                demoSecret,
		Label:                 "Meent demo",
		HeeftAlleAutorisaties: true,
	}}, a.Secrets)
}

func (a *App) printDemo(w io.Writer) {
	base := a.Config.PublicURL
	fmt.Fprintf(w, "\nMeent demo is running at %s\n\n", base)
	for _, api := range []string{"catalogi", "autorisaties", "referentielijsten"} {
		fmt.Fprintf(w, "  %-18s %s%s\n", api, base, spec.Mount(api))
	}
	fmt.Fprintf(w, "\nclient id: %s\nsecret:    %s\n\n", DemoClientID, demoSecret)
	fmt.Fprintf(w, "Try:\n  curl -H \"Authorization: Bearer $(meent token --data-dir %s)\" %s%s/zaaktypen\n\n",
		a.Config.DataDir, base, spec.Mount("catalogi"))
}
