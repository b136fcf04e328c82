# callsummary: every target a developer or CI needs. `make ci` runs them all.
GO      ?= go
PKGS    ?= ./...
GOFILES  = $(shell git ls-files '*.go')

.PHONY: all generate check-generated spec test vet fmt-check conformance peers duckdb browser browser-install report-screenshot bench bench-smoke reliability-report fuzz fuzz-smoke ci

all: ci

## generate: regenerate gen/ (and the sandbox's server interface) from openapi/, and docs/cli from the command tree
generate:
	$(GO) generate ./...

## check-generated: regenerate, then fail listing any file that differs from what is committed
## (docs/cli, the command line's reference, is generated from its command tree by cmd/callsummary/gendocs.go)
GENERATED = gen conformance/sandbox/internal wrapper/gen_aliases.go docs/cli
check-generated: generate
	@changed="$$(git status --porcelain --untracked-files=all -- $(GENERATED))"; \
	if [ -n "$$changed" ]; then \
		echo "generated code is stale; run 'make generate' and commit:"; echo "$$changed"; \
		git --no-pager diff --stat -- $(GENERATED); exit 1; \
	fi

## spec: load and validate the OpenAPI document (examples included) with kin-openapi
spec:
	$(GO) test -count=1 -run 'TestDocument' ./openapi/

## test: every Go test, with the race detector
test:
	$(GO) test -race -count=1 $(PKGS)

vet:
	$(GO) vet ./...
	$(GO) vet -tags gendocs ./cmd/callsummary

fmt-check:
	@out="$$(gofmt -l $(GOFILES))"; if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## conformance: the Go conformance tests, then the independent peers (Prism, Redocly)
conformance:
	$(GO) test -race -count=1 ./conformance/...
	$(MAKE) peers

## peers: Prism mock + proxy and Redocly lint against the document (installs its npm packages itself)
peers:
	bash conformance/peers/run.sh

## duckdb: export a partitioned Parquet directory from the sandbox and check DuckDB's answer to the
## README's fleet query against package fleet (DuckDB's Go binding, in the bench module: cgo)
duckdb:
	$(MAKE) -C bench duckdb

## browser: the HTML report in a real browser. Installs Debian's chromium if it is missing (kept for
## later runs), writes the sandbox's report, and loads it from file:// in headless Chromium with the
## network blocked (browser/, its own module: chromedp never enters the library's go.mod): no console
## error, no request but the file, every chart present by id, a screenshot that is not blank.
BROWSER_OUT ?= $(CURDIR)/.browser
CHROMIUM    ?= chromium
browser: browser-install
	@mkdir -p $(BROWSER_OUT)
	$(GO) run ./cmd/callsummary report --sandbox --since 1w -q --html $(BROWSER_OUT)/report.html
	cd browser && $(GO) vet -tags browser ./... && \
		REPORT_HTML=$(BROWSER_OUT)/report.html CHROMIUM="$$(command -v $(CHROMIUM))" SCREENSHOT_OUT=$(SCREENSHOT_OUT) \
		$(GO) test -count=1 -tags browser ./...

browser-install:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
		echo "installing Debian's chromium (once: it stays installed)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## report-screenshot: regenerate docs/img/report.png, the README's picture of the sandbox's report
report-screenshot:
	@mkdir -p docs/img
	$(MAKE) browser SCREENSHOT_OUT=$(CURDIR)/docs/img/report.png

## bench: the benchmarks against twilio-go and raw net/http (own module bench/; slow, not in ci)
bench:
	$(MAKE) -C bench bench

## bench-smoke: vet the bench module and run each benchmark once, so it never rots
bench-smoke:
	$(MAKE) -C bench smoke

## reliability-report: the fault table, the drift table and the soak, with the race detector,
## spliced into RELIABILITY.md between its report markers (the figures are this machine's)
reliability-report:
	$(GO) test -race -count=1 ./reliability/ -reliability.report=$(CURDIR)/reliability/report.md
	@awk -v report=reliability/report.md \
	  '/<!-- report:begin -->/ { print; while ((getline line < report) > 0) print line; skip = 1; next } \
	   /<!-- report:end -->/ { skip = 0 } !skip' RELIABILITY.md > RELIABILITY.md.tmp && mv RELIABILITY.md.tmp RELIABILITY.md
	@rm -f reliability/report.md

## fuzz: each fuzz target for FUZZTIME; a crasher is written to its package's testdata/fuzz/
## (scripts/fuzz.sh: every Fuzz* target found with `go test -list`; see it for the one engine race it retries)
FUZZTIME ?= 30s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

## fuzz-smoke: each fuzz target for 10 s, so that a regression shows in CI
fuzz-smoke:
	$(MAKE) fuzz FUZZTIME=10s

## ci: everything CI runs on a fresh clone
ci: fmt-check vet check-generated spec test fuzz-smoke bench-smoke duckdb browser peers
