package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The README's program runs against the sandbox, configured as a user
// would configure it: through the environment only.
func TestQuickstartAgainstTheSandbox(t *testing.T) {
	srv := testkit.Start(t, func() (*sandbox.Server, error) { return sandbox.NewServer() })
	t.Setenv(callsummary.EnvBaseURL, srv.URL)
	t.Setenv(callsummary.EnvAccountSID, srv.Handler().AccountSID())
	t.Setenv(callsummary.EnvAuthToken, srv.Handler().AuthToken())
	for _, name := range []string{callsummary.EnvAPIKey, callsummary.EnvAPISecret, callsummary.EnvRegion, callsummary.EnvEdge} {
		t.Setenv(name, "")
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, "CA62608e08adc29a8d6dbc9754e659f125"); err != nil {
		t.Fatal(err)
	}
	want := `CA62608e08adc29a8d6dbc9754e659f125 (client, completed, complete)
sdk_edge/inbound        loss  6.68 %  jitter  9.4 ms  MOS 3.28
sdk_edge/outbound       loss  0.00 %
client_edge/inbound     loss  5.70 %  jitter  7.8 ms
client_edge/outbound    loss  0.00 %  jitter  0.6 ms
worst stream: sdk_edge/inbound
high_jitter: packets arrived unevenly: average jitter above about 5 ms with peaks above about 30 ms, or over 1% of packets delayed by 200 ms or more
high_packet_loss: more than 5% of packets were lost
low_mos: the SDK's estimated mean opinion score fell below 3.5
lowest MOS the device heard: 1.92
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}

	err := run(t.Context(), &out, "CA00000000000000000000000000000000")
	if err == nil || !strings.Contains(err.Error(), "no summary of CA00000000000000000000000000000000 yet") {
		t.Errorf("unknown call: %v", err)
	}
}

// The README quotes this program whole, so that it cannot drift from the
// API: the README's Go block is main.go, byte for byte.
func TestREADMEQuotesThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	program, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, append(append([]byte("```go\n"), program...), "```\n"...)) {
		t.Error("README.md does not quote examples/quickstart/main.go exactly in a ```go block; paste the file into it again")
	}
}
