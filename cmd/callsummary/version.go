package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func newVersionCmd(e *env) *cobra.Command {
	return command(e, &cobra.Command{
		Use:   "version",
		Short: "Print the version (also --version)",
		Args:  noArgs,
	}, func(cmd *cobra.Command, args []string) error {
		_, err := io.WriteString(e.stdout, versionLine()+"\n")
		return err
	})
}

// versionLine is what version and --version print.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	var b bytes.Buffer
	writeVersion(&b, info)
	return strings.TrimSuffix(b.String(), "\n")
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
