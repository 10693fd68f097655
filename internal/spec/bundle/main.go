// Command bundle writes the self-contained, patched OpenAPI files that
// internal/spec embeds, and PATCHES.md. Run it through go generate in
// internal/spec; it needs the official files (../shared/specs) but no network.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/meent/meent/internal/spec/internal/bundler"
)

func main() {
	src := flag.String("src", "../../../shared/specs", "directory with the official OpenAPI files")
	out := flag.String("out", "openapi", "output directory for <api>.yaml and <api>.json")
	patches := flag.String("patches", "PATCHES.md", "output file listing the patches")
	flag.Parse()
	if err := run(*src, *out, *patches); err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

func run(src, out, patches string) error {
	res, err := bundler.Bundle(os.DirFS(src))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// Remove files of APIs that are no longer bundled, so the embedded
	// directory is exactly the output of this run.
	old, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range old {
		if _, keep := res.Files[e.Name()]; !keep && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".json")) {
			if err := os.Remove(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(res.Files))
	for name := range res.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := writeIfChanged(filepath.Join(out, name), res.Files[name]); err != nil {
			return err
		}
	}
	return writeIfChanged(patches, bundler.Markdown(res.Patches))
}

// writeIfChanged leaves unchanged files untouched, so that a rerun shows up
// nowhere (modification times, file watchers) unless the output changed.
func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(name, data, 0o644)
}
