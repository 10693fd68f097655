// Command meent runs the Meent platform; see internal/app for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/meent/meent/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
