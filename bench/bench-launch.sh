#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Launch benchmark: time to first frame and peak memory of poise against a
# minimal libadwaita window (bench-minimal-window), and gnome-text-editor
# where installed.
#
# Poise and the minimal window time themselves (bench/first-frame.c): with
# POISE_BENCH_FIRST_FRAME=1 they print first-frame-ms and peak-rss-kib on
# their first painted frame and exit. The runner passes the start time in
# POISE_BENCH_T0_NS (date +%s%N) just before exec, so both are timed alike.
# gnome-text-editor cannot hook, so it is measured from outside: the time
# until its window is mapped and viewable (polling xwininfo) and VmHWM from
# /proc/PID/status just before it is killed. Whenever that external method
# runs, poise and the minimal window are measured with it too, so the
# ratios compare like with like.
#
# Runs under one Xvfb and one session bus: started here through
# .ci/test-env.sh when DISPLAY is unset. All programs use the same GSK
# renderer: GTK's default (GL on llvmpipe here) unless GSK_RENDERER is set.
#
# Env: BUILDDIR (default build), POISE_BENCH_RUNS (default 10),
#      POISE_BENCH_EXTERNAL=1 to run the external method even without
#      gnome-text-editor.

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DISPLAY:-}" ]; then
  exec "$root/.ci/test-env.sh" "$0" "$@"
fi

builddir=${BUILDDIR:-build}
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac
runs=${POISE_BENCH_RUNS:-10}
timeout_s=30

poise=$builddir/src/app/poise
minimal=$builddir/bench/bench-minimal-window
gte=$(command -v gnome-text-editor || true)

export GSETTINGS_SCHEMA_DIR=${GSETTINGS_SCHEMA_DIR:-$builddir/data}
export GSETTINGS_BACKEND=${GSETTINGS_BACKEND:-memory}
unset POISE_BENCH_FIRST_FRAME POISE_BENCH_T0_NS

work=$(mktemp -d "${TMPDIR:-/tmp}/poise-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

echo "launch benchmark: $runs runs each, alternating; display $DISPLAY"
echo "renderer: GSK_RENDERER=${GSK_RENDERER:-unset (GTK default: gl)}"

if [ ! -x "$minimal" ]; then
  echo "bench-minimal-window not built ($minimal): run 'make build' first"
  exit 1
fi
have_poise=1
if [ ! -x "$poise" ]; then
  echo "poise not built ($poise missing): measuring the others only"
  have_poise=0
fi

# --- helpers ----------------------------------------------------------------

median () {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure_hook NAME BINARY: one self-timed run; appends to $work/NAME.{ms,kib}.
measure_hook () {
  local name=$1 bin=$2 out ms kib
  out=$(POISE_BENCH_FIRST_FRAME=1 POISE_BENCH_T0_NS=$(date +%s%N) \
          timeout "$timeout_s" "$bin" 2>>"$work/$name.stderr")
  ms=$(printf '%s\n' "$out" | awk '$1 == "first-frame-ms" { print $2 }')
  kib=$(printf '%s\n' "$out" | awk '$1 == "peak-rss-kib" { print $2 }')
  if [ -z "$ms" ] || [ -z "$kib" ]; then
    echo "  $name: no first-frame line (see stderr below); run ignored"
    tail -n 5 "$work/$name.stderr" | sed 's/^/    /'
    return 1
  fi
  echo "$ms" >>"$work/$name.ms"
  echo "$kib" >>"$work/$name.kib"
}

# find_viewable PATTERN: print the id of a viewable top-level window whose
# xwininfo tree line (title and WM_CLASS) matches PATTERN, if any.
find_viewable () {
  local id
  for id in $(xwininfo -root -children 2>/dev/null | grep -iE -- "$1" | awk '$1 ~ /^0x/ { print $1 }'); do
    if xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable'; then
      echo "$id"
      return 0
    fi
  done
  return 1
}

# measure_external NAME PATTERN BINARY [ARGS]: time until the window is
# mapped, VmHWM just before the kill; appends to $work/NAME.ext{ms,kib}.
measure_external () {
  local name=$1 pattern=$2 t0 t1 pid kib deadline
  shift 2
  t0=$(date +%s%N)
  "$@" >/dev/null 2>>"$work/$name.stderr" &
  pid=$!
  deadline=$(( t0 + timeout_s * 1000000000 ))
  while ! find_viewable "$pattern" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s%N)" -gt "$deadline" ]; then
      echo "  $name: no window appeared; run ignored"
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      return 1
    fi
    sleep 0.005
  done
  t1=$(date +%s%N)
  kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Wait for the window to go, so the next run cannot find this one.
  while find_viewable "$pattern" >/dev/null; do sleep 0.01; done
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }' >>"$work/$name.extms"
  echo "${kib:-0}" >>"$work/$name.extkib"
}

