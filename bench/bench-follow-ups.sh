#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Follow-ups page of the real app: launch to first frame and peak RSS
# with 10,000 follow-ups, against the same launch with none (same run, same
# renderer), and the app's idle wake-ups with 1,000 open follow-ups and
# nothing due (voluntary context switches of all its threads, /proc).
# Targets: idle wake-ups <= 1 per minute. Run under .ci/test-env.sh (make bench).

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-build}
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac
poise=$builddir/src/app/poise
seed=$builddir/bench/bench-store
runs=${POISE_BENCH_RUNS:-5}
idle_seconds=${POISE_BENCH_IDLE_SECONDS:-30}

for f in "$poise" "$seed"; do
  [ -x "$f" ] || { echo "$f not built: run 'make build'"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/poise-bench-fu.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Settings persist in a keyfile, so the app opens on the Follow-ups page.
export GSETTINGS_SCHEMA_DIR=$builddir/data GSETTINGS_BACKEND=keyfile
export XDG_CONFIG_HOME=$work/config NO_AT_BRIDGE=1
gsettings set io.github.poisedesk.Poise visible-page "'follow-ups'"

median () { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# launch DATA_DIR: prints "FIRST_FRAME_MS PEAK_RSS_KIB"
launch () {
  XDG_DATA_HOME=$1 POISE_BENCH_FIRST_FRAME=1 POISE_BENCH_T0_NS=$(date +%s%N) "$poise" 2>/dev/null |
    awk '$1 == "first-frame-ms" { ms = $2 } $1 == "peak-rss-kib" { kib = $2 } END { print ms, kib }'
}

mkdir -p "$work/empty/poise" "$work/full/poise" "$work/idle/poise"
"$seed" --seed "$work/full/poise/poise.db" 10000 || exit 1
"$seed" --seed "$work/idle/poise/poise.db" 1000 || exit 1

echo "renderer: GSK_RENDERER=${GSK_RENDERER:-unset (GTK default: gl)}"
launch "$work/empty" >/dev/null    # warm-up
full_ms=""; full_kib=""; empty_ms=""; empty_kib=""
for i in $(seq "$runs"); do
  read -r ms kib < <(launch "$work/full");  full_ms="$full_ms $ms";  full_kib="$full_kib $kib"
  read -r ms kib < <(launch "$work/empty"); empty_ms="$empty_ms $ms"; empty_kib="$empty_kib $kib"
done
fm=$(echo "$full_ms" | median); em=$(echo "$empty_ms" | median)
fk=$(echo "$full_kib" | median); ek=$(echo "$empty_kib" | median)
echo "follow-ups-page-10000 first-frame median $fm ms, empty $em ms, ratio $(echo "$fm $em" | awk '{ printf "%.2f", $1 / $2 }')"
echo "follow-ups-page-10000 peak-rss $((fk / 1024)) MiB, empty $((ek / 1024)) MiB"

# Idle: the window shown, 1,000 follow-ups open, none due for a day.
XDG_DATA_HOME=$work/idle "$poise" >/dev/null 2>&1 &
pid=$!
sleep 5
# switches: "TID COUNT" per thread. Threads come and go (GLib's pools), so
# the wake-ups are the growth of each thread seen twice plus all of a new one.
switches () {
  for f in /proc/"$pid"/task/*/status; do
    awk -v tid="$(basename "$(dirname "$f")")" '/^voluntary_ctxt_switches/ { print tid, $2 }' "$f" 2>/dev/null
  done
}
switches >"$work/before"
sleep "$idle_seconds"
switches >"$work/after"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
wakeups=$(awk 'NR == FNR { before[$1] = $2; next } { n += $2 - ($1 in before ? before[$1] : 0) } END { print n + 0 }' \
  "$work/before" "$work/after")
echo "idle-wakeups-app-1000-open: $(echo "$wakeups $idle_seconds" | awk '{ printf "%.1f", $1 * 60 / $2 }') per minute over ${idle_seconds} s, all threads (target <= 1)"
