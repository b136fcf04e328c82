package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The command tree is built afresh for every run (no package state), on
// cobra and pflag: GNU flags with short forms, help for every command,
// "did you mean" for mistyped commands and flags, shell completion, and the
// reference in docs/cli generated from the same tree.

const rootLong = `callsummary reads Twilio Voice Insights call summaries: a call-quality report
for one call, a filtered list of many with their quality at a glance, fleet
statistics, a lossless or columnar export for a data lake, a watch of calls as
their summaries complete, a call's annotation, and validation of summary JSON
against the OpenAPI document. --fail-if thresholds on stats, fetch and watch
exit 3 when breached, to gate a pipeline or page someone.

Credentials come from TWILIO_API_KEY and TWILIO_API_SECRET, or TWILIO_ACCOUNT_SID
and TWILIO_AUTH_TOKEN; TWILIO_REGION and TWILIO_EDGE (or --region, --edge) pick
Twilio's host, CALLSUMMARY_BASE_URL (or --base-url) another one. Without
credentials, the commands that ask Twilio refuse to run unless told to use the
built-in sandbox, a fake Twilio with sample calls, with --sandbox or
CALLSUMMARY_SANDBOX=1: generated data is never reported by accident.

Exit status: 0 ok; 1 Twilio or the validator said no; 2 usage error (nothing was
sent); 3 a --fail-if threshold breached (callsummary help fail-if); 130
interrupted (Ctrl-C). A reader that goes away (callsummary list | head) ends the
command quietly, with 0.`

const rootExample = `  callsummary fetch --sandbox CA62608e08adc29a8d6dbc9754e659f125
  callsummary list --since 1d --call-type client --sort mos -n 20
  callsummary list -o ndjson --since 1d | callsummary validate -`

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "callsummary",
		Short:         "Twilio Voice Insights call summaries from the command line",
		Long:          rootLong,
		Example:       rootExample,
		Version:       versionLine(),
		SilenceErrors: true, // run reports each error once, with its exit code
		SilenceUsage:  true,
		// A run of the root alone is a mistake: cobra then also reports an
		// unknown command, with suggestions, instead of printing help.
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("missing command: try 'callsummary fetch --sandbox %s', or 'callsummary --help'", sampleSID)
		},
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout) // help, usage, version and completion scripts
	root.SetErr(e.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "print nothing on stderr but errors: no progress, notes or request log")
	pf.BoolVarP(&e.verbose, "verbose", "v", false, "print each HTTP exchange on stderr: method, URL without query, status, request id, timing (never a credential)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if e.quiet && e.verbose {
			return usagef("-q/--quiet and -v/--verbose contradict each other; give one")
		}
		return nil
	}
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(newFetchCmd(e), newListCmd(e), newAnnotateCmd(e), newValidateCmd(e),
		newExportCmd(e), newStatsCmd(e), newReportCmd(e), newWatchCmd(e), newServeCmd(e), newSandboxCmd(e), newVersionCmd(e), newFailIfTopic())
	root.SetHelpCommand(newHelpCmd())
	return root
}

// command fills what every subcommand shares: its code runs as RunE with
// env marked as running, so that errors before it are usage errors.
func command(e *env, c *cobra.Command, runE func(cmd *cobra.Command, args []string) error) *cobra.Command {
	c.RunE = func(cmd *cobra.Command, args []string) error {
		e.ran = true
		return runE(cmd, args)
	}
	c.Flags().SortFlags = false // in the order a reader needs them
	return c
}

// newHelpCmd replaces cobra's help command, which exits 0 for an unknown
// topic: here it is a usage error, with suggestions.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var out []cobra.Completion
			for _, c := range cmd.Root().Commands() {
				if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				topic := strings.Join(args, " ")
				msg := fmt.Sprintf("unknown help topic %q", topic)
				if s := cmd.Root().SuggestionsFor(topic); len(s) > 0 {
					msg += "; did you mean " + strings.Join(s, " or ") + "?"
				}
				return usagef("%s", msg)
			}
			return target.Help()
		},
	}
}

// flagError makes a flag the command cannot parse a usage error, naming
// the flag as typed and, for an unknown one, the flags it may have meant.
func flagError(cmd *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	if errors.As(err, &notExist) {
		if s := flagSuggestions(cmd, notExist.GetSpecifiedName()); len(s) > 0 {
			return usagef("%v; did you mean %s?", err, strings.Join(s, " or "))
		}
	}
	return &cliError{code: exitUsage, err: err, help: true}
}

// flagSuggestions are the command's flags within two edits of name, or
// that start with it.
func flagSuggestions(cmd *cobra.Command, name string) []string {
	var out []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if editDistance(name, f.Name) <= 2 || (len(name) > 1 && strings.HasPrefix(f.Name, name)) {
			out = append(out, "--"+f.Name)
		}
	})
	return out
}

// editDistance is the Levenshtein distance between a and b, ignoring case.
func editDistance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
