// Command callsummary is the command line of the callsummary SDK for Twilio
// Voice Insights' Call Summary API (GET /v1/Voice/{CallSid}/Summary).
//
// Usage:
//
//	callsummary fetch [flags] CALLSID     a call-quality report (-o json: the bytes received; --wait: until complete)
//	callsummary list [flags]              summaries filtered and paged, with their quality at a glance
//	callsummary stats [flags] [FILE...]   fleet statistics over the API or exported files (package fleet)
//	callsummary export -o FORMAT [flags]  NDJSON (lossless), Hive-partitioned Parquet or CSV, resumable
//	callsummary watch --every 5m [flags]  calls as their summaries complete, a line per round, resumable
//	callsummary annotate [flags] CALLSID  read or set a call's annotation (score, issues, spam, comment)
//	callsummary validate FILE... | -      validate summary JSON (one value, NDJSON or a stream) against the document
//	callsummary serve [--addr ADDR]       run the sandbox server for other tools
//	callsummary sandbox                   list the sandbox's sample calls
//	callsummary completion SHELL          a completion script for bash, zsh, fish or powershell
//	callsummary version                   print the version
//
// The commands are built on spf13/cobra and pflag: GNU flags with short
// forms (-o, -n, -q, -v), help for every command, suggestions for a mistyped
// command or flag. The reference in docs/cli is generated from the same
// tree (gendocs.go).
//
// With TWILIO_API_KEY and TWILIO_API_SECRET, or TWILIO_ACCOUNT_SID and
// TWILIO_AUTH_TOKEN, fetch, list, stats, export, watch and annotate ask
// Twilio (TWILIO_REGION, TWILIO_EDGE, --region and --edge pick the host).
// With neither they refuse (exit 2), unless --sandbox or
// CALLSUMMARY_SANDBOX=1 asks for the built-in sandbox of package
// conformance/sandbox, started in-process: a job that lost its secrets
// never reports sample calls as real. Every human-readable output
// a sandbox produced says so at its top.
//
// Every string a server sent goes through internal/safetext.Printable before
// it reaches text output; -o json and ndjson print the bytes received.
//
// stats, fetch and watch take --fail-if EXPR, thresholds over the figures
// they found (p90(jitter) > 30, share(poor) > 5%, mos < 3.5): every breach is
// listed on stderr after the output, and the command exits 3. The grammar is
// 'callsummary help fail-if' (threshold_parse.go). watch lists, a round at a
// time, the calls whose summaries completed since the last round
// (watch_state.go says how none is reported twice or skipped).
//
// Exit status: 0 ok (also when the reader of stdout goes away, as in
// callsummary list | head); 1 Twilio, the sandbox or the validator said no;
// 2 a usage error, in which case nothing was sent; 3 a --fail-if threshold
// breached (the command otherwise succeeded); 128+n on signal n (130 for
// Ctrl-C), except serve, which Ctrl-C stops with 0.
package main

//go:generate go run -tags gendocs . ../../docs/cli
