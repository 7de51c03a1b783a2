#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run every meson test suite in the hermetic test environment and end with
# the line "N passed, N failed[, N skipped]" counted from meson's
# testlog.json files. Exits non-zero if anything failed.
#
# Passes, each in its own build dir:
#   BUILDDIR (default build)   everything
#   ASAN_BUILDDIR (if set)     core, server and sync suites under
#                              AddressSanitizer + UBSan, plus the canaries
#   FUZZ_BUILDDIR (if set)     each libFuzzer target for FUZZ_SECONDS
#
# Usage: .ci/run-tests.sh [meson test args for the first pass...]

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
builddir=${BUILDDIR:-build}
logs=""
rcs=""

# run_pass LABEL BUILDDIR LOGNAME MESON-TEST-ARGS...
# (meson names the log after the test setup: testlog-SETUP.json)
run_pass () {
  label=$1 dir=$2 log=$dir/meson-logs/$3.json
  shift 3
  # A stale log from an earlier run must not be counted as this one's.
  rm -f "$log" "$dir/meson-logs/summary.txt"
  "$root/.ci/test-env.sh" meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
  rcs="$rcs $label=$?"
  logs="$logs $label=$log"
}

run_pass main "$builddir" testlog "$@"

if [ -n "${ASAN_BUILDDIR:-}" ]; then
  # Only suites that exist in this tree (meson rejects unknown ones).
  suites=$(meson test -C "$ASAN_BUILDDIR" --list 2>/dev/null |
           sed -n 's/^poise:\(core\|server\|sync\|admin\|sanitizers\) \/.*/--suite \1/p' | sort -u)
  # shellcheck disable=SC2086
  run_pass asan "$ASAN_BUILDDIR" testlog-sanitize --setup sanitize $suites
fi

if [ -n "${FUZZ_BUILDDIR:-}" ]; then
  export FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
  run_pass fuzz "$FUZZ_BUILDDIR" testlog --suite fuzz --num-processes 1
fi

python=/usr/bin/python3
[ -x "$python" ] || python=python3

"$python" - "$builddir" "$rcs" $logs <<'PY'
import json, sys

builddir, rcs, logs = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
rc_of = dict(item.split('=', 1) for item in rcs)
passed = failed = skipped = 0
names = []
for item in logs:
    label, path = item.split('=', 1)
    rc = int(rc_of.get(label, '1'))
    counted = 0
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                t = json.loads(line)
                r = t.get('result')
                counted += 1
                if r in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                elif r == 'SKIP':
                    skipped += 1
                else:
                    failed += 1
                    names.append(f"{label}: {t.get('name')} ({r})")
    except FileNotFoundError:
        print(f'{path} not written: meson test did not run (exit status {rc})')
        failed += 1
        continue
    if rc != 0 and not any(n.startswith(label + ':') for n in names):
        # e.g. the build failed: meson ran nothing yet still failed.
        print(f'{label}: meson test exited with status {rc}')
        failed += 1
for n in names:
    print(f'failed: {n}')
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
# .ci/run repeats this after make's own error line, so it stays the last line.
try:
    with open(builddir + '/meson-logs/summary.txt', 'w', encoding='utf-8') as f:
        f.write(line + '\n')
except OSError:
    pass
sys.exit(1 if failed else 0)
PY
