package reliability

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

var reportPath = flag.String("reliability.report", "", "write the fault table and soak counts as Markdown to this file")

// TestMain writes the report, then checks that no test left a goroutine
// behind (each test also checks on its own, to name the culprit).
func TestMain(m *testing.M) {
	code := m.Run()
	if *reportPath != "" {
		if err := report.write(*reportPath); err != nil {
			fmt.Fprintln(os.Stderr, "reliability:", err)
			code = 1
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "reliability: goroutines left behind:", err)
			code = 1
		}
	}
	os.Exit(code)
}