report () {
  # report KIND(ms|extms) KIB(kib|extkib) LABEL
  local ms=$1 kib=$2 label=$3 pm mm pk mk
  mm=$(median <"$work/minimal.$ms" 2>/dev/null || echo nan)
  mk=$(median <"$work/minimal.$kib" 2>/dev/null || echo nan)
  if [ "$have_poise" = 1 ] && [ -s "$work/poise.$ms" ]; then
    pm=$(median <"$work/poise.$ms")
    pk=$(median <"$work/poise.$kib")
    awk -v p="$pm" -v m="$mm" -v l="$label" 'BEGIN {
      printf "first-frame%s poise median %.1f ms, minimal %.1f ms, ratio %.2f (target <= 1.3)\n", l, p, m, p / m }'
    awk -v p="$pk" -v m="$mk" -v l="$label" 'BEGIN {
      printf "peak-rss%s poise %.1f MiB, minimal %.1f MiB, delta %.1f MiB (target <= 20)\n", l, p / 1024, m / 1024, (p - m) / 1024 }'
  else
    awk -v m="$mm" -v l="$label" 'BEGIN { printf "first-frame%s poise not built, minimal median %.1f ms\n", l, m }'
    awk -v m="$mk" -v l="$label" 'BEGIN { printf "peak-rss%s poise not built, minimal %.1f MiB\n", l, m / 1024 }'
  fi
}

# --- self-timed runs ------------------------------------------------------

# One unmeasured run each first: the first start of a session pays for the
# accessibility bus activation and cold file caches.
echo "warming up"
[ "$have_poise" = 1 ] && measure_hook warmup "$poise" >/dev/null
measure_hook warmup "$minimal" >/dev/null

for i in $(seq "$runs"); do
  [ "$have_poise" = 1 ] && measure_hook poise "$poise"
  measure_hook minimal "$minimal"
done

for n in poise minimal; do
  [ -s "$work/$n.ms" ] || continue
  printf '%s runs (first-frame ms / peak-rss KiB): ' "$n"
  paste -d/ "$work/$n.ms" "$work/$n.kib" | tr '\n' ' '
  echo
done

# --- external runs ---------------------------------------------------------

external=${POISE_BENCH_EXTERNAL:-0}
[ -n "$gte" ] && external=1
if [ "$external" = 1 ]; then
  if ! command -v xwininfo >/dev/null; then
    echo "xwininfo not found (install x11-utils, 'make bench-deps'): external method skipped"
    external=0
  fi
fi
if [ "$external" = 1 ]; then
  echo "external method: time to a viewable window (xwininfo), VmHWM before kill"
  [ -n "$gte" ] || echo "gnome-text-editor not installed: external method for poise and minimal only"
  # gnome-text-editor would restore a previous session and ask to save on
  # kill otherwise; the temporary HOME keeps it fresh.
  for i in $(seq "$runs"); do
    [ "$have_poise" = 1 ] && measure_external poise 'poise' "$poise"
    measure_external minimal 'bench-minimal-window' "$minimal"
    [ -n "$gte" ] && measure_external gte 'gnome-text-editor|TextEditor' "$gte" --standalone
  done
  if [ -n "$gte" ] && [ -s "$work/gte.extms" ]; then
    gm=$(median <"$work/gte.extms"); gk=$(median <"$work/gte.extkib")
    mm=$(median <"$work/minimal.extms"); mk=$(median <"$work/minimal.extkib")
    awk -v g="$gm" -v m="$mm" -v gk="$gk" -v mk="$mk" 'BEGIN {
      printf "external gnome-text-editor: window %.1f ms (ratio to minimal %.2f), peak-rss %.1f MiB (delta %.1f MiB)\n",
        g, g / m, gk / 1024, (gk - mk) / 1024 }'
  fi
  report extms extkib " (external)"
fi

echo "self-timed (first frame painted, POISE_BENCH_FIRST_FRAME):"
report ms kib ""
