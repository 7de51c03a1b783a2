#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End to end: a real poise-server and two real poise processes, alice and
# bob, each with its own HOME and XDG dirs. Both are set up the way
# Preferences' Connect leaves them: the server address in GSettings (the
# keyfile backend, written before start) and the token in the Secret
# Service (stored by poise-e2e-tool through poise-credentials.c, the code
# the app uses). alice runs on a session bus of her own; bob on the test's,
# where this script drives his window through AT-SPI.
#
# Bob writes a note and a follow-up and hands the follow-up over to alice;
# each must reach alice's store within a few seconds, i.e. live, through
# the server's poke. Loopback only; every wait is bounded.
#
# Usage: test-e2e.py POISE POISE_SERVER POISE_E2E_TOOL   (under xvfb-run and
# dbus-run-session, as make test runs it)

import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

# get_editable_text_iface() is the only way to ask in libatspi 2.46.
warnings.filterwarnings('ignore', category=DeprecationWarning)

POISE, SERVER, TOOL = sys.argv[1:4]
TIMEOUT = 20.0
LIVE = 5.0   # "within a couple of seconds", with room for a loaded machine
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


def agent_env(root, name, url):
    env = dict(os.environ)
    base = os.path.join(root, name)
    for sub in ('home', 'data', 'config', 'cache', 'runtime'):
        os.makedirs(os.path.join(base, sub), mode=0o700)
    env.update({
        'HOME': os.path.join(base, 'home'),
        'XDG_DATA_HOME': os.path.join(base, 'data'),
        'XDG_CONFIG_HOME': os.path.join(base, 'config'),
        'XDG_CACHE_HOME': os.path.join(base, 'cache'),
        'XDG_RUNTIME_DIR': os.path.join(base, 'runtime'),
        'GSETTINGS_BACKEND': 'keyfile',
        'POISE_SECRET_COLLECTION': 'session',
        'LC_ALL': 'C.UTF-8',
        'LANGUAGE': 'en',
    })
    settings = os.path.join(base, 'config', 'glib-2.0', 'settings')
    os.makedirs(settings)
    with open(os.path.join(settings, 'keyfile'), 'w', encoding='utf-8') as f:
        f.write('[io/github/poisedesk/Poise]\n'
                f"server-url='{url}'\n"
                "visible-page='notes'\n"
                'run-in-background=false\n')
    return env


def tool(env, *args):
    return subprocess.run([TOOL, *args], env=env, capture_output=True, text=True,
                          timeout=30).stdout


def rows(env, *args):
    return [line.split('\t') for line in tool(env, *args).splitlines() if line]


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def named(node, name):
    # GTK 4.8 names a button with a mnemonic "_Save Save".
    have = (node.get_name() or '').replace('_', '')
    return have == name or have.endswith(' ' + name) and have.startswith(name)


def find(root, roles, name):
    for node in walk(root):
        try:
            if node.get_role() in roles and named(node, name) and \
               node.get_state_set().contains(Atspi.StateType.VISIBLE):
                return node
        except Exception:
            pass
    return None


def find_window(app, title):
    for i in range(app.get_child_count()):
        window = app.get_child_at_index(i)
        if window is not None and window.get_name() == title:
            return window
    return None


def editables(root):
    found = []
    for node in walk(root):
        try:
            if node.get_editable_text_iface() is not None and \
               node.get_state_set().contains(Atspi.StateType.EDITABLE):
                found.append(node)
        except Exception:
            pass
    return found


def describe(root):
    """What is there, for a failure message: role and name of each node."""
    names = []
    for node in walk(root):
        try:
            names.append(f'{node.get_role_name()}:{node.get_name()!r}')
        except Exception:
            pass
    return ' '.join(names)


def point_at(pid):
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(pid)],
                         capture_output=True, text=True, timeout=20).stdout.split()
    if not out:
        return False
    subprocess.run(['xdotool', 'windowraise', out[-1]], timeout=20, check=True)
    subprocess.run(['xdotool', 'mousemove', '--window', out[-1], '200', '300'], timeout=20, check=True)
    time.sleep(0.3)
    return True


def point_at_process_tree(pid):
    # alice's poise runs under dbus-run-session and sh: find its window by
    # any process of the group.
    group = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pid:
                    group.append(int(entry))
            except OSError:
                pass
    return any(point_at(p) for p in group)


def press(node):
    # A menu button's action sits on the toggle button inside it.
    for candidate in walk(node):
        try:
            if candidate.get_action_iface() is not None and Atspi.Action.get_n_actions(candidate) > 0:
                return Atspi.Action.do_action(candidate, 0)
        except Exception:
            pass
    return False


