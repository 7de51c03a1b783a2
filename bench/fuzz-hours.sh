#!/bin/sh
# Sums the fuzzing time each target has run without a crash, from the log
# tests/fuzz/run-fuzz.sh appends to ("TARGET SECONDS" per clean run), as
# CPU-hours for docs/testing.md.
log=${1:-build-fuzz/tests/fuzz/work/seconds.log}
[ -f "$log" ] || { echo "no fuzzing runs logged in $log"; exit 0; }
awk '{ s[$1] += $2 } END { for (t in s) printf "%-24s %8.2f CPU-hours\n", t, s[t] / 3600 }' "$log" | sort
