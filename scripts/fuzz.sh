#!/usr/bin/env bash
# Runs every Fuzz* target of every package for FUZZTIME (make fuzz, make
# fuzz-smoke). Targets are found with `go test -list`, so a new one cannot be
# forgotten here.
#
# A target fails the run when it writes a failing input to its package's
# testdata/fuzz/, or exits non-zero for any reason but one: Go's fuzzing
# coordinator sometimes ends a run that found nothing with a bare
# "context deadline exceeded" when -fuzztime expires while a worker is mid-input
# (golang/go#56238 and its kin; no input is written, a rerun passes). Only then
# is the target's seed corpus replayed with plain `go test` and the target
# fuzzed once more; a second failure of any kind fails the run.
set -uo pipefail

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
MINIMIZETIME=${MINIMIZETIME:-2s}

# corpus lists the failing inputs a target has in testdata, one per line.
corpus() { find "$1/testdata/fuzz/$2" -type f 2>/dev/null | sort; }

# fuzz_once runs one target; it returns 0 on a pass, 1 on a failure and 2 on
# the coordinator's deadline race. A failing input appearing in testdata is
# what tells a finding from the race.
fuzz_once() {
	local pkg=$1 dir=$2 name=$3 out before rc=0
	out=$(mktemp)
	before=$(corpus "$dir" "$name")
	"$GO" test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MINIMIZETIME" "$pkg" 2>&1 | tee "$out"
	if [ "${PIPESTATUS[0]}" -ne 0 ]; then
		rc=1
		if [ "$before" != "$(corpus "$dir" "$name")" ]; then
			echo "fuzz: $name wrote a failing input:"
			comm -13 <(echo "$before") <(corpus "$dir" "$name")
		elif grep -q 'context deadline exceeded' "$out"; then
			rc=2
		fi
	fi
	rm -f "$out"
	return $rc
}

status=0
for pkg in $("$GO" list ./...); do
	dir=$("$GO" list -f '{{.Dir}}' "$pkg")
	if ! list=$("$GO" test -list '^Fuzz' "$pkg"); then
		echo "fuzz: cannot list the targets of $pkg:"
		echo "$list"
		exit 1
	fi
	for name in $(echo "$list" | grep '^Fuzz'); do
		echo "== $name ($pkg, $FUZZTIME)"
		fuzz_once "$pkg" "$dir" "$name"
		rc=$?
		if [ "$rc" -eq 2 ]; then
			echo "fuzz: $name ended with the coordinator's deadline race and wrote no input; replaying its seeds, then fuzzing it again"
			if "$GO" test -count=1 -run "^$name\$" "$pkg" && fuzz_once "$pkg" "$dir" "$name"; then
				rc=0
			else
				rc=1
			fi
		fi
		if [ "$rc" -ne 0 ]; then
			echo "fuzz: FAIL $name ($pkg)"
			status=1
		fi
	done
done
exit $status
