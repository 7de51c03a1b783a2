#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run the whole meson test suite in the hermetic test environment and end
# with the line "N passed, N failed[, N skipped]" counted from meson's
# testlog.json. Exits non-zero if anything failed.
#
# Usage: .ci/run-tests.sh [meson test args...]   (BUILDDIR, default build)

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
builddir=${BUILDDIR:-build}
log="$builddir/meson-logs/testlog.json"

# A stale log from an earlier run must not be counted as this one's.
rm -f "$log" "$builddir/meson-logs/summary.txt"

"$root/.ci/test-env.sh" \
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
rc=$?

python=/usr/bin/python3
[ -x "$python" ] || python=python3

"$python" - "$log" "$rc" <<'PY'
import json, sys

path, rc = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
names = []
try:
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            r = t.get('result')
            if r in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif r == 'SKIP':
                skipped += 1
            else:
                failed += 1
                names.append(f"{t.get('name')} ({r})")
except FileNotFoundError:
    print(f'{path} not written: meson test did not run (exit status {rc})')
    failed += 1
if rc != 0 and failed == 0:
    # e.g. the build failed: meson ran nothing yet still failed.
    print(f'meson test exited with status {rc}')
    failed += 1
for n in names:
    print(f'failed: {n}')
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
# .ci/run repeats this after make's own error line, so it stays the last line.
try:
    with open(path.rsplit('/', 1)[0] + '/summary.txt', 'w', encoding='utf-8') as f:
        f.write(line + '\n')
except OSError:
    pass
sys.exit(1 if failed else 0)
PY
