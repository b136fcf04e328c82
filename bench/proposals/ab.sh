#!/usr/bin/env bash
# ab.sh PATCH BENCH [ROUNDS]
#
# Measures a proposed SDK change against the committed SDK: exports HEAD
# twice into a temporary directory, applies PATCH (made with -p1 paths from
# the repository root) to one copy, then runs the bench module's benchmarks
# matching BENCH in both copies, alternating ROUNDS times (default 6) so that
# both see the same machine load. Prints the raw results, each name tagged
# /sdk=base or /sdk=patched; compare with
#
#	go tool benchstat -col /sdk FILE
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 PATCH BENCH [ROUNDS]" >&2; exit 2; }
patch=$(realpath "$1")
bench=$2
rounds=${3:-6}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in base patched; do
	mkdir "$tmp/$v"
	git -C "$root" archive HEAD | tar -x -C "$tmp/$v"
done
(cd "$tmp/patched" && patch -s -p1 < "$patch")
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git -C "$root" rev-parse --short HEAD) + $(basename "$patch"); loadavg $(cat /proc/loadavg)"
for _ in $(seq "$rounds"); do
	for v in base patched; do
		(cd "$tmp/$v/bench" && go test -run '^$' -bench "$bench" -benchmem -count 1 .) |
			sed -n "s/^\(Benchmark[^ 	]*\)-\([0-9][0-9]*\)\([ 	]\)/\1\/sdk=$v-\2\3/p"
	done
done
