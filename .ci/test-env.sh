#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run a command the way tests and benchmarks run here: under one Xvfb
# (xvfb-run outside) with one private session bus (dbus-run-session inside),
# with a throw-away HOME and XDG dirs so nothing touches the real ones
# (Mesa's shader cache, GLib's autolaunched bus, app data), and with the
# schemas compiled into the build tree.
#
# Usage: .ci/test-env.sh COMMAND [ARG...]
# Env:   BUILDDIR (default build), POISE_SCREEN (default 1280x1024x24)

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-build}
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/poise-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/home" "$tmp/cache" "$tmp/data" "$tmp/config" "$tmp/runtime"
chmod 700 "$tmp/runtime"

export HOME="$tmp/home"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_DATA_HOME="$tmp/data"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_RUNTIME_DIR="$tmp/runtime"
export GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$builddir/data"
# A bus the caller left behind must not leak in: dbus-run-session starts one.
unset DBUS_SESSION_BUS_ADDRESS

xvfb-run -a -s "-screen 0 ${POISE_SCREEN:-1280x1024x24}" \
  dbus-run-session -- "$@"
