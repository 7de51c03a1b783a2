#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Take the screenshots the metainfo points to: docs/screenshots/main.png
# (1200x800) and docs/screenshots/narrow.png (360 px wide), from the built,
# uninstalled poise under Xvfb with a private bus and a temporary HOME.
#
# The window size comes from poise's own settings (window-width and
# window-height), written with `gsettings set` into a throw-away keyfile
# backend, so nothing in the app needs a screenshot mode.
#
# Env: BUILDDIR (default build), OUTDIR (default docs/screenshots),
#      POISE_SHOT_DELAY seconds to wait after the window shows (default 8:
#      the first start in a new session bus is slow to draw).
# Needs: xwininfo (x11-utils) and import (imagemagick): make bench-deps deps.

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DISPLAY:-}" ]; then
  POISE_SCREEN=${POISE_SCREEN:-1280x1024x24} exec "$root/.ci/test-env.sh" "$0" "$@"
fi

builddir=${BUILDDIR:-build}
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac
outdir=${OUTDIR:-$root/docs/screenshots}
delay=${POISE_SHOT_DELAY:-8}
poise=$builddir/src/app/poise
schema_id=io.github.poisedesk.Poise

for tool in xwininfo import gsettings; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found: run 'make deps bench-deps'"
    exit 1
  fi
done
if [ ! -x "$poise" ]; then
  echo "poise not built ($poise missing): run 'make build' first"
  exit 1
fi
mkdir -p "$outdir"

work=$(mktemp -d "${TMPDIR:-/tmp}/poise-shots.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Settings persist in a keyfile in a temporary config dir, so gsettings can
# set them before the app starts (the memory backend forgets at exit).
export GSETTINGS_SCHEMA_DIR=$builddir/data
export GSETTINGS_BACKEND=keyfile
export XDG_CONFIG_HOME=$work/config
# English UI and scripts, the light style, whatever the machine's locale.
export LANGUAGE=en LC_ALL=C.UTF-8
export ADW_DISABLE_PORTAL=1

# A conversation in progress: a scenario open, two ASAP steps ticked, the
# blanks filled but the date, which shows how an empty blank is marked.
export XDG_DATA_HOME=$work/data
mkdir -p "$XDG_DATA_HOME/poise"
cat >"$XDG_DATA_HOME/poise/conversation.json" <<'JSON'
{"version": 1, "scenario_id": "damaged-item", "started_at": "2026-11-23T09:12:00Z",
 "steps": ["acknowledge", "sympathise"],
 "values": {"name": "Ms Weber", "agent": "Sam", "item": "coffee grinder"}}
JSON
# and a few promises on the Follow-ups page.
store_tool=$builddir/tests/ui/poise-test-store
if [ -x "$store_tool" ]; then
  now=$(date +%s)
  "$store_tool" add "$(cat /proc/sys/kernel/random/uuid)" $((now - 5400)) "Ms Weber" \
    "If the grinder has not arrived by Friday, I will contact you personally."
  "$store_tool" add "$(cat /proc/sys/kernel/random/uuid)" $((now + 2700)) "Mr Okafor" \
    "Call back with the refund confirmation."
  "$store_tool" add "$(cat /proc/sys/kernel/random/uuid)" $((now + 12000)) "Jana Berger" \
    "Send the free returns label by email."
  "$store_tool" add "$(cat /proc/sys/kernel/random/uuid)" $((now + 93600)) "Mrs Lindqvist" \
    "Check that the replacement arrived in one piece."
fi

# find_window: id of poise's viewable top-level window.
find_window () {
  local id
  for id in $(xwininfo -root -children 2>/dev/null | grep -i 'poise' | awk '$1 ~ /^0x/ { print $1 }'); do
    if xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable'; then
      echo "$id"
      return 0
    fi
  done
  return 1
}

# shoot NAME WIDTH HEIGHT [PAGE]
shoot () {
  local name=$1 width=$2 height=$3 page=${4:-conversation} pid id info x y w h i
  gsettings set $schema_id window-width "$width"
  gsettings set $schema_id window-height "$height"
  gsettings set $schema_id window-maximized false
  gsettings set $schema_id color-scheme "'light'"
  gsettings set $schema_id script-language "'en'"
  gsettings set $schema_id visible-page "'$page'"

  "$poise" >"$work/$name.log" 2>&1 &
  pid=$!
  id=""
  for i in $(seq 200); do          # up to 20 s
    id=$(find_window) && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$id" ]; then
    echo "$name: poise showed no window; its output:"
    sed 's/^/  /' "$work/$name.log"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    return 1
  fi

  # Let it load its data, settle the layout and finish animations.
  sleep "$delay"

  info=$(xwininfo -id "$id")
  x=$(echo "$info" | awk '/Absolute upper-left X:/ { print $4 }')
  y=$(echo "$info" | awk '/Absolute upper-left Y:/ { print $4 }')
  w=$(echo "$info" | awk '/Width:/ { print $2 }')
  h=$(echo "$info" | awk '/Height:/ { print $2 }')
  # Xvfb runs no window manager: the window sits at its own position with
  # GTK's client-side decorations only, so its geometry is the whole shot.
  import -window root -crop "${w}x${h}+${x}+${y}" +repage "$outdir/$name.png"
  echo "$name: window ${w}x${h}+${x}+${y} -> $outdir/$name.png"
  if [ "$w" != "$width" ]; then
    echo "$name: warning: asked for width $width, got $w (the app's minimum size?)"
  fi

  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  while find_window >/dev/null; do sleep 0.1; done
}

rc=0
shoot main 1200 800 || rc=1
shoot narrow 360 720 || rc=1
shoot follow-ups 1000 700 follow-ups || rc=1
exit $rc
