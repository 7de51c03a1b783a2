#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real poise binary from outside, as a user would: real key
# presses and mouse clicks through the X server (XTest, via xdotool), and
# the accessible tree (AT-SPI) to find controls and see the result. Needs
# xvfb-run outside and dbus-run-session inside (make test does both).
# AT-SPI's own key synthesiser does not reach Xvfb here; XTest does.

import os
import subprocess
import sys
import tempfile
import time

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

POISE = sys.argv[1]
TIMEOUT = 15.0
failures = 0
PROC = None
test_number = 0


def ok(cond, name):
    global failures, test_number
    test_number += 1
    print(('ok' if cond else 'not ok') + f' {test_number} - {name}', flush=True)
    if not cond:
        failures += 1
    return cond


def wait_for(predicate, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == 'poise':
            return app
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


def find(app, role, name=None):
    for node in walk(app):
        try:
            if node.get_role() == role and (name is None or node.get_name() == name):
                # GTK 4.8 reports VISIBLE but never SHOWING.
                if node.get_state_set().contains(Atspi.StateType.VISIBLE):
                    return node
        except Exception:
            pass
    return None


def xdotool(*args):
    subprocess.run(['xdotool', *args], check=True, timeout=20)
    time.sleep(0.2)


def key(combo):
    xdotool('key', combo)


def type_text(text):
    xdotool('type', '--delay', '60', text)


def window_origin():
    # GTK 4 reports positions relative to its window only, so add where the
    # X window is (with no window manager it stays where it was mapped).
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(PROC.pid)],
                         capture_output=True, text=True, timeout=20).stdout.split()
    geometry = subprocess.run(['xdotool', 'getwindowgeometry', '--shell', out[-1]],
                              capture_output=True, text=True, timeout=20).stdout
    values = dict(line.split('=', 1) for line in geometry.split())
    return int(values['X']), int(values['Y'])


def move_to(node, dy=None):
    x0, y0 = window_origin()
    box = node.get_extents(Atspi.CoordType.WINDOW)
    y = box.y + (box.height // 2 if dy is None else dy)
    xdotool('mousemove', str(x0 + box.x + box.width // 2), str(y0 + y))


def click(node):
    move_to(node)
    xdotool('click', '1')


def checked(node):
    return node.get_state_set().contains(Atspi.StateType.CHECKED)


def main():
    env = dict(os.environ)
    env.pop('NO_AT_BRIDGE', None)
    env.pop('GTK_A11Y', None)
    env['LC_ALL'] = 'C.UTF-8'
    env['LANGUAGE'] = 'en'
    data = tempfile.mkdtemp(prefix='poise-keyboard-')
    env['XDG_DATA_HOME'] = data
    env['GSETTINGS_BACKEND'] = 'memory'

    global PROC
    proc = PROC = subprocess.Popen([POISE], env=env)
    try:
        app = wait_for(find_app)
        if not ok(app is not None, 'poise appears on the accessibility bus'):
            return
        ok(wait_for(lambda: find(app, Atspi.Role.FRAME)) is not None, 'the window is shown')

        # Without a window manager, X gives the keyboard to the window
        # under the pointer.
        frame = find(app, Atspi.Role.FRAME)
        move_to(frame, dy=frame.get_extents(Atspi.CoordType.WINDOW).height - 20)

        # Ctrl+F, type a word, Enter: the best match opens.
        key('ctrl+f')
        type_text('damaged')
        time.sleep(0.6)
        key('Return')
        def preview_text():
            # A label's accessible name is its text in GTK 4.8. The tree is
            # walked while the app rebuilds it, and a busy app may miss
            # AT-SPI's reply timeout: such a walk counts as "not yet", and
            # wait_for tries again (within its own bound).
            try:
                for node in walk(app):
                    name = node.get_name() or ''
                    if node.get_role() == Atspi.Role.LABEL and name.startswith('Hello ['):
                        return name
            except GLib.GError:
                pass
            return None

        text = wait_for(lambda: 'arrived damaged' in (preview_text() or '') and preview_text())
        if not ok(text, 'search and Enter open the damaged-item script'):
            return
        ok('[' in text, 'the empty blanks show in brackets')
        ack = find(app, Atspi.Role.CHECK_BOX, 'Acknowledge')
        ok(ack.get_state_set().contains(Atspi.StateType.FOCUSED),
           'the focus moves on to the checklist')

        # The keys 1 and 2 tick the first two steps.
        key('1')
        key('2')
        sym = find(app, Atspi.Role.CHECK_BOX, 'Sympathise')
        ok(wait_for(lambda: checked(ack)) is not None, 'key 1 ticks Acknowledge')
        ok(wait_for(lambda: checked(sym)) is not None, 'key 2 ticks Sympathise')
        key('2')
        ok(wait_for(lambda: not checked(sym)) is not None, 'key 2 again unticks it')

        # A mouse click ticks a step too.
        accept = find(app, Atspi.Role.CHECK_BOX, 'Accept responsibility')
        ok(accept is not None and not checked(accept), 'Accept responsibility starts unticked')
        click(accept)
        ok(wait_for(lambda: checked(accept)) is not None, 'a click ticks Accept responsibility')

        # Ctrl+Enter with empty blanks asks before copying.
        key('ctrl+Return')
        dialog = wait_for(lambda: find(app, Atspi.Role.LABEL, 'Copy With Empty Blanks?'))
        ok(dialog is not None, 'Ctrl+Enter with empty blanks asks first')
        key('Escape')
        ok(wait_for(lambda: find(app, Atspi.Role.LABEL, 'Copy With Empty Blanks?') is None) is not None,
           'Escape cancels the question')

        # Search again, walk into the results with Down, open the second
        # ("refund" finds refund-delayed, then compensation-demand).
        key('ctrl+f')
        key('ctrl+a')
        type_text('refund')
        time.sleep(0.6)
        key('Down')
        key('Down')
        key('Return')
        ok(wait_for(lambda: 'what you expect' in (preview_text() or '')) is not None,
           'Down, Down and Enter open the second result')
        ok(checked(ack), 'the checklist belongs to the conversation, not the scenario')
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run(['rm', '-rf', data])


if __name__ == '__main__':
    print('TAP version 13', flush=True)
    main()
    print(f'1..{test_number}', flush=True)
    sys.exit(1 if failures else 0)
