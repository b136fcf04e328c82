// Command callsummary is the command line of the callsummary SDK for Twilio
// Voice Insights' Call Summary API (GET /v1/Voice/{CallSid}/Summary).
//
// Usage:
//
//	callsummary fetch [flags] CALLSID   a call-quality report (or --json, the bytes received)
//	callsummary list [flags]            summaries filtered and paged, as a table, CSV or JSON lines
//	callsummary annotate [flags] CALLSID  read or set a call's annotation (score, issues, spam, comment)
//	callsummary validate FILE... | -    validate summary JSON against the OpenAPI document
//	callsummary serve [--addr ADDR]     run the sandbox server for other tools
//	callsummary sandbox                 list the sandbox's sample calls
//	callsummary version                 print the version
//
// With TWILIO_API_KEY and TWILIO_API_SECRET, or TWILIO_ACCOUNT_SID and
// TWILIO_AUTH_TOKEN, fetch asks Twilio (TWILIO_REGION, TWILIO_EDGE, --region
// and --edge pick the host). With neither, it starts the sandbox of package
// conformance in-process and asks it, saying so in one line on stderr: the
// README's first command works on a fresh clone.
//
// The report shows the call's type, states, direction, times and
// durations; the parties, masked unless --show-pii; the edges expected for
// the call type and which are present; a table of each edge's inbound and
// outbound stream (codec, packets, loss, jitter, latency, MOS, RTT); the
// tags, each explained; and a verdict naming the worst stream. It depends on
// the summary alone, never on the clock, and is coloured only on a terminal
// without NO_COLOR.
//
// fetch --json prints the bytes received, unknown fields and all; --wait
// polls until the summary is complete, showing each poll on stderr;
// --validate checks every response against the OpenAPI document.
//
// list streams rows as pages arrive (--limit stops fetching); its filters
// mirror Twilio's (--call-type sip,trunking, --since 4h, --has-tag, ...).
// annotate without label flags reads the annotation; with --score, --issue,
// --spam, --comment or --incident it updates it, validated before sending.
//
// serve runs the same sandbox on an address, for curl, Prism or another SDK.
// With --lifecycle every call counts as ended when the sandbox started, so
// its summaries go from 20404 to partial to complete (--partial-after,
// --complete-after); --fault-rate fails a share of requests with 429s, 5xx
// and resets.
//
// Exit status: 0 ok; 1 Twilio, the sandbox or the validator said no (the
// message names Twilio's error code and what to do); 2 a usage error, such
// as a malformed call SID, in which case nothing was sent.
package main
