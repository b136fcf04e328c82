package sandbox

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A property added to the document appears in every summary the sandbox
// generates, with no change to the sandbox: this test adds one to a copy
// of the module's sources, regenerates gen there, and has the copy's
// sandbox serve a generated call, which the copy's validator checks.
func TestPopulationFollowsTheDocument(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	copySources(t, root, dst)

	doc := filepath.Join(dst, "openapi", "insights.yaml")
	yaml, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	const anchor = "    CallSummary:\n      type: object\n"
	at := bytes.Index(yaml, []byte(anchor))
	props := bytes.Index(yaml[at:], []byte("      properties:\n"))
	if at < 0 || props < 0 {
		t.Fatal("CallSummary's properties not found in the document")
	}
	insert := at + props + len("      properties:\n")
	// As the document's convention asks of a summary's property (see
	// openapi's TestSummaryPropertiesAreOrderedAndAlwaysWritten).
	added := "        recording_sid:\n          x-order: 24\n          x-omitempty: false\n          type: string\n" +
		"          nullable: true\n          description: A property this test adds.\n"
	yaml = append(yaml[:insert:insert], append([]byte(added), yaml[insert:]...)...)
	if err := os.WriteFile(doc, yaml, 0o644); err != nil {
		t.Fatal(err)
	}

	probe := `package sandbox

import (
	"fmt"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
)

func TestProbe(t *testing.T) {
	h, err := NewHandler(WithPopulation(20, 1))
	if err != nil {
		t.Fatal(err)
	}
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body, ok := h.Fixture(h.PopulationCalls()[0].SID, "")
	if !ok {
		t.Fatal("no summary")
	}
	if err := v.ValidateSummary(body); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("BODY %s\n", body)
}
`
	if err := os.WriteFile(filepath.Join(dst, "conformance", "sandbox", "probe_test.go"), []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dst, "generate", "./...")
	out := goCmd(t, dst, "test", "-count=1", "-run", "^TestProbe$", "-v", "./conformance/sandbox/")
	_, body, ok := strings.Cut(out, "BODY ")
	if !ok {
		t.Fatalf("the copy's sandbox printed no summary:\n%s", out)
	}
	body, _, _ = strings.Cut(body, "\n")
	// In the order the document gives, and null, as Twilio writes a
	// property it has no value for.
	if !strings.HasSuffix(body, `,"recording_sid":null}`) {
		t.Errorf("the added property is not in the generated summary:\n%s", body)
	}
}

// copySources copies what generating gen and building the sandbox need:
// the module's files but tests, the peers' packages and the other modules.
func copySources(t *testing.T, root, dst string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", "bench", "cmd", "examples", "reliability", filepath.Join("conformance", "peers"):
				return filepath.SkipDir
			}
			if d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(rel, "_test.go") || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