BUTTONS = (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON)


def main(root):
    # The server, with the two agents.
    db = os.path.join(root, 'server.db')
    tokens = {}
    for name in ('alice', 'bob'):
        tokens[name] = subprocess.run([SERVER, 'user', 'add', name, '--role', 'agent', '--db', db],
                                      capture_output=True, text=True, check=True,
                                      timeout=30).stdout.strip()
    server = subprocess.Popen([SERVER, 'serve', '--db', db, '--port', '0'],
                              stdout=subprocess.PIPE, text=True)
    processes = [server]
    logs = []
    try:
        line = server.stdout.readline()
        if not ok(line.startswith('listening on http://127.0.0.1:'), 'poise-server listens on loopback'):
            return
        url = line.split('listening on ', 1)[1].strip()

        # alice: her own session bus, hence her own Secret Service.
        alice = agent_env(root, 'alice', url)
        alice.pop('DBUS_SESSION_BUS_ADDRESS', None)
        alice['NO_AT_BRIDGE'] = '1'
        alice_log = open(os.path.join(root, 'alice.log'), 'w+', encoding='utf-8')
        logs.append(('alice', alice_log))
        alice_proc = subprocess.Popen(
            ['dbus-run-session', '--', 'sh', '-c', '"$0" secret "$1" "$2" && exec "$3"',
             TOOL, url, tokens['alice'], POISE],
            env=alice, start_new_session=True, stdout=alice_log, stderr=subprocess.STDOUT)
        processes.append(alice_proc)

        # bob: on this session bus, visible to AT-SPI here.
        bob = agent_env(root, 'bob', url)
        bob.pop('NO_AT_BRIDGE', None)
        bob.pop('GTK_A11Y', None)
        ok(subprocess.run([TOOL, 'secret', url, tokens['bob']], env=bob, timeout=30).returncode == 0,
           "bob's token goes to the keyring")
        bob_log = open(os.path.join(root, 'bob.log'), 'w+', encoding='utf-8')
        logs.append(('bob', bob_log))
        bob_proc = subprocess.Popen([POISE], env=bob, start_new_session=True,
                                    stdout=bob_log, stderr=subprocess.STDOUT)
        processes.append(bob_proc)

        app = wait_for(lambda: find_app(bob_proc.pid))
        if not ok(app is not None, "bob's Poise appears on the accessibility bus"):
            print(f'# bob: exit status {bob_proc.poll()}; on the bus: ' +
                  describe(Atspi.get_desktop(0)), flush=True)
            return
        synced = wait_for(lambda: find(app, BUTTONS, 'Team Sync: Synced'))
        if not ok(synced is not None, "bob's header bar says Synced"):
            return
        # alice has synced once her store has been pulled into (cursor set);
        # give her the same bounded time before measuring what is live.
        wait_for(lambda: os.path.exists(os.path.join(alice['XDG_DATA_HOME'], 'poise', 'poise.db')))
        time.sleep(2)

        # A note, written in bob's window, reaches alice's store.
        ok(press(find(app, BUTTONS, 'New note')), 'New Note opens the editor')
        dialog = wait_for(lambda: find_window(app, 'Note'))
        if not ok(dialog is not None, 'the note editor is shown'):
            return
        fields = wait_for(lambda: len(editables(dialog)) == 3 and editables(dialog))
        if not ok(fields, 'it has reference, tags and text'):
            return
        Atspi.EditableText.set_text_contents(fields[0], 'E2E-100')
        Atspi.EditableText.set_text_contents(fields[1], 'e2e')
        Atspi.EditableText.set_text_contents(fields[2], 'Promised a callback by the billing team')
        time.sleep(0.3)
        if not ok(press(find(dialog, BUTTONS, 'Save')), 'Save'):
            print('# ' + describe(dialog), flush=True)
        saved = time.monotonic()
        note = wait_for(lambda: [r for r in rows(alice, 'notes') if r[1] == 'E2E-100'], timeout=LIVE)
        ok(note and note[0][2] == 'Promised a callback by the billing team',
           f"the note is in alice's store {time.monotonic() - saved:.1f} s later")

        # A follow-up, from bob's window, reaches alice's store too: the
        # keyboard way, Ctrl+Shift+N (without a window manager X gives the
        # keys to the window under the pointer: put it over bob's).
        ok(point_at(bob_proc.pid), "the pointer is over bob's window")
        subprocess.run(['xdotool', 'key', 'ctrl+shift+n'], timeout=20, check=True)
        dialog = wait_for(lambda: find_window(app, 'Follow-up'))
        if not ok(dialog is not None, 'the follow-up editor is shown'):
            print('# windows: ' + ' '.join(repr(app.get_child_at_index(i).get_name())
                                           for i in range(app.get_child_count())), flush=True)
            return
        fields = wait_for(lambda: editables(dialog))
        Atspi.EditableText.set_text_contents(fields[0], 'Call back about the E2E credit note')
        time.sleep(0.3)
        ok(press(find(dialog, BUTTONS, 'Save')), 'Save')
        saved = time.monotonic()

        def alice_has(owner):
            return [r for r in rows(alice, 'follow-ups', owner)
                    if r[2] == 'Call back about the E2E credit note']

        ok(wait_for(lambda: alice_has('-'), timeout=LIVE),
           f"the follow-up is in alice's store {time.monotonic() - saved:.1f} s later")
        ok(not alice_has('alice'), "it is bob's: not in alice's list")

        # bob hands it over to alice: it lands in her list.
        more = wait_for(lambda: find(app, BUTTONS, 'More actions'))
        if not ok(press(more), "the follow-up's menu opens"):
            return
        item = wait_for(lambda: find(app, (Atspi.Role.MENU_ITEM, Atspi.Role.PUSH_BUTTON), 'Hand Over…'))
        ok(press(item), 'Hand Over… is in it')
        hand_over = wait_for(lambda: find(app, BUTTONS, 'Hand Over'))
        if not ok(hand_over is not None, 'the hand-over dialog offers alice'):
            return
        ok(press(hand_over), 'Hand Over')
        handed = time.monotonic()
        mine = wait_for(lambda: alice_has('alice'), timeout=LIVE)
        ok(mine and mine[0][1] == 'alice',
           f"the follow-up is in alice's list {time.monotonic() - handed:.1f} s later")

        # The other way: alice types a note (real keys, into her window),
        # and it shows on bob's Notes page.
        if not ok(point_at_process_tree(alice_proc.pid), "the pointer is over alice's window"):
            return
        for keys in ('ctrl+3', 'ctrl+n'):
            subprocess.run(['xdotool', 'key', keys], timeout=20, check=True)
            time.sleep(0.5)
        subprocess.run(['xdotool', 'type', '--delay', '40', 'E2E-200'], timeout=60, check=True)
        subprocess.run(['xdotool', 'key', 'Tab', 'Tab'], timeout=20, check=True)
        subprocess.run(['xdotool', 'type', '--delay', '40', 'Alice sent the voucher'], timeout=60,
                       check=True)
        subprocess.run(['xdotool', 'key', 'ctrl+s'], timeout=20, check=True)
        typed = time.monotonic()
        ok(wait_for(lambda: [r for r in rows(alice, 'notes') if r[1] == 'E2E-200'], timeout=LIVE),
           "alice's note is in her store")
        # (A page tab's AT-SPI action does not switch pages in libadwaita
        # 1.2: Ctrl+3 in bob's window does.)
        ok(point_at(bob_proc.pid), "the pointer is over bob's window")
        subprocess.run(['xdotool', 'key', 'ctrl+3'], timeout=20, check=True)
        shown = wait_for(lambda: find(app, (Atspi.Role.LABEL,), 'Alice sent the voucher'), timeout=LIVE)
        if not ok(shown is not None,
                  f"alice's note shows in bob's window {time.monotonic() - typed:.1f} s after Ctrl+S"):
            print(f"# bob's store: {rows(bob, 'notes')}", flush=True)
            print('# ' + ' '.join(n.get_name() for n in walk(find_window(app, 'Poise'))
                                  if n.get_role() == Atspi.Role.LABEL), flush=True)
        ok(alice_proc.poll() is None and bob_proc.poll() is None, 'both apps are still running')
    finally:
        # What the apps said, when something failed: the first thing to read.
        if failures:
            for name, log in logs:
                log.seek(0)
                for line in log.read().splitlines()[-15:]:
                    print(f'# {name}: {line}', flush=True)
        for process in reversed(processes):
            try:
                if process is server:
                    process.terminate()
                else:
                    os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    if process is server:
                        process.kill()
                    else:
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    pass


if __name__ == '__main__':
    print('TAP version 13', flush=True)
    with tempfile.TemporaryDirectory(prefix='poise-e2e-') as root:
        main(root)
    print(f'1..{test_number}', flush=True)
    sys.exit(1 if failures else 0)
