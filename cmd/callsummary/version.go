package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("version")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments")
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	writeVersion(e.stdout, info)
	return nil
}

// writeVersion prints the SDK version and, when the binary carries build
// information, the module version, VCS revision and Go toolchain: what a
// bug report needs.
func writeVersion(w io.Writer, info *debug.BuildInfo) {
	fmt.Fprintf(w, "callsummary %s\n", callsummary.Version)
	if info == nil {
		return
	}
	fmt.Fprintf(w, "  module  %s %s\n", info.Main.Path, info.Main.Version)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line := rev
		if t := settings["vcs.time"]; t != "" {
			line += " " + t
		}
		if settings["vcs.modified"] == "true" {
			line += " (modified)"
		}
		fmt.Fprintf(w, "  commit  %s\n", line)
	}
	platform := ""
	if settings["GOOS"] != "" {
		platform = " " + settings["GOOS"] + "/" + settings["GOARCH"]
	}
	fmt.Fprintf(w, "  go      %s%s\n", info.GoVersion, platform)
}
