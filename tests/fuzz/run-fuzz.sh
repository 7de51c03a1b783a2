#!/bin/sh
# Runs one libFuzzer target for FUZZ_SECONDS (default 10) on its seeds.
#
# Usage: run-fuzz.sh TARGET SEED_DIR WORK_DIR [LIBFUZZER-OPTION...]
#
# WORK_DIR/corpus collects what the fuzzer finds (kept between runs, so
# longer runs build on shorter ones); WORK_DIR/crash-* are the inputs that
# failed, to be added to the seeds once fixed. Each run appends
# "TARGET SECONDS" to WORK_DIR/../seconds.log after a clean run for docs/testing.md.
set -eu

target=$1
seeds=$2
work=$3
shift 3
seconds=${FUZZ_SECONDS:-10}
name=$(basename "$target")

mkdir -p "$work/corpus"

# One process, bounded in time and memory; leaks count as failures.
if ! "$target" \
  -max_total_time="$seconds" \
  -rss_limit_mb=2048 \
  -max_len=1048576 \
  -timeout=10 \
  -print_final_stats=1 \
  -artifact_prefix="$work/crash-" \
  "$@" \
  "$work/corpus" "$seeds"
then
  echo "$name: the failing input is in $work/crash-*" >&2
  exit 1
fi

# Only clean runs count towards the hours in docs/testing.md.
echo "$name $seconds" >> "$work/../seconds.log"
