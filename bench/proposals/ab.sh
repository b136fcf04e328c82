#!/usr/bin/env bash
# ab.sh PATCH BENCH [ROUNDS]
# ab.sh -r REV BENCH [ROUNDS]
#
# Measures a proposed SDK change against the committed SDK: exports HEAD
# twice into a temporary directory, applies PATCH (made with -p1 paths from
# the repository root) to one copy, then runs the bench module's benchmarks
# matching BENCH in both copies, alternating ROUNDS times (default 6) so that
# both see the same machine load. With -r, the base is commit REV, with its
# own bench module, and the other copy is HEAD: a regression check of
# everything since REV. Prints the raw results, each name tagged /sdk=base or
# /sdk=patched; compare with
#
#	go tool benchstat -col /sdk FILE
set -euo pipefail
rev=
if [ "${1:-}" = -r ]; then
	rev=${2:?usage: $0 -r REV BENCH [ROUNDS]}
	shift 2
	set -- - "$@"
fi
[ $# -ge 2 ] || { echo "usage: $0 PATCH BENCH [ROUNDS] | $0 -r REV BENCH [ROUNDS]" >&2; exit 2; }
bench=$2
rounds=${3:-6}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/base" "$tmp/patched"
git -C "$root" archive "${rev:-HEAD}" | tar -x -C "$tmp/base"
git -C "$root" archive HEAD | tar -x -C "$tmp/patched"
if [ -n "$rev" ]; then
	what="commit $(git -C "$root" rev-parse --short "$rev") (base) against $(git -C "$root" rev-parse --short HEAD)"
else
	patch=$(realpath "$1")
	(cd "$tmp/patched" && patch -s -p1 < "$patch")
	what="commit $(git -C "$root" rev-parse --short HEAD) + $(basename "$patch")"
fi
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $what; loadavg $(cat /proc/loadavg)"
for _ in $(seq "$rounds"); do
	for v in base patched; do
		(cd "$tmp/$v/bench" && go test -run '^$' -bench "$bench" -benchmem -count 1 .) |
			sed -n "s/^\(Benchmark[^ 	]*\)-\([0-9][0-9]*\)\([ 	]\)/\1\/sdk=$v-\2\3/p"
	done
done
