#!/usr/bin/env bash
# The independent peers (make peers, CI): Redocly CLI lints the document, then
# Prism mocks it and proxies the sandbox in the Go tests behind the `peers`
# build tag. Installs the pinned npm packages itself (package-lock.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$here/node_modules/.bin"

# Redocly: no telemetry, no update check.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

echo "peers: npm ci"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

echo "peers: redocly lint openapi/insights.yaml"
"$bin/redocly" lint --config "$here/redocly.yaml" --format=summary "$root/openapi/insights.yaml"

echo "peers: prism mock and proxy"
cd "$root"
PRISM_BIN="$bin/prism" go test -tags peers -count=1 ./conformance/peers/
