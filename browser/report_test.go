//go:build browser

package browser

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// fleetCharts are the charts of every fleet report; each worst call adds
// chart-call-N.
var fleetCharts = []string{
	"chart-dist-mos", "chart-dist-jitter_ms", "chart-dist-packet_loss_pct", "chart-dist-rtt_ms",
	"chart-tags", "chart-poor-over-time",
	"chart-by-to_carrier", "chart-by-from_carrier", "chart-by-to_country", "chart-by-from_country", "chart-by-edge_location",
}

// events records what the page did: console errors, exceptions, log
// entries of level error, and every request it made.
type events struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func (e *events) listen(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			e.errors = append(e.errors, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		e.errors = append(e.errors, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			e.errors = append(e.errors, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		e.requests = append(e.requests, ev.Request.URL)
	}
}

// The sandbox's report, loaded from file:// with the network blocked, logs
// no error, requests nothing but itself, has every chart (an SVG with a
// title, drawn at a readable size, in the page's text colour in light and
// dark mode), and does not render blank.
func TestReportInChromium(t *testing.T) {
	path := os.Getenv("REPORT_HTML")
	if path == "" {
		t.Fatal("REPORT_HTML names the report to load (make browser sets it)")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	page := (&url.URL{Scheme: "file", Path: abs}).String()
	worst := 10
	if n := os.Getenv("REPORT_WORST"); n != "" {
		if _, err := fmt.Sscan(n, &worst); err != nil {
			t.Fatalf("REPORT_WORST %q: %v", n, err)
		}
	}
	charts := fleetCharts
	for i := 1; i <= worst; i++ {
		charts = append(charts, fmt.Sprintf("chart-call-%d", i))
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		// The network is blocked: no name resolves, and any connection
		// would go to a proxy that is not there.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.ProxyServer("http://127.0.0.1:9"),
		chromedp.WindowSize(1280, 900),
	)
	if exe := os.Getenv("CHROMIUM"); exe != "" {
		opts = append(opts, chromedp.ExecPath(exe))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	ev := &events{}
	if err := chromedp.Listen(bctx, ev.listen); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	scheme := func(s string) error {
		_, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s}}})
		return err
	}
	if err := scheme("light"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 1200), chromedp.Navigate(page), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("loading %s: %v", page, err)
	}
	found, err := chromedp.Run(bctx, chromedp.Evaluate[map[string]string](chartCheck(charts)))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range charts {
		if msg, ok := found[id]; !ok || msg != "ok" {
			t.Errorf("chart %s: %s", id, orMissing(msg, ok))
		}
	}
	inkOf := chromedp.Evaluate[string](`getComputedStyle(document.getElementById("chart-tags")).color`)
	lightInk, err := chromedp.Run(bctx, inkOf)
	if err != nil {
		t.Fatal(err)
	}
	light, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := scheme("dark"); err != nil {
		t.Fatal(err)
	}
	darkInk, err := chromedp.Run(bctx, inkOf)
	if err != nil {
		t.Fatal(err)
	}
	dark, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if lightInk == darkInk {
		t.Errorf("charts are inked %s in both light and dark mode", lightInk)
	}
	// Print media: the page must not log an error there either.
	if _, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[string]("document.title")); err != nil {
		t.Fatal(err)
	}

	ev.mu.Lock()
	for _, e := range ev.errors {
		t.Errorf("the page logged an error: %s", e)
	}
	if len(ev.requests) == 0 {
		t.Error("no request seen at all: the listener is not working")
	}
	for _, r := range ev.requests {
		if r != page {
			t.Errorf("the page requested %s (only %s is allowed)", r, page)
		}
	}
	ev.mu.Unlock()

	for name, shot := range map[string][]byte{"light": light, "dark": dark} {
		if err := notBlank(shot); err != nil {
			t.Errorf("%s screenshot: %v", name, err)
		}
	}
	if out := os.Getenv("SCREENSHOT_OUT"); out != "" && !t.Failed() {
		if err := os.WriteFile(out, light, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", out)
	}
}

// chartCheck returns, for each id, "ok" or what is wrong with its chart.
func chartCheck(ids []string) string {
	var b strings.Builder
	b.WriteString("(() => { const out = {}; for (const id of [")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q", id)
	}
	b.WriteString(`]) {
		const el = document.getElementById(id);
		if (!el) { continue; }
		if (!(el instanceof SVGSVGElement)) { out[id] = "not an <svg>: " + el.tagName; continue; }
		const title = el.querySelector(":scope > title"), desc = el.querySelector(":scope > desc");
		if (!title || !title.textContent || !desc || !desc.textContent) { out[id] = "no title or desc"; continue; }
		el.scrollIntoView();
		const r = el.getBoundingClientRect();
		if (r.width < 200 || r.height < 100) { out[id] = "drawn at " + r.width + "x" + r.height; continue; }
		if (el.querySelectorAll("path").length < 3 || el.querySelectorAll("text").length < 2) { out[id] = "nearly empty"; continue; }
		out[id] = "ok";
	}
	window.scrollTo(0, 0);
	return out; })()`)
	return b.String()
}

func orMissing(msg string, ok bool) string {
	if !ok {
		return "missing"
	}
	return msg
}

// notBlank decodes a PNG and checks that its pixels vary: many distinct
// colours, and a spread of luminance that a blank or single-colour page
// does not have.
func notBlank(b []byte) error {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return err
	}
	colors := map[[3]uint32]bool{}
	var sum, sumSq, n float64
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			l := 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(bl)
			sum += l
			sumSq += l * l
			n++
		}
	}
	sd := math.Sqrt(sumSq/n-(sum/n)*(sum/n)) / 65535
	if len(colors) < 50 || sd < 0.05 {
		return fmt.Errorf("%v image: %d colours, luminance spread %.3f: blank", bounds.Size(), len(colors), sd)
	}
	return nil
}
