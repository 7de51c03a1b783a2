#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real poise binary from outside, as a user would: real key
# presses and mouse clicks through the X server (AT-SPI's synthesiser), and
# the accessible tree to see the result. Needs xvfb-run outside and
# dbus-run-session inside (make test does both).

import os
import subprocess
import sys
import tempfile
import time

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

POISE = sys.argv[1]
TIMEOUT = 15.0
failures = 0
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
                if node.get_state_set().contains(Atspi.StateType.SHOWING):
                    return node
        except Exception:
            pass
    return None


def key(keysym, modifiers=()):
    mods = {'ctrl': 0xffe3, 'alt': 0xffe9}
    for m in modifiers:
        Atspi.generate_keyboard_event(mods[m], None, Atspi.KeySynthType.PRESS | Atspi.KeySynthType.SYM)
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.PRESSRELEASE | Atspi.KeySynthType.SYM)
    for m in reversed(modifiers):
        Atspi.generate_keyboard_event(mods[m], None, Atspi.KeySynthType.RELEASE | Atspi.KeySynthType.SYM)
    time.sleep(0.15)


def type_text(text):
    for ch in text:
        key(ord(ch))


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

    proc = subprocess.Popen([POISE], env=env)
    try:
        app = wait_for(find_app)
        if not ok(app is not None, 'poise appears on the accessibility bus'):
            return
        ok(wait_for(lambda: find(app, Atspi.Role.FRAME)) is not None, 'the window is shown')

        # Ctrl+F, type a word, Enter: the best match opens.
        key(ord('f'), ('ctrl',))
        type_text('damaged')
        time.sleep(0.6)
        key(0xff0d)  # Return
        steps = wait_for(lambda: find(app, Atspi.Role.CHECK_BOX, 'Acknowledge'))
        if not ok(steps is not None, 'search and Enter open a scenario with its checklist'):
            return

        title = wait_for(lambda: find(app, Atspi.Role.LABEL, 'Damaged item'))
        ok(title is not None, 'the damaged-item scenario is shown')

        # The keys 1 and 2 tick the first two steps.
        key(ord('1'))
        key(ord('2'))
        ack = find(app, Atspi.Role.CHECK_BOX, 'Acknowledge')
        sym = find(app, Atspi.Role.CHECK_BOX, 'Sympathise')
        ok(wait_for(lambda: checked(ack)) is not None, 'key 1 ticks Acknowledge')
        ok(wait_for(lambda: checked(sym)) is not None, 'key 2 ticks Sympathise')
        key(ord('2'))
        ok(wait_for(lambda: not checked(sym)) is not None, 'key 2 again unticks it')

        # A mouse click ticks a step too.
        accept = find(app, Atspi.Role.CHECK_BOX, 'Accept responsibility')
        ok(accept is not None and not checked(accept), 'Accept responsibility starts unticked')
        box = accept.get_extents(Atspi.CoordType.SCREEN)
        Atspi.generate_mouse_event(box.x + box.width // 2, box.y + box.height // 2, 'b1c')
        ok(wait_for(lambda: checked(accept)) is not None, 'a click ticks Accept responsibility')

        # Ctrl+Enter with empty blanks asks before copying.
        key(0xff0d, ('ctrl',))
        dialog = wait_for(lambda: find(app, Atspi.Role.LABEL, 'Copy With Empty Blanks?'))
        ok(dialog is not None, 'Ctrl+Enter with empty blanks asks first')
        key(0xff1b)  # Escape
        ok(wait_for(lambda: find(app, Atspi.Role.LABEL, 'Copy With Empty Blanks?') is None) is not None,
           'Escape cancels the question')
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
